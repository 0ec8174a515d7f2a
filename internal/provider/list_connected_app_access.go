package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ list.ListResourceWithConfigure = (*connectedAppAccessList)(nil)

// connectedAppAccessList lists the grants of connected apps to permission sets and profiles.
type connectedAppAccessList struct{ listConfigure }

// NewConnectedAppAccessList is the sfaccess_connected_app_access list resource.
func NewConnectedAppAccessList() list.ListResource { return &connectedAppAccessList{} }

type connectedAppAccessListFilter struct {
	ConnectedAppName  types.String `tfsdk:"connected_app_name"`
	PermissionSetName types.String `tfsdk:"permission_set_name"`
	ProfileName       types.String `tfsdk:"profile_name"`
}

func (l *connectedAppAccessList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connected_app_access"
}

func (l *connectedAppAccessList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds who may use which connected app: the grants of apps to permission sets and profiles " +
			"(Manage Profiles and Permission Sets on the app), to import them as `sfaccess_connected_app_access`. Four " +
			"reads whatever the number of grants: the grants, the permission sets, the profiles and the apps' API names.",
		Attributes: map[string]listschema.Attribute{
			"connected_app_name": listschema.StringAttribute{
				MarkdownDescription: "Only grants of this connected app (API name, ignoring case).",
				Optional:            true,
				Validators:          []validator.String{apiNameValidator()},
			},
			"permission_set_name": listschema.StringAttribute{
				MarkdownDescription: "Only grants to this permission set (API name, case-sensitive).",
				Optional:            true,
				Validators:          []validator.String{apiNameValidator()},
			},
			"profile_name": listschema.StringAttribute{
				MarkdownDescription: "Only grants to this profile (its name, e.g. `Partner Community User`).",
				Optional:            true,
			},
		},
	}
}

func (l *connectedAppAccessList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter connectedAppAccessListFilter
	diags := req.Config.Get(ctx, &filter)
	var grants []connectedAppAccessModel
	if !diags.HasError() && l.data.ready(&diags) {
		var err error
		if grants, err = l.grants(ctx); err != nil {
			diags.Append(orgErrorDiag("reading connected app grants", err))
		}
	}
	*stream = listStream(ctx, req, connectedAppAccessIdentity, diags, func(e *listEmitter) {
		for _, m := range grants {
			if !filter.ConnectedAppName.IsNull() && !strings.EqualFold(m.ConnectedAppName.ValueString(), filter.ConnectedAppName.ValueString()) ||
				!filter.PermissionSetName.IsNull() && !m.PermissionSetName.Equal(filter.PermissionSetName) ||
				!filter.ProfileName.IsNull() && !m.ProfileName.Equal(filter.ProfileName) {
				continue
			}
			if !e.emit(m.describe(), &m) {
				return
			}
		}
	})
}

// grants reads every grant with the names of its app and grantee, sorted by app, then grantee.
// Grants of apps the Metadata API does not list, or to sets of profiles that are gone, have no
// name to manage them by and are left out.
func (l *connectedAppAccessList) grants(ctx context.Context) ([]connectedAppAccessModel, error) {
	c := l.data.client
	accesses, err := c.SetupEntityAccesses(ctx)
	if err != nil {
		return nil, err
	}
	sets, err := c.PermissionSets(ctx)
	if err != nil {
		return nil, err
	}
	profiles, err := c.Profiles(ctx)
	if err != nil {
		return nil, err
	}
	apps, err := c.ListConnectedApps(ctx)
	if err != nil {
		return nil, err
	}
	appName := map[string]string{}
	for _, a := range apps {
		appName[normalizeID(a.ID)] = a.FullName
	}
	profileName := map[string]string{}
	for _, p := range profiles {
		profileName[normalizeID(p.ID)] = p.Name
	}
	setByID := map[string]orgapi.PermissionSet{}
	for _, ps := range sets {
		setByID[normalizeID(ps.ID)] = ps
	}
	var out []connectedAppAccessModel
	for _, g := range accesses {
		app, ps := appName[normalizeID(g.SetupEntityID)], setByID[normalizeID(g.ParentID)]
		m := connectedAppAccessModel{
			ID:                types.StringValue(normalizeID(g.ID)),
			ConnectedAppName:  types.StringValue(app),
			PermissionSetName: types.StringValue(ps.Name),
			ProfileName:       types.StringNull(),
		}
		if ps.IsOwnedByProfile {
			m.PermissionSetName, m.ProfileName = types.StringNull(), nullIfEmpty(profileName[normalizeID(ps.ProfileID)])
		}
		if app == "" || ps.ID == "" || ps.IsOwnedByProfile && m.ProfileName.IsNull() {
			continue
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b connectedAppAccessModel) int {
		return strings.Compare(a.ConnectedAppName.ValueString()+"\x00"+a.granteeDescription(), b.ConnectedAppName.ValueString()+"\x00"+b.granteeDescription())
	})
	return out, nil
}
