package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ list.ListResourceWithConfigure = (*connectedAppInstallationList)(nil)

// connectedAppInstallationList lists the installed connected apps, local, packaged or from
// another org alike.
type connectedAppInstallationList struct{ listConfigure }

// NewConnectedAppInstallationList is the sfaccess_connected_app_installation list resource.
func NewConnectedAppInstallationList() list.ListResource { return &connectedAppInstallationList{} }

type connectedAppInstallationListFilter struct {
	NamePrefix types.String `tfsdk:"name_prefix"`
	Blocked    types.Bool   `tfsdk:"blocked"`
	Packaged   types.Bool   `tfsdk:"packaged"`
}

func (l *connectedAppInstallationList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connected_app_installation"
}

func (l *connectedAppInstallationList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the installed connected apps, whether created in the org, from a managed package or " +
			"from another org, to import their install and block state as `sfaccess_connected_app_installation`. " +
			"Reads the Connected Apps OAuth Usage list (setup extension) once.",
		Attributes: map[string]listschema.Attribute{
			"name_prefix": namePrefixFilter("apps"),
			"blocked": listschema.BoolAttribute{
				MarkdownDescription: "Only apps that are (`true`) or are not (`false`) blocked. Omit for both.",
				Optional:            true,
			},
			"packaged": listschema.BoolAttribute{
				MarkdownDescription: "Only apps that come (`true`) or do not come (`false`) from a managed package. Omit for both.",
				Optional:            true,
			},
		},
	}
}

func (l *connectedAppInstallationList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter connectedAppInstallationListFilter
	diags := req.Config.Get(ctx, &filter)
	if diags.HasError() {
		*stream = listStream(ctx, req, connectedAppInstallationIdentity, diags, nil)
		return
	}
	apps := listOAuthUsage(ctx, l.data, &diags)
	*stream = listStream(ctx, req, connectedAppInstallationIdentity, diags, func(e *listEmitter) {
		for _, a := range apps {
			if !a.Installed || !hasNamePrefix(a.Name, filter.NamePrefix) || !matchesBool(filter.Blocked, a.Blocked) || !matchesBool(filter.Packaged, a.Packaged) {
				continue
			}
			m := connectedAppInstallationModel{
				ID:                  types.StringValue(normalizeID(a.ID)),
				ConnectedAppName:    types.StringValue(a.Name),
				Blocked:             types.BoolValue(a.Blocked),
				Packaged:            types.BoolValue(a.Packaged),
				ScopeRefreshTrigger: types.StringNull(),
				Timeouts:            e.nullTimeouts(),
			}
			if !e.emit("Installation of "+a.Label+" ("+a.Name+")", &m) {
				return
			}
		}
	})
}
