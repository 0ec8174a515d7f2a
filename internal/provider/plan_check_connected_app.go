package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// checkSendable fails the plan of an app that orgapi would refuse to send, the same check that
// create and update make before writing: a field the provider's api_version cannot carry
// (refresh_token_requires_secret = false before 51.0, the client credentials user before 56.0, …)
// otherwise passed the plan and failed at apply.
func (r *connectedAppResource) checkSendable(ctx context.Context, plan connectedAppModel, diags *diag.Diagnostics) {
	// A value known only at apply is checked then.
	for _, v := range []attr.Value{plan.Name, plan.Label, plan.ContactEmail, plan.CallbackURLs, plan.Scopes, plan.AdminApprovedUsersOnly,
		plan.IPRelaxation, plan.RefreshTokenPolicy, plan.Certificate, plan.ClientCredentialsUser, plan.PKCERequired, plan.RefreshRequiresSecret} {
		if v.IsUnknown() {
			return
		}
	}
	var found diag.Diagnostics
	app := plan.toAPI(ctx, &found)
	if found.HasError() {
		return
	}
	var e *orgapi.Error
	if err := r.data.client.CheckConnectedApp(app); errors.As(err, &e) {
		diags.AddError("Not Available at This API Version",
			fmt.Sprintf("The connected app %s cannot be sent at API version %s: %s. Raise the provider's api_version, or leave those attributes at their defaults.",
				plan.Name.ValueString(), r.data.client.APIVersion(), e.Message))
	}
}
