package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ list.ListResourceWithConfigure = (*permissionSetList)(nil)

// permissionSetList lists the permission sets that can be managed on their own: profile-owned
// ones change only with their profile and are left out.
type permissionSetList struct{ listConfigure }

// NewPermissionSetList is the sfaccess_permission_set list resource.
func NewPermissionSetList() list.ListResource { return &permissionSetList{} }

type permissionSetListFilter struct {
	NamePrefix     types.String `tfsdk:"name_prefix"`
	WithPermission types.String `tfsdk:"with_permission"`
}

func (l *permissionSetList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permission_set"
}

func (l *permissionSetList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the org's permission sets, to import them as `sfaccess_permission_set`. The permission " +
			"sets Salesforce keeps for each profile are not listed: they change only with their profile. One query.",
		Attributes: map[string]listschema.Attribute{
			"name_prefix": namePrefixFilter("permission sets"),
			"with_permission": listschema.StringAttribute{
				MarkdownDescription: "Only permission sets that grant this user permission, e.g. `UseAnyApiClient`. Must be one of " +
					markdownList(orgapi.UserPermissions()) + ".",
				Optional:   true,
				Validators: []validator.String{userPermissionValidator()},
			},
		},
	}
}

func (l *permissionSetList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter permissionSetListFilter
	diags := req.Config.Get(ctx, &filter)
	var sets []orgapi.PermissionSet
	if !diags.HasError() && l.data.ready(&diags) {
		var err error
		if sets, err = l.data.client.PermissionSets(ctx); err != nil {
			diags.Append(orgErrorDiag("reading permission sets", err))
		}
	}
	*stream = listStream(ctx, req, permissionSetIdentity, diags, func(e *listEmitter) {
		for _, ps := range sets {
			if ps.IsOwnedByProfile || !hasNamePrefix(ps.Name, filter.NamePrefix) ||
				(!filter.WithPermission.IsNull() && !slices.Contains(ps.Permissions, filter.WithPermission.ValueString())) {
				continue
			}
			var m permissionSetModel
			m.setFrom(ctx, &ps, &e.warnings)
			if !e.emit(ps.Label+" ("+ps.Name+")", &m) {
				return
			}
		}
	})
}
