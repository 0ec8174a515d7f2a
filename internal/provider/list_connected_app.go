package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ list.ListResourceWithConfigure = (*connectedAppList)(nil)

// connectedAppList lists the connected apps created in the org. Apps that come from a package or
// another org have no definition here to manage; their installation is listed by
// sfaccess_connected_app_installation.
type connectedAppList struct{ listConfigure }

// NewConnectedAppList is the sfaccess_connected_app list resource.
func NewConnectedAppList() list.ListResource { return &connectedAppList{} }

type connectedAppListFilter struct {
	NamePrefix types.String `tfsdk:"name_prefix"`
	Installed  types.Bool   `tfsdk:"installed"`
	Blocked    types.Bool   `tfsdk:"blocked"`
}

func (l *connectedAppList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connected_app"
}

func (l *connectedAppList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the connected apps created in the org (Setup > App Manager, those the org manages), " +
			"to import them as `sfaccess_connected_app`. Apps from a managed package or another org are not " +
			"listed: their definition lives elsewhere; list their installation with `sfaccess_connected_app_installation`. " +
			"Reads the Connected Apps OAuth Usage list (setup extension) and, with `include_resource`, the apps' " +
			"definitions ten at a time.",
		Attributes: map[string]listschema.Attribute{
			"name_prefix": namePrefixFilter("apps"),
			"installed": listschema.BoolAttribute{
				MarkdownDescription: "Only apps that are (`true`) or are not (`false`) installed. Omit for both.",
				Optional:            true,
			},
			"blocked": listschema.BoolAttribute{
				MarkdownDescription: "Only apps that are (`true`) or are not (`false`) blocked. Omit for both.",
				Optional:            true,
			},
		},
	}
}

func (l *connectedAppList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter connectedAppListFilter
	diags := req.Config.Get(ctx, &filter)
	var apps []orgapi.OAuthUsageApp
	if !diags.HasError() {
		apps = listOAuthUsage(ctx, l.data, &diags)
	}
	var matching []orgapi.OAuthUsageApp
	for _, a := range apps {
		if a.Local && hasNamePrefix(a.Name, filter.NamePrefix) && matchesBool(filter.Installed, a.Installed) && matchesBool(filter.Blocked, a.Blocked) {
			matching = append(matching, a)
		}
	}
	var definitions map[string]*orgapi.ConnectedApp
	if req.IncludeResource && len(matching) > 0 && !diags.HasError() {
		names := make([]string, len(matching))
		for i, a := range matching {
			names[i] = a.Name
		}
		var err error
		if definitions, err = l.data.client.ReadConnectedApps(ctx, names); err != nil {
			diags.Append(orgErrorDiag("reading connected apps", err))
		}
	}
	*stream = listStream(ctx, req, connectedAppIdentity, diags, func(e *listEmitter) {
		for _, a := range matching {
			m := connectedAppModel{
				Name: types.StringValue(a.Name), ID: types.StringValue(normalizeID(a.ID)),
				CallbackURLs: types.ListNull(types.StringType), Scopes: types.SetNull(types.StringType),
				Timeouts: e.nullTimeouts(),
			}
			if app := definitions[a.Name]; app != nil {
				var d diag.Diagnostics
				m.setFrom(ctx, app, m.ID.ValueString(), &d)
				e.warnings.Append(d...)
			} else if req.IncludeResource {
				// Deleted between the two reads: nothing left to import.
				continue
			}
			if !e.emit(a.Label+" ("+a.Name+")", &m) {
				return
			}
		}
	})
}
