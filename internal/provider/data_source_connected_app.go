package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ datasource.DataSourceWithConfigure = (*connectedAppDataSource)(nil)

// NewConnectedAppDataSource reads one connected app by API name.
func NewConnectedAppDataSource() datasource.DataSource {
	return &connectedAppDataSource{}
}

type connectedAppDataSource struct {
	data *providerData
}

type connectedAppDataModel struct {
	Name                   types.String `tfsdk:"name"`
	ID                     types.String `tfsdk:"id"`
	Label                  types.String `tfsdk:"label"`
	ConsumerKey            types.String `tfsdk:"consumer_key"`
	RefreshRequiresSecret  types.Bool   `tfsdk:"refresh_token_requires_secret"`
	AdminApprovedUsersOnly types.Bool   `tfsdk:"admin_approved_users_only"`
	Installed              types.Bool   `tfsdk:"installed"`
	Blocked                types.Bool   `tfsdk:"blocked"`
	Packaged               types.Bool   `tfsdk:"packaged"`
}

func (d *connectedAppDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connected_app"
}

func (d *connectedAppDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One connected app of the org, local or installed from a package, by API name: its id, Permitted Users policy " +
			"and its state on the Connected Apps OAuth Usage page. `installed`, `blocked` and `packaged` come from the sfaccess setup " +
			"extension; against an org that does not serve it they are null and the read adds a warning.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "API name of the connected app.",
				Required:            true,
				Validators:          []validator.String{apiNameValidator()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the `ConnectedApplication` record (key prefix `0H4`).",
				Computed:            true,
			},
			"label": schema.StringAttribute{
				MarkdownDescription: "Name shown in Setup (`ConnectedApplication.Name`).",
				Computed:            true,
			},
			"consumer_key": schema.StringAttribute{
				MarkdownDescription: "OAuth client id. Null for apps whose definition the Metadata API does not return (apps installed from a package) or when the provider's user may not read connected app definitions.",
				Computed:            true,
			},
			"refresh_token_requires_secret": schema.BoolAttribute{
				MarkdownDescription: "Whether the refresh token flow must send the client secret (`oauthConfig.isSecretRequiredForRefreshToken`). " +
					"Null when `consumer_key` is, for the same reasons.",
				Computed: true,
			},
			"admin_approved_users_only": schema.BoolAttribute{
				MarkdownDescription: "Whether Permitted Users is \"Admin approved users are pre-authorized\".",
				Computed:            true,
			},
			"installed": schema.BoolAttribute{
				MarkdownDescription: "Whether the app is installed in the org (local apps are installed when created). Null without the setup extension.",
				Computed:            true,
			},
			"blocked": schema.BoolAttribute{
				MarkdownDescription: "Whether the app is blocked on the Connected Apps OAuth Usage page. Null without the setup extension.",
				Computed:            true,
			},
			"packaged": schema.BoolAttribute{
				MarkdownDescription: "Whether the app comes from a managed package. Null without the setup extension.",
				Computed:            true,
			},
		},
	}
}

func (d *connectedAppDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectedAppDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	var m connectedAppDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.Name.ValueString()
	action := fmt.Sprintf("reading Connected App (%s)", name)

	record, err := d.data.client.ConnectedApplicationByName(ctx, name)
	if isNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Connected App Not Found",
			fmt.Sprintf("The org has no connected app named %q. Check the API name in Setup > App Manager; API names are case-sensitive.", name))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	m.ID = types.StringValue(normalizeID(record.ID))
	m.AdminApprovedUsersOnly = types.BoolValue(record.AdminApprovedUsersOnly)
	// ConnectedApplication.Name is the label, so it is known even when the definition is not.
	m.Label = nullIfEmpty(record.Label)
	m.ConsumerKey = types.StringNull()
	m.RefreshRequiresSecret = types.BoolNull()

	definition, err := d.data.client.ReadConnectedApp(ctx, name)
	switch {
	case err == nil:
		m.Label = nullIfEmpty(definition.Label)
		m.ConsumerKey = nullIfEmpty(definition.ConsumerKey)
		m.RefreshRequiresSecret = types.BoolValue(definition.RefreshTokenRequiresSecret == nil || *definition.RefreshTokenRequiresSecret)
	case isNotFound(err):
		// Apps installed from a package have no definition in this org's metadata.
	case orgapi.KindOf(err) == orgapi.KindInsufficientAccess:
		resp.Diagnostics.AddWarning("Connected App Definition Not Readable",
			fmt.Sprintf("consumer_key is null: while %s: %s", action, err.Error()))
	default:
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}

	usage, diags := oauthUsageByAppID(ctx, d.data, "installed, blocked and packaged")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Installed, m.Blocked, m.Packaged = types.BoolNull(), types.BoolNull(), types.BoolNull()
	if usage != nil {
		// An app missing from the OAuth Usage list is neither installed nor blocked there.
		row := usage[m.ID.ValueString()]
		m.Installed = types.BoolValue(row.Installed)
		m.Blocked = types.BoolValue(row.Blocked)
		m.Packaged = types.BoolValue(row.Packaged)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
