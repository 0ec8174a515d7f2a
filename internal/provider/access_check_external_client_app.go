package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
)

// channelExternalClientApp is sfaccess_api_access_check's channel for a token of an External
// Client App, decided by access.ECARules.
const channelExternalClientApp = "external_client_app"

// ecaChannel builds the rules' view of an ECA: its plugin switch, Permitted Users and grants, the
// grants resolved to the permission set ids a user's grantees are (a profile's is the set it owns).
func (in *accessInputs) ecaChannel(ctx context.Context, name string, diags *diag.Diagnostics) access.Channel {
	app, err := in.client.ReadExternalClientApp(ctx, name)
	if isNotFound(err) {
		diags.AddAttributeError(path.Root("external_client_app_name"), "External Client App Not Found",
			fmt.Sprintf("The org has no External Client App named %s. Check the API name in Setup > External Client App Manager.", name))
		return access.Channel{}
	}
	if err != nil {
		diags.Append(orgErrorDiag(fmt.Sprintf("reading External Client App (%s)", name), err))
		return access.Channel{}
	}
	eca := access.ExternalClientApp{Name: app.Name, Enabled: app.OAuthPluginEnabled, OAuthPluginEnabled: app.OAuthPluginEnabled,
		AdminApprovedUsersOnly: app.PermittedUsers != "AllSelfAuthorized"}
	for _, ps := range app.PermissionSets {
		set, err := in.client.PermissionSetByName(ctx, ps)
		if err != nil && !isNotFound(err) {
			diags.Append(orgErrorDiag(fmt.Sprintf("reading PermissionSet (%s)", ps), err))
			return access.Channel{}
		}
		if set != nil {
			eca.GrantedTo = append(eca.GrantedTo, set.ID)
		}
	}
	for _, p := range app.Profiles {
		profile, err := in.client.ProfileByName(ctx, p)
		if err != nil && !isNotFound(err) {
			diags.Append(orgErrorDiag(fmt.Sprintf("reading Profile (%s)", p), err))
			return access.Channel{}
		}
		if profile != nil {
			eca.GrantedTo = append(eca.GrantedTo, profile.PermissionSetID)
		}
	}
	return access.ViaExternalClientApp(eca)
}

func ecaRuleIDs() []string { return idsOf(access.ECARules) }

// readECA decides for a token of an External Client App: the user and the app's policies are
// all the rules read, so neither the settings nor the setup extension are needed.
func (d *apiAccessCheckDataSource) readECA(ctx context.Context, m *apiAccessCheckModel, resp *datasource.ReadResponse) {
	in := accessInputs{client: d.data.client}
	user, _ := in.user(ctx, m.Username.ValueString(), &resp.Diagnostics)
	var via access.Channel
	if !resp.Diagnostics.HasError() {
		via = in.ecaChannel(ctx, m.ECAName.ValueString(), &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	m.PriorApproval = types.BoolNull()
	m.setDecision(access.Decide(access.Org{}, user, via), m.ECAName.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
