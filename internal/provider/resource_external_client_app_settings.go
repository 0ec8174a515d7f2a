package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

var (
	_ resource.ResourceWithConfigure   = (*externalClientAppSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*externalClientAppSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*externalClientAppSettingsResource)(nil)
	_ resource.ResourceWithIdentity    = (*externalClientAppSettingsResource)(nil)
)

// externalClientAppSettingsID is the id of the org's one ExternalClientAppSettings: its fullName.
const externalClientAppSettingsID = "ExternalClientApp"

// NewExternalClientAppSettingsResource manages the org-wide External Client App settings, a
// singleton like sfaccess_api_access_control: creating it updates the org, destroying it writes
// the defaults back.
func NewExternalClientAppSettingsResource() resource.Resource {
	return &externalClientAppSettingsResource{}
}

type externalClientAppSettingsResource struct {
	data *providerData
}

type externalClientAppSettingsModel struct {
	ID                       types.String `tfsdk:"id"`
	OrgID                    types.String `tfsdk:"org_id"`
	EnableExternalClientApps types.Bool   `tfsdk:"enable_external_client_apps"`
	AllowSecretsViaREST      types.Bool   `tfsdk:"allow_consumer_secrets_via_rest_api"`
}

func (r *externalClientAppSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_client_app_settings"
}

func (r *externalClientAppSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The org's External Client App settings (Metadata `ExternalClientAppSettings`). There is one per org: creating this resource " +
			"updates the org's settings, and destroying it restores the defaults (External Client Apps on, consumer secrets not readable through REST). " +
			"Import with the id `ExternalClientApp` or, since the settings are the org's, the org id (Terraform 1.12 and later: the identity `org_id`). " +
			"The running user needs **Customize Application** and **Modify All Data**.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Always `ExternalClientApp`, the settings' fullName.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the org the settings belong to, the resource's identity.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"enable_external_client_apps": schema.BoolAttribute{
				MarkdownDescription: "Whether the org may create External Client Apps (`enableExternalClientApps`). Defaults to `true`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"allow_consumer_secrets_via_rest_api": schema.BoolAttribute{
				MarkdownDescription: "\"Allow access to External Client App consumer secrets via REST API\" (`enableClientSecretInRestApiAccess`, API 62.0 or later): " +
					"needed by the `sfaccess_external_client_app_credentials` ephemeral resource and by `consumer_secret_rotation`. Defaults to `false`.",
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			},
		},
	}
}

// externalClientAppSettingsIdentity is the org the settings belong to: there is one per org, and
// its import id ExternalClientApp names no org.
var externalClientAppSettingsIdentity = identityKey{
	{name: "org_id", description: "The 18-character id of the org (prefix 00D); a 15-character id is accepted on import."},
}

func (r *externalClientAppSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	externalClientAppSettingsIdentity.identitySchema(resp)
}

func (r *externalClientAppSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *externalClientAppSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.data.claimObject(ctx, externalClientAppSettingsType, req, resp)
	if _, check := r.data.planChecks(req, req.Plan.Raw.Equal(req.State.Raw), "the External Client App settings", &resp.Diagnostics); check {
		r.data.checkAdminPermission(ctx, orgapi.NeedSettings, "changing External Client App settings", &resp.Diagnostics)
	}
}

func (r *externalClientAppSettingsResource) write(ctx context.Context, m *externalClientAppSettingsModel, diags *diag.Diagnostics) {
	if !r.data.ready(diags) {
		return
	}
	enable, secrets := m.EnableExternalClientApps.ValueBool(), m.AllowSecretsViaREST.ValueBool()
	if updateAdopting(ctx, "updating External Client App settings", diags, m, func(ctx context.Context) error {
		return r.data.client.UpdateExternalClientAppSettings(ctx, orgapi.ExternalClientAppSettings{
			EnableExternalClientApps: &enable, EnableClientSecretInRestAPIAccess: &secrets})
	}, r.read) {
		readBack(ctx, "the External Client App settings", diags, m, r.read)
	}
}

// read loads the settings into m. They always exist, so it reports false only when the read
// failed, which a diagnostic then says.
func (r *externalClientAppSettingsResource) read(ctx context.Context, m *externalClientAppSettingsModel, diags *diag.Diagnostics) bool {
	s, err := r.data.client.ReadExternalClientAppSettings(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("reading External Client App settings", err))
		return false
	}
	identity, err := r.data.client.Identity(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("reading the org id", err))
		return false
	}
	m.ID = types.StringValue(externalClientAppSettingsID)
	m.OrgID = types.StringValue(identity.OrgID)
	m.EnableExternalClientApps = types.BoolValue(*s.EnableExternalClientApps)
	m.AllowSecretsViaREST = types.BoolValue(*s.EnableClientSecretInRestAPIAccess)
	return true
}

// Create adopts the org's settings and writes the planned ones, as Update does: there is always
// exactly one.
func (r *externalClientAppSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics)
	externalClientAppSettingsIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *externalClientAppSettingsResource) apply(ctx context.Context, planned tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var plan externalClientAppSettingsModel
	diags.Append(planned.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	r.write(ctx, &plan, diags)
	if !diags.HasError() {
		diags.Append(state.Set(ctx, &plan)...)
	}
}

func (r *externalClientAppSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r.data, req, resp, readSteps[externalClientAppSettingsModel]{identity: externalClientAppSettingsIdentity, read: r.read})
}

func (r *externalClientAppSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics)
	externalClientAppSettingsIdentity.set(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// Delete restores the defaults: External Client Apps on, secrets not readable through REST.
func (r *externalClientAppSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var defaults externalClientAppSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &defaults)...)
	if resp.Diagnostics.HasError() {
		return
	}
	defaults.EnableExternalClientApps, defaults.AllowSecretsViaREST = types.BoolValue(true), types.BoolValue(false)
	r.write(ctx, &defaults, &resp.Diagnostics)
}

// ImportState takes the settings' fullName ExternalClientApp or the org's own id, which an
// identity always carries; another org's id is refused.
func (r *externalClientAppSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := externalClientAppSettingsIdentity.importID(ctx, req, &resp.Diagnostics)
	if _, err := sfid.Normalize(id); id != externalClientAppSettingsID && err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", "Import the External Client App settings with the id ExternalClientApp or the org id (00D...).")
		return
	}
	if id != externalClientAppSettingsID {
		if _, ok := r.data.ownOrgID(ctx, "sfaccess_external_client_app_settings", id, &resp.Diagnostics); !ok {
			return
		}
	}
	if !r.data.ready(&resp.Diagnostics) {
		return
	}
	var m externalClientAppSettingsModel
	r.read(ctx, &m, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}
