package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
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
	_ resource.ResourceWithConfigure   = (*connectedAppResource)(nil)
	_ resource.ResourceWithIdentity    = (*connectedAppResource)(nil)
	_ resource.ResourceWithImportState = (*connectedAppResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*connectedAppResource)(nil)
)

const (
	connectedAppDefaultTimeout = 5 * time.Minute
)

// NewConnectedAppResource manages a connected app definition through the Metadata API.
func NewConnectedAppResource() resource.Resource {
	return &connectedAppResource{}
}

type connectedAppResource struct {
	data *providerData
}

type connectedAppModel struct {
	Name                    types.String   `tfsdk:"name"`
	ID                      types.String   `tfsdk:"id"`
	Label                   types.String   `tfsdk:"label"`
	ContactEmail            types.String   `tfsdk:"contact_email"`
	ContactPhone            types.String   `tfsdk:"contact_phone"`
	Description             types.String   `tfsdk:"description"`
	InfoURL                 types.String   `tfsdk:"info_url"`
	StartURL                types.String   `tfsdk:"start_url"`
	CallbackURLs            types.List     `tfsdk:"callback_urls"`
	Scopes                  types.Set      `tfsdk:"scopes"`
	AdminApprovedUsersOnly  types.Bool     `tfsdk:"admin_approved_users_only"`
	IPRelaxation            types.String   `tfsdk:"ip_relaxation"`
	RefreshTokenPolicy      types.String   `tfsdk:"refresh_token_policy"`
	Certificate             types.String   `tfsdk:"certificate"`
	ClientCredentialsUser   types.String   `tfsdk:"client_credentials_user"`
	PKCERequired            types.Bool     `tfsdk:"pkce_required"`
	RefreshRequiresSecret   types.Bool     `tfsdk:"refresh_token_requires_secret"`
	ConsumerKey             types.String   `tfsdk:"consumer_key"`
	ConsumerSecretWO        types.String   `tfsdk:"consumer_secret_wo"`
	ConsumerSecretWOVersion types.Int64    `tfsdk:"consumer_secret_wo_version"`
	Timeouts                timeouts.Value `tfsdk:"timeouts"`
}

func (r *connectedAppResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connected_app"
}

func (r *connectedAppResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A connected app, managed through the Metadata API type `ConnectedApp`: its OAuth settings, " +
			"its Permitted Users policy and its OAuth policies. Creating a connected app makes it local and installed in the org. " +
			"Grant it to profiles and permission sets with `sfaccess_connected_app_access`.\n\n" +
			"~> **Connected app creation is restricted since Spring '26.** Salesforce no longer lets customers create connected apps, " +
			"through the Metadata API as in Setup (Salesforce help article 005228017); in such an org a create fails with " +
			"\"Connected App Creation Restricted\". Existing connected apps can still be imported, updated and deleted with this resource. " +
			"Build new integrations on an External Client App instead, or ask Salesforce Support to re-enable connected app creation.\n\n" +
			"The running user needs **Customize Application** and either **Modify All Data** or **Manage Connected Apps**.",
		Attributes: map[string]schema.Attribute{
			"name": appNameAttribute("the connected app"),
			"id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the `ConnectedApplication` record (key prefix `0H4`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"label":         appLabelAttribute(),
			"contact_email": appContactEmailAttribute("the app's owner"),
			"contact_phone": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Phone number of the app's owner, at most %d characters.", contactPhoneMaxLength),
				Optional:            true,
				Validators:          []validator.String{validMaxLength("contact phone", contactPhoneMaxLength)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Description shown in Setup, at most %d characters, without control characters other than line breaks and tabs.", connectedAppDescriptionMaxLength),
				Optional:            true,
				Validators:          []validator.String{validMaxLength("description", connectedAppDescriptionMaxLength), noControlCharacters("description", true)},
			},
			"info_url": schema.StringAttribute{
				MarkdownDescription: "An `https://` page with more information about the app.",
				Optional:            true,
				Validators:          []validator.String{validWebURL("info URL")},
			},
			"start_url": schema.StringAttribute{
				MarkdownDescription: "An `https://` URL users are sent to when they open the app from the App Launcher.",
				Optional:            true,
				Validators:          []validator.String{validWebURL("start URL")},
			},
		},
	}
	maps.Copy(resp.Schema.Attributes, connectedAppOAuthAttributes())
	maps.Copy(resp.Schema.Attributes, connectedAppCredentialAttributes())
	resp.Schema.Attributes["timeouts"] = timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true})
}

// connectedAppIdentity is the app's API name, its import id.
var connectedAppIdentity = identityKey{
	{name: "name", description: "The API name of the connected app."},
}

func (r *connectedAppResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	connectedAppIdentity.identitySchema(resp)
}

// connectedAppOAuthAttributes are the attributes of the app's OAuth settings and policies, kept
// apart from its identity, contact and credential attributes so that no list needs scrolling.
func connectedAppOAuthAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"callback_urls": schema.ListAttribute{
			MarkdownDescription: "OAuth redirect URLs, in order, at least one and without duplicates. Each must be `https://`, " +
				"`http://` only for `localhost` and loopback addresses, or a mobile app's private-use scheme such as `com.acme.mobile:/oauth` (RFC 8252).",
			ElementType: types.StringType,
			Required:    true,
			Validators: []validator.List{
				listvalidator.SizeAtLeast(1),
				listvalidator.UniqueValues(),
				listvalidator.ValueStringsAre(validCallbackURL()),
			},
		},
		"scopes": schema.SetAttribute{
			MarkdownDescription: "OAuth scopes the app may request, at least one. Must be among " + markdownList(connectedAppScopes) + ". " +
				"Salesforce stores " + markdownList(sortedFoldedScopes()) + " as `Basic` and `RefreshToken`, so those names are refused with the one to use instead.",
			ElementType: types.StringType,
			Required:    true,
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(validScope()),
			},
		},
		"admin_approved_users_only": schema.BoolAttribute{
			MarkdownDescription: "Permitted Users: `true` means \"Admin approved users are pre-authorized\" — only users whose profile or permission set is " +
				"granted the app (see `sfaccess_connected_app_access`) may use it; `false` means \"All users may self-authorize\". Defaults to `false`.",
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
		},
		"ip_relaxation": schema.StringAttribute{
			MarkdownDescription: "IP relaxation policy. Must be one of " + markdownList(ipRelaxationValues) + ". Defaults to `" + orgapi.DefaultIPRelaxation + "`.",
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(orgapi.DefaultIPRelaxation),
			Validators:          []validator.String{validIPRelaxation()},
		},
		"refresh_token_policy": schema.StringAttribute{
			MarkdownDescription: "Refresh token policy: `zero`, `infinite`, `specific_lifetime:<n>:<unit>` or `specific_inactivity:<n>:<unit>` " +
				"where `<unit>` is `HOURS`, `DAYS` or `MONTHS` (for example `specific_inactivity:7:DAYS`). Defaults to `" + orgapi.DefaultRefreshTokenPolicy + "`.",
			Optional:   true,
			Computed:   true,
			Default:    stringdefault.StaticString(orgapi.DefaultRefreshTokenPolicy),
			Validators: []validator.String{validRefreshTokenPolicy()},
		},
	}
}

// connectedAppCredentialAttributes are the attributes of how clients prove who they are: the
// certificate, the client credentials user, PKCE, and the consumer key and secret.
func connectedAppCredentialAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"certificate": schema.StringAttribute{
			MarkdownDescription: "PEM-encoded X.509 certificate used to verify JWT bearer assertions (\"Use digital signatures\"), for example `file(\"server.crt\")`. " +
				"Whitespace around the PEM block is ignored when comparing with the org, which stores it trimmed.",
			Optional:   true,
			Validators: []validator.String{validCertificate()},
		},
		"client_credentials_user": schema.StringAttribute{
			MarkdownDescription: "Username the client credentials flow runs as. Setting it enables the client credentials flow; leaving it out disables it.",
			Optional:            true,
			Validators:          []validator.String{usernameValidator()},
		},
		"pkce_required": schema.BoolAttribute{
			MarkdownDescription: "Require Proof Key for Code Exchange (PKCE) for the authorization code flow. Defaults to `false`.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
		},
		"refresh_token_requires_secret": schema.BoolAttribute{
			MarkdownDescription: "Require the client secret in the refresh token flow (`oauthConfig.isSecretRequiredForRefreshToken`, " +
				"API 51.0 or later; `false` needs `api_version` 51.0 or later). Defaults to `true`, Salesforce's default for new apps.",
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(true),
		},
		"consumer_key": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("OAuth client id, %d to %d letters and digits, unique across Salesforce. Generated by Salesforce when not set. ", consumerCredentialMinLength, consumerCredentialMaxLength) +
				"Salesforce accepts it only when the app is created, so changing it creates a new app.",
			Optional:      true,
			Computed:      true,
			Validators:    []validator.String{validConsumerCredential("consumer key")},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
		},
		"consumer_secret_wo": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("OAuth client secret, %d to %d letters and digits; write-only (Terraform 1.11 and later), so it is never stored in state or plans. ", consumerCredentialMinLength, consumerCredentialMaxLength) +
				"Salesforce accepts a secret only when the app is created and never returns it: Terraform cannot see a change of this value. " +
				"To set a new secret, change `consumer_secret_wo_version`, which **replaces the app** (new id and consumer key; grants and installation must be recreated, which Terraform does for resources that reference it). " +
				"Generated by Salesforce when not set.",
			Optional:   true,
			Sensitive:  true,
			WriteOnly:  true,
			Validators: []validator.String{validConsumerCredential("consumer secret"), stringvalidator.AlsoRequires(path.MatchRoot("consumer_secret_wo_version"))},
		},
		"consumer_secret_wo_version": schema.Int64Attribute{
			MarkdownDescription: "Version of `consumer_secret_wo`, required with it. Terraform sends the secret when the app is created; " +
				"changing a version already in state (together with the secret) **replaces the app**, because Salesforce cannot change a connected app's secret through its API. " +
				"Setting the version for the first time on an app that has none in state (an imported app, or one created without a secret) does not replace it: " +
				"Terraform records the version and sends nothing, so the app keeps its consumer key and secret; neither does removing it.",
			Optional:      true,
			Validators:    []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("consumer_secret_wo"))},
			PlanModifiers: []planmodifier.Int64{replaceOnSecretVersionChange()},
		},
	}
}

// replaceOnSecretVersionChange replaces the app when consumer_secret_wo_version changes from one
// version to another, the only way to give an app a new secret. A version set for the first time
// (after import, say) only starts tracking it: replacing would issue a new consumer key and break
// every integration that uses the app. Removing the version stops tracking it, likewise in place.
func replaceOnSecretVersionChange() planmodifier.Int64 {
	return int64planmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull()
		},
		"Changing a version already in state replaces the app; setting it for the first time does not.",
		"Changing a version already in state replaces the app; setting it for the first time does not.",
	)
}

func (r *connectedAppResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks, before anything changes, what the org can tell about the plan: that the
// provider's user may manage connected apps, that a new app's name is free and that the client
// credentials user exists. It also records the apps this plan creates or keeps (every name the plan
// leaves in place counts, since a renamed app is replaced), so that a grant or installation
// planned in the same run for such an app is not reported as pointing at a missing app.
func (r *connectedAppResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.claimObject(ctx, connectedAppType, req, resp)
	action, check := r.data.planChecks(req, req.Plan.Raw.Equal(req.State.Raw), "the connected app", &resp.Diagnostics)
	if !check {
		return
	}
	// Runs last, after this resource's own checks, and only when they found no error.
	defer r.data.startAccessImpact(ctx).reportAccessImpact(ctx, connectedAppImpact(ctx, req), &resp.Diagnostics)
	if action == planDestroy {
		var state connectedAppModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		r.data.checkAdminPermission(ctx, orgapi.NeedConnectedApps, fmt.Sprintf("deleting Connected App (%s)", state.Name.ValueString()), &resp.Diagnostics)
		return
	}
	var plan connectedAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *connectedAppModel
	verb := "creating"
	if action == planUpdate {
		state, verb = &connectedAppModel{}, "updating"
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	r.data.checkAdminPermission(ctx, orgapi.NeedConnectedApps, fmt.Sprintf("%s Connected App (%s)", verb, plan.Name.ValueString()), &resp.Diagnostics)
	if action == planCreate && !plan.Name.IsUnknown() {
		r.checkNameFree(ctx, plan.Name.ValueString(), &resp.Diagnostics)
	}
	if user := plan.ClientCredentialsUser; state == nil || !state.ClientCredentialsUser.Equal(user) {
		r.data.checkClientCredentialsUser(ctx, user, &resp.Diagnostics)
	}
	r.checkSendable(ctx, plan, &resp.Diagnostics)
}

// checkNameFree fails the plan of a new connected app whose API name the org already uses for an
// app Terraform does not manage; API names are unique regardless of case.
func (r *connectedAppResource) checkNameFree(ctx context.Context, name string, diags *diag.Diagnostics) {
	if r.data.isManaged(connectedAppType, strings.ToLower(name)) {
		return
	}
	taken, found, err := r.data.client.ConnectedAppNamed(ctx, name)
	if err != nil {
		diags.Append(r.data.planCheckFailed("whether the connected app name "+name+" is free", err))
		return
	}
	if found {
		diags.Append(nameCollisionDiag(path.Root("name"), connectedAppTarget(taken), "a connected app named "+taken))
	}
}

const connectedAppType = "sfaccess_connected_app"

func connectedAppTarget(name string) createTarget {
	return createTarget{resourceType: connectedAppType, importID: name, action: fmt.Sprintf("creating Connected App (%s)", name)}
}

func (r *connectedAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan connectedAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// The secret is write-only: only the configuration carries it, never the plan.
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("consumer_secret_wo"), &plan.ConsumerSecretWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, connectedAppDefaultTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, timeout, &plan, nil, &resp.State, &resp.Diagnostics)
	connectedAppIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *connectedAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r.data, req, resp, readSteps[connectedAppModel]{
		identity: connectedAppIdentity,
		read:     r.read,
		gone: func(ctx context.Context, m connectedAppModel) {
			tflog.Warn(ctx, "connected app no longer exists; removing it from state", map[string]any{"name": m.Name.ValueString()})
		},
		managed: func(m connectedAppModel) (string, string) {
			return connectedAppType, strings.ToLower(m.Name.ValueString())
		},
	})
}

func (r *connectedAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state connectedAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, connectedAppDefaultTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, timeout, &plan, &state, &resp.State, &resp.Diagnostics)
	connectedAppIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// apply writes the planned app, creating it when prior is nil, and reads it back into state.
// Create and Update share it so that what is sent and how it is read back cannot differ between
// them.
func (r *connectedAppResource) apply(ctx context.Context, timeout time.Duration, plan, prior *connectedAppModel, state *tfsdk.State, diags *diag.Diagnostics) {
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
		tflog.Debug(ctx, "creating connected app", map[string]any{"name": name})
		// The error of a refused create explains the Spring '26 restriction and the way forward
		// (External Client Apps, or importing an existing app), so it is reported as it is.
		if _, ok := createAdopting(ctx, connectedAppTarget(name), diags,
			func(ctx context.Context) (*orgapi.ConnectedApp, error) { return app, c.CreateConnectedApp(ctx, app) },
			func(ctx context.Context) (*orgapi.ConnectedApp, error) { return c.ReadConnectedApp(ctx, name) },
		); !ok {
			return
		}
		// The name is the app's identity; it goes to state before the read-back, so that a failed
		// read-back leaves a tainted resource Terraform replaces, not an orphan.
		diags.Append(state.SetAttribute(ctx, path.Root("name"), name)...)
	} else {
		// Salesforce replaces the whole component on update; sending the unchanged key keeps it,
		// and a changed key never gets here because it forces replacement.
		app.ConsumerKey = prior.ConsumerKey.ValueString()
		tflog.Debug(ctx, "updating connected app", map[string]any{"name": name})
		if !updateAdopting(ctx, fmt.Sprintf("updating Connected App (%s)", name), diags, plan,
			func(ctx context.Context) error { return c.UpdateConnectedApp(ctx, app) }, r.read) {
			return
		}
	}
	if !readBack(ctx, fmt.Sprintf("Connected App (%s)", name), diags, plan, r.read) {
		switch {
		case diags.HasError():
		case prior == nil:
			diags.AddError("Connected App Vanished After Creation",
				fmt.Sprintf("Salesforce accepted the connected app %s but does not return it when read back. Check Setup > App Manager, then run terraform apply again.", name))
		default:
			diags.AddError("Connected App Deleted During Update",
				fmt.Sprintf("The connected app %s was deleted while Terraform updated it. Run terraform apply again to create it.", name))
		}
		return
	}
	diags.Append(state.Set(ctx, plan)...)
}

func (r *connectedAppResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.data.ready(&resp.Diagnostics) {
		return
	}
	var state connectedAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, connectedAppDefaultTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	name := state.Name.ValueString()
	tflog.Debug(ctx, "deleting connected app", map[string]any{"name": name})
	deleteConfirming(ctx, fmt.Sprintf("deleting Connected App (%s)", name), &resp.Diagnostics, &state,
		func(ctx context.Context) error { return r.data.client.DeleteConnectedApp(ctx, name) }, r.read)
}

// ImportState takes the app's API name; Read fills in everything else. The secret and its
// version cannot be read back and stay empty.
func (r *connectedAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	req.ID = connectedAppIdentity.importID(ctx, req, &resp.Diagnostics)
	name := strings.TrimSpace(req.ID)
	if msg := checkAPIName(name); msg != "" {
		resp.Diagnostics.AddError("Invalid Import ID", "Import a connected app by its API name, for example Portal_Mobile. "+msg)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
}

// read loads the app m names into m. It reports false when the org no longer has the app, and
// when the read failed, which a diagnostic then says.
func (r *connectedAppResource) read(ctx context.Context, m *connectedAppModel, diags *diag.Diagnostics) bool {
	name := m.Name.ValueString()
	app, id, err := r.data.client.ReadConnectedAppWithID(ctx, name)
	if isNotFound(err) {
		return false
	}
	if err != nil {
		diags.Append(orgErrorDiag(fmt.Sprintf("reading Connected App (%s)", name), err))
		return false
	}
	m.setFrom(ctx, app, id, diags)
	return true
}

// toAPI is the app as the plan asks for it.
func (m connectedAppModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *orgapi.ConnectedApp {
	app := &orgapi.ConnectedApp{
		FullName:             m.Name.ValueString(),
		Label:                m.Label.ValueString(),
		ContactEmail:         m.ContactEmail.ValueString(),
		ContactPhone:         m.ContactPhone.ValueString(),
		Description:          m.Description.ValueString(),
		InfoURL:              m.InfoURL.ValueString(),
		StartURL:             m.StartURL.ValueString(),
		IsAdminApproved:      m.AdminApprovedUsersOnly.ValueBool(),
		PkceRequired:         m.PKCERequired.ValueBool(),
		Certificate:          m.Certificate.ValueString(),
		ClientCredentialUser: m.ClientCredentialsUser.ValueString(),
		IPRelaxation:         m.IPRelaxation.ValueString(),
		RefreshTokenPolicy:   m.RefreshTokenPolicy.ValueString(),
		// Set only by Create, from the configuration; orgapi sends it on create only.
		ConsumerSecret: m.ConsumerSecretWO.ValueString(),
	}
	if !m.RefreshRequiresSecret.IsNull() && !m.RefreshRequiresSecret.IsUnknown() {
		required := m.RefreshRequiresSecret.ValueBool()
		app.RefreshTokenRequiresSecret = &required
	}
	// An unknown consumer key (not configured) is sent as "" so Salesforce generates one.
	if !m.ConsumerKey.IsUnknown() {
		app.ConsumerKey = m.ConsumerKey.ValueString()
	}
	diags.Append(m.CallbackURLs.ElementsAs(ctx, &app.CallbackURLs, false)...)
	diags.Append(m.Scopes.ElementsAs(ctx, &app.Scopes, false)...)
	return app
}

// setFrom copies what Salesforce returned into m. Values Salesforce leaves out map to null (the
// validators refuse "" so configuration never holds an empty string), and values it does not
// report below API 49.0 (the OAuth policy) map to their defaults.
func (m *connectedAppModel) setFrom(ctx context.Context, app *orgapi.ConnectedApp, id string, diags *diag.Diagnostics) {
	// Names, usernames and emails keep m's spelling when the org's differs only in case.
	m.Name = keepSpelling(m.Name, types.StringValue(app.FullName))
	m.ID = types.StringValue(id)
	m.Label = types.StringValue(app.Label)
	m.ContactEmail = keepSpelling(m.ContactEmail, types.StringValue(app.ContactEmail))
	m.ContactPhone = nullIfEmpty(app.ContactPhone)
	m.Description = nullIfEmpty(app.Description)
	m.InfoURL = nullIfEmpty(app.InfoURL)
	m.StartURL = nullIfEmpty(app.StartURL)
	m.AdminApprovedUsersOnly = types.BoolValue(app.IsAdminApproved)
	m.PKCERequired = types.BoolValue(app.PkceRequired)
	// orgapi reads an absent value as Salesforce's default, true.
	m.RefreshRequiresSecret = types.BoolValue(app.RefreshTokenRequiresSecret == nil || *app.RefreshTokenRequiresSecret)
	m.IPRelaxation = types.StringValue(valueOr(app.IPRelaxation, orgapi.DefaultIPRelaxation))
	m.RefreshTokenPolicy = types.StringValue(valueOr(app.RefreshTokenPolicy, orgapi.DefaultRefreshTokenPolicy))
	m.ClientCredentialsUser = keepSpelling(m.ClientCredentialsUser, nullIfEmpty(app.ClientCredentialUser))
	m.ConsumerKey = nullIfEmpty(app.ConsumerKey)
	m.ConsumerSecretWO = types.StringNull()

	// A certificate that differs only in surrounding whitespace (a trailing newline from file())
	// is the same certificate; keep the configured text so no diff appears.
	configured := m.Certificate.ValueString()
	if configured == "" || strings.TrimSpace(configured) != strings.TrimSpace(app.Certificate) {
		m.Certificate = nullIfEmpty(app.Certificate)
	}

	callbacks, d := types.ListValueFrom(ctx, types.StringType, nonNil(app.CallbackURLs))
	diags.Append(d...)
	m.CallbackURLs = callbacks
	scopes, d := types.SetValueFrom(ctx, types.StringType, nonNil(app.Scopes))
	diags.Append(d...)
	m.Scopes = scopes
}
