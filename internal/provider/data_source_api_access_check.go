package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/impact"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var (
	_ datasource.DataSourceWithConfigure      = (*apiAccessCheckDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*apiAccessCheckDataSource)(nil)
)

// apiAccessCheckDataSource predicts whether a user may reach the API through a connected app or
// a Visualforce session, with the same rules the org enforces (internal/access), applied to the
// org's live state. It lets check blocks and postconditions prove what a plan does to access.
type apiAccessCheckDataSource struct {
	data *providerData
}

// NewAPIAccessCheckDataSource is the sfaccess_api_access_check data source.
func NewAPIAccessCheckDataSource() datasource.DataSource { return &apiAccessCheckDataSource{} }

const (
	channelConnectedApp = "connected_app"
	channelVisualforce  = "visualforce"
)

type apiAccessCheckModel struct {
	ID               types.String `tfsdk:"id"`
	Username         types.String `tfsdk:"username"`
	ConnectedAppName types.String `tfsdk:"connected_app_name"`
	ECAName          types.String `tfsdk:"external_client_app_name"`
	Channel          types.String `tfsdk:"channel"`
	Allowed          types.Bool   `tfsdk:"allowed"`
	Rule             types.String `tfsdk:"rule"`
	ErrorCode        types.String `tfsdk:"error_code"`
	Message          types.String `tfsdk:"message"`
	PriorApproval    types.Bool   `tfsdk:"prior_approval"`
}

func (d *apiAccessCheckDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_access_check"
}

func ruleIDs() []string { return idsOf(access.Rules) }

func idsOf(rules []access.Rule) []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}

func (d *apiAccessCheckDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Predicts whether a user may call the API through a connected app, or with the " +
			"session of a Visualforce page, by applying Salesforce's API Access Control rules to the org's " +
			"live state: the limits, the Visualforce option, the app's install and block state and Permitted " +
			"Users policy, its profile and permission set grants, and the user's type and permissions. Use it " +
			"in `check` blocks and postconditions to prove that a configuration locks the right people out.\n\n" +
			"Since September 2025 Salesforce also restricts **uninstalled connected apps** for every user, " +
			"whatever the API Access Control settings say (rule `" + access.RuleUninstalledAppRestricted + "`): an " +
			"app that is neither installed nor created in the org is refused (`invalid_client`, \"app must be " +
			"installed into org\") unless the user holds **Approve Uninstalled Connected Apps** " +
			"(`CanApproveUninstalledApps`) or authorized the app before (`prior_approval`, an `OauthToken` of the " +
			"user and app). Use Any API Client no longer exempts a user from it. The prediction is for the OAuth " +
			"flows other than the device flow, which a prior approval does not help.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`username/connected_app_name`, `username/external_client_app_name`, or `username/visualforce`.",
				Computed:            true,
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The user to check, e.g. `partner@acme.test`.",
				Required:            true,
				Validators:          []validator.String{usernameValidator()},
			},
			"connected_app_name": schema.StringAttribute{
				MarkdownDescription: "The API name of the connected app the user would get a token through. " +
					"Required unless `channel` is `visualforce`, and not allowed then.",
				Optional:   true,
				Validators: []validator.String{apiNameValidator()},
			},
			"channel": schema.StringAttribute{
				MarkdownDescription: "How the user reaches the API: `connected_app` (an OAuth token of " +
					"`connected_app_name`), `external_client_app` (an OAuth token of `external_client_app_name`) or " +
					"`visualforce` (a Visualforce page's session). Defaults to `connected_app`.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.OneOf(channelConnectedApp, channelVisualforce, channelExternalClientApp)},
			},
			"external_client_app_name": schema.StringAttribute{
				MarkdownDescription: "The API name of the External Client App the user would get a token through, with `channel = \"external_client_app\"`. " +
					"External Client Apps are decided by their own rules (" + markdownList(ecaRuleIDs()) + ", after the two user rules): API Access Control's " +
					"limits do not govern them, but Use Any API Client admits a user to any whose OAuth plugin is on.",
				Optional:   true,
				Validators: []validator.String{apiNameValidator()},
			},
			"allowed": schema.BoolAttribute{
				MarkdownDescription: "Whether the org would let the call through.",
				Computed:            true,
			},
			"rule": schema.StringAttribute{
				MarkdownDescription: "The rule that decided, first match wins, in this order: " +
					markdownList(ruleIDs()) + "; for an External Client App: the first two, then " + markdownList(ecaRuleIDs()) + ".",
				Computed: true,
			},
			"error_code": schema.StringAttribute{
				MarkdownDescription: "For a denial, the error code Salesforce answers with (e.g. `invalid_client`, " +
					"`OAUTH_APP_BLOCKED`, `INVALID_SESSION_ID`); empty when allowed.",
				Computed: true,
			},
			"message": schema.StringAttribute{
				MarkdownDescription: "For a denial, Salesforce's error message (e.g. \"app must be installed into " +
					"org\"); when allowed, why.",
				Computed: true,
			},
			"prior_approval": schema.BoolAttribute{
				MarkdownDescription: "Whether the user has authorized the connected app before (the org keeps an " +
					"`OauthToken` of the pair), which keeps an uninstalled app usable for that user outside the " +
					"device flow. Null for the `visualforce` channel.",
				Computed: true,
			},
		},
	}
}

func (d *apiAccessCheckDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m apiAccessCheckModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Channel.IsUnknown() || m.ConnectedAppName.IsUnknown() {
		return
	}
	visualforce := m.Channel.ValueString() == channelVisualforce
	if eca := m.Channel.ValueString() == channelExternalClientApp; eca || !m.ECAName.IsNull() {
		if m.ECAName.IsUnknown() {
			return
		}
		switch {
		case !eca:
			resp.Diagnostics.AddAttributeError(path.Root("external_client_app_name"), "Conflicting Attributes",
				"external_client_app_name needs channel = \"external_client_app\".")
		case m.ECAName.IsNull() || !m.ConnectedAppName.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("external_client_app_name"), "Missing Attribute",
				"channel \"external_client_app\" needs external_client_app_name, and no connected_app_name.")
		}
		return
	}
	switch {
	case visualforce && !m.ConnectedAppName.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("connected_app_name"), "Conflicting Attributes",
			"connected_app_name cannot be set when channel is \"visualforce\": a Visualforce session does not go through a connected app.")
	case !visualforce && m.ConnectedAppName.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("connected_app_name"), "Missing Attribute",
			"connected_app_name is required unless channel is \"visualforce\".")
	}
}

func (d *apiAccessCheckDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *apiAccessCheckDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m apiAccessCheckModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics) {
		return
	}
	if m.Channel.IsNull() {
		m.Channel = types.StringValue(channelConnectedApp)
	}
	visualforce := m.Channel.ValueString() == channelVisualforce
	if m.Channel.ValueString() == channelExternalClientApp {
		d.readECA(ctx, &m, resp)
		return
	}

	available, err := d.data.client.ExtensionAvailable(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("discovering the setup extension", err))
		return
	}
	if !available {
		resp.Diagnostics.AddError("Setup Extension Unavailable",
			"The access check needs to know which connected apps are installed or blocked and whether "+
				"Visualforce sessions may call the API. Salesforce has no public API for either, and this org "+
				"does not serve the sfaccess setup extension that provides one. Look them up on "+
				orgapi.SetupPageOAuthUsage+" and "+orgapi.SetupPageAPIAccessControl+" instead.")
		return
	}

	in := accessInputs{client: d.data.client}
	org := in.org(ctx, &resp.Diagnostics)
	user, userID := in.user(ctx, m.Username.ValueString(), &resp.Diagnostics)
	via := access.ViaVisualforce()
	m.PriorApproval = types.BoolNull()
	if !visualforce && !resp.Diagnostics.HasError() {
		via = in.appChannel(ctx, m.ConnectedAppName.ValueString(), userID, &resp.Diagnostics)
		m.PriorApproval = types.BoolValue(via.PriorApproval)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	decision := access.Decide(org, user, via)
	if visualforce && decision.Rule == access.RuleUserInactive {
		// An inactive user's session is refused by the REST API, which has no inactive_user
		// code of its own (that is the OAuth endpoint's); it answers as for any dead session.
		decision.ErrorCode = access.CodeInvalidSessionID
	}
	target := m.ConnectedAppName.ValueString()
	if visualforce {
		target = channelVisualforce
	}
	m.setDecision(decision, target)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// setDecision copies a decision into the model; target names the channel in the id.
func (m *apiAccessCheckModel) setDecision(decision access.Decision, target string) {
	m.Allowed = types.BoolValue(decision.Allowed)
	m.Rule = types.StringValue(decision.Rule)
	m.ErrorCode = types.StringValue(decision.ErrorCode)
	m.Message = types.StringValue(decision.Message)
	if decision.Allowed {
		m.Message = types.StringValue(ruleCondition(decision.Rule))
	}
	m.ID = types.StringValue(m.Username.ValueString() + "/" + target)
}

func ruleCondition(id string) string {
	for _, r := range append(slices.Clone(access.Rules), access.ECARules...) {
		if r.ID == id {
			return r.Condition
		}
	}
	return ""
}

// accessInputs reads the live org state the access rules need, sharing one permission index.
type accessInputs struct {
	client *orgapi.Client
	ix     *impact.PermissionIndex
}

func (in *accessInputs) index(ctx context.Context, diags *diag.Diagnostics) *impact.PermissionIndex {
	if in.ix == nil {
		ix, err := impact.LoadPermissionIndex(ctx, in.client)
		if err != nil {
			diags.Append(orgErrorDiag("reading permission sets and assignments", err))
			return nil
		}
		in.ix = ix
	}
	return in.ix
}

func (in *accessInputs) org(ctx context.Context, diags *diag.Diagnostics) access.Org {
	org, op, err := impact.ReadSettings(ctx, in.client)
	if err != nil {
		diags.Append(orgErrorDiag(op, err))
	}
	return org
}

// user returns what the rules need to know of the user, and the user's id.
func (in *accessInputs) user(ctx context.Context, username string, diags *diag.Diagnostics) (access.User, string) {
	u, err := in.client.UserByUsername(ctx, username)
	if isNotFound(err) {
		diags.Append(userNotFoundDiag(path.Root("username"), username))
		return access.User{}, ""
	}
	if err != nil {
		diags.Append(orgErrorDiag(fmt.Sprintf("reading User (%s)", username), err))
		return access.User{}, ""
	}
	ix := in.index(ctx, diags)
	if ix == nil {
		return access.User{}, ""
	}
	perms := ix.PermissionsOf(*u)
	return access.User{
		Type:                      access.UserType(u.UserType),
		Active:                    u.IsActive,
		APIEnabled:                perms["ApiEnabled"],
		UseAnyAPIClient:           perms[orgapi.PermissionUseAnyAPIClient],
		CanApproveUninstalledApps: perms[orgapi.PermissionCanApproveUninstalledApps],
		Grantees:                  ix.Grantees(*u),
	}, u.ID
}

// appChannel returns the channel of a token the user would get through the app: the app's state,
// and whether the user approved the app before. The flow is left unknown, which the rules count
// as any flow but the device flow.
func (in *accessInputs) appChannel(ctx context.Context, name, userID string, diags *diag.Diagnostics) access.Channel {
	usage, notFound := findOAuthUsageApp(ctx, in.client, name)
	if notFound != nil {
		diags.Append(notFound)
		return access.Channel{}
	}
	record, err := in.client.ConnectedApplicationByName(ctx, name)
	if err != nil {
		diags.Append(orgErrorDiag(fmt.Sprintf("reading ConnectedApplication (%s)", name), err))
		return access.Channel{}
	}
	grants, err := in.client.SetupEntityAccesses(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("reading connected app grants", err))
		return access.Channel{}
	}
	// OauthToken names the app by its label, ConnectedApplication.Name.
	approved, err := in.client.HasOAuthApproval(ctx, userID, record.Label)
	if err != nil {
		diags.Append(orgErrorDiag(fmt.Sprintf("reading the OAuth approvals of %s", name), err))
		return access.Channel{}
	}
	app := access.App{
		Name:      name,
		Installed: usage.Installed,
		Blocked:   usage.Blocked,
		// The setup extension's "local" is an app created in this org, which Salesforce's usage
		// restriction on uninstalled apps spares.
		OrgManaged:             usage.Local,
		AdminApprovedUsersOnly: record.AdminApprovedUsersOnly,
	}
	for _, g := range grants {
		if sameID(g.SetupEntityID, record.ID) {
			app.GrantedTo = append(app.GrantedTo, g.ParentID)
		}
	}
	return access.Channel{App: app, PriorApproval: approved}
}
