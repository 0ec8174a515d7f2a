package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ resource.ResourceWithConfigure        = (*connectedAppAccessResource)(nil)
	_ resource.ResourceWithIdentity         = (*connectedAppAccessResource)(nil)
	_ resource.ResourceWithImportState      = (*connectedAppAccessResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*connectedAppAccessResource)(nil)
	_ resource.ResourceWithConfigValidators = (*connectedAppAccessResource)(nil)
)

// NewConnectedAppAccessResource grants a connected app to a permission set or a profile.
func NewConnectedAppAccessResource() resource.Resource {
	return &connectedAppAccessResource{}
}

type connectedAppAccessResource struct {
	data *providerData
}

type connectedAppAccessModel struct {
	ID                types.String `tfsdk:"id"`
	ConnectedAppName  types.String `tfsdk:"connected_app_name"`
	PermissionSetName types.String `tfsdk:"permission_set_name"`
	ProfileName       types.String `tfsdk:"profile_name"`
}

func (r *connectedAppAccessResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connected_app_access"
}

func (r *connectedAppAccessResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// Names are compared as Salesforce compares them, ignoring case (case_equality.go).
	replace := []planmodifier.String{requiresReplaceIgnoringCase()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Grants a connected app to a permission set or a profile (a `SetupEntityAccess` record), the " +
			"\"Manage Profiles\" and \"Manage Permission Sets\" lists of the app. When the app's Permitted Users are " +
			"\"Admin approved users are pre-authorized\" (`admin_approved_users_only = true`), only users holding a granted " +
			"permission set or profile may use it. A profile is granted through the permission set it owns.\n\n" +
			"The running user needs **Customize Application**, **Modify All Data** and **Manage Profiles and Permission Sets**; " +
			"the plan fails early when it lacks them.\n\n" +
			"Import with `<connected_app_name>/<permission_set_name>` or `<connected_app_name>/profile:<profile_name>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the `SetupEntityAccess` record (key prefix `0J0`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connected_app_name": schema.StringAttribute{
				MarkdownDescription: "API name of the connected app. Reference `sfaccess_connected_app.<name>.name` so Terraform creates the app first. Compared ignoring case, as Salesforce does; naming another one creates a new grant.",
				Required:            true,
				Validators:          []validator.String{apiNameValidator()},
				PlanModifiers:       replace,
			},
			"permission_set_name": schema.StringAttribute{
				MarkdownDescription: "API name of the permission set to grant the app to. Exactly one of `permission_set_name` and `profile_name` must be set. Compared ignoring case, as Salesforce does; naming another one creates a new grant.",
				Optional:            true,
				Validators:          []validator.String{apiNameValidator()},
				PlanModifiers:       replace,
			},
			"profile_name": schema.StringAttribute{
				MarkdownDescription: "Name of the profile to grant the app to, as shown in Setup (for example `Customer Community Plus User`). Exactly one of `permission_set_name` and `profile_name` must be set. Compared ignoring case, as Salesforce does; naming another one creates a new grant.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers:       replace,
			},
		},
	}
}

// connectedAppAccessIdentity is the app and its grantee, a permission set or a profile, as in the
// import id "app/permission_set" or "app/profile:profile".
var connectedAppAccessIdentity = identityKey{
	{name: "connected_app_name", description: "The API name of the connected app."},
	{name: "permission_set_name", optional: true, description: "The API name of the permission set granted the app; null for a grant to a profile."},
	{name: "profile_name", optional: true, importPrefix: profileImportPrefix, description: "The name of the profile granted the app; null for a grant to a permission set."},
}

func (r *connectedAppAccessResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	connectedAppAccessIdentity.identitySchema(resp)
}

func (r *connectedAppAccessResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("permission_set_name"), path.MatchRoot("profile_name")),
	}
}

func (r *connectedAppAccessResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan, before anything changes, when the provider's user may not change an
// app's grants, when the app or the permission set neither exists nor is created by this plan,
// when the permission set is a profile's own, when the profile does not exist, or when the org
// already holds the grant outside Terraform.
func (r *connectedAppAccessResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.claimObject(ctx, connectedAppAccessType, req, resp)
	action, check := r.data.planChecks(req, req.Plan.Raw.Equal(req.State.Raw), "the connected app grant", &resp.Diagnostics)
	if !check {
		return
	}
	// Runs last, after this resource's own checks, and only when they found no error.
	defer r.data.startAccessImpact(ctx).reportAccessImpact(ctx, connectedAppAccessImpact(ctx, req), &resp.Diagnostics)
	if action == planDestroy {
		var state connectedAppAccessModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		r.data.checkAdminPermission(ctx, orgapi.NeedAppGrants, "revoking "+state.describe(), &resp.Diagnostics)
		return
	}
	var plan connectedAppAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var appID, parentID string
	checksTogether(&resp.Diagnostics,
		func(d *diag.Diagnostics) {
			r.data.checkAdminPermission(ctx, orgapi.NeedAppGrants, "granting "+plan.describe(), d)
		},
		func(d *diag.Diagnostics) { appID = r.checkApp(ctx, plan.ConnectedAppName, d) },
		func(d *diag.Diagnostics) {
			parentID = r.data.checkGrantee(ctx, plan.ProfileName, plan.PermissionSetName, d)
		})
	// Only when the app and the grantee both exist in the org already can the grant between them.
	if action == planCreate && appID != "" && parentID != "" {
		r.checkGrantFree(ctx, plan, appID, parentID, &resp.Diagnostics)
	}
}

// checkApp fails the plan when the org has no such app and this plan creates none, and warns
// when the grant would restrict nobody. It returns the app's id when the org has it.
func (r *connectedAppAccessResource) checkApp(ctx context.Context, app types.String, diags *diag.Diagnostics) (appID string) {
	if app.IsUnknown() {
		return ""
	}
	adminApproved, planned := r.data.plannedConnectedApp(app.ValueString())
	if !planned {
		record, err := r.data.client.ConnectedApplicationByName(ctx, app.ValueString())
		switch {
		case isNotFound(err):
			diags.AddAttributeError(path.Root("connected_app_name"), "Connected App Not Found",
				fmt.Sprintf("The org has no connected app named %q, and this plan does not create one. Check the API name in Setup > App Manager, "+
					"or, when the app is managed by this configuration, set connected_app_name = sfaccess_connected_app.<name>.name so Terraform creates it first.", app.ValueString()))
		case err != nil:
			diags.Append(r.data.planCheckFailed("connected app "+app.ValueString(), err))
		default:
			adminApproved = types.BoolValue(record.AdminApprovedUsersOnly)
			appID = record.ID
		}
	}
	if d := grantWithoutEffect(path.Root("connected_app_name"), "connected app", app.ValueString(), adminApproved); d != nil {
		diags.Append(d)
	}
	return appID
}

// checkGrantFree fails the plan of a new grant the org already holds outside Terraform.
func (r *connectedAppAccessResource) checkGrantFree(ctx context.Context, plan connectedAppAccessModel, appID, parentID string, diags *diag.Diagnostics) {
	t := plan.target()
	if r.data.isManaged(t.resourceType, t.importID) {
		return
	}
	if _, err := r.data.client.FindConnectedAppGrant(ctx, parentID, appID); err == nil {
		diags.Append(nameCollisionDiag(path.Root("connected_app_name"), t,
			fmt.Sprintf("a grant of %s to %s", plan.ConnectedAppName.ValueString(), plan.granteeDescription())))
	} else if !isNotFound(err) {
		diags.Append(r.data.planCheckFailed("whether the grant exists already", err))
	}
}

const connectedAppAccessType = "sfaccess_connected_app_access"

// target is the grant as a create makes it, with its import id.
func (m connectedAppAccessModel) target() createTarget {
	grantee := m.PermissionSetName.ValueString()
	if !m.ProfileName.IsNull() {
		grantee = profileImportPrefix + m.ProfileName.ValueString()
	}
	return createTarget{resourceType: connectedAppAccessType, importID: m.ConnectedAppName.ValueString() + "/" + grantee,
		action: "granting " + m.describe()}
}

func (r *connectedAppAccessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.data.ready(&resp.Diagnostics) {
		return
	}
	var plan connectedAppAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	action := "granting " + plan.describe()
	appID, err := r.data.client.ConnectedAppID(ctx, plan.ConnectedAppName.ValueString())
	if err != nil {
		resp.Diagnostics.Append(orgErrorAttrDiag(path.Root("connected_app_name"), action, err))
		return
	}
	parentID, errPath, err := r.grantee(ctx, plan)
	if err != nil {
		resp.Diagnostics.Append(orgErrorAttrDiag(errPath, action, err))
		return
	}
	tflog.Debug(ctx, "granting connected app", map[string]any{"connected_app": plan.ConnectedAppName.ValueString(), "parent_id": parentID})
	c := r.data.client
	id, ok := createAdopting(ctx, plan.target(), &resp.Diagnostics,
		func(ctx context.Context) (string, error) { return c.GrantConnectedApp(ctx, parentID, appID) },
		func(ctx context.Context) (string, error) {
			g, err := c.FindConnectedAppGrant(ctx, parentID, appID)
			if err != nil {
				return "", err
			}
			return g.ID, nil
		})
	if !ok {
		return
	}
	plan.ID = types.StringValue(normalizeID(id))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	connectedAppAccessIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// Read finds the grant by id and re-derives the names from what it points at, so a grant moved
// or deleted outside Terraform, or a renamed permission set, shows in the next plan.
func (r *connectedAppAccessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r.data, req, resp, readSteps[connectedAppAccessModel]{
		identity: connectedAppAccessIdentity,
		read:     r.read,
		gone: func(ctx context.Context, m connectedAppAccessModel) {
			tflog.Warn(ctx, "connected app grant no longer exists; removing it from state", map[string]any{"id": m.ID.ValueString()})
		},
		managed: func(m connectedAppAccessModel) (string, string) {
			t := m.target()
			return t.resourceType, t.importID
		},
	})
}

// Update is never called: every attribute forces replacement.
// Update only changes the spelling of a name: any other change replaces the grant.
func (r *connectedAppAccessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateSpelling(ctx, connectedAppAccessIdentity, req, resp)
}

func (r *connectedAppAccessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.data.ready(&resp.Diagnostics) {
		return
	}
	var state connectedAppAccessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "revoking connected app grant", map[string]any{"id": state.ID.ValueString()})
	deleteConfirming(ctx, "revoking "+state.describe(), &resp.Diagnostics, &state,
		func(ctx context.Context) error {
			return r.data.client.RevokeConnectedAppGrant(ctx, state.ID.ValueString())
		}, r.read)
}

// ImportState takes "<app>/<permission set>" or "<app>/profile:<profile>" and finds the grant
// between them.
func (r *connectedAppAccessResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	req.ID = connectedAppAccessIdentity.importID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	const form = "<connected_app_name>/<permission_set_name> or <connected_app_name>/profile:<profile_name>"
	appName, grantee, err := importIDParts(req.ID, form)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", upperFirst(err.Error())+", for example Portal_Mobile/Partner_API or Portal_Mobile/profile:Partner Community User.")
		return
	}
	m := connectedAppAccessModel{
		ConnectedAppName:  types.StringValue(appName),
		PermissionSetName: types.StringNull(),
		ProfileName:       types.StringNull(),
	}
	if profile, ok := strings.CutPrefix(grantee, profileImportPrefix); ok {
		m.ProfileName = types.StringValue(profile)
	} else {
		m.PermissionSetName = types.StringValue(grantee)
	}
	action := "importing " + m.describe()
	app, err := r.data.client.ConnectedApplicationByName(ctx, appName)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	parentID, _, err := r.grantee(ctx, m)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	grants, err := r.data.client.SetupEntityAccesses(ctx)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	for _, g := range grants {
		if sameID(g.ParentID, parentID) && sameID(g.SetupEntityID, app.ID) {
			m.ID = types.StringValue(normalizeID(g.ID))
			resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
			return
		}
	}
	resp.Diagnostics.AddError("Connected App Grant Not Found",
		fmt.Sprintf("The connected app %s is not granted to %s, so there is nothing to import. Create the grant with terraform apply instead.", appName, m.granteeDescription()))
}

// grantee returns the id of the permission set that carries the grant: the named permission set,
// or the one the named profile owns.
func (r *connectedAppAccessResource) grantee(ctx context.Context, m connectedAppAccessModel) (string, path.Path, error) {
	if !m.ProfileName.IsNull() {
		profile, err := r.data.client.ProfileByName(ctx, m.ProfileName.ValueString())
		if err != nil {
			return "", path.Root("profile_name"), err
		}
		return profile.PermissionSetID, path.Root("profile_name"), nil
	}
	ps, err := r.data.client.PermissionSetByName(ctx, m.PermissionSetName.ValueString())
	if isProfileOwned(err) {
		return "", path.Root("permission_set_name"), fmt.Errorf("%w; grant the app to the profile with profile_name instead", err)
	}
	if err != nil {
		return "", path.Root("permission_set_name"), err
	}
	return ps.ID, path.Root("permission_set_name"), nil
}

// read loads the grant m names into m, re-deriving the names from what it points at. It reports
// false when the org no longer has the grant or the app it granted, and when the read failed,
// which a diagnostic then says.
func (r *connectedAppAccessResource) read(ctx context.Context, m *connectedAppAccessModel, diags *diag.Diagnostics) bool {
	action := "reading " + m.describe()
	found, err := r.resolve(ctx, m)
	if err != nil {
		diags.Append(orgErrorDiag(action, err))
		return false
	}
	return found
}

// resolve reads the grant by id and its app and grantee names; found is false when the grant, or
// the app it granted, is gone.
func (r *connectedAppAccessResource) resolve(ctx context.Context, m *connectedAppAccessModel) (found bool, err error) {
	grant, err := r.data.client.ReadConnectedAppGrant(ctx, m.ID.ValueString())
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	m.ID = types.StringValue(normalizeID(grant.ID))
	m.ConnectedAppName = keepSpelling(m.ConnectedAppName, types.StringValue(grant.ConnectedAppName))
	m.PermissionSetName = keepSpelling(m.PermissionSetName, nullIfEmpty(grant.PermissionSetName))
	m.ProfileName = keepSpelling(m.ProfileName, nullIfEmpty(grant.ProfileName))
	return true, nil
}

func (m connectedAppAccessModel) granteeDescription() string {
	if !m.ProfileName.IsNull() && !m.ProfileName.IsUnknown() {
		return fmt.Sprintf("profile %q", m.ProfileName.ValueString())
	}
	return fmt.Sprintf("permission set %s", m.PermissionSetName.ValueString())
}

// describe names the grant in diagnostics: "Connected App (Portal_Mobile) access for permission set Partner_API".
func (m connectedAppAccessModel) describe() string {
	return fmt.Sprintf("Connected App (%s) access for %s", m.ConnectedAppName.ValueString(), m.granteeDescription())
}
