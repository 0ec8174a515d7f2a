package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// The External Client App resources' plan-time checks beyond the preamble: the same mistakes the
// connected app resources refuse at plan are refused here, with the same helpers and words, so
// that a refused plan writes nothing to the org (ARCHITECTURE.md, Provider surface).

// checkRunAsUser checks client_credentials_user when the plan sets it or names another user.
func (r *externalClientAppResource) checkRunAsUser(ctx context.Context, req resource.ModifyPlanRequest, user types.String, diags *diag.Diagnostics) {
	var prior types.String
	if !req.State.Raw.IsNull() {
		diags.Append(req.State.GetAttribute(ctx, path.Root("client_credentials_user"), &prior)...)
	}
	if !sameName(prior, user) {
		r.data.checkClientCredentialsUser(ctx, user, diags)
	}
}

// checkGrant fails the plan of a grant whose app, profile or permission set neither exists nor is
// created by this plan, and of a user who may not change ECA policies, as
// sfaccess_connected_app_access does; the checks do not wait for each other.
func (r *externalClientAppAccessResource) checkGrant(ctx context.Context, m externalClientAppAccessModel, diags *diag.Diagnostics) {
	checksTogether(diags,
		func(d *diag.Diagnostics) {
			r.data.checkAdminPermission(ctx, orgapi.NeedAdministerExternalClientApps, m.action("creating"), d)
		},
		func(d *diag.Diagnostics) { r.checkApp(ctx, m.ExternalClientApp, d) },
		func(d *diag.Diagnostics) { r.data.checkGrantee(ctx, m.Profile, m.PermissionSet, d) })
}

// checkApp fails the plan when the org has no such ECA and this plan creates none, and warns when
// the grant would restrict nobody.
func (r *externalClientAppAccessResource) checkApp(ctx context.Context, app types.String, diags *diag.Diagnostics) {
	if app.IsUnknown() {
		return
	}
	attr := path.Root("external_client_app_name")
	adminApproved, planned := r.data.plannedExternalClientApp(app.ValueString())
	if !planned {
		found, err := r.data.client.ReadExternalClientApp(ctx, app.ValueString())
		switch {
		case isNotFound(err):
			diags.AddAttributeError(attr, "External Client App Not Found",
				fmt.Sprintf("The org has no External Client App named %q, and this plan does not create one. Check the API name in Setup > External Client App Manager, "+
					"or, when the app is managed by this configuration, set external_client_app_name = sfaccess_external_client_app.<name>.name so Terraform creates it first.", app.ValueString()))
			return
		case err != nil:
			diags.Append(r.data.planCheckFailed("External Client App "+app.ValueString(), err))
			return
		}
		adminApproved = types.BoolValue(found.PermittedUsers != orgapi.PermittedUsersSelf)
	}
	if d := grantWithoutEffect(attr, "External Client App", app.ValueString(), adminApproved); d != nil {
		diags.Append(d)
	}
}
