package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ datasource.DataSourceWithConfigure = (*externalClientAppDataSource)(nil)

// NewExternalClientAppDataSource reads one External Client App by API name.
func NewExternalClientAppDataSource() datasource.DataSource { return &externalClientAppDataSource{} }

type externalClientAppDataSource struct {
	data *providerData
}

type externalClientAppDataModel struct {
	Name                   types.String `tfsdk:"name"`
	ID                     types.String `tfsdk:"id"`
	Label                  types.String `tfsdk:"label"`
	ContactEmail           types.String `tfsdk:"contact_email"`
	Scopes                 types.Set    `tfsdk:"scopes"`
	AdminApprovedUsersOnly types.Bool   `tfsdk:"admin_approved_users_only"`
	PermissionSets         types.Set    `tfsdk:"permission_set_names"`
	Profiles               types.Set    `tfsdk:"profile_names"`
	ClientCredentialsUser  types.String `tfsdk:"client_credentials_user"`
	OAuthPluginEnabled     types.Bool   `tfsdk:"oauth_plugin_enabled"`
	ConsumerKey            types.String `tfsdk:"consumer_key"`
	UserCount              types.Int64  `tfsdk:"user_count"`
}

func (d *externalClientAppDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_client_app"
}

func (d *externalClientAppDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	names := func(desc string) schema.SetAttribute {
		return schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One External Client App by API name: its OAuth settings, who it admits and its user count. The running user needs one of " +
			"**External Client App Viewer**, **Developer** or **Admin**.",
		Attributes: map[string]schema.Attribute{
			"name":                      schema.StringAttribute{Required: true, MarkdownDescription: "API name of the External Client App.", Validators: []validator.String{apiNameValidator()}},
			"id":                        computed("The app's id."),
			"label":                     computed("Name shown in Setup."),
			"contact_email":             computed("Contact email."),
			"scopes":                    names("OAuth scopes."),
			"admin_approved_users_only": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether only users of the granted profiles and permission sets may use it."},
			"permission_set_names":      names("Permission sets the app is granted to."),
			"profile_names":             names("Profiles the app is granted to."),
			"client_credentials_user":   computed("Run-as user of the client credentials flow; null when the flow is off."),
			"oauth_plugin_enabled":      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the app's OAuth plugin is on."},
			"consumer_key":              computed("OAuth client id."),
			"user_count":                schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of users holding a token or an approval of the app."},
		},
	}
}

func (d *externalClientAppDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *externalClientAppDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m externalClientAppDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics) {
		return
	}
	name := m.Name.ValueString()
	action := fmt.Sprintf("reading External Client App (%s)", name)
	app, err := d.data.client.ReadExternalClientApp(ctx, name)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	usage, err := d.data.client.ExternalClientAppUsage(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	for _, u := range usage {
		if u.Name == app.Name {
			m.ID, m.UserCount = types.StringValue(u.ID), types.Int64Value(int64(u.UserCount))
		}
	}
	m.setFrom(ctx, app, resp)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (m *externalClientAppDataModel) setFrom(ctx context.Context, app *orgapi.ExternalClientApp, resp *datasource.ReadResponse) {
	// The configured name stays when the org spells it in another case (case_equality.go).
	m.Name, m.Label, m.ContactEmail = keepSpelling(m.Name, types.StringValue(app.Name)), types.StringValue(app.Label), types.StringValue(app.ContactEmail)
	m.AdminApprovedUsersOnly = types.BoolValue(app.PermittedUsers != orgapi.PermittedUsersSelf)
	m.ClientCredentialsUser = types.StringNull()
	if app.ClientCredentialsFlowEnabled {
		m.ClientCredentialsUser = nullIfEmpty(app.ClientCredentialsUser)
	}
	m.OAuthPluginEnabled = types.BoolValue(app.OAuthPluginEnabled)
	m.ConsumerKey = nullIfEmpty(app.ConsumerKey)
	for _, s := range []struct {
		dst    *types.Set
		values []string
	}{{&m.Scopes, app.Scopes}, {&m.PermissionSets, app.PermissionSets}, {&m.Profiles, app.Profiles}} {
		v, d := types.SetValueFrom(ctx, types.StringType, nonNil(s.values))
		resp.Diagnostics.Append(d...)
		*s.dst = v
	}
}
