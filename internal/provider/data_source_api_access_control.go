package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ datasource.DataSourceWithConfigure = (*apiAccessControlDataSource)(nil)

// apiAccessControlDataSource reads the org's API Access Control switches without managing them.
type apiAccessControlDataSource struct {
	data *providerData
}

// NewAPIAccessControlDataSource is the sfaccess_api_access_control data source.
func NewAPIAccessControlDataSource() datasource.DataSource { return &apiAccessControlDataSource{} }

type apiAccessControlDataModel struct {
	ID                                types.String `tfsdk:"id"`
	LimitExternalUsersToInstalledApps types.Bool   `tfsdk:"limit_external_users_to_installed_apps"`
	LimitAllUsersToApprovedApps       types.Bool   `tfsdk:"limit_all_users_to_approved_apps"`
	AllowVisualforceAPIAccess         types.Bool   `tfsdk:"allow_visualforce_api_access"`
	FeatureProvisioned                types.Bool   `tfsdk:"feature_provisioned"`
}

func (d *apiAccessControlDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_access_control"
}

func (d *apiAccessControlDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the org's API Access Control settings (`" + orgapi.SetupPageAPIAccessControl + "`) " +
			"and whether Salesforce Support has provisioned the feature.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the org.",
				Computed:            true,
			},
			attrLimitExternal: schema.BoolAttribute{
				MarkdownDescription: "\"For customers and partners, limit API access to only installed connected apps\" " +
					"(`enableAdminApprovedAppsOnlyForExternalUser`).",
				Computed: true,
			},
			attrLimitAll: schema.BoolAttribute{
				MarkdownDescription: "\"For admin-approved users, limit API access to only allowlisted connected apps\" " +
					"(`enableAdminApprovedAppsOnly`).",
				Computed: true,
			},
			attrAllowVF: schema.BoolAttribute{
				MarkdownDescription: "\"Allow Visualforce pages to access APIs\": whether Visualforce sessions may call the API while a limit is on. Null " +
					"when the org does not serve the sfaccess setup extension (see `" +
					orgapi.SetupPageAPIAccessControl + "`).",
				Computed: true,
			},
			"feature_provisioned": schema.BoolAttribute{
				MarkdownDescription: "Whether Salesforce Customer Support has enabled API Access Control for the " +
					"org; without it the limits cannot be switched on.",
				Computed: true,
			},
		},
	}
}

func (d *apiAccessControlDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *apiAccessControlDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	c := d.data.client
	identity, err := c.Identity(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("reading the org id", err))
		return
	}
	settings, err := c.ReadConnectedAppSettings(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("reading the "+apiAccessSettingOp, err))
		return
	}
	provisioned, err := d.data.client.FeatureProvisioned(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("checking whether API Access Control is provisioned", err))
		return
	}
	model := apiAccessControlDataModel{
		ID:                                types.StringValue(identity.OrgID),
		LimitExternalUsersToInstalledApps: types.BoolValue(deref(settings.EnableAdminApprovedAppsOnlyForExternalUser)),
		LimitAllUsersToApprovedApps:       types.BoolValue(deref(settings.EnableAdminApprovedAppsOnly)),
		AllowVisualforceAPIAccess:         types.BoolNull(),
		FeatureProvisioned:                types.BoolValue(provisioned),
	}
	available, err := d.data.client.ExtensionAvailable(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("discovering the setup extension", err))
		return
	}
	if available {
		allow, err := c.AllowVisualforceAPIAccess(ctx)
		if err != nil {
			resp.Diagnostics.Append(orgErrorDiag("reading \"Allow Visualforce pages to access APIs\"", err))
			return
		}
		model.AllowVisualforceAPIAccess = types.BoolValue(allow)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
