package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// The Connected Apps OAuth Usage list (setup extension) is the only source of an app's installed,
// blocked, packaged and local state, and blocking is its only way to refresh an installed app's
// scopes; the installation resource, its list, the connected app list and data sources, the access
// check and the refresh_app_scopes action go through these helpers.

// findOAuthUsageApp returns the app of that name on the OAuth Usage page, or an error diagnostic
// listing the names that do exist.
func findOAuthUsageApp(ctx context.Context, c *orgapi.Client, name string) (*orgapi.OAuthUsageApp, diag.Diagnostic) {
	app, err := c.OAuthUsageApp(ctx, name)
	if err == nil && app != nil {
		return app, nil
	}
	var apps []orgapi.OAuthUsageApp
	if err == nil {
		apps, err = c.OAuthUsage(ctx)
	}
	if err != nil {
		return nil, orgErrorDiag("reading the Connected Apps OAuth Usage list", err)
	}
	names := make([]string, 0, len(apps))
	for i := range apps {
		names = append(names, apps[i].Name)
	}
	sort.Strings(names)
	return nil, diag.NewAttributeErrorDiagnostic(path.Root("connected_app_name"), "Connected App Not Found",
		fmt.Sprintf("The org has no connected app with the API name %q. Names are case-sensitive; the org has: %s.",
			name, strings.Join(names, ", ")))
}

// oauthUsageByAppID returns the Connected Apps OAuth Usage list keyed by 18-character app id, or nil
// with a warning when the org does not serve the setup extension; what names the attributes that
// are then left null.
func oauthUsageByAppID(ctx context.Context, d *providerData, what string) (map[string]orgapi.OAuthUsageApp, diag.Diagnostics) {
	var diags diag.Diagnostics
	available, err := d.client.ExtensionAvailable(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("discovering the sfaccess setup extension", err))
		return nil, diags
	}
	if !available {
		diags.Append(oauthUsageUnavailableWarning(what))
		return nil, diags
	}
	apps, err := d.client.OAuthUsage(ctx)
	if orgapi.KindOf(err) == orgapi.KindExtensionUnavailable {
		diags.Append(oauthUsageUnavailableWarning(what))
		return nil, diags
	}
	if err != nil {
		diags.Append(orgErrorDiag("reading the Connected Apps OAuth Usage list", err))
		return nil, diags
	}
	byID := make(map[string]orgapi.OAuthUsageApp, len(apps))
	for _, a := range apps {
		byID[normalizeID(a.ID)] = a
	}
	return byID, diags
}

// oauthUsageUnavailableWarning says which attributes are null because the org does not serve the
// setup extension, and where a person can see them.
func oauthUsageUnavailableWarning(what string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Setup Extension Unavailable",
		fmt.Sprintf("This org does not serve the sfaccess setup extension, and Salesforce has no public API for the Connected Apps OAuth Usage page, "+
			"so %s are unknown and left null. See them in %s.", what, orgapi.SetupPageOAuthUsage))
}

// listOAuthUsage reads the Connected Apps OAuth Usage list, sorted by API name: the only source of
// which apps are local, installed and blocked, so without the setup extension listing fails.
func listOAuthUsage(ctx context.Context, d *providerData, diags *diag.Diagnostics) []orgapi.OAuthUsageApp {
	if !d.ready(diags) {
		return nil
	}
	available, err := d.client.ExtensionAvailable(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("discovering the sfaccess setup extension", err))
		return nil
	}
	if !available {
		diags.AddError("Setup Extension Unavailable",
			"This org does not serve the sfaccess setup extension, and Salesforce has no public API for the Connected Apps "+
				"OAuth Usage page, which alone says which apps are local, installed and blocked. See them in "+orgapi.SetupPageOAuthUsage+".")
		return nil
	}
	apps, err := d.client.OAuthUsage(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("reading the Connected Apps OAuth Usage list", err))
		return nil
	}
	// The list may be shared with concurrent readers; sort a copy.
	apps = slices.Clone(apps)
	slices.SortFunc(apps, func(a, b orgapi.OAuthUsageApp) int { return strings.Compare(a.Name, b.Name) })
	return apps
}

// refreshInstalledScopes blocks the installed app and unblocks it, so that it picks up its current
// scopes; the installation resource's scope_refresh_trigger and the action share it. When the
// unblock fails the app is left blocked, and the diagnostic says so.
func refreshInstalledScopes(ctx context.Context, c *orgapi.Client, id, name string) (*orgapi.Installation, diag.Diagnostic) {
	tflog.Info(ctx, "blocking and unblocking connected app so that it picks up its current scopes", map[string]any{"name": name})
	if _, err := c.SetBlocked(ctx, id, true); err != nil {
		return nil, orgErrorDiag(fmt.Sprintf("blocking Connected App (%s) to refresh its scopes", name), err)
	}
	inst, err := c.SetBlocked(ctx, id, false)
	if err != nil {
		return nil, orgErrorDiag(fmt.Sprintf("unblocking Connected App (%s) after blocking it to refresh its scopes; the app is "+
			"blocked now: unblock it in %s or apply again", name, orgapi.SetupPageOAuthUsage), err)
	}
	return inst, nil
}
