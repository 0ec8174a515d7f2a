package provider

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

var (
	_ resource.ResourceWithConfigure   = (*apiAccessControlResource)(nil)
	_ resource.ResourceWithIdentity    = (*apiAccessControlResource)(nil)
	_ resource.ResourceWithImportState = (*apiAccessControlResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*apiAccessControlResource)(nil)
)

// apiAccessControlResource manages the org's one set of API Access Control switches. Like tfe's
// saml_settings it is a singleton: creating it is updating the org, and destroying it writes
// Salesforce's defaults back.
type apiAccessControlResource struct {
	data *providerData
}

// NewAPIAccessControlResource is the sfaccess_api_access_control resource.
func NewAPIAccessControlResource() resource.Resource { return &apiAccessControlResource{} }

type apiAccessControlModel struct {
	ID                                types.String   `tfsdk:"id"`
	LimitExternalUsersToInstalledApps types.Bool     `tfsdk:"limit_external_users_to_installed_apps"`
	LimitAllUsersToApprovedApps       types.Bool     `tfsdk:"limit_all_users_to_approved_apps"`
	AllowVisualforceAPIAccess         types.Bool     `tfsdk:"allow_visualforce_api_access"`
	Timeouts                          timeouts.Value `tfsdk:"timeouts"`
}

const (
	apiAccessControlType = "sfaccess_api_access_control"
	attrLimitExternal    = "limit_external_users_to_installed_apps"
	attrLimitAll         = "limit_all_users_to_approved_apps"
	attrAllowVF          = "allow_visualforce_api_access"
	apiAccessSettingOp   = "API Access Control settings"
)

func (r *apiAccessControlResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_access_control"
}

func (r *apiAccessControlResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The org's **API Access Control** settings (`" + orgapi.SetupPageAPIAccessControl + "`; " +
			"Metadata `ConnectedAppSettings`). Which apps count as installed is decided on another page, " +
			"Connected Apps OAuth Usage (`sfaccess_connected_app_installation`). There is one per org: " +
			"creating this resource adopts and updates the org's settings, and **destroying it restores " +
			"Salesforce's defaults** (all three switches `false`), which opens the API to every connected " +
			"app again.\n\nThe limits can only be switched on in orgs where Salesforce Customer Support has " +
			"enabled API Access Control; the plan fails otherwise. `allow_visualforce_api_access` has no " +
			"public Salesforce API and needs the sfaccess setup extension.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the org (prefix `00D`); also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			attrLimitExternal: schema.BoolAttribute{
				MarkdownDescription: "\"For customers and partners, limit API access to only installed connected " +
					"apps\" (`enableAdminApprovedAppsOnlyForExternalUser`). When `true`, users of type " +
					"PowerPartner, PowerCustomerSuccess, CustomerSuccess, CspLitePortal and Guest can reach the " +
					"API only through installed connected apps unless they hold Use Any API Client. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			attrLimitAll: schema.BoolAttribute{
				MarkdownDescription: "\"For admin-approved users, limit API access to only allowlisted connected " +
					"apps\" (`enableAdminApprovedAppsOnly`): every user, employees included, may reach the API only " +
					"through installed connected apps, except holders of Use Any API Client. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			attrAllowVF: schema.BoolAttribute{
				MarkdownDescription: "\"Allow Visualforce pages to access APIs\": when a limit is on, whether the " +
					"session of a Visualforce page (`getSessionId()`) may still call the API. Needs the sfaccess " +
					"setup extension; in an org without it, setting `true` fails at plan time (use " +
					"`" + orgapi.SetupPageAPIAccessControl + "` instead). Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// apiAccessControlIdentity is the org the settings belong to, its import id.
var apiAccessControlIdentity = identityKey{
	{name: "org_id", stateAttr: "id", description: "The 18-character id of the org (prefix 00D); a 15-character id is accepted on import."},
}

func (r *apiAccessControlResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	apiAccessControlIdentity.identitySchema(resp)
}

func (r *apiAccessControlResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan for what the org would refuse at apply: missing admin permissions, a
// limit in an org without API Access Control, and the Visualforce option without the extension;
// and for a second sfaccess_api_access_control, since the org has one set of switches.
func (r *apiAccessControlResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	r.data.claimObject(ctx, apiAccessControlType, req, resp)
	var plan, state *apiAccessControlModel
	if !req.Plan.Raw.IsNull() {
		plan = &apiAccessControlModel{}
		resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	}
	if !req.State.Raw.IsNull() {
		state = &apiAccessControlModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	unchanged := plan != nil && state != nil && plan.sameSwitches(state)
	action, check := r.data.planChecks(req, unchanged, "the "+apiAccessSettingOp, &resp.Diagnostics)
	if !check {
		return
	}
	// Runs last, after this resource's own checks, and only when they found no error.
	defer r.data.startAccessImpact(ctx).reportAccessImpact(ctx, accessControlImpact(ctx, req), &resp.Diagnostics)
	if action == planDestroy {
		r.data.checkAdminPermission(ctx, orgapi.NeedSettings, "destroying sfaccess_api_access_control (restoring the defaults)", &resp.Diagnostics)
		return
	}
	r.data.checkAdminPermission(ctx, orgapi.NeedSettings, "changing the "+apiAccessSettingOp, &resp.Diagnostics)
	var prior apiAccessControlModel
	if state != nil {
		prior = *state
	}
	r.checkLimitsProvisioned(ctx, plan, &prior, &resp.Diagnostics)
	vfChanges := plan.AllowVisualforceAPIAccess.ValueBool() ||
		(state != nil && !plan.AllowVisualforceAPIAccess.Equal(state.AllowVisualforceAPIAccess))
	if vfChanges && !plan.AllowVisualforceAPIAccess.IsUnknown() {
		available, err := r.data.client.ExtensionAvailable(ctx)
		if err != nil {
			resp.Diagnostics.Append(r.data.planCheckFailed("whether the org serves the setup extension", err))
		} else if !available {
			resp.Diagnostics.Append(extensionUnavailableDiag(path.Root(attrAllowVF),
				"change \"Allow Visualforce pages to access APIs\"", orgapi.SetupPageAPIAccessControl))
		}
	}
}

// checkLimitsProvisioned fails the plan when it switches a limit on in an org where Salesforce
// Support has not provisioned API Access Control.
func (r *apiAccessControlResource) checkLimitsProvisioned(ctx context.Context, plan, prior *apiAccessControlModel, diags *diag.Diagnostics) {
	turnsOn := func(p, s types.Bool) bool {
		return p.ValueBool() && (s.IsNull() || !s.ValueBool())
	}
	for _, limit := range []struct {
		attr string
		on   bool
	}{
		{attrLimitExternal, turnsOn(plan.LimitExternalUsersToInstalledApps, prior.LimitExternalUsersToInstalledApps)},
		{attrLimitAll, turnsOn(plan.LimitAllUsersToApprovedApps, prior.LimitAllUsersToApprovedApps)},
	} {
		if !limit.on {
			continue
		}
		provisioned, err := r.data.client.FeatureProvisioned(ctx)
		if err != nil {
			diags.Append(r.data.planCheckFailed("whether API Access Control is provisioned", err))
		} else if !provisioned {
			diags.Append(featureNotProvisionedDiag(path.Root(limit.attr)))
		}
	}
}

func (m *apiAccessControlModel) sameSwitches(o *apiAccessControlModel) bool {
	return m.LimitExternalUsersToInstalledApps.Equal(o.LimitExternalUsersToInstalledApps) &&
		m.LimitAllUsersToApprovedApps.Equal(o.LimitAllUsersToApprovedApps) &&
		m.AllowVisualforceAPIAccess.Equal(o.AllowVisualforceAPIAccess)
}

func (r *apiAccessControlResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiAccessControlModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultAPITimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, timeout, &plan, nil, &resp.State, &resp.Diagnostics)
	apiAccessControlIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *apiAccessControlResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state apiAccessControlModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultAPITimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, timeout, &plan, &state, &resp.State, &resp.Diagnostics)
	apiAccessControlIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// apply writes the planned switches and reads them back into state. Create and Update share it
// because creating a singleton is updating it.
func (r *apiAccessControlResource) apply(ctx context.Context, timeout time.Duration, plan, prior *apiAccessControlModel, state *tfsdk.State, diags *diag.Diagnostics) {
	if !r.data.ready(diags) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.data.client

	identity, err := c.Identity(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("reading the org id", err))
		return
	}
	// Without the extension the Visualforce option can be neither read nor written; ModifyPlan
	// has refused plans that would need it, so "false" then means "not managed here".
	allowVF := plan.AllowVisualforceAPIAccess.ValueBool()
	available, err := r.data.client.ExtensionAvailable(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("discovering the setup extension", err))
		return
	}
	if priorVF := prior != nil && prior.AllowVisualforceAPIAccess.ValueBool(); !available && (allowVF || priorVF) {
		diags.Append(extensionUnavailableDiag(path.Root(attrAllowVF),
			"change \"Allow Visualforce pages to access APIs\"", orgapi.SetupPageAPIAccessControl))
		return
	}

	tflog.Debug(ctx, "updating ConnectedAppSettings", map[string]any{attrLimitExternal: plan.LimitExternalUsersToInstalledApps.ValueBool(),
		attrLimitAll: plan.LimitAllUsersToApprovedApps.ValueBool()})
	plan.ID = types.StringValue(identity.OrgID)
	if !r.write(ctx, "updating the "+apiAccessSettingOp, plan, available, diags) {
		return
	}
	// Unlike a create of an object, this one leaves no orphan when the read-back fails, so nothing
	// goes to state before it: a partial state would be tainted, and replacing the singleton
	// restores the defaults, opening the API, before writing the switches again.
	if readBack(ctx, "the "+apiAccessSettingOp, diags, plan, r.read) {
		diags.Append(state.Set(ctx, plan)...)
	}
}

// write sets the org's switches to m's (the Visualforce option only where the extension is
// available), as updateAdopting: when an answer is lost, the switches read back decide, so the
// second write goes ahead after a first whose outcome is unknown.
func (r *apiAccessControlResource) write(ctx context.Context, action string, m *apiAccessControlModel, available bool, diags *diag.Diagnostics) bool {
	c := r.data.client
	external, all := m.LimitExternalUsersToInstalledApps.ValueBool(), m.LimitAllUsersToApprovedApps.ValueBool()
	return updateAdopting(ctx, action, diags, m, func(ctx context.Context) error {
		err := c.UpdateConnectedAppSettings(ctx, orgapi.ConnectedAppSettings{EnableAdminApprovedAppsOnlyForExternalUser: &external, EnableAdminApprovedAppsOnly: &all})
		if err != nil && !orgapi.OutcomeUnknown(err) || !available {
			return err
		}
		return cmp.Or(err, c.SetAllowVisualforceAPIAccess(ctx, m.AllowVisualforceAPIAccess.ValueBool()))
	}, r.read)
}

// read loads the switches into m. The org always has them, so it reports false only when the
// read failed, which a diagnostic then says; it shares the signature of every resource's read.
func (r *apiAccessControlResource) read(ctx context.Context, m *apiAccessControlModel, diags *diag.Diagnostics) bool {
	c := r.data.client
	settings, err := c.ReadConnectedAppSettings(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("reading the "+apiAccessSettingOp, err))
		return false
	}
	m.LimitExternalUsersToInstalledApps = types.BoolValue(deref(settings.EnableAdminApprovedAppsOnlyForExternalUser))
	m.LimitAllUsersToApprovedApps = types.BoolValue(deref(settings.EnableAdminApprovedAppsOnly))

	available, err := r.data.client.ExtensionAvailable(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("discovering the setup extension", err))
		return false
	}
	if available {
		allow, err := c.AllowVisualforceAPIAccess(ctx)
		if err != nil {
			diags.Append(orgErrorDiag("reading \"Allow Visualforce pages to access APIs\"", err))
			return false
		}
		m.AllowVisualforceAPIAccess = types.BoolValue(allow)
	} else if m.AllowVisualforceAPIAccess.IsNull() || m.AllowVisualforceAPIAccess.IsUnknown() {
		m.AllowVisualforceAPIAccess = types.BoolValue(false)
	}
	return true
}

func (r *apiAccessControlResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r.data, req, resp, readSteps[apiAccessControlModel]{identity: apiAccessControlIdentity, read: r.read})
}

// Delete restores Salesforce's defaults: both limits and the Visualforce option off.
func (r *apiAccessControlResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiAccessControlModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultAPITimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	available, err := r.data.client.ExtensionAvailable(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("discovering the setup extension", err))
		return
	}
	defaults := state
	defaults.LimitExternalUsersToInstalledApps, defaults.LimitAllUsersToApprovedApps = types.BoolValue(false), types.BoolValue(false)
	defaults.AllowVisualforceAPIAccess = types.BoolValue(false)
	r.write(ctx, "restoring the default "+apiAccessSettingOp, &defaults, available, &resp.Diagnostics)
}

// ImportState accepts the org's own id (15 or 18 characters) and refuses another org's, so an
// import aimed at the wrong org cannot silently adopt this one's settings.
func (r *apiAccessControlResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	req.ID = apiAccessControlIdentity.importID(ctx, req, &resp.Diagnostics)
	if orgID, ok := r.data.ownOrgID(ctx, apiAccessControlType, req.ID, &resp.Diagnostics); ok {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), orgID)...)
	}
}

// ownOrgID checks that given, the import id or identity of an org's singleton settings, is the id
// of the org the provider is configured for, and returns it in 18 characters.
func (d *providerData) ownOrgID(ctx context.Context, resourceType, given string, diags *diag.Diagnostics) (string, bool) {
	if diags.HasError() || !d.ready(diags) {
		return "", false
	}
	orgID, err := sfid.Normalize(given)
	if err != nil || !sfid.HasPrefix(orgID, sfid.PrefixOrganization) {
		diags.AddError("Invalid Import ID",
			fmt.Sprintf("%s is imported by the org id (15 or 18 characters starting "+
				"with 00D, shown in Setup > Company Information); got %q.", resourceType, given))
		return "", false
	}
	identity, err := d.client.Identity(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("reading the org id", err))
		return "", false
	}
	if orgID != identity.OrgID {
		diags.AddError("Import ID Belongs to Another Org",
			fmt.Sprintf("The import id %s is not the id of the org the provider is configured for (%s). "+
				"Check instance_url and the credentials, or import with id %s.", orgID, identity.OrgID, identity.OrgID))
		return "", false
	}
	return orgID, true
}
