package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var (
	_ action.ActionWithConfigure  = (*revokeAppSessionsAction)(nil)
	_ action.ActionWithModifyPlan = (*revokeAppSessionsAction)(nil)
)

// revokeAppSessionsAction is the incident kill switch: it ends every user's sessions of one
// connected app now, and leaves the app installed and unblocked.
type revokeAppSessionsAction struct {
	data *providerData
}

// NewRevokeAppSessionsAction is the sfaccess_revoke_app_sessions action.
func NewRevokeAppSessionsAction() action.Action {
	return &revokeAppSessionsAction{}
}

// appActionModel is the configuration of an action on one connected app.
type appActionModel struct {
	ConnectedAppName types.String `tfsdk:"connected_app_name"`
}

// appActionPlan reads an app action's configuration at plan time and returns the app's name; ok
// is false when there is nothing to check against the org yet (the name or the provider
// configuration is unknown; canPlanCheck then warns).
func (d *providerData) appActionPlan(ctx context.Context, req action.ModifyPlanRequest, what string, diags *diag.Diagnostics) (name string, ok bool) {
	var m appActionModel
	diags.Append(req.Config.Get(ctx, &m)...)
	if diags.HasError() || m.ConnectedAppName.IsUnknown() || !d.canPlanCheck(diags, what+" of "+m.ConnectedAppName.ValueString()) {
		return "", false
	}
	return m.ConnectedAppName.ValueString(), true
}

// appActionInvoke reads an app action's configuration when it runs and returns the app's name;
// ok is false when a diagnostic says why it cannot run.
func (d *providerData) appActionInvoke(ctx context.Context, req action.InvokeRequest, diags *diag.Diagnostics) (name string, ok bool) {
	var m appActionModel
	diags.Append(req.Config.Get(ctx, &m)...)
	if diags.HasError() || !d.ready(diags) {
		return "", false
	}
	return m.ConnectedAppName.ValueString(), true
}

// connectedAppNameActionAttribute is the app an action works on.
func connectedAppNameActionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "The API name of the connected app, e.g. `Partner_Portal_Mobile`.",
		Required:            true,
		Validators:          []validator.String{apiNameValidator()},
	}
}

func (a *revokeAppSessionsAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_revoke_app_sessions"
}

func (a *revokeAppSessionsAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes every user's sessions of a connected app now — the incident kill switch: the " +
			"access and refresh tokens that users obtained by authorizing the app stop working at once, and the app " +
			"stays installed and unblocked, so users can authorize it again. Terraform 1.14 or later: run it with " +
			"`terraform apply -invoke=action.sfaccess_revoke_app_sessions.<name>` or from a resource's " +
			"`lifecycle { action_trigger { ... } }`.\n\n" +
			"Salesforce keeps a user's authorization of an app as an `OauthToken` record; the action revokes each " +
			"of the app's records through `/services/oauth2/revoke` with its `DeleteToken`, which ends that " +
			"authorization with its tokens. Tokens issued without an authorization — the client credentials and JWT " +
			"bearer flows of an admin-approved app — have no such record and live until the org's session timeout; " +
			"block the app (`sfaccess_connected_app_installation`'s `blocked`) to end those too. Needs Customize " +
			"Application and (Modify All Data or Manage Connected Apps): without them the org shows a user only their " +
			"own authorizations. Fails, revoking nothing, when another app has the same label, because `OauthToken` " +
			"names apps by label.",
		Attributes: map[string]schema.Attribute{
			"connected_app_name": connectedAppNameActionAttribute(),
		},
	}
}

func (a *revokeAppSessionsAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan when the provider's user lacks the permissions the action needs, so
// that a kill switch wired into a configuration is known to work before the incident.
func (a *revokeAppSessionsAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	name, ok := a.data.appActionPlan(ctx, req, "the sessions", &resp.Diagnostics)
	if ok {
		a.data.checkAdminPermission(ctx, orgapi.NeedConnectedApps, "revoking the sessions of the connected app "+name, &resp.Diagnostics)
	}
}

func (a *revokeAppSessionsAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	name, ok := a.data.appActionInvoke(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	a.data.checkAdminPermission(ctx, orgapi.NeedConnectedApps, "revoking the sessions of the connected app "+name, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "revoking every session of a connected app", map[string]any{"name": name})
	revoked, err := a.data.client.RevokeAppSessions(ctx, name)
	if err != nil {
		if revoked > 0 {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Revoked %d authorizations of %s before the failure.", revoked, name)})
		}
		resp.Diagnostics.Append(orgErrorDiag(fmt.Sprintf("revoking the sessions of Connected App (%s); invoke the action again to revoke the rest", name), err))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Revoked %d user authorizations of %s with their access and refresh "+
		"tokens; the app stays installed and unblocked.", revoked, name)})
}
