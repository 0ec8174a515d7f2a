package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ list.ListResourceWithConfigure = (*externalClientAppAccessList)(nil)

// externalClientAppAccessList lists the grants of External Client Apps to permission sets and
// profiles: the entries of each app's OAuth policies.
type externalClientAppAccessList struct{ listConfigure }

// NewExternalClientAppAccessList is the sfaccess_external_client_app_access list resource.
func NewExternalClientAppAccessList() list.ListResource { return &externalClientAppAccessList{} }

type externalClientAppAccessListFilter struct {
	ExternalClientApp types.String `tfsdk:"external_client_app_name"`
	PermissionSet     types.String `tfsdk:"permission_set_name"`
	Profile           types.String `tfsdk:"profile_name"`
}

func (l *externalClientAppAccessList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_client_app_access"
}

func (l *externalClientAppAccessList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds who may use which External Client App: the permission sets and profiles of every ECA's OAuth " +
			"policies, packaged ECAs included, to import them as `sfaccess_external_client_app_access`. Reads the ECA OAuth usage " +
			"list and the apps' components ten apps a call per component type, whatever the number of grants.",
		Attributes: map[string]listschema.Attribute{
			"external_client_app_name": listschema.StringAttribute{
				MarkdownDescription: "Only grants of this External Client App (API name, ignoring case).",
				Optional:            true,
				Validators:          []validator.String{apiNameValidator()},
			},
			"permission_set_name": listschema.StringAttribute{
				MarkdownDescription: "Only grants to this permission set (API name, ignoring case as the policies do).",
				Optional:            true,
				Validators:          []validator.String{apiNameValidator()},
			},
			"profile_name": listschema.StringAttribute{
				MarkdownDescription: "Only grants to this profile (its name, e.g. `Standard User`, ignoring case).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
		},
	}
}

func (l *externalClientAppAccessList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter externalClientAppAccessListFilter
	diags := req.Config.Get(ctx, &filter)
	var apps []listedExternalClientApp
	if !diags.HasError() {
		apps = readExternalClientApps(ctx, l.data, &diags)
	}
	matches := func(filter types.String, value string) bool {
		return filter.IsNull() || strings.EqualFold(filter.ValueString(), value)
	}
	*stream = listStream(ctx, req, externalClientAppAccessIdentity, diags, func(e *listEmitter) {
		for _, a := range apps {
			if !matches(filter.ExternalClientApp, a.Name) {
				continue
			}
			var grants []externalClientAppAccessModel
			for _, ps := range a.PermissionSets {
				grants = append(grants, externalClientAppAccessModel{ExternalClientApp: types.StringValue(a.Name),
					PermissionSet: types.StringValue(ps), Profile: types.StringNull()})
			}
			for _, p := range a.Profiles {
				grants = append(grants, externalClientAppAccessModel{ExternalClientApp: types.StringValue(a.Name),
					PermissionSet: types.StringNull(), Profile: types.StringValue(p)})
			}
			for _, m := range grants {
				// A grant to a profile has no permission set name, so a permission set filter leaves it out, and the other way round.
				if !matches(filter.PermissionSet, m.PermissionSet.ValueString()) || !matches(filter.Profile, m.Profile.ValueString()) {
					continue
				}
				m.ID = types.StringValue(m.importID())
				if !e.emit(m.importID(), &m) {
					return
				}
			}
		}
	})
}
