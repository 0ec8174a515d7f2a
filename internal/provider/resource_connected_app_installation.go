package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var (
	_ resource.ResourceWithConfigure   = (*connectedAppInstallationResource)(nil)
	_ resource.ResourceWithIdentity    = (*connectedAppInstallationResource)(nil)
	_ resource.ResourceWithImportState = (*connectedAppInstallationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*connectedAppInstallationResource)(nil)
)

// connectedAppInstallationResource is a connected app's row on the Connected Apps OAuth Usage
// page: the resource exists while the app is installed, and carries its Block state.
type connectedAppInstallationResource struct {
	data *providerData
}

// NewConnectedAppInstallationResource is the sfaccess_connected_app_installation resource.
func NewConnectedAppInstallationResource() resource.Resource {
	return &connectedAppInstallationResource{}
}

type connectedAppInstallationModel struct {
	ID                  types.String   `tfsdk:"id"`
	ConnectedAppName    types.String   `tfsdk:"connected_app_name"`
	Blocked             types.Bool     `tfsdk:"blocked"`
	Packaged            types.Bool     `tfsdk:"packaged"`
	ScopeRefreshTrigger types.String   `tfsdk:"scope_refresh_trigger"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (r *connectedAppInstallationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connected_app_installation"
}

func (r *connectedAppInstallationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Installs a connected app in the org, as **Install** on " +
			"`" + orgapi.SetupPageOAuthUsage + "` does, and optionally **blocks** it. The resource exists " +
			"while the app is installed; destroying it uninstalls the app. With " +
			"`sfaccess_api_access_control` limits on, customers and partners (or every user) can reach " +
			"the API only through installed apps; a blocked app refuses every user, Use Any API Client " +
			"holders included. Blocking ends the app's sessions: its access and refresh tokens stop working at " +
			"once and stay dead after an unblock, so users log in again.\n\n" +
			"Salesforce has no public API for this page, so the resource needs the sfaccess setup " +
			"extension; in an org without it the plan fails and names the Setup page to use. The app " +
			"must exist, or be created in the same run by an `sfaccess_connected_app` that " +
			"`connected_app_name` references (`sfaccess_connected_app.<name>.name`); other names fail at plan time. " +
			"An app that is installed already and not in this configuration's state (installed from a package or by another " +
			"configuration, or blocked) fails at plan too, with the `import` block to use: destroying an installation " +
			"Terraform adopted would uninstall the app for whoever installed it. An app created in the org is installed " +
			"from its creation, so its installation is adopted while it is not blocked.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the connected application (prefix `0H4`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connected_app_name": schema.StringAttribute{
				MarkdownDescription: "The API name of the connected app to install, e.g. `Partner_Portal_Mobile`; " +
					"also the import id. A letter first, then letters, digits and single underscores. " +
					"Changing it installs the other app and uninstalls this one.",
				Required:      true,
				Validators:    []validator.String{apiNameValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"blocked": schema.BoolAttribute{
				MarkdownDescription: "Whether the app is blocked: every token request through the app is refused, " +
					"for every user, and blocking ends the app's existing sessions. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"packaged": schema.BoolAttribute{
				MarkdownDescription: "Whether the app comes from a managed package. Installing or uninstalling " +
					"a packaged app needs the InstallPackaging permission as well.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"scope_refresh_trigger": schema.StringAttribute{
				MarkdownDescription: "Any string; changing it blocks the app and unblocks it again. On Terraform 1.14 " +
					"and later, prefer the `sfaccess_refresh_app_scopes` action, triggered when the app's scopes change. An " +
					"installed app keeps the OAuth scopes it had when it was installed: Salesforce re-reads " +
					"the app's scopes only when the app is blocked and unblocked, so change this value (e.g. " +
					"to a hash of the app's `scopes`) when you change the scopes of an installed app. The app's " +
					"existing sessions end, so users log in again and get the new scopes. Has no effect while " +
					"`blocked` is `true`. Must not be empty.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// connectedAppInstallationIdentity is the installed app's API name, its import id.
var connectedAppInstallationIdentity = identityKey{
	{name: "connected_app_name", description: "The API name of the installed connected app."},
}

func (r *connectedAppInstallationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	connectedAppInstallationIdentity.identitySchema(resp)
}

func (r *connectedAppInstallationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// installationChange is what a plan does to an app's installation. The permissions it needs
// depend on it: installing or uninstalling a packaged app needs InstallPackaging as well,
// blocking or unblocking it does not.
type installationChange int

const (
	installApp installationChange = iota + 1
	uninstallApp
	blockOrUnblockApp // the app stays installed; only its Block state changes
)

func (c installationChange) String() string {
	switch c {
	case uninstallApp:
		return "uninstalling"
	case blockOrUnblockApp:
		return "blocking or unblocking"
	}
	return "installing"
}

// ModifyPlan fails the plan for what the org would refuse: no setup extension, an app that does
// not exist, and missing admin permissions (InstallPackaging too for a packaged app); and for an
// installation someone else made (checkNotInstalled) or another resource of the plan manages.
func (r *connectedAppInstallationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.claimObject(ctx, installationType, req, resp)
	var plan, state connectedAppInstallationModel
	if !req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	}
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	name := plan.ConnectedAppName
	if req.Plan.Raw.IsNull() {
		name = state.ConnectedAppName
	}
	if resp.Diagnostics.HasError() || name.IsUnknown() || name.IsNull() {
		return
	}
	// Only what reaches the org counts as a change; timeouts, for one, do not.
	unchanged := !req.Plan.Raw.IsNull() && !req.State.Raw.IsNull() && plan.Blocked.Equal(state.Blocked) &&
		plan.ScopeRefreshTrigger.Equal(state.ScopeRefreshTrigger) && plan.ConnectedAppName.Equal(state.ConnectedAppName)
	action, check := r.data.planChecks(req, unchanged, "the installation of "+name.ValueString(), &resp.Diagnostics)
	if !check {
		return
	}
	// Runs last, after this resource's own checks, and only when they found no error.
	defer r.data.startAccessImpact(ctx).reportAccessImpact(ctx, installationImpact(ctx, req), &resp.Diagnostics)
	change := installApp
	switch {
	case action == planDestroy:
		change = uninstallApp
	case action == planUpdate && plan.ConnectedAppName.Equal(state.ConnectedAppName):
		change = blockOrUnblockApp
	}

	available, err := r.data.client.ExtensionAvailable(ctx)
	if err != nil {
		resp.Diagnostics.Append(r.data.planCheckFailed("whether the org serves the setup extension", err))
		return
	}
	if !available {
		resp.Diagnostics.Append(extensionUnavailableDiag(path.Root("connected_app_name"),
			"install, uninstall, block or unblock a connected app", orgapi.SetupPageOAuthUsage))
		return
	}
	need, what, label := orgapi.NeedConnectedApps, "connected app", name.ValueString()
	// An app this plan creates is the org's own, never a package's, and needs no look-up: at plan
	// time it is not there yet, and when Terraform plans the installation again during the apply,
	// right after creating the app, the look-up would cost a round trip.
	if change != installApp || !r.data.isNewConnectedApp(label) {
		app, notFound := findOAuthUsageApp(ctx, r.data.client, label)
		if notFound != nil {
			// An app that is already gone uninstalls trivially, and one this plan creates through
			// sfaccess_connected_app (referenced, so planned first) will exist at apply.
			if change == uninstallApp || r.data.isPlannedConnectedApp(label) {
				return
			}
			resp.Diagnostics.Append(notFound)
			return
		}
		label = app.Name
		if change == installApp {
			r.checkNotInstalled(app, &resp.Diagnostics)
		}
		if app.Packaged && change != blockOrUnblockApp {
			need, what = orgapi.NeedInstallPackagedApps, "packaged connected app"
		}
	}
	r.data.checkAdminPermission(ctx, need, fmt.Sprintf("%s the %s %s", change, what, label), &resp.Diagnostics)
}

const installationType = "sfaccess_connected_app_installation"

func installationTarget(name string) createTarget {
	return createTarget{resourceType: installationType, importID: name, action: fmt.Sprintf("installing Connected App (%s)", name)}
}

func (r *connectedAppInstallationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan connectedAppInstallationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultAPITimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	name := plan.ConnectedAppName.ValueString()
	c := r.data.client
	// The app's id comes from the connected app list the provider keeps while it writes no app of
	// that name, not from the OAuth Usage list every install makes stale.
	appID, err := c.ConnectedAppID(ctx, name)
	if isNotFound(err) {
		_, notFound := findOAuthUsageApp(ctx, c, name)
		if notFound == nil {
			notFound = orgErrorAttrDiag(path.Root("connected_app_name"), "installing Connected App ("+name+")", err)
		}
		resp.Diagnostics.Append(notFound)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(orgErrorAttrDiag(path.Root("connected_app_name"), "installing Connected App ("+name+")", err))
		return
	}
	tflog.Debug(ctx, "installing connected app", map[string]any{"name": name, "blocked": plan.Blocked.ValueBool()})
	inst, ok := createAdopting(ctx, installationTarget(name), &resp.Diagnostics,
		func(ctx context.Context) (*orgapi.Installation, error) {
			return c.Install(ctx, appID, plan.Blocked.ValueBool())
		},
		func(ctx context.Context) (*orgapi.Installation, error) { return c.Installation(ctx, appID) })
	if !ok {
		return
	}
	// The installation's id goes to state before anything else can fail.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), appID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connected_app_name"), name)...)
	plan.ID = types.StringValue(appID)
	// Install is idempotent, so an app that was installed already keeps its old Block state.
	if inst.Blocked != plan.Blocked.ValueBool() && !r.setBlocked(ctx, &plan, &inst, &resp.Diagnostics) {
		return
	}
	if inst != nil {
		plan.setFrom(inst)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	connectedAppInstallationIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *connectedAppInstallationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r.data, req, resp, readSteps[connectedAppInstallationModel]{
		identity: connectedAppInstallationIdentity,
		read:     r.read,
		gone: func(ctx context.Context, m connectedAppInstallationModel) {
			tflog.Info(ctx, "connected app is no longer installed; removing it from state", map[string]any{"name": m.ConnectedAppName.ValueString()})
		},
		managed: func(m connectedAppInstallationModel) (string, string) {
			return installationType, m.ConnectedAppName.ValueString()
		},
	})
}

// read loads the installation m names into m. It reports false when the app is no longer
// installed, and when the read failed, which a diagnostic then says.
func (r *connectedAppInstallationResource) read(ctx context.Context, m *connectedAppInstallationModel, diags *diag.Diagnostics) bool {
	inst, err := r.data.client.Installation(ctx, m.ID.ValueString())
	if isNotFound(err) {
		return false
	}
	if err != nil {
		diags.Append(orgErrorDiag(fmt.Sprintf("reading the installation of Connected App (%s)", m.ConnectedAppName.ValueString()), err))
		return false
	}
	m.setFrom(inst)
	return true
}

// setFrom copies what the org reports of the installation into m.
func (m *connectedAppInstallationModel) setFrom(inst *orgapi.Installation) {
	m.Blocked = types.BoolValue(inst.Blocked)
	m.Packaged = types.BoolValue(inst.Packaged)
}

func (r *connectedAppInstallationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state connectedAppInstallationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultAPITimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	plan.ID = state.ID
	refresh := !plan.ScopeRefreshTrigger.Equal(state.ScopeRefreshTrigger) && !plan.ScopeRefreshTrigger.IsNull()
	var inst *orgapi.Installation
	if refresh && !plan.Blocked.ValueBool() {
		var d diag.Diagnostic
		if inst, d = refreshInstalledScopes(ctx, r.data.client, state.ID.ValueString(), state.ConnectedAppName.ValueString()); d != nil {
			resp.Diagnostics.Append(d)
			return
		}
	} else if !r.setBlocked(ctx, &plan, &inst, &resp.Diagnostics) {
		return
	}
	if inst != nil {
		plan.setFrom(inst)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	connectedAppInstallationIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// setBlocked blocks or unblocks the installed app as plan asks and sets *inst to what the org
// answers. When that answer is lost, the installation is read back into plan instead and *inst is
// nil (updateAdopting).
func (r *connectedAppInstallationResource) setBlocked(ctx context.Context, plan *connectedAppInstallationModel,
	inst **orgapi.Installation, diags *diag.Diagnostics,
) bool {
	blocked, verb := plan.Blocked.ValueBool(), "unblocking"
	if blocked {
		verb = "blocking"
	}
	*inst = nil
	return updateAdopting(ctx, fmt.Sprintf("%s Connected App (%s)", verb, plan.ConnectedAppName.ValueString()), diags, plan,
		func(ctx context.Context) (err error) {
			*inst, err = r.data.client.SetBlocked(ctx, plan.ID.ValueString(), blocked)
			return err
		}, r.read)
}

func (r *connectedAppInstallationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectedAppInstallationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultAPITimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	deleteConfirming(ctx, fmt.Sprintf("uninstalling Connected App (%s)", state.ConnectedAppName.ValueString()), &resp.Diagnostics, &state,
		func(ctx context.Context) error { return r.data.client.Uninstall(ctx, state.ID.ValueString()) }, r.read)
}

// ImportState takes the app's API name and adopts its installation; an app that is not installed
// has nothing to import.
func (r *connectedAppInstallationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	req.ID = connectedAppInstallationIdentity.importID(ctx, req, &resp.Diagnostics)
	if msg := checkAPIName(req.ID); msg != "" {
		resp.Diagnostics.AddError("Invalid Import ID",
			"sfaccess_connected_app_installation is imported by the connected app's API name. "+msg)
		return
	}
	if !r.data.ready(&resp.Diagnostics) {
		return
	}
	app, notFound := findOAuthUsageApp(ctx, r.data.client, req.ID)
	if notFound != nil {
		resp.Diagnostics.AddError("Connected App Not Found", notFound.Detail())
		return
	}
	if !app.Installed {
		resp.Diagnostics.AddError("Connected App Not Installed",
			fmt.Sprintf("The connected app %s is not installed, so there is no installation to import. Apply "+
				"the configuration to install it instead.", app.Name))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), app.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connected_app_name"), app.Name)...)
}
