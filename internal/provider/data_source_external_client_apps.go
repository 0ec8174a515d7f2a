package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*externalClientAppsDataSource)(nil)

// NewExternalClientAppsDataSource lists the org's External Client Apps as their OAuth usage page does.
func NewExternalClientAppsDataSource() datasource.DataSource { return &externalClientAppsDataSource{} }

type externalClientAppsDataSource struct {
	data *providerData
}

type externalClientAppsDataModel struct {
	ID   types.String             `tfsdk:"id"`
	Apps []externalClientAppUsage `tfsdk:"external_client_apps"`
}

type externalClientAppUsage struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	Label     types.String `tfsdk:"label"`
	UserCount types.Int64  `tfsdk:"user_count"`
}

func (d *externalClientAppsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_client_apps"
}

func (d *externalClientAppsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every External Client App of the org with its user count, from the Connect REST OAuth usage resource (API 60.0 or later). " +
			"The running user needs one of **External Client App Viewer**, **Developer** or **Admin**.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "Always `external_client_apps`.", Computed: true},
			"external_client_apps": schema.ListNestedAttribute{
				MarkdownDescription: "The apps, in the order the org lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":         schema.StringAttribute{Computed: true, MarkdownDescription: "The app's id."},
					"name":       schema.StringAttribute{Computed: true, MarkdownDescription: "API name."},
					"label":      schema.StringAttribute{Computed: true, MarkdownDescription: "Name shown in Setup."},
					"user_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of users holding a token or an approval of the app."},
				}},
			},
		},
	}
}

func (d *externalClientAppsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *externalClientAppsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	apps, err := d.data.client.ExternalClientAppUsage(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("listing External Client Apps", err))
		return
	}
	m := externalClientAppsDataModel{ID: types.StringValue("external_client_apps"), Apps: []externalClientAppUsage{}}
	for _, a := range apps {
		m.Apps = append(m.Apps, externalClientAppUsage{ID: types.StringValue(a.ID), Name: types.StringValue(a.Name),
			Label: types.StringValue(a.Label), UserCount: types.Int64Value(int64(a.UserCount))})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
