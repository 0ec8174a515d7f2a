package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var (
	_ resource.ResourceWithConfigure   = (*permissionSetResource)(nil)
	_ resource.ResourceWithIdentity    = (*permissionSetResource)(nil)
	_ resource.ResourceWithImportState = (*permissionSetResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*permissionSetResource)(nil)
)

// permissionSetResource is a PermissionSet that grants user permissions such as UseAnyApiClient,
// and that connected apps can be granted to.
type permissionSetResource struct {
	data *providerData
}

// NewPermissionSetResource is the sfaccess_permission_set resource.
func NewPermissionSetResource() resource.Resource { return &permissionSetResource{} }

type permissionSetModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	Label           types.String `tfsdk:"label"`
	Description     types.String `tfsdk:"description"`
	UserPermissions types.Set    `tfsdk:"user_permissions"`
}

const (
	permissionSetLabelMaxLength       = 80
	permissionSetDescriptionMaxLength = 255
)

func (r *permissionSetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permission_set"
}

func (r *permissionSetResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A permission set that grants user permissions, e.g. `UseAnyApiClient` (which lets " +
			"its holders bypass API Access Control) or `ApiEnabled`. Assign it with " +
			"`sfaccess_permission_set_assignment`; grant connected apps to it with `sfaccess_connected_app_access`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the permission set (prefix `0PS`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The API name, e.g. `Partner_API_Bypass`; also the import id. A letter first, " +
					"then letters, digits and single underscores, at most 80 characters. Changing it replaces " +
					"the permission set (and with it its assignments and app grants).",
				Required:      true,
				Validators:    []validator.String{apiNameValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"label": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The label shown in Setup; 1 to %d characters, without control characters.", permissionSetLabelMaxLength),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, permissionSetLabelMaxLength), noControlCharacters("label", false)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("What the permission set is for; 1 to %d characters, without control "+
					"characters other than line breaks and tabs. Omit it for no description.", permissionSetDescriptionMaxLength),
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, permissionSetDescriptionMaxLength), noControlCharacters("description", true)},
			},
			"user_permissions": schema.SetAttribute{
				MarkdownDescription: "The user permissions the set grants, by API name. The resource owns exactly these " +
					fmt.Sprint(len(orgapi.UserPermissions())) + " permissions, the ones API Access Control and its administration depend on: " +
					markdownList(orgapi.UserPermissions()) + ". Each listed one is on; each of them not listed is off. " +
					"Every other permission of the set (View All Data, say) is neither read nor written: Terraform leaves " +
					"it as Setup has it. `UseAnyApiClient` exists only in orgs where API Access Control is provisioned. " +
					"Defaults to none.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(userPermissionValidator())},
			},
		},
	}
}

// permissionSetIdentity is the permission set's API name, its import id.
var permissionSetIdentity = identityKey{
	{name: "name", description: "The API name of the permission set."},
}

func (r *permissionSetResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	permissionSetIdentity.identitySchema(resp)
}

func (r *permissionSetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks the running user may manage permission sets, that UseAnyApiClient is only
// asked for where the org has it, and that a new permission set's name is free. It also records
// the names this plan creates or keeps, so that assignments and grants planned in the same run
// for such a set are not reported as pointing at a missing one.
func (r *permissionSetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	r.data.claimObject(ctx, permissionSetType, req, resp)
	var name types.String
	if !req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	}
	action, check := r.data.planChecks(req, req.Plan.Raw.Equal(req.State.Raw), "the permission set", &resp.Diagnostics)
	if !check {
		return
	}
	// Runs last, after this resource's own checks, and only when they found no error.
	defer r.data.startAccessImpact(ctx).reportAccessImpact(ctx, permissionSetImpact(ctx, req), &resp.Diagnostics)
	if action == planDestroy {
		r.data.checkAdminPermission(ctx, orgapi.NeedPermissionSets, "deleting a permission set", &resp.Diagnostics)
		return
	}
	r.data.checkAdminPermission(ctx, orgapi.NeedPermissionSets, "changing a permission set", &resp.Diagnostics)
	if action == planCreate && !name.IsUnknown() {
		r.checkNameFree(ctx, name.ValueString(), &resp.Diagnostics)
	}
	var perms types.Set
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("user_permissions"), &perms)...)
	if resp.Diagnostics.HasError() || perms.IsUnknown() {
		return
	}
	names := stringSet(ctx, perms, &resp.Diagnostics)
	for _, n := range names {
		if n != orgapi.PermissionUseAnyAPIClient {
			continue
		}
		provisioned, err := r.data.client.FeatureProvisioned(ctx)
		if err != nil {
			resp.Diagnostics.Append(r.data.planCheckFailed("whether API Access Control is provisioned", err))
		} else if !provisioned {
			resp.Diagnostics.AddAttributeError(path.Root("user_permissions"), "API Access Control Not Provisioned",
				"UseAnyApiClient exists only in orgs where Salesforce Customer Support has enabled API Access "+
					"Control, and this org does not have it. Remove it from user_permissions, or ask Support to "+
					"enable the feature.")
		}
	}
}

// checkNameFree fails the plan of a new permission set whose name the org already uses, for one
// Terraform does not manage or for a profile's own set.
func (r *permissionSetResource) checkNameFree(ctx context.Context, name string, diags *diag.Diagnostics) {
	if r.data.isManaged(permissionSetType, name) {
		return
	}
	t := permissionSetTarget(name)
	_, err := r.data.client.PermissionSetByName(ctx, name)
	switch {
	case err == nil:
		diags.Append(nameCollisionDiag(path.Root("name"), t, "a permission set named "+name))
	case isProfileOwned(err):
		diags.AddAttributeError(path.Root("name"), "Name Taken by a Profile",
			fmt.Sprintf("%s is the name of a permission set a profile owns; a new permission set needs a name no "+
				"other permission set has. Choose another name (a letter first, then letters, digits and single underscores).", name))
	case !isNotFound(err):
		diags.Append(r.data.planCheckFailed("whether the permission set name "+name+" is free", err))
	}
}

const permissionSetType = "sfaccess_permission_set"

func permissionSetTarget(name string) createTarget {
	return createTarget{resourceType: permissionSetType, importID: name, action: fmt.Sprintf("creating Permission Set (%s)", name)}
}

// toAPI is the permission set as the plan asks for it.
func (m *permissionSetModel) toAPI(ctx context.Context, diags *diag.Diagnostics) orgapi.PermissionSet {
	return orgapi.PermissionSet{
		ID:          m.ID.ValueString(),
		Name:        m.Name.ValueString(),
		Label:       m.Label.ValueString(),
		Description: m.Description.ValueString(),
		Permissions: stringSet(ctx, m.UserPermissions, diags),
	}
}

// setFrom copies what the org stores into m. An empty description reads back as null, the way
// the configuration expresses "none".
func (m *permissionSetModel) setFrom(ctx context.Context, ps *orgapi.PermissionSet, diags *diag.Diagnostics) {
	m.ID = types.StringValue(ps.ID)
	m.Name = keepSpelling(m.Name, types.StringValue(ps.Name))
	m.Label = types.StringValue(ps.Label)
	m.Description = nullIfEmpty(ps.Description)
	set, d := types.SetValueFrom(ctx, types.StringType, nonNil(ps.Permissions))
	diags.Append(d...)
	m.UserPermissions = set
}

func (r *permissionSetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan permissionSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	ps := plan.toAPI(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "creating permission set", map[string]any{"name": ps.Name, "permissions": ps.Permissions})
	c := r.data.client
	id, ok := createAdopting(ctx, permissionSetTarget(ps.Name), &resp.Diagnostics,
		func(ctx context.Context) (string, error) { return c.CreatePermissionSet(ctx, ps) },
		func(ctx context.Context) (string, error) {
			found, err := c.PermissionSetByName(ctx, ps.Name)
			if err != nil {
				return "", err
			}
			return found.ID, nil
		})
	if !ok {
		return
	}
	// The id goes to state before the read-back, so that a failed read-back leaves a tainted
	// resource Terraform replaces, not an orphan.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), ps.Name)...)
	plan.ID = types.StringValue(id)
	if !readBack(ctx, fmt.Sprintf("Permission Set (%s)", ps.Name), &resp.Diagnostics, &plan, r.read) {
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.AddError("Permission Set Vanished After Creation",
				fmt.Sprintf("Permission Set (%s) was created but could not be read back; run terraform apply again.", ps.Name))
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	permissionSetIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// read loads the permission set m names into m. It reports false when the org no longer has it,
// and when the read failed, which a diagnostic then says.
func (r *permissionSetResource) read(ctx context.Context, m *permissionSetModel, diags *diag.Diagnostics) bool {
	ps, err := r.data.client.PermissionSetByID(ctx, m.ID.ValueString())
	if isNotFound(err) {
		return false
	}
	if err != nil {
		diags.Append(orgErrorDiag(fmt.Sprintf("reading Permission Set (%s)", m.Name.ValueString()), err))
		return false
	}
	m.setFrom(ctx, ps, diags)
	return true
}

func (r *permissionSetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r.data, req, resp, readSteps[permissionSetModel]{
		identity: permissionSetIdentity,
		read:     r.read,
		gone: func(ctx context.Context, m permissionSetModel) {
			tflog.Info(ctx, "permission set is gone; removing it from state", map[string]any{"name": m.Name.ValueString()})
		},
		managed: func(m permissionSetModel) (string, string) { return permissionSetType, m.Name.ValueString() },
	})
}

func (r *permissionSetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state permissionSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	plan.ID = state.ID
	ps := plan.toAPI(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !updateAdopting(ctx, fmt.Sprintf("updating Permission Set (%s)", ps.Name), &resp.Diagnostics, &plan,
		func(ctx context.Context) error { return r.data.client.UpdatePermissionSet(ctx, ps) }, r.read) {
		return
	}
	if !readBack(ctx, fmt.Sprintf("Permission Set (%s)", ps.Name), &resp.Diagnostics, &plan, r.read) {
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.AddError("Permission Set Disappeared",
				fmt.Sprintf("Permission Set (%s) was deleted while it was being updated.", ps.Name))
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	permissionSetIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *permissionSetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state permissionSetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	deleteConfirming(ctx, fmt.Sprintf("deleting Permission Set (%s)", state.Name.ValueString()), &resp.Diagnostics, &state,
		func(ctx context.Context) error { return r.data.client.DeletePermissionSet(ctx, state.ID.ValueString()) }, r.read)
}

// ImportState takes the permission set's API name. Profile-owned permission sets belong to their
// profile and are refused.
func (r *permissionSetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	req.ID = permissionSetIdentity.importID(ctx, req, &resp.Diagnostics)
	if msg := checkAPIName(req.ID); msg != "" {
		resp.Diagnostics.AddError("Invalid Import ID", "sfaccess_permission_set is imported by its API name. "+msg)
		return
	}
	if !r.data.ready(&resp.Diagnostics) {
		return
	}
	ps, err := r.data.client.PermissionSetByName(ctx, req.ID)
	if isNotFound(err) {
		resp.Diagnostics.AddError("Permission Set Not Found",
			fmt.Sprintf("The org has no permission set with the API name %q (names are case-sensitive).", req.ID))
		return
	}
	if isProfileOwned(err) {
		resp.Diagnostics.Append(profileOwnedDiag(err, "Change the profile's permissions in Setup > Profiles, or "+
			"manage the permissions with an sfaccess_permission_set of your own and assign it to the profile's users "+
			"with sfaccess_permission_set_assignment."))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(fmt.Sprintf("reading Permission Set (%s)", req.ID), err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ps.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), ps.Name)...)
}
