package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ list.ListResourceWithConfigure = (*externalClientAppSettingsList)(nil)

// externalClientAppSettingsList lists the org's External Client App settings: always exactly one.
type externalClientAppSettingsList struct{ listConfigure }

// NewExternalClientAppSettingsList is the sfaccess_external_client_app_settings list resource.
func NewExternalClientAppSettingsList() list.ListResource { return &externalClientAppSettingsList{} }

func (l *externalClientAppSettingsList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_client_app_settings"
}

func (l *externalClientAppSettingsList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the org's External Client App settings (there is always exactly one), to import them " +
			"as `sfaccess_external_client_app_settings`. Takes no arguments.",
	}
}

func (l *externalClientAppSettingsList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var m externalClientAppSettingsModel
	if l.data.ready(&diags) {
		(&externalClientAppSettingsResource{data: l.data}).read(ctx, &m, &diags)
	}
	*stream = listStream(ctx, req, externalClientAppSettingsIdentity, diags, func(e *listEmitter) {
		e.emit("External Client App settings of org "+m.OrgID.ValueString(), &m)
	})
}
