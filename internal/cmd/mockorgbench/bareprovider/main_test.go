package main

import (
	"context"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// Terraform rejects an apply whose new state still holds unknown values, and one that changes a
// value the plan already knew: known must settle the first and keep the second.
func TestKnownSettlesOnlyWhatThePlanLeftOpen(t *testing.T) {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": tftypes.String, "name": tftypes.String, "count": tftypes.Number, "blocked": tftypes.Bool,
		"scopes": tftypes.List{ElementType: tftypes.String},
	}}
	plan := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":      tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"name":    tftypes.NewValue(tftypes.String, "Bench_App_0"),
		"count":   tftypes.NewValue(tftypes.Number, tftypes.UnknownValue),
		"blocked": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue),
		"scopes":  tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue),
	})
	got, err := known(plan)
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsFullyKnown() {
		t.Fatalf("known(plan) = %v still holds unknown values", got)
	}
	want := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":      tftypes.NewValue(tftypes.String, "bare"),
		"name":    tftypes.NewValue(tftypes.String, "Bench_App_0"),
		"count":   tftypes.NewValue(tftypes.Number, big.NewFloat(0)),
		"blocked": tftypes.NewValue(tftypes.Bool, false),
		"scopes":  tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, nil),
	})
	if !got.Equal(want) {
		t.Errorf("known(plan) = %v, want %v", got, want)
	}
}

// The bench reads the bare provider as "one call per operation", and the no-calls variant as
// "none": an operation must make exactly that many, and succeed either way.
func TestEachOperationMakesOneCallOrNone(t *testing.T) {
	org := mockorgtest.Start(t, mockorg.Config{})
	client, err := orgapi.New(orgapi.Config{InstanceURL: org.URL, ClientID: mockorgtest.AdminClientID, ClientSecret: mockorgtest.AdminClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		noCalls bool
		want    int
	}{{false, 1}, {true, 0}} {
		org.ResetStats(t)
		var diags diag.Diagnostics
		r := &bareResource{client: client, noCalls: tc.noCalls}
		if !r.call(context.Background(), &diags) || diags.HasError() {
			t.Fatalf("noCalls=%v: the operation failed: %v", tc.noCalls, diags)
		}
		if got := org.Stats(t).ByOperation["rest:limits"]; got != tc.want {
			t.Errorf("noCalls=%v: %d API calls, want %d", tc.noCalls, got, tc.want)
		}
	}
}
