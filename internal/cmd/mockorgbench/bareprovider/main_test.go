package main

import (
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
