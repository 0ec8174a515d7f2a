package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/impact"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ datasource.DataSourceWithConfigure = (*usersDataSource)(nil)

// usersDataSource lists users, e.g. every partner, or everyone who bypasses API Access Control
// with UseAnyApiClient and where they get it from.
type usersDataSource struct {
	data *providerData
}

// NewUsersDataSource is the sfaccess_users data source.
func NewUsersDataSource() datasource.DataSource { return &usersDataSource{} }

type usersDataModel struct {
	ID             types.String `tfsdk:"id"`
	UserTypes      types.Set    `tfsdk:"user_types"`
	WithPermission types.String `tfsdk:"with_permission"`
	Users          []userModel  `tfsdk:"users"`
}

type userModel struct {
	ID             types.String            `tfsdk:"id"`
	Username       types.String            `tfsdk:"username"`
	Name           types.String            `tfsdk:"name"`
	UserType       types.String            `tfsdk:"user_type"`
	ProfileName    types.String            `tfsdk:"profile_name"`
	IsActive       types.Bool              `tfsdk:"is_active"`
	GrantedThrough []permissionSourceModel `tfsdk:"granted_through"`
}

type permissionSourceModel struct {
	Type types.String `tfsdk:"type"`
	Name types.String `tfsdk:"name"`
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the org's users, optionally only those of some user types or only those " +
			"holding a permission, e.g. who bypasses API Access Control with `UseAnyApiClient`, and through " +
			"which profile or permission sets.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The id of the org the users belong to.",
				Computed:            true,
			},
			"user_types": schema.SetAttribute{
				MarkdownDescription: "Only users of these types. Each must be one of " +
					markdownList(userTypeNames()) + ". Omit for every type.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(userTypeValidator()),
				},
			},
			"with_permission": schema.StringAttribute{
				MarkdownDescription: "Only users who hold this user permission through their profile or a " +
					"permission set; `granted_through` then says where from. Must be one of " +
					markdownList(orgapi.UserPermissions()) + ".",
				Optional:   true,
				Validators: []validator.String{userPermissionValidator()},
			},
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "The matching users, sorted by username.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":           schema.StringAttribute{MarkdownDescription: "The 18-character user id.", Computed: true},
						"username":     schema.StringAttribute{MarkdownDescription: "The username.", Computed: true},
						"name":         schema.StringAttribute{MarkdownDescription: "The user's full name.", Computed: true},
						"user_type":    schema.StringAttribute{MarkdownDescription: "The user type, e.g. `PowerPartner`.", Computed: true},
						"profile_name": schema.StringAttribute{MarkdownDescription: "The name of the user's profile.", Computed: true},
						"is_active":    schema.BoolAttribute{MarkdownDescription: "Whether the user is active.", Computed: true},
						"granted_through": schema.ListNestedAttribute{
							MarkdownDescription: "With `with_permission`: where the user gets the permission " +
								"from, the profile first, then permission sets by name. Empty otherwise.",
							Computed: true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"type": schema.StringAttribute{MarkdownDescription: "`profile` or `permission_set`.", Computed: true},
									"name": schema.StringAttribute{MarkdownDescription: "The profile's or permission set's name.", Computed: true},
								},
							},
						},
					},
				},
			},
		},
	}
}

func (d *usersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model usersDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics) {
		return
	}
	c := d.data.client
	identity, err := c.Identity(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("reading the org id", err))
		return
	}
	users, err := c.Users(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("listing users", err))
		return
	}
	wantTypes := map[string]bool{}
	for _, t := range stringSet(ctx, model.UserTypes, &resp.Diagnostics) {
		wantTypes[t] = true
	}
	permission := model.WithPermission.ValueString()
	var ix *impact.PermissionIndex
	if permission != "" {
		if ix, err = impact.LoadPermissionIndex(ctx, c); err != nil {
			resp.Diagnostics.Append(orgErrorDiag("reading permission sets and assignments", err))
			return
		}
	}

	sort.Slice(users, func(i, j int) bool { return users[i].Username < users[j].Username })
	model.ID = types.StringValue(identity.OrgID)
	model.Users = []userModel{}
	for _, u := range users {
		if len(wantTypes) > 0 && !wantTypes[u.UserType] {
			continue
		}
		var sources []impact.PermissionSource
		if ix != nil {
			if sources = ix.SourcesOf(u, permission); len(sources) == 0 {
				continue
			}
		}
		var m userModel
		m.setFrom(u, sources)
		model.Users = append(model.Users, m)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// setFrom copies the user, and where it holds the permission asked about, into m.
func (m *userModel) setFrom(u orgapi.User, sources []impact.PermissionSource) {
	*m = userModel{
		ID:             types.StringValue(u.ID),
		Username:       types.StringValue(u.Username),
		Name:           types.StringValue(u.Name),
		UserType:       types.StringValue(u.UserType),
		ProfileName:    types.StringValue(u.ProfileName),
		IsActive:       types.BoolValue(u.IsActive),
		GrantedThrough: []permissionSourceModel{},
	}
	for _, s := range sources {
		m.GrantedThrough = append(m.GrantedThrough, permissionSourceModel{
			Type: types.StringValue(s.Kind), Name: types.StringValue(s.Name)})
	}
}
