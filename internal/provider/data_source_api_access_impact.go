package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/impact"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ datasource.DataSourceWithConfigure = (*apiAccessImpactDataSource)(nil)

// apiAccessImpactDataSource answers "who would lose or gain API access if the org were set like
// this", with the same analysis a plan reports (internal/impact), for a hypothetical setting given
// as arguments: for check blocks and for exploring in terraform console.
type apiAccessImpactDataSource struct {
	data *providerData
}

// NewAPIAccessImpactDataSource is the sfaccess_api_access_impact data source.
func NewAPIAccessImpactDataSource() datasource.DataSource { return &apiAccessImpactDataSource{} }

type apiAccessImpactModel struct {
	ID                 types.String              `tfsdk:"id"`
	LimitExternal      types.Bool                `tfsdk:"limit_external_users_to_installed_apps"`
	LimitAll           types.Bool                `tfsdk:"limit_all_users_to_approved_apps"`
	InstalledApps      types.Set                 `tfsdk:"installed_apps"`
	UninstalledApps    types.Set                 `tfsdk:"uninstalled_apps"`
	BlockedApps        types.Set                 `tfsdk:"blocked_apps"`
	AdminApprovedApps  types.Set                 `tfsdk:"admin_approved_apps"`
	DisabledECAs       types.Set                 `tfsdk:"disabled_external_client_apps"`
	AdminApprovedECAs  types.Set                 `tfsdk:"admin_approved_external_client_apps"`
	GrantsAdded        []impactGrantModel        `tfsdk:"grants_added"`
	GrantsRemoved      []impactGrantModel        `tfsdk:"grants_removed"`
	AssignmentsAdded   []impactAssignmentModel   `tfsdk:"assignments_added"`
	AssignmentsRemoved []impactAssignmentModel   `tfsdk:"assignments_removed"`
	Permissions        map[string][]types.String `tfsdk:"permission_set_permissions"`
	MaxListed          types.Int64               `tfsdk:"max_listed"`
	Losses             []impactChangeModel       `tfsdk:"losses"`
	Gains              []impactChangeModel       `tfsdk:"gains"`
	LostUsers          types.Int64               `tfsdk:"lost_users"`
	GainedUsers        types.Int64               `tfsdk:"gained_users"`
	Summary            types.String              `tfsdk:"summary"`
}

type impactGrantModel struct {
	ConnectedAppName  types.String `tfsdk:"connected_app_name"`
	PermissionSetName types.String `tfsdk:"permission_set_name"`
	ProfileName       types.String `tfsdk:"profile_name"`
}

type impactAssignmentModel struct {
	PermissionSetName types.String `tfsdk:"permission_set_name"`
	Username          types.String `tfsdk:"username"`
}

type impactChangeModel struct {
	Username         types.String `tfsdk:"username"`
	ConnectedAppName types.String `tfsdk:"connected_app_name"`
	ECAName          types.String `tfsdk:"external_client_app_name"`
	Rule             types.String `tfsdk:"rule"`
	UseCount         types.Int64  `tfsdk:"use_count"`
	LastUsed         types.String `tfsdk:"last_used"`
}

func (d *apiAccessImpactDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_access_impact"
}

func appNamesAttribute(what string) schema.SetAttribute {
	return schema.SetAttribute{
		MarkdownDescription: "API names of connected apps " + what + ".",
		ElementType:         types.StringType,
		Optional:            true,
	}
}

func impactChangesAttribute(what string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: "Every (user, app) pair that would " + what + ", most recently used first.",
		Computed:            true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"username":           schema.StringAttribute{Computed: true, MarkdownDescription: "The user."},
			"connected_app_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The connected app's API name; null for an External Client App."},
			"external_client_app_name": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The External Client App's API name; null for a connected app."},
			"rule":      schema.StringAttribute{Computed: true, MarkdownDescription: "The rule that would decide (see `sfaccess_api_access_check`)."},
			"use_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Tokens issued through the approval (`OauthToken.UseCount`)."},
			"last_used": schema.StringAttribute{Computed: true, MarkdownDescription: "When it was last used (`OauthToken.LastUsedDate`)."},
		}},
	}
}

func grantsAttribute(what string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: "Grants of connected apps " + what + ": `connected_app_name` with `permission_set_name` or `profile_name`.",
		Optional:            true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"connected_app_name":  schema.StringAttribute{Required: true, MarkdownDescription: "The app's API name."},
			"permission_set_name": schema.StringAttribute{Optional: true, MarkdownDescription: "The permission set's API name."},
			"profile_name":        schema.StringAttribute{Optional: true, MarkdownDescription: "The profile's name."},
		}},
	}
}

func assignmentsAttribute(what string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: "Permission set assignments " + what + ".",
		Optional:            true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"permission_set_name": schema.StringAttribute{Required: true, MarkdownDescription: "The permission set's API name."},
			"username":            schema.StringAttribute{Required: true, MarkdownDescription: "The user."},
		}},
	}
}

func (d *apiAccessImpactDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who would lose or gain API access if the org were set as the arguments say: the " +
			"analysis a plan reports for its own changes, for a hypothetical setting. Every argument left out " +
			"keeps the org's current value. Only users who actually use a connected app count: the org's OAuth " +
			"usage (`OauthToken`: user, app, use count, last use) is decided with the rules the org enforces " +
			"(`internal/access`, the same as `sfaccess_api_access_check`), before and after.\n\n" +
			"An approval does not survive blocking its app or uninstalling an installed app (the org deletes it), " +
			"which the analysis takes into account. Visualforce sessions and the OAuth device flow are not part " +
			"of the usage list and are not analysed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The org id."},
			attrLimitExternal: schema.BoolAttribute{Optional: true,
				MarkdownDescription: "The external-user limit as it would be; unset keeps the org's."},
			attrLimitAll: schema.BoolAttribute{Optional: true,
				MarkdownDescription: "The all-users limit as it would be; unset keeps the org's."},
			"installed_apps":      appNamesAttribute("that would be installed (and not blocked)"),
			"uninstalled_apps":    appNamesAttribute("that would be uninstalled"),
			"blocked_apps":        appNamesAttribute("that would be installed and blocked"),
			"admin_approved_apps": appNamesAttribute("whose Permitted Users would be \"Admin approved users are pre-authorized\""),
			"disabled_external_client_apps": schema.SetAttribute{
				MarkdownDescription: "API names of External Client Apps whose OAuth plugin would be off (`oauth_plugin_enabled = false`).",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"admin_approved_external_client_apps": schema.SetAttribute{
				MarkdownDescription: "API names of External Client Apps whose Permitted Users would be admin approved " +
					"(`admin_approved_users_only = true`).",
				ElementType: types.StringType,
				Optional:    true,
			},
			"grants_added":        grantsAttribute("that would be added"),
			"grants_removed":      grantsAttribute("that would be removed"),
			"assignments_added":   assignmentsAttribute("that would be added"),
			"assignments_removed": assignmentsAttribute("that would be removed"),
			"permission_set_permissions": schema.MapAttribute{
				MarkdownDescription: "Permission sets whose user permissions would be these, by API name (e.g. " +
					"`{ Partner_Bypass = [] }` takes `UseAnyApiClient` away). Only `ApiEnabled`, `UseAnyApiClient` " +
					"and `CanApproveUninstalledApps` matter to the rules.",
				ElementType: types.ListType{ElemType: types.StringType},
				Optional:    true,
			},
			"max_listed": schema.Int64Attribute{Optional: true,
				MarkdownDescription: "How many users `summary` lists, most recently active first; the rest are counted. Defaults to 20.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)}},
			"losses":       impactChangesAttribute("lose access"),
			"gains":        impactChangesAttribute("gain access"),
			"lost_users":   schema.Int64Attribute{Computed: true, MarkdownDescription: "How many distinct users would lose access to at least one app."},
			"gained_users": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many distinct users would gain access to at least one app."},
			"summary": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The report a plan prints, grouped by app and rule, with totals."},
		},
	}
}

func (d *apiAccessImpactDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *apiAccessImpactDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m apiAccessImpactModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics) {
		return
	}
	available, err := d.data.client.ExtensionAvailable(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("discovering the setup extension", err))
		return
	}
	if !available {
		resp.Diagnostics.AddError("Setup Extension Unavailable",
			"The impact analysis needs to know which connected apps are installed or blocked. Salesforce has no "+
				"public API for it, and this org does not serve the sfaccess setup extension that provides one. See "+
				orgapi.SetupPageOAuthUsage+" instead.")
		return
	}
	org := (&accessInputs{client: d.data.client}).org(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	base, err := impact.LoadWithSettings(ctx, d.data.client, org)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("reading the org's OAuth usage and the records it points at", err))
		return
	}
	ch := m.changes(ctx, base, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	changes := base.Compare(ch)
	limit := impactListLimit
	if !m.MaxListed.IsNull() {
		limit = int(m.MaxListed.ValueInt64())
	}
	s := access.Summarize(changes, limit)
	m.Losses, m.Gains = []impactChangeModel{}, []impactChangeModel{}
	for _, c := range changes {
		row := impactChangeModel{Username: types.StringValue(c.Username), ConnectedAppName: types.StringValue(c.App),
			ECAName: types.StringNull(), Rule: types.StringValue(c.After.Rule), UseCount: types.Int64Value(int64(c.UseCount)), LastUsed: types.StringValue(c.LastUsed)}
		if c.ExternalClientApp {
			row.ConnectedAppName, row.ECAName = types.StringNull(), row.ConnectedAppName
		}
		if c.Lost() {
			m.Losses = append(m.Losses, row)
		} else {
			m.Gains = append(m.Gains, row)
		}
	}
	m.LostUsers, m.GainedUsers = types.Int64Value(int64(s.LostUsers)), types.Int64Value(int64(s.GainedUsers))
	m.Summary = types.StringValue(renderImpact(s))
	identity, err := d.data.client.Identity(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("reading the org's identity", err))
		return
	}
	m.ID = types.StringValue(identity.OrgID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// changes turns the arguments into the changes the analysis applies.
func (m *apiAccessImpactModel) changes(ctx context.Context, b *impact.Base, diags *diag.Diagnostics) *impact.Changes {
	ch := &impact.Changes{}
	if !m.LimitExternal.IsNull() {
		ch.SetLimitExternal(m.LimitExternal.ValueBool())
	}
	if !m.LimitAll.IsNull() {
		ch.SetLimitAll(m.LimitAll.ValueBool())
	}
	for _, app := range stringSet(ctx, m.InstalledApps, diags) {
		ch.SetInstalled(app, true, false)
	}
	for _, app := range stringSet(ctx, m.BlockedApps, diags) {
		ch.SetInstalled(app, true, true)
	}
	for _, app := range stringSet(ctx, m.UninstalledApps, diags) {
		ch.SetInstalled(app, false, false)
	}
	for _, app := range stringSet(ctx, m.AdminApprovedApps, diags) {
		ch.SetAdminApproved(app, true)
	}
	for _, eca := range stringSet(ctx, m.DisabledECAs, diags) {
		ch.SetECAPluginEnabled(eca, false)
	}
	for _, eca := range stringSet(ctx, m.AdminApprovedECAs, diags) {
		ch.SetECAAdminApproved(eca, true)
	}
	grantee := func(g impactGrantModel) string {
		if !g.ProfileName.IsNull() {
			return b.SetID("profile:" + g.ProfileName.ValueString())
		}
		return b.SetID(g.PermissionSetName.ValueString())
	}
	for _, g := range m.GrantsRemoved {
		ch.Grant(g.ConnectedAppName.ValueString(), grantee(g), false)
	}
	for _, g := range m.GrantsAdded {
		ch.Grant(g.ConnectedAppName.ValueString(), grantee(g), true)
	}
	assign := func(as []impactAssignmentModel, assigned bool) {
		for _, a := range as {
			if id, ok := b.UserID(a.Username.ValueString()); ok {
				ch.Assign(id, b.SetID(a.PermissionSetName.ValueString()), assigned)
			}
		}
	}
	assign(m.AssignmentsRemoved, false)
	assign(m.AssignmentsAdded, true)
	for set, perms := range m.Permissions {
		names := make([]string, 0, len(perms))
		for _, p := range perms {
			names = append(names, p.ValueString())
		}
		ch.SetPermissions(b.SetID(set), names)
	}
	return ch
}
