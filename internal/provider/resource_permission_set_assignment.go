package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var (
	_ resource.ResourceWithConfigure   = (*permissionSetAssignmentResource)(nil)
	_ resource.ResourceWithIdentity    = (*permissionSetAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*permissionSetAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*permissionSetAssignmentResource)(nil)
)

// permissionSetAssignmentResource assigns one permission set to one user.
type permissionSetAssignmentResource struct {
	data *providerData
}

// NewPermissionSetAssignmentResource is the sfaccess_permission_set_assignment resource.
func NewPermissionSetAssignmentResource() resource.Resource {
	return &permissionSetAssignmentResource{}
}

type permissionSetAssignmentModel struct {
	ID                types.String `tfsdk:"id"`
	PermissionSetName types.String `tfsdk:"permission_set_name"`
	Username          types.String `tfsdk:"username"`
}

func (r *permissionSetAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permission_set_assignment"
}

func (r *permissionSetAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Assigns a permission set to a user, e.g. one with `UseAnyApiClient` to let that " +
			"user reach the API through any connected app. Import with `permission_set_name/username`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the assignment (prefix `0Pa`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"permission_set_name": schema.StringAttribute{
				MarkdownDescription: "The API name of the permission set, e.g. `Partner_API_Bypass`. A letter " +
					"first, then letters, digits and single underscores. Compared ignoring case, as Salesforce compares it; naming another " +
					"permission set replaces the assignment.",
				Required:      true,
				Validators:    []validator.String{apiNameValidator()},
				PlanModifiers: []planmodifier.String{requiresReplaceIgnoringCase()},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The username of the user, in the form of an email address, e.g. " +
					"`partner@acme.test`. Usernames are compared ignoring case, as Salesforce compares them: `EMPLOYEE@ACME.TEST` names the same user " +
					"as `employee@acme.test`, and state keeps the spelling of the configuration. Naming another user replaces the assignment.",
				Required:      true,
				Validators:    []validator.String{usernameValidator()},
				PlanModifiers: []planmodifier.String{requiresReplaceIgnoringCase()},
			},
		},
	}
}

// assignmentIdentity is the permission set and the user, as in the import id "permission_set/username".
var assignmentIdentity = identityKey{
	{name: "permission_set_name", description: "The API name of the permission set."},
	{name: "username", description: "The username of the user the permission set is assigned to."},
}

func (r *permissionSetAssignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	assignmentIdentity.identitySchema(resp)
}

func (r *permissionSetAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks the running user may assign permission sets, that the user exists, and that
// the permission set exists (or is created by this plan), is not a profile's own, and is not
// assigned to the user already outside Terraform.
func (r *permissionSetAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.claimObject(ctx, assignmentType, req, resp)
	action, check := r.data.planChecks(req, req.Plan.Raw.Equal(req.State.Raw), "the permission set assignment", &resp.Diagnostics)
	if !check {
		return
	}
	// Runs last, after this resource's own checks, and only when they found no error.
	defer r.data.startAccessImpact(ctx).reportAccessImpact(ctx, assignmentImpact(ctx, req), &resp.Diagnostics)
	if action == planDestroy {
		r.data.checkAdminPermission(ctx, orgapi.NeedAssignments, "removing a permission set assignment", &resp.Diagnostics)
		return
	}
	r.data.checkAdminPermission(ctx, orgapi.NeedAssignments, "assigning a permission set", &resp.Diagnostics)
	var plan permissionSetAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	var user *orgapi.User
	if username := plan.Username; !username.IsUnknown() {
		u, err := c.UserByUsername(ctx, username.ValueString())
		switch {
		case isNotFound(err):
			resp.Diagnostics.Append(userNotFoundDiag(path.Root("username"), username.ValueString()))
		case err != nil:
			resp.Diagnostics.Append(r.data.planCheckFailed("the user "+username.ValueString(), err))
		default:
			user = u
		}
	}
	setName := plan.PermissionSetName
	if setName.IsUnknown() || r.data.isPlannedPermissionSet(setName.ValueString()) {
		return
	}
	ps, err := c.PermissionSetByName(ctx, setName.ValueString())
	switch {
	case isProfileOwned(err):
		resp.Diagnostics.Append(profileOwnedDiag(err, profileOwnedAssignmentAdvice))
	case isNotFound(err):
		resp.Diagnostics.Append(permissionSetNotFoundDiag(setName.ValueString()))
	case err != nil:
		resp.Diagnostics.Append(r.data.planCheckFailed("the permission set "+setName.ValueString(), err))
	case user != nil && action == planCreate:
		t := assignmentTarget(setName.ValueString(), user.Username)
		if r.data.isManaged(t.resourceType, t.importID) {
			return
		}
		if _, err := c.FindPermissionSetAssignment(ctx, ps.ID, user.ID); err == nil {
			resp.Diagnostics.Append(nameCollisionDiag(path.Root("permission_set_name"), t,
				fmt.Sprintf("an assignment of %s to %s", setName.ValueString(), user.Username)))
		} else if !isNotFound(err) {
			resp.Diagnostics.Append(r.data.planCheckFailed("whether "+setName.ValueString()+" is assigned already", err))
		}
	}
}

const assignmentType = "sfaccess_permission_set_assignment"

func assignmentTarget(setName, username string) createTarget {
	return createTarget{resourceType: assignmentType, importID: setName + "/" + strings.ToLower(username),
		action: fmt.Sprintf("assigning Permission Set (%s) to %s", setName, username)}
}

// profileOwnedAssignmentAdvice says what to do instead of assigning a profile-owned permission set.
const profileOwnedAssignmentAdvice = "Every user of the profile holds it through the profile. To give a user " +
	"these permissions, change the user's profile, or assign a permission set you manage (sfaccess_permission_set)."

func (r *permissionSetAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan permissionSetAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	c := r.data.client
	setName, username := plan.PermissionSetName.ValueString(), plan.Username.ValueString()
	action := fmt.Sprintf("assigning Permission Set (%s) to %s", setName, username)

	ps, err := c.PermissionSetByName(ctx, setName)
	if isNotFound(err) {
		resp.Diagnostics.Append(permissionSetNotFoundDiag(setName))
		return
	}
	if isProfileOwned(err) {
		resp.Diagnostics.Append(profileOwnedDiag(err, profileOwnedAssignmentAdvice))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	user, err := c.UserByUsername(ctx, username)
	if isNotFound(err) {
		resp.Diagnostics.Append(userNotFoundDiag(path.Root("username"), username))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	tflog.Debug(ctx, "assigning permission set", map[string]any{"permission_set": setName, "username": username})
	id, ok := createAdopting(ctx, assignmentTarget(setName, username), &resp.Diagnostics,
		func(ctx context.Context) (string, error) { return c.AssignPermissionSet(ctx, ps.ID, user.ID) },
		func(ctx context.Context) (string, error) {
			a, err := c.FindPermissionSetAssignment(ctx, ps.ID, user.ID)
			if err != nil {
				return "", err
			}
			return a.ID, nil
		})
	if !ok {
		return
	}
	plan.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	assignmentIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// findAssignment returns the assignment that matches, or nil.
func findAssignment(ctx context.Context, c *orgapi.Client, match func(orgapi.PermissionSetAssignment) bool) (*orgapi.PermissionSetAssignment, error) {
	all, err := c.PermissionSetAssignments(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if match(all[i]) {
			return &all[i], nil
		}
	}
	return nil, nil
}

func (r *permissionSetAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r.data, req, resp, readSteps[permissionSetAssignmentModel]{
		identity: assignmentIdentity,
		read:     r.read,
		gone: func(ctx context.Context, m permissionSetAssignmentModel) {
			tflog.Info(ctx, "permission set assignment is gone; removing it from state", map[string]any{"id": m.ID.ValueString()})
		},
		managed: func(m permissionSetAssignmentModel) (string, string) {
			return assignmentType, assignmentTarget(m.PermissionSetName.ValueString(), m.Username.ValueString()).importID
		},
	})
}

// read loads the assignment m names into m. It reports false when the org no longer has it, and
// when the read failed, which a diagnostic then says.
func (r *permissionSetAssignmentResource) read(ctx context.Context, m *permissionSetAssignmentModel, diags *diag.Diagnostics) bool {
	id := m.ID.ValueString()
	a, err := r.data.client.PermissionSetAssignmentByID(ctx, id)
	if err != nil && !isNotFound(err) {
		diags.Append(orgErrorDiag(fmt.Sprintf("reading Permission Set Assignment (%s)", id), err))
		return false
	}
	if a == nil {
		return false
	}
	m.setFrom(a)
	return true
}

// setFrom copies the names the assignment joins into m, keeping m's spelling of them.
func (m *permissionSetAssignmentModel) setFrom(a *orgapi.PermissionSetAssignment) {
	m.PermissionSetName = keepSpelling(m.PermissionSetName, types.StringValue(a.PermissionSetName))
	m.Username = keepSpelling(m.Username, types.StringValue(a.Username))
}

// Update only changes the spelling of a name: any other change replaces the assignment.
func (r *permissionSetAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateSpelling(ctx, assignmentIdentity, req, resp)
}

func (r *permissionSetAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state permissionSetAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	deleteConfirming(ctx, fmt.Sprintf("removing Permission Set (%s) from %s", state.PermissionSetName.ValueString(),
		state.Username.ValueString()), &resp.Diagnostics, &state,
		func(ctx context.Context) error {
			return r.data.client.DeletePermissionSetAssignment(ctx, state.ID.ValueString())
		}, r.read)
}

// ImportState takes "permission_set_name/username".
func (r *permissionSetAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	req.ID = assignmentIdentity.importID(ctx, req, &resp.Diagnostics)
	setName, username, ok := strings.Cut(req.ID, "/")
	if !ok || checkAPIName(setName) != "" || checkUsername(username) != "" {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("sfaccess_permission_set_assignment is imported as permission_set_name/username, e.g. "+
				"Partner_API_Bypass/partner@acme.test; got %q.", req.ID))
		return
	}
	if !r.data.ready(&resp.Diagnostics) {
		return
	}
	// The assignments read below leave out the rows of profile-owned sets, so such a set is
	// looked up first to say why its assignment cannot be imported rather than that it is missing.
	switch _, err := r.data.client.PermissionSetByName(ctx, setName); {
	case isProfileOwned(err):
		resp.Diagnostics.Append(profileOwnedDiag(err, profileOwnedAssignmentAdvice))
		return
	case isNotFound(err):
		resp.Diagnostics.AddError("Permission Set Not Found",
			fmt.Sprintf("The org has no permission set with the API name %q.", setName))
		return
	case err != nil:
		resp.Diagnostics.Append(orgErrorDiag("reading Permission Set ("+setName+")", err))
		return
	}
	a, err := findAssignment(ctx, r.data.client, func(a orgapi.PermissionSetAssignment) bool {
		return strings.EqualFold(a.PermissionSetName, setName) && strings.EqualFold(a.Username, username)
	})
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag("reading permission set assignments", err))
		return
	}
	if a == nil {
		resp.Diagnostics.AddError("Permission Set Assignment Not Found",
			fmt.Sprintf("The permission set %s is not assigned to %s.", setName, username))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), a.ID)...)
	// The import id's spelling, which Read keeps (keepSpelling), is the one the configuration uses.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("permission_set_name"), setName)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("username"), username)...)
}
