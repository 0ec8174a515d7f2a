package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ list.ListResourceWithConfigure = (*externalClientAppList)(nil)

// externalClientAppList lists the External Client Apps created in the org. A packaged ECA's
// definition belongs to its package; its grants are listed by sfaccess_external_client_app_access.
type externalClientAppList struct{ listConfigure }

// NewExternalClientAppList is the sfaccess_external_client_app list resource.
func NewExternalClientAppList() list.ListResource { return &externalClientAppList{} }

type externalClientAppListFilter struct {
	NamePrefix             types.String `tfsdk:"name_prefix"`
	OAuthPluginEnabled     types.Bool   `tfsdk:"oauth_plugin_enabled"`
	AdminApprovedUsersOnly types.Bool   `tfsdk:"admin_approved_users_only"`
}

func (l *externalClientAppList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_client_app"
}

func (l *externalClientAppList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the External Client Apps created in the org (Setup > External Client App Manager, distribution state " +
			"`Local`), to import them as `sfaccess_external_client_app`. Packaged ECAs are not listed: their definition belongs to the " +
			"package; list their grants with `sfaccess_external_client_app_access`. Reads the ECA OAuth usage list and the apps' " +
			"components ten apps a call per component type, whatever the filters.",
		Attributes: map[string]listschema.Attribute{
			"name_prefix": namePrefixFilter("apps"),
			"oauth_plugin_enabled": listschema.BoolAttribute{
				MarkdownDescription: "Only apps whose OAuth plugin is switched on (`true`) or off (`false`). Omit for both.",
				Optional:            true,
			},
			"admin_approved_users_only": listschema.BoolAttribute{
				MarkdownDescription: "Only apps whose Permitted Users policy is admin approved (`true`) or lets every user " +
					"self-authorize (`false`). Omit for both.",
				Optional: true,
			},
		},
	}
}

func (l *externalClientAppList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter externalClientAppListFilter
	diags := req.Config.Get(ctx, &filter)
	var apps []listedExternalClientApp
	if !diags.HasError() {
		apps = readExternalClientApps(ctx, l.data, &diags)
	}
	*stream = listStream(ctx, req, externalClientAppIdentity, diags, func(e *listEmitter) {
		for _, a := range apps {
			if a.DistributionState == orgapi.DistributionStatePackage || !hasNamePrefix(a.Name, filter.NamePrefix) ||
				!matchesBool(filter.OAuthPluginEnabled, a.OAuthPluginEnabled) ||
				!matchesBool(filter.AdminApprovedUsersOnly, a.PermittedUsers != orgapi.PermittedUsersSelf) {
				continue
			}
			m := externalClientAppModel{Certificate: types.StringNull(), ConsumerSecretRotation: types.StringNull(), Timeouts: e.nullTimeouts()}
			var d diag.Diagnostics
			m.setFrom(ctx, a.ExternalClientApp, a.id, &d)
			e.warnings.Append(d...)
			if !e.emit(a.Label+" ("+a.Name+")", &m) {
				return
			}
		}
	})
}

// listedExternalClientApp is an ECA with its id from the OAuth usage list.
type listedExternalClientApp struct {
	*orgapi.ExternalClientApp
	id string
}

// readExternalClientApps reads every ECA of the org, sorted by API name: the names and ids from
// the OAuth usage list, the definitions and policies in bulk. An app deleted between the two
// reads is left out.
func readExternalClientApps(ctx context.Context, d *providerData, diags *diag.Diagnostics) []listedExternalClientApp {
	if !d.ready(diags) {
		return nil
	}
	usage, err := d.client.ExternalClientAppUsage(ctx)
	if err != nil {
		diags.Append(orgErrorDiag("listing External Client Apps", err))
		return nil
	}
	names := make([]string, len(usage))
	for i, u := range usage {
		names[i] = u.Name
	}
	definitions, err := d.client.ReadExternalClientApps(ctx, names)
	if err != nil {
		diags.Append(orgErrorDiag("reading External Client Apps", err))
		return nil
	}
	var out []listedExternalClientApp
	for _, u := range usage {
		if app := definitions[u.Name]; app != nil {
			out = append(out, listedExternalClientApp{ExternalClientApp: app, id: u.ID})
		}
	}
	slices.SortFunc(out, func(a, b listedExternalClientApp) int { return strings.Compare(a.Name, b.Name) })
	return out
}
