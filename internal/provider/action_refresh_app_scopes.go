package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var (
	_ action.ActionWithConfigure  = (*refreshAppScopesAction)(nil)
	_ action.ActionWithModifyPlan = (*refreshAppScopesAction)(nil)
)

// refreshAppScopesAction blocks an installed app and unblocks it again, which is when Salesforce
// re-reads the app's OAuth scopes: what sfaccess_connected_app_installation's
// scope_refresh_trigger does on Terraform older than 1.14, without an attribute to keep changing.
type refreshAppScopesAction struct {
	data *providerData
}

// NewRefreshAppScopesAction is the sfaccess_refresh_app_scopes action.
func NewRefreshAppScopesAction() action.Action {
	return &refreshAppScopesAction{}
}

func (a *refreshAppScopesAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_refresh_app_scopes"
}

func (a *refreshAppScopesAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Makes an installed connected app pick up its current OAuth scopes. An installed app " +
			"keeps the scopes it had when it was installed; Salesforce re-reads them only when the app is blocked " +
			"and unblocked, which this action does, as **Block** and **Unblock** on `" + orgapi.SetupPageOAuthUsage +
			"` do. The app's existing sessions end, so users log in again and get the new scopes. Terraform 1.14 " +
			"or later; trigger it from the `sfaccess_connected_app` whose `scopes` change (`lifecycle { " +
			"action_trigger { events = [after_update] ... } }`) or run it with `terraform apply -invoke`. On older " +
			"Terraform, `sfaccess_connected_app_installation`'s `scope_refresh_trigger` does the same.\n\n" +
			"The app must be installed and not blocked (unblocking a blocked app reads its scopes already). Needs " +
			"the sfaccess setup extension, as `sfaccess_connected_app_installation` does.",
		Attributes: map[string]schema.Attribute{
			"connected_app_name": connectedAppNameActionAttribute(),
		},
	}
}

func (a *refreshAppScopesAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan for what the org would refuse: no setup extension, missing admin
// permissions. Whether the app is installed is checked when the action runs, since the same
// apply may install it before.
func (a *refreshAppScopesAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	name, ok := a.data.appActionPlan(ctx, req, "the scopes", &resp.Diagnostics)
	if !ok {
		return
	}
	available, err := a.data.client.ExtensionAvailable(ctx)
	if err != nil {
		resp.Diagnostics.Append(a.data.planCheckFailed("whether the org serves the setup extension", err))
		return
	}
	if !available {
		resp.Diagnostics.Append(extensionUnavailableDiag(path.Root("connected_app_name"), "block and unblock a connected app", orgapi.SetupPageOAuthUsage))
		return
	}
	a.data.checkAdminPermission(ctx, orgapi.NeedConnectedApps, "refreshing the scopes of the connected app "+name, &resp.Diagnostics)
}

func (a *refreshAppScopesAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	name, ok := a.data.appActionInvoke(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	app, notFound := findOAuthUsageApp(ctx, a.data.client, name)
	if notFound != nil {
		resp.Diagnostics.Append(notFound)
		return
	}
	switch {
	case !app.Installed:
		resp.Diagnostics.AddAttributeError(path.Root("connected_app_name"), "Connected App Not Installed",
			fmt.Sprintf("The connected app %s is not installed, so it has no installed scopes to refresh; installing it "+
				"(sfaccess_connected_app_installation) reads its current scopes.", app.Name))
		return
	case app.Blocked:
		resp.Diagnostics.AddAttributeError(path.Root("connected_app_name"), "Connected App Blocked",
			fmt.Sprintf("The connected app %s is blocked; unblocking it (blocked = false on its "+
				"sfaccess_connected_app_installation) reads its current scopes.", app.Name))
		return
	}
	if _, d := refreshInstalledScopes(ctx, a.data.client, app.ID, app.Name); d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Blocked and unblocked %s: it now has its current scopes, "+
		"and its earlier sessions have ended.", app.Name)})
}
