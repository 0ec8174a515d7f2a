package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ list.ListResourceWithConfigure = (*apiAccessControlList)(nil)

// apiAccessControlList lists the org's API Access Control settings: always exactly one.
type apiAccessControlList struct{ listConfigure }

// NewAPIAccessControlList is the sfaccess_api_access_control list resource.
func NewAPIAccessControlList() list.ListResource { return &apiAccessControlList{} }

func (l *apiAccessControlList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_access_control"
}

func (l *apiAccessControlList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the org's API Access Control settings (there is always exactly one), to import them " +
			"as `sfaccess_api_access_control`. Takes no arguments.",
	}
}

func (l *apiAccessControlList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var m apiAccessControlModel
	if l.data.ready(&diags) {
		if identity, err := l.data.client.Identity(ctx); err != nil {
			diags.Append(orgErrorDiag("reading the org id", err))
		} else {
			m.ID = types.StringValue(identity.OrgID)
			(&apiAccessControlResource{data: l.data}).read(ctx, &m, &diags)
		}
	}
	*stream = listStream(ctx, req, apiAccessControlIdentity, diags, func(e *listEmitter) {
		m.Timeouts = e.nullTimeouts()
		e.emit("API Access Control of org "+m.ID.ValueString(), &m)
	})
}
