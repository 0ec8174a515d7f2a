package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*connectedAppsDataSource)(nil)

// NewConnectedAppsDataSource lists the org's connected apps as the Connected Apps OAuth Usage page does.
func NewConnectedAppsDataSource() datasource.DataSource {
	return &connectedAppsDataSource{}
}

type connectedAppsDataSource struct {
	data *providerData
}

type connectedAppsDataModel struct {
	ID            types.String             `tfsdk:"id"`
	ConnectedApps []connectedAppUsageModel `tfsdk:"connected_apps"`
}

type connectedAppUsageModel struct {
	ID                     types.String `tfsdk:"id"`
	Name                   types.String `tfsdk:"name"`
	Label                  types.String `tfsdk:"label"`
	AdminApprovedUsersOnly types.Bool   `tfsdk:"admin_approved_users_only"`
	Installed              types.Bool   `tfsdk:"installed"`
	Blocked                types.Bool   `tfsdk:"blocked"`
	Packaged               types.Bool   `tfsdk:"packaged"`
	Local                  types.Bool   `tfsdk:"local"`
	UserCount              types.Int64  `tfsdk:"user_count"`
}

func (d *connectedAppsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connected_apps"
}

func (d *connectedAppsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	fromExtension := " Null when the org does not serve the sfaccess setup extension."
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every connected app of the org, as listed on the Connected Apps OAuth Usage page, sorted by API name. " +
			"The install, block and usage columns come from the sfaccess setup extension; against an org that does not serve it the " +
			"apps are still listed (from the `ConnectedApplication` object) with those columns null, and the read adds a warning.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The org id, since the list is the org's.",
				Computed:            true,
			},
			"connected_apps": schema.ListNestedAttribute{
				MarkdownDescription: "The connected apps, sorted by `name`.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":                        schema.StringAttribute{Computed: true, MarkdownDescription: "The 18-character `ConnectedApplication` id (`0H4`)."},
						"name":                      schema.StringAttribute{Computed: true, MarkdownDescription: "API name (the Metadata API's `fullName`); null for an app the Metadata API does not list."},
						"label":                     schema.StringAttribute{Computed: true, MarkdownDescription: "Name shown in Setup (`ConnectedApplication.Name`)."},
						"admin_approved_users_only": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether Permitted Users is \"Admin approved users are pre-authorized\"."},
						"installed":                 schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the app is installed." + fromExtension},
						"blocked":                   schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the app is blocked." + fromExtension},
						"packaged":                  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the app comes from a managed package." + fromExtension},
						"local":                     schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the app was created in this org." + fromExtension},
						"user_count":                schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of users with an OAuth token for the app." + fromExtension},
					},
				},
			},
		},
	}
}

func (d *connectedAppsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectedAppsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	identity, err := d.data.client.Identity(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("reading the org's identity", err))
		return
	}
	records, err := d.data.client.ConnectedApplications(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("listing connected apps", err))
		return
	}
	usage, diags := oauthUsageByAppID(ctx, d.data, "installed, blocked, packaged, local and user_count")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	apps := make([]connectedAppUsageModel, 0, len(records))
	for _, rec := range records {
		id := normalizeID(rec.ID)
		app := connectedAppUsageModel{
			ID:                     types.StringValue(id),
			Name:                   nullIfEmpty(rec.Name),
			AdminApprovedUsersOnly: types.BoolValue(rec.AdminApprovedUsersOnly),
			Label:                  nullIfEmpty(rec.Label),
			Installed:              types.BoolNull(),
			Blocked:                types.BoolNull(),
			Packaged:               types.BoolNull(),
			Local:                  types.BoolNull(),
			UserCount:              types.Int64Null(),
		}
		if usage != nil {
			row := usage[id]
			app.Installed = types.BoolValue(row.Installed)
			app.Blocked = types.BoolValue(row.Blocked)
			app.Packaged = types.BoolValue(row.Packaged)
			app.Local = types.BoolValue(row.Local)
			app.UserCount = types.Int64Value(int64(row.UserCount))
		}
		apps = append(apps, app)
	}
	sort.Slice(apps, func(i, j int) bool { return apps[i].Name.ValueString() < apps[j].Name.ValueString() })

	state := connectedAppsDataModel{ID: types.StringValue(identity.OrgID), ConnectedApps: apps}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
