package main

import (
	"context"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
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
	org, err := mockorg.New(mockorg.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = org.Close() })
	var limitsReads atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/limits") {
			limitsReads.Add(1)
		}
		org.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	client, err := orgapi.New(orgapi.Config{InstanceURL: ts.URL, ClientID: "MockorgAdminKey0001", ClientSecret: "MockorgAdminSecret0001"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		noCalls bool
		want    int32
	}{{false, 1}, {true, 0}} {
		limitsReads.Store(0)
		var diags diag.Diagnostics
		r := &bareResource{client: client, noCalls: tc.noCalls}
		if !r.call(context.Background(), &diags) || diags.HasError() {
			t.Fatalf("noCalls=%v: the operation failed: %v", tc.noCalls, diags)
		}
		if got := limitsReads.Load(); got != tc.want {
			t.Errorf("noCalls=%v: %d API calls, want %d", tc.noCalls, got, tc.want)
		}
	}
}
