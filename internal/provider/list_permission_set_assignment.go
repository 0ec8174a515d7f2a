package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ list.ListResourceWithConfigure = (*permissionSetAssignmentList)(nil)

// permissionSetAssignmentList lists assignments of permission sets to users. With with_permission
// it answers "who holds UseAnyApiClient through a permission set", as the assignments that could
// be managed (and removed); users who hold a permission through their profile have no assignment
// to manage, and the sfaccess_users data source lists them.
type permissionSetAssignmentList struct{ listConfigure }

// NewPermissionSetAssignmentList is the sfaccess_permission_set_assignment list resource.
func NewPermissionSetAssignmentList() list.ListResource { return &permissionSetAssignmentList{} }

type permissionSetAssignmentListFilter struct {
	PermissionSetName types.String `tfsdk:"permission_set_name"`
	UserTypes         types.List   `tfsdk:"user_types"`
	WithPermission    types.String `tfsdk:"with_permission"`
}

func (l *permissionSetAssignmentList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permission_set_assignment"
}

func (l *permissionSetAssignmentList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds assignments of permission sets to users, to import them as " +
			"`sfaccess_permission_set_assignment`. With `with_permission` it lists who holds a permission such as " +
			"`UseAnyApiClient` (Use Any API Client) or `CanApproveUninstalledApps` through a permission set. Users who hold " +
			"it through their profile have no assignment to manage and are not listed; the `sfaccess_users` data source " +
			"shows them. Assignments of the permission sets Salesforce keeps for profiles are never listed. One query per " +
			"kind of record the filters need (assignments; users; permission sets).",
		Attributes: map[string]listschema.Attribute{
			"permission_set_name": listschema.StringAttribute{
				MarkdownDescription: "Only assignments of this permission set (API name, case-sensitive).",
				Optional:            true,
				Validators:          []validator.String{apiNameValidator()},
			},
			"user_types": listschema.ListAttribute{
				MarkdownDescription: "Only assignments to users of these types. Each must be one of " +
					markdownList(userTypeNames()) + ".",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(userTypeValidator()),
				},
			},
			"with_permission": listschema.StringAttribute{
				MarkdownDescription: "Only assignments of permission sets that grant this user permission. Must be one of " +
					markdownList(orgapi.UserPermissions()) + ".",
				Optional:   true,
				Validators: []validator.String{userPermissionValidator()},
			},
		},
	}
}

func (l *permissionSetAssignmentList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter permissionSetAssignmentListFilter
	diags := req.Config.Get(ctx, &filter)
	var wantTypes []string
	if !diags.HasError() && !filter.UserTypes.IsNull() {
		diags.Append(filter.UserTypes.ElementsAs(ctx, &wantTypes, false)...)
	}
	keep := l.assignmentFilter(ctx, filter, wantTypes, &diags)
	var assignments []orgapi.PermissionSetAssignment
	if !diags.HasError() {
		var err error
		if assignments, err = l.data.client.PermissionSetAssignments(ctx); err != nil {
			diags.Append(orgErrorDiag("reading permission set assignments", err))
		}
	}
	*stream = listStream(ctx, req, assignmentIdentity, diags, func(e *listEmitter) {
		for _, a := range assignments {
			if !keep(a) {
				continue
			}
			m := permissionSetAssignmentModel{ID: types.StringValue(normalizeID(a.ID))}
			m.setFrom(&a)
			if !e.emit(a.PermissionSetName+" assigned to "+a.Username, &m) {
				return
			}
		}
	})
}

// assignmentFilter reads what the filters need beyond the assignments themselves (the users for
// their types, the permission sets for their permissions) and returns the test an assignment must
// pass; nil after a failure, which diags then says.
func (l *permissionSetAssignmentList) assignmentFilter(ctx context.Context, filter permissionSetAssignmentListFilter, wantTypes []string, diags *diag.Diagnostics) func(orgapi.PermissionSetAssignment) bool {
	if diags.HasError() || !l.data.ready(diags) {
		return nil
	}
	c := l.data.client
	userType := map[string]string{}
	if len(wantTypes) > 0 {
		users, err := c.Users(ctx)
		if err != nil {
			diags.Append(orgErrorDiag("reading users", err))
			return nil
		}
		for _, u := range users {
			userType[normalizeID(u.ID)] = u.UserType
		}
	}
	granting := map[string]bool{}
	permission := filter.WithPermission.ValueString()
	if permission != "" {
		sets, err := c.PermissionSets(ctx)
		if err != nil {
			diags.Append(orgErrorDiag("reading permission sets", err))
			return nil
		}
		for _, ps := range sets {
			granting[normalizeID(ps.ID)] = slices.Contains(ps.Permissions, permission)
		}
	}
	return func(a orgapi.PermissionSetAssignment) bool {
		if !filter.PermissionSetName.IsNull() && a.PermissionSetName != filter.PermissionSetName.ValueString() {
			return false
		}
		if len(wantTypes) > 0 && !slices.Contains(wantTypes, userType[normalizeID(a.AssigneeID)]) {
			return false
		}
		return permission == "" || granting[normalizeID(a.PermissionSetID)]
	}
}
