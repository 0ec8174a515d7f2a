package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

const envMinAPIRequests = "SFACCESS_MIN_API_REQUESTS_REMAINING"

func minAPIRequestsAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Stop before any resource is read or changed when the org has fewer API requests left " +
			"of its daily allocation (`DailyApiRequests` in `/limits`, read once when the provider starts) than this, " +
			"so that a run does not use up what other integrations of the org need. `0` or unset turns the check " +
			"off. Falls back to `" + envMinAPIRequests + "`.",
		Optional: true,
	}
}

// checkAPIBudget fails the run when the org has fewer daily API requests left than
// min_api_requests_remaining. It costs one call, and only when the argument is set.
func checkAPIBudget(ctx context.Context, client *orgapi.Client, configured types.Int64, diags *diag.Diagnostics) {
	attr := path.Root("min_api_requests_remaining")
	var floor int64
	switch env := strings.TrimSpace(os.Getenv(envMinAPIRequests)); {
	case configured.IsUnknown():
		return
	case !configured.IsNull():
		floor = configured.ValueInt64()
	case env != "":
		n, err := strconv.ParseInt(env, 10, 64)
		if err != nil {
			diags.AddAttributeError(attr, "Invalid Minimum of API Requests",
				fmt.Sprintf("%s=%q is not a whole number.", envMinAPIRequests, env))
			return
		}
		floor = n
	}
	if floor < 0 {
		diags.AddAttributeError(attr, "Invalid Minimum of API Requests", fmt.Sprintf("%d is negative; use 0 (off) or more.", floor))
		return
	}
	if floor == 0 {
		return
	}
	remaining, limit, err := client.APIRequestsRemaining(ctx)
	if err != nil {
		diags.AddAttributeError(attr, "API Request Allowance Unknown",
			fmt.Sprintf("min_api_requests_remaining is set to %d, but the org's remaining daily API requests could not be read: %s", floor, err))
		return
	}
	tflog.Debug(ctx, "org API request allowance", map[string]any{"remaining": remaining, "limit": limit, "minimum": floor})
	if int64(remaining) < floor {
		diags.AddAttributeError(attr, "Too Few API Requests Left",
			fmt.Sprintf("The org has %d of its %d daily API requests left, fewer than min_api_requests_remaining (%d), so "+
				"nothing was read or changed. Wait for the allocation to recover (Salesforce counts it over a rolling 24 hours), "+
				"lower min_api_requests_remaining, or ask Salesforce for a larger allocation.", remaining, limit, floor))
	}
}
