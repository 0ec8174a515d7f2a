package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var (
	_ resource.ResourceWithConfigure   = (*externalClientAppResource)(nil)
	_ resource.ResourceWithImportState = (*externalClientAppResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*externalClientAppResource)(nil)
	_ resource.ResourceWithIdentity    = (*externalClientAppResource)(nil)
)

const (
	externalClientAppType           = "sfaccess_external_client_app"
	externalClientAppDefaultTimeout = 5 * time.Minute
)

// NewExternalClientAppResource manages an External Client App with its OAuth plugin.
func NewExternalClientAppResource() resource.Resource { return &externalClientAppResource{} }

type externalClientAppResource struct {
	data *providerData
}

type externalClientAppModel struct {
	Name                   types.String   `tfsdk:"name"`
	ID                     types.String   `tfsdk:"id"`
	Label                  types.String   `tfsdk:"label"`
	ContactEmail           types.String   `tfsdk:"contact_email"`
	Description            types.String   `tfsdk:"description"`
	Scopes                 types.Set      `tfsdk:"scopes"`
	CallbackURL            types.String   `tfsdk:"callback_url"`
	PKCERequired           types.Bool     `tfsdk:"pkce_required"`
	Certificate            types.String   `tfsdk:"certificate"`
	ClientCredentialsUser  types.String   `tfsdk:"client_credentials_user"`
	AdminApprovedUsersOnly types.Bool     `tfsdk:"admin_approved_users_only"`
	IPRelaxation           types.String   `tfsdk:"ip_relaxation"`
	RefreshTokenPolicy     types.String   `tfsdk:"refresh_token_policy"`
	OAuthPluginEnabled     types.Bool     `tfsdk:"oauth_plugin_enabled"`
	ConsumerKey            types.String   `tfsdk:"consumer_key"`
	ConsumerSecretRotation types.String   `tfsdk:"consumer_secret_rotation"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

func (r *externalClientAppResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_client_app"
}

func (r *externalClientAppResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An External Client App (ECA), the successor of connected apps, with its OAuth plugin: the app " +
			"(`ExternalClientApplication`), its OAuth settings and global OAuth settings, its OAuth policies and its plugin policies, " +
			"written together through the Metadata API (API 60.0 or later). A new ECA is closed: only users whose profile or permission set is " +
			"granted it (`sfaccess_external_client_app_access`) get through, unless `admin_approved_users_only` is `false`. " +
			"API Access Control does not govern ECAs. The consumer secret never enters state: read it for a run with the " +
			"`sfaccess_external_client_app_credentials` ephemeral resource, rotate it with `consumer_secret_rotation`.\n\n" +
			"The running user needs **External Client App Developer** and **View Client Secret** (`ExternalClientAppDeveloper`, `ViewClientSecret`) " +
			"to write it, and **External Client App Admin** (`ExternalClientAppAdmin`) for its policies.",
		Attributes: map[string]schema.Attribute{
			"scopes": schema.SetAttribute{
				MarkdownDescription: "OAuth scopes, at least one, among " + markdownList(connectedAppScopes) + ".",
				ElementType:         types.StringType,
				Required:            true,
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(validScope())},
			},
			"callback_url": schema.StringAttribute{
				MarkdownDescription: "OAuth redirect URL: `https://`, `http://` only for loopback addresses, or a private-use scheme.",
				Optional:            true,
				Validators:          []validator.String{validCallbackURL()},
			},
			"pkce_required": schema.BoolAttribute{
				MarkdownDescription: "Require PKCE for the authorization code flow. Defaults to `false`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
			},
			"certificate": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded X.509 certificate; setting it enables the JWT bearer flow, whose assertions it verifies.",
				Optional:            true,
				Validators:          []validator.String{validCertificate()},
			},
			"client_credentials_user": schema.StringAttribute{
				MarkdownDescription: "Username the client credentials flow runs as. Setting it enables the flow (in the global OAuth settings and the OAuth policies); leaving it out disables it.",
				Optional:            true,
				Validators:          []validator.String{usernameValidator()},
			},
			"admin_approved_users_only": schema.BoolAttribute{
				MarkdownDescription: "Permitted Users: `true` (\"Admin approved users are pre-authorized\", Salesforce's default for a new ECA) admits only users " +
					"whose profile or permission set is granted the app with `sfaccess_external_client_app_access`; `false` lets all users self-authorize. Defaults to `true`.",
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"ip_relaxation": schema.StringAttribute{
				MarkdownDescription: "IP relaxation policy, one of " + markdownList(ecaIPRelaxationValues) + ". Defaults to `" + orgapi.DefaultECAIPRelaxation + "`.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString(orgapi.DefaultECAIPRelaxation),
				Validators: []validator.String{stringvalidator.OneOf(ecaIPRelaxationValues...)},
			},
			"refresh_token_policy": schema.StringAttribute{
				MarkdownDescription: "Refresh token policy (`refreshTokenPolicyType`), written as for `sfaccess_connected_app`: `zero`, `infinite`, " +
					"`specific_lifetime:<n>:<unit>` or `specific_inactivity:<n>:<unit>` where `<unit>` is `HOURS`, `DAYS` or `MONTHS` " +
					"(for example `specific_inactivity:7:DAYS`). Left to Salesforce when not set.",
				Optional:   true,
				Validators: []validator.String{validRefreshTokenPolicy()},
			},
			"oauth_plugin_enabled": schema.BoolAttribute{
				MarkdownDescription: "The ECA's plugin switch (`isEnabled` and `isOauthPluginEnabled`): `false` refuses every user new tokens and stops existing ones at once, " +
					"Use Any API Client included. Defaults to `true`.",
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"consumer_key": schema.StringAttribute{
				MarkdownDescription: "OAuth client id, generated by Salesforce. A rotation (`consumer_secret_rotation`) changes it with the secret.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"consumer_secret_rotation": schema.StringAttribute{
				MarkdownDescription: "Any value; changing it rotates the consumer key and secret: Terraform stages new credentials, proves that the client credentials flow " +
					"issues a token with them, and only then promotes them, so the old ones stop. When the proof fails the staged credentials are discarded and the " +
					"old ones stay. Needs `client_credentials_user`. Ignored when the app is created.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("client_credentials_user"))},
			},
		},
	}
	maps.Copy(resp.Schema.Attributes, externalClientAppOwnAttributes())
	resp.Schema.Attributes["timeouts"] = timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true})
}

// externalClientAppOwnAttributes are the attributes of the app itself (ExternalClientApplication),
// apart from those of its OAuth plugin.
func externalClientAppOwnAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": appNameAttribute("the ECA"),
		"id": schema.StringAttribute{
			MarkdownDescription: "The ECA's id, as the OAuth usage and credentials resources know it.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"label":         appLabelAttribute(),
		"contact_email": appContactEmailAttribute("the app's admin"),
		"description": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Description shown in Setup, at most %d characters.", connectedAppDescriptionMaxLength),
			Optional:            true,
			Validators:          []validator.String{validMaxLength("description", connectedAppDescriptionMaxLength), noControlCharacters("description", true)},
		},
	}
}

// externalClientAppIdentity is the ECA's API name, its import id.
var externalClientAppIdentity = identityKey{
	{name: "name", description: "The API name of the External Client App."},
}

func (r *externalClientAppResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	externalClientAppIdentity.identitySchema(resp)
}

func (r *externalClientAppResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks the running user's permissions, a new app's name and the client credentials
// user, and marks the consumer key unknown when a rotation will change it. It also records the
// app for the grants of the same plan (plan_check_external_client_app.go).
func (r *externalClientAppResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.claimObject(ctx, externalClientAppType, req, resp)
	action, check := r.data.planChecks(req, req.Plan.Raw.Equal(req.State.Raw), "the External Client App", &resp.Diagnostics)
	if !check {
		return
	}
	// Runs last, after this resource's own checks, and only when they found no error.
	defer r.data.startAccessImpact(ctx).reportAccessImpact(ctx, externalClientAppImpact(ctx, req), &resp.Diagnostics)
	if action == planDestroy {
		var state externalClientAppModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		r.data.checkAdminPermission(ctx, orgapi.NeedDevelopExternalClientApps, fmt.Sprintf("deleting External Client App (%s)", state.Name.ValueString()), &resp.Diagnostics)
		return
	}
	var plan externalClientAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	verb := "creating"
	if action == planUpdate {
		verb = "updating"
		var state externalClientAppModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !plan.ConsumerSecretRotation.Equal(state.ConsumerSecretRotation) {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("consumer_key"), types.StringUnknown())...)
		}
	}
	what := fmt.Sprintf("%s External Client App (%s)", verb, plan.Name.ValueString())
	r.data.checkAdminPermission(ctx, orgapi.NeedDevelopExternalClientApps, what, &resp.Diagnostics)
	r.data.checkAdminPermission(ctx, orgapi.NeedAdministerExternalClientApps, what, &resp.Diagnostics)
	if action == planCreate && !plan.Name.IsUnknown() {
		r.checkNameFree(ctx, plan.Name.ValueString(), &resp.Diagnostics)
	}
	r.checkRunAsUser(ctx, req, plan.ClientCredentialsUser, &resp.Diagnostics)
}

// checkNameFree fails the plan of a new ECA whose name an app Terraform does not manage uses.
func (r *externalClientAppResource) checkNameFree(ctx context.Context, name string, diags *diag.Diagnostics) {
	if r.data.isManaged(externalClientAppType, strings.ToLower(name)) {
		return
	}
	apps, err := r.data.client.ExternalClientAppUsage(ctx)
	if err != nil {
		diags.Append(r.data.planCheckFailed("whether the External Client App name "+name+" is free", err))
		return
	}
	for _, a := range apps {
		if strings.EqualFold(a.Name, name) {
			diags.Append(nameCollisionDiag(path.Root("name"), externalClientAppTarget(a.Name), "an External Client App named "+a.Name))
			return
		}
	}
}

func externalClientAppTarget(name string) createTarget {
	return createTarget{resourceType: externalClientAppType, importID: name, action: fmt.Sprintf("creating External Client App (%s)", name)}
}

func (r *externalClientAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan externalClientAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, externalClientAppDefaultTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, timeout, &plan, nil, &resp.State, &resp.Diagnostics)
	externalClientAppIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *externalClientAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r.data, req, resp, readSteps[externalClientAppModel]{
		identity: externalClientAppIdentity,
		read:     r.read,
		gone: func(ctx context.Context, m externalClientAppModel) {
			tflog.Warn(ctx, "External Client App no longer exists; removing it from state", map[string]any{"name": m.Name.ValueString()})
		},
		managed: func(m externalClientAppModel) (string, string) {
			return externalClientAppType, strings.ToLower(m.Name.ValueString())
		},
	})
}

func (r *externalClientAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state externalClientAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, externalClientAppDefaultTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, timeout, &plan, &state, &resp.State, &resp.Diagnostics)
	externalClientAppIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// apply writes the planned app (creating it when prior is nil), rotates its credentials when the
// rotation trigger changed, and reads it back into state.
func (r *externalClientAppResource) apply(ctx context.Context, timeout time.Duration, plan, prior *externalClientAppModel, state *tfsdk.State, diags *diag.Diagnostics) {
	if !r.data.ready(diags) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	app := plan.toAPI(ctx, diags)
	if diags.HasError() {
		return
	}
	name, c := plan.Name.ValueString(), r.data.client
	if prior == nil {
		if _, ok := createAdopting(ctx, externalClientAppTarget(name), diags,
			func(ctx context.Context) (*orgapi.ExternalClientApp, error) {
				return app, c.CreateExternalClientApp(ctx, app)
			},
			func(ctx context.Context) (*orgapi.ExternalClientApp, error) {
				return c.ReadExternalClientApp(ctx, name)
			},
		); !ok {
			return
		}
		diags.Append(state.SetAttribute(ctx, path.Root("name"), name)...)
	} else {
		// Grants belong to sfaccess_external_client_app_access, which may live in another
		// configuration: keep the org's, and the consumer key the app has.
		current, err := c.ReadExternalClientApp(ctx, name)
		if err != nil {
			diags.Append(orgErrorDiag(fmt.Sprintf("updating External Client App (%s)", name), err))
			return
		}
		app.PermissionSets, app.Profiles, app.ConsumerKey = current.PermissionSets, current.Profiles, current.ConsumerKey
		if !updateAdopting(ctx, fmt.Sprintf("updating External Client App (%s)", name), diags, plan,
			func(ctx context.Context) error { return c.UpdateExternalClientApp(ctx, app) }, r.read) {
			return
		}
		if !plan.ConsumerSecretRotation.Equal(prior.ConsumerSecretRotation) {
			r.rotate(ctx, name, diags)
		}
	}
	if !readBack(ctx, fmt.Sprintf("External Client App (%s)", name), diags, plan, r.read) {
		if !diags.HasError() {
			diags.AddError("External Client App Vanished",
				fmt.Sprintf("Salesforce accepted the External Client App %s but does not return it when read back. Check Setup > External Client App Manager, then run terraform apply again.", name))
		}
		return
	}
	diags.Append(state.Set(ctx, plan)...)
}

// rotate stages new credentials, proves them at the token endpoint with the client credentials
// flow, and promotes them; a failed proof discards them and leaves the current ones in place.
func (r *externalClientAppResource) rotate(ctx context.Context, name string, diags *diag.Diagnostics) {
	action := fmt.Sprintf("rotating the credentials of External Client App (%s)", name)
	c := r.data.client
	appID, err := r.appID(ctx, name)
	if err != nil {
		diags.Append(orgErrorDiag(action, err))
		return
	}
	consumer, err := c.ExternalClientAppConsumer(ctx, appID)
	if err != nil {
		diags.Append(orgErrorDiag(action, err))
		return
	}
	staged, err := c.StageExternalClientAppCredentials(ctx, appID, consumer)
	if err != nil {
		diags.Append(orgErrorDiag(action, err))
		return
	}
	if proofErr := c.ProveClientCredentials(ctx, staged.Key, staged.Secret); proofErr != nil {
		if err := c.DiscardExternalClientAppCredentials(ctx, appID, consumer, staged.ID); err != nil {
			diags.Append(orgErrorDiag(action+": discarding the unproven credentials", err))
		}
		diags.AddAttributeError(path.Root("consumer_secret_rotation"), "Rotated Credentials Could Not Issue a Token",
			fmt.Sprintf("The staged credentials of %s were refused at the token endpoint (%v), so they were discarded and the current key and secret stay in use. "+
				"The proof uses the client credentials flow: check that client_credentials_user may use the app (its profile or a permission set granted, the OAuth plugin on).", name, proofErr))
		return
	}
	if err := c.PromoteExternalClientAppCredentials(ctx, appID, consumer, staged.ID); err != nil {
		diags.Append(orgErrorDiag(action, err))
	}
}

// appID finds the ECA's id in the OAuth usage list.
func (r *externalClientAppResource) appID(ctx context.Context, name string) (string, error) {
	return externalClientAppID(ctx, r.data.client, name)
}

func externalClientAppID(ctx context.Context, c *orgapi.Client, name string) (string, error) {
	return c.ExternalClientAppID(ctx, name)
}

func (r *externalClientAppResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.data.ready(&resp.Diagnostics) {
		return
	}
	var state externalClientAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, externalClientAppDefaultTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name := state.Name.ValueString()
	deleteConfirming(ctx, fmt.Sprintf("deleting External Client App (%s)", name), &resp.Diagnostics, &state,
		func(ctx context.Context) error { return r.data.client.DeleteExternalClientApp(ctx, name) }, r.read)
}

// ImportState takes the ECA's API name, from the import id or the identity; Read fills in the rest.
func (r *externalClientAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := strings.TrimSpace(externalClientAppIdentity.importID(ctx, req, &resp.Diagnostics))
	if msg := checkAPIName(name); msg != "" {
		resp.Diagnostics.AddError("Invalid Import ID", "Import an External Client App by its API name, for example Billing_Sync. "+msg)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
}

// read loads the ECA m names into m; false when the org no longer has it or the read failed.
func (r *externalClientAppResource) read(ctx context.Context, m *externalClientAppModel, diags *diag.Diagnostics) bool {
	name := m.Name.ValueString()
	app, id, err := r.data.client.ReadExternalClientAppWithID(ctx, name)
	if isNotFound(err) {
		return false
	}
	if err != nil {
		diags.Append(orgErrorDiag(fmt.Sprintf("reading External Client App (%s)", name), err))
		return false
	}
	m.setFrom(ctx, app, id, diags)
	return true
}

func (m externalClientAppModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *orgapi.ExternalClientApp {
	app := &orgapi.ExternalClientApp{
		Name: m.Name.ValueString(), Label: m.Label.ValueString(), ContactEmail: m.ContactEmail.ValueString(),
		Description: m.Description.ValueString(), DistributionState: orgapi.DistributionStateLocal,
		CallbackURL: m.CallbackURL.ValueString(), Certificate: m.Certificate.ValueString(), PkceRequired: m.PKCERequired.ValueBool(),
		ClientCredentialsUser: m.ClientCredentialsUser.ValueString(), ClientCredentialsFlowEnabled: m.ClientCredentialsUser.ValueString() != "",
		PermittedUsers: orgapi.PermittedUsersSelf, IPRelaxation: m.IPRelaxation.ValueString(),
		RefreshTokenPolicy: m.RefreshTokenPolicy.ValueString(), OAuthPluginEnabled: m.OAuthPluginEnabled.ValueBool(),
	}
	if m.AdminApprovedUsersOnly.ValueBool() {
		app.PermittedUsers = orgapi.PermittedUsersAdmin
	}
	diags.Append(m.Scopes.ElementsAs(ctx, &app.Scopes, false)...)
	return app
}

func (m *externalClientAppModel) setFrom(ctx context.Context, app *orgapi.ExternalClientApp, id string, diags *diag.Diagnostics) {
	// Names, usernames and emails keep m's spelling when the org's differs only in case.
	m.Name = keepSpelling(m.Name, types.StringValue(app.Name))
	m.ID = types.StringValue(id)
	m.Label = types.StringValue(app.Label)
	m.ContactEmail = keepSpelling(m.ContactEmail, types.StringValue(app.ContactEmail))
	m.Description = nullIfEmpty(app.Description)
	m.CallbackURL = nullIfEmpty(app.CallbackURL)
	m.PKCERequired = types.BoolValue(app.PkceRequired)
	if configured := m.Certificate.ValueString(); configured == "" || strings.TrimSpace(configured) != strings.TrimSpace(app.Certificate) {
		m.Certificate = nullIfEmpty(app.Certificate)
	}
	user := types.StringNull()
	if app.ClientCredentialsFlowEnabled {
		user = nullIfEmpty(app.ClientCredentialsUser)
	}
	m.ClientCredentialsUser = keepSpelling(m.ClientCredentialsUser, user)
	m.AdminApprovedUsersOnly = types.BoolValue(app.PermittedUsers != orgapi.PermittedUsersSelf)
	m.IPRelaxation = types.StringValue(valueOr(app.IPRelaxation, orgapi.DefaultECAIPRelaxation))
	m.RefreshTokenPolicy = nullIfEmpty(app.RefreshTokenPolicy)
	m.OAuthPluginEnabled = types.BoolValue(app.OAuthPluginEnabled)
	m.ConsumerKey = nullIfEmpty(app.ConsumerKey)
	scopes, d := types.SetValueFrom(ctx, types.StringType, nonNil(app.Scopes))
	diags.Append(d...)
	m.Scopes = scopes
}
