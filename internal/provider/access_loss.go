package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The failure mode for pipelines (ARCHITECTURE.md, Access impact): access_loss = "fail" turns a
// planned loss of API access that expected_access_loss does not name into a plan error.

const (
	envAccessLoss         = "SFACCESS_ACCESS_LOSS"
	envExpectedAccessLoss = "SFACCESS_EXPECTED_ACCESS_LOSS"
	accessLossWarn        = "warn"
	accessLossFail        = "fail"
)

func accessLossAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"access_loss": schema.StringAttribute{
			MarkdownDescription: "What a plan does when a change would cut a user off from a connected app they " +
				"use (from the org's OAuth usage, `OauthToken`): `warn` (the default) reports who and why as a " +
				"warning; `fail` makes every loss that `expected_access_loss` does not name a plan error, so a " +
				"pipeline stops before apply. Falls back to `" + envAccessLoss + "`.",
			Optional: true,
		},
		"expected_access_loss": schema.SetAttribute{
			MarkdownDescription: "Losses of API access that `access_loss = \"fail\"` lets through: a username " +
				"(`partner@acme.test`, every app of that user), a connected app's API name (`Workbench`, every " +
				"user of that app), or `username/app` (one pair). Falls back to `" + envExpectedAccessLoss +
				"`, comma-separated.",
			ElementType: types.StringType,
			Optional:    true,
		},
	}
}

// accessLossPolicy is what the provider does with a planned loss of access.
type accessLossPolicy struct {
	fail     bool
	expected []string
}

// expects reports whether the loss of app by username is named in expected_access_loss.
func (p accessLossPolicy) expects(username, app string) bool {
	return slices.Contains(p.expected, username) || slices.Contains(p.expected, app) ||
		slices.Contains(p.expected, username+"/"+app)
}

// resolveAccessLoss reads access_loss and expected_access_loss, each falling back to its
// environment variable; unknown values count as unset (the default, warn).
func resolveAccessLoss(ctx context.Context, mode types.String, expected types.Set, getenv func(string) string, diags *diag.Diagnostics) accessLossPolicy {
	var p accessLossPolicy
	value, source := strings.TrimSpace(getenv(envAccessLoss)), envAccessLoss
	if !mode.IsNull() && !mode.IsUnknown() {
		value, source = mode.ValueString(), "access_loss"
	}
	switch value {
	case "", accessLossWarn:
	case accessLossFail:
		p.fail = true
	default:
		diags.AddAttributeError(path.Root("access_loss"), "Invalid Access Loss Mode",
			fmt.Sprintf("%s is %q; it must be %q (report lost access as a warning, the default) or %q (fail the plan "+
				"for a loss expected_access_loss does not name).", source, value, accessLossWarn, accessLossFail))
	}
	switch {
	case !expected.IsNull() && !expected.IsUnknown():
		p.expected = stringSet(ctx, expected, diags)
	case getenv(envExpectedAccessLoss) != "":
		for _, e := range strings.Split(getenv(envExpectedAccessLoss), ",") {
			if e = strings.TrimSpace(e); e != "" {
				p.expected = append(p.expected, e)
			}
		}
	}
	return p
}

// resolveAccessLossFromEnv is resolveAccessLoss with the process environment.
func resolveAccessLossFromEnv(ctx context.Context, mode types.String, expected types.Set, diags *diag.Diagnostics) accessLossPolicy {
	return resolveAccessLoss(ctx, mode, expected, os.Getenv, diags)
}
