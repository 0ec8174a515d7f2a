package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
	_ resource.ResourceWithConfigure   = (*externalClientAppAccessResource)(nil)
	_ resource.ResourceWithImportState = (*externalClientAppAccessResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*externalClientAppAccessResource)(nil)
	_ resource.ResourceWithIdentity    = (*externalClientAppAccessResource)(nil)
)

// NewExternalClientAppAccessResource grants an External Client App to a permission set or a
// profile: an entry of its OAuth policies' commaSeparatedPermissionSet or commaSeparatedProfile.
func NewExternalClientAppAccessResource() resource.Resource {
	return &externalClientAppAccessResource{}
}

type externalClientAppAccessResource struct {
	data *providerData
}

type externalClientAppAccessModel struct {
	ID                types.String `tfsdk:"id"`
	ExternalClientApp types.String `tfsdk:"external_client_app_name"`
	PermissionSet     types.String `tfsdk:"permission_set_name"`
	Profile           types.String `tfsdk:"profile_name"`
}

// externalClientAppAccessIdentity is the app and its grantee, as in the import id
// "app/permission_set" or "app/profile:profile".
var externalClientAppAccessIdentity = identityKey{
	{name: "external_client_app_name", description: "The API name of the External Client App."},
	{name: "permission_set_name", optional: true, description: "The API name of the permission set granted the app; null for a grant to a profile."},
	{name: "profile_name", optional: true, importPrefix: profileImportPrefix, description: "The name of the profile granted the app; null for a grant to a permission set."},
}

func (r *externalClientAppAccessResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	externalClientAppAccessIdentity.identitySchema(resp)
}

func (r *externalClientAppAccessResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_client_app_access"
}

func (r *externalClientAppAccessResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	oneOf := stringvalidator.ExactlyOneOf(path.MatchRoot("permission_set_name"), path.MatchRoot("profile_name"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Grants an External Client App to a permission set or a profile, whose users an admin-approved ECA then admits " +
			"(its OAuth policies' permission sets and profiles). Other grants of the app, made here or elsewhere, are left alone, so grants can live " +
			"in other configurations than the app. A grant the app's policies hold already fails at plan, with the `import` block to use. " +
			"Import with `<app>/<permission set>` or `<app>/profile:<profile name>`.\n\n" +
			"The running user needs **External Client App Admin** (`ExternalClientAppAdmin`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<app>/<permission set>` or `<app>/profile:<profile name>`, also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"external_client_app_name": schema.StringAttribute{
				MarkdownDescription: "API name of the External Client App. Compared ignoring case, as Salesforce does; naming another one replaces the grant.",
				Required:            true,
				Validators:          []validator.String{apiNameValidator()},
				PlanModifiers:       []planmodifier.String{requiresReplaceIgnoringCase()},
			},
			"permission_set_name": schema.StringAttribute{
				MarkdownDescription: "API name of the permission set to grant the app to. Exactly one of `permission_set_name` and `profile_name`. " +
					"Compared ignoring case, as Salesforce does; naming another one replaces the grant.",
				Optional:      true,
				Validators:    []validator.String{apiNameValidator(), oneOf},
				PlanModifiers: []planmodifier.String{requiresReplaceIgnoringCase()},
			},
			"profile_name": schema.StringAttribute{
				MarkdownDescription: "Name of the profile to grant the app to, as Setup shows it (for example `Standard User`). " +
					"Compared ignoring case, as Salesforce does; naming another one replaces the grant.",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255), oneOf},
				PlanModifiers: []planmodifier.String{requiresReplaceIgnoringCase()},
			},
		},
	}
}

func (r *externalClientAppAccessResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *externalClientAppAccessResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.claimObject(ctx, externalClientAppAccessType, req, resp)
	action, check := r.data.planChecks(req, req.Plan.Raw.Equal(req.State.Raw), "the External Client App grant", &resp.Diagnostics)
	if !check {
		return
	}
	// Runs last, after this resource's own checks, and only when they found no error.
	defer r.data.startAccessImpact(ctx).reportAccessImpact(ctx, externalClientAppAccessImpact(ctx, req), &resp.Diagnostics)
	var m externalClientAppAccessModel
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
		r.data.checkAdminPermission(ctx, orgapi.NeedAdministerExternalClientApps, m.action("deleting"), &resp.Diagnostics)
		return
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if !resp.Diagnostics.HasError() {
		r.checkGrant(ctx, m, &resp.Diagnostics)
	}
	if action == planCreate && !resp.Diagnostics.HasError() {
		r.checkGrantFree(ctx, m, &resp.Diagnostics)
	}
}

func (m externalClientAppAccessModel) action(verb string) string {
	return fmt.Sprintf("%s External Client App grant (%s)", verb, m.importID())
}

func (m externalClientAppAccessModel) importID() string {
	if !m.Profile.IsNull() {
		return m.ExternalClientApp.ValueString() + "/" + profileImportPrefix + m.Profile.ValueString()
	}
	return m.ExternalClientApp.ValueString() + "/" + m.PermissionSet.ValueString()
}

func (r *externalClientAppAccessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan externalClientAppAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	target := createTarget{resourceType: externalClientAppAccessType, importID: plan.importID(), action: plan.action("creating")}
	if _, ok := createAdopting(ctx, target, &resp.Diagnostics,
		func(ctx context.Context) (struct{}, error) {
			return struct{}{}, r.data.client.SetExternalClientAppGrant(ctx, plan.ExternalClientApp.ValueString(),
				plan.PermissionSet.ValueString(), plan.Profile.ValueString(), true)
		},
		func(ctx context.Context) (struct{}, error) { return struct{}{}, r.find(ctx, plan) }); !ok {
		return
	}
	plan.ID = types.StringValue(plan.importID())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	externalClientAppAccessIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *externalClientAppAccessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r.data, req, resp, readSteps[externalClientAppAccessModel]{
		identity: externalClientAppAccessIdentity,
		read:     r.read,
		gone: func(ctx context.Context, m externalClientAppAccessModel) {
			tflog.Warn(ctx, "External Client App grant no longer exists; removing it from state", map[string]any{"id": m.importID()})
		},
		managed: func(m externalClientAppAccessModel) (string, string) {
			return externalClientAppAccessType, m.importID()
		},
	})
}

// read reports whether the grant m describes is in the app's policies. Names are compared ignoring
// case, and m keeps its spelling of them (keepSpelling).
func (r *externalClientAppAccessResource) read(ctx context.Context, m *externalClientAppAccessModel, diags *diag.Diagnostics) bool {
	app, err := r.data.client.ReadExternalClientApp(ctx, m.ExternalClientApp.ValueString())
	if isNotFound(err) {
		return false
	}
	if err != nil {
		diags.Append(orgErrorDiag(m.action("reading"), err))
		return false
	}
	list, want, target := app.PermissionSets, m.PermissionSet.ValueString(), &m.PermissionSet
	if !m.Profile.IsNull() {
		list, want, target = app.Profiles, m.Profile.ValueString(), &m.Profile
	}
	i := slices.IndexFunc(list, func(s string) bool { return strings.EqualFold(s, want) })
	if i < 0 {
		return false
	}
	*target = keepSpelling(*target, types.StringValue(list[i]))
	m.ExternalClientApp = keepSpelling(m.ExternalClientApp, types.StringValue(app.Name))
	m.ID = types.StringValue(m.importID())
	return true
}

// find is createAdopting's look-up: nil when the app grants what m names, an error for which
// isNotFound holds when it does not.
func (r *externalClientAppAccessResource) find(ctx context.Context, m externalClientAppAccessModel) error {
	var diags diag.Diagnostics
	if r.read(ctx, &m, &diags) {
		return nil
	}
	if diags.HasError() {
		return errors.New(diagnosticsText(diags))
	}
	return orgapi.ErrNotFound
}

// Update only changes the spelling of a name: any other change replaces the grant.
func (r *externalClientAppAccessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateSpelling(ctx, externalClientAppAccessIdentity, req, resp)
}

func (r *externalClientAppAccessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state externalClientAppAccessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	deleteConfirming(ctx, state.action("deleting"), &resp.Diagnostics, &state, func(ctx context.Context) error {
		return r.data.client.SetExternalClientAppGrant(ctx, state.ExternalClientApp.ValueString(),
			state.PermissionSet.ValueString(), state.Profile.ValueString(), false)
	}, r.read)
}

func (r *externalClientAppAccessResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	app, grantee, ok := strings.Cut(strings.TrimSpace(externalClientAppAccessIdentity.importID(ctx, req, &resp.Diagnostics)), "/")
	if resp.Diagnostics.HasError() {
		return
	}
	if !ok || checkAPIName(app) != "" || grantee == "" {
		resp.Diagnostics.AddError("Invalid Import ID",
			"Import an External Client App grant as <app>/<permission set>, for example Billing_Sync/Billing_Users, or <app>/profile:<profile name>, for example Billing_Sync/profile:Standard User.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("external_client_app_name"), app)...)
	if profile, isProfile := strings.CutPrefix(grantee, profileImportPrefix); isProfile {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("profile_name"), profile)...)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("permission_set_name"), grantee)...)
}

const externalClientAppAccessType = "sfaccess_external_client_app_access"
