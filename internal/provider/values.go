package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Conversions between what orgapi returns and Terraform values, shared by every model's
// toAPI/setFrom. The org reports an absent value as "" or nil, and configuration expresses it as
// null: mapping one to the other in one place keeps a refresh from showing a diff between them.

// nullIfEmpty maps a value the org leaves out to null (the validators refuse "", so configuration
// never holds an empty string).
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// valueOr stands in a default the org applies but does not report.
func valueOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// nonNil gives an absent list as an empty one, because the framework builds a null collection
// from a nil slice and the schema's collections are never null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// deref reads a flag the org may leave out as false, Salesforce's default for every switch.
func deref(b *bool) bool { return b != nil && *b }

// stringSet returns the known elements of s, sorted.
func stringSet(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}
