package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Salesforce compares usernames, email addresses and the API names of connected apps, External
// Client Apps, permission sets and profiles ignoring case (SALESFORCE.md, Names and case): the org
// finds Partner_API under partner_api, and may return a username in another case than the one
// configured. The provider compares them the same way, so a configuration that spells one of them
// in another case than the org neither shows a diff nor replaces anything.
//
// The spelling the configuration (or the import id) chose is what state keeps: the framework's
// semantic equality would do the same on Create, Read and Update, but not at plan, where a
// spelling that only differs in case would still force a replacement, and not for the identity.

// keepSpelling returns prior when the org's value is the same name in another case, else the
// org's value.
func keepSpelling(prior, org types.String) types.String {
	if sameName(prior, org) {
		return prior
	}
	return org
}

// sameName reports whether two known values name the same thing as Salesforce compares names.
func sameName(a, b types.String) bool {
	return !a.IsNull() && !a.IsUnknown() && !b.IsNull() && !b.IsUnknown() && strings.EqualFold(a.ValueString(), b.ValueString())
}

// requiresReplaceIgnoringCase replaces the resource when the attribute names another object, and
// only updates the spelling in state when it names the same one in another case.
func requiresReplaceIgnoringCase() planmodifier.String {
	const desc = "Naming another object replaces the resource; the same name in another case only changes its spelling in state."
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !sameName(req.StateValue, req.PlanValue)
		}, desc, desc)
}

// updateSpelling is the Update of a resource whose attributes all force replacement except a
// change of case (requiresReplaceIgnoringCase): the org holds the same object under the same
// names, so nothing is written and state takes the configured spelling.
func updateSpelling(ctx context.Context, key identityKey, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw.Copy()
	key.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}
