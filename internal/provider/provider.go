// Package provider implements the sfaccess Terraform provider: API Access Control of a Salesforce
// org (the org-wide limits, connected apps, their installation and who may use them) as code.
package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var (
	_ provider.Provider                       = (*sfaccessProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*sfaccessProvider)(nil)
	_ provider.ProviderWithActions            = (*sfaccessProvider)(nil)
	_ provider.ProviderWithListResources      = (*sfaccessProvider)(nil)
)

// Environment variables the provider falls back to, one per attribute (ARCHITECTURE.md, Provider surface).
const (
	envInstanceURL  = "SFACCESS_INSTANCE_URL"
	envAPIVersion   = "SFACCESS_API_VERSION"
	envLoginURL     = "SFACCESS_LOGIN_URL"
	envJWTAudience  = "SFACCESS_JWT_AUDIENCE"
	envAccessToken  = "SFACCESS_ACCESS_TOKEN"
	envClientID     = "SFACCESS_CLIENT_ID"
	envClientSecret = "SFACCESS_CLIENT_SECRET"
	envUsername     = "SFACCESS_USERNAME"
	envPrivateKey   = "SFACCESS_PRIVATE_KEY"
	envMaxRetries   = "SFACCESS_MAX_RETRIES"
	envTimeout      = "SFACCESS_REQUEST_TIMEOUT"
)

const (
	// defaultMaxRetries carries an apply of some 60 resources (about 600 calls) through 30%
	// transient failures: a call then fails for good with probability 0.3^11, about 2e-6. With 8
	// (0.3^9), one of ten 62-resource soak applies failed; with 4, most did.
	defaultMaxRetries     = 10
	maxMaxRetries         = 20
	defaultRequestTimeout = 30 * time.Second
)

type sfaccessProvider struct {
	version string
}

// New returns the provider factory for providerserver; version is "dev" outside release builds and
// "test" in acceptance tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &sfaccessProvider{version: version} }
}

type providerModel struct {
	InstanceURL    types.String `tfsdk:"instance_url"`
	APIVersion     types.String `tfsdk:"api_version"`
	LoginURL       types.String `tfsdk:"login_url"`
	JWTAudience    types.String `tfsdk:"jwt_audience"`
	AccessToken    types.String `tfsdk:"access_token"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	Username       types.String `tfsdk:"username"`
	PrivateKey     types.String `tfsdk:"private_key"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	FirstContact   types.String `tfsdk:"first_contact_timeout"`
	MinAPIRequests types.Int64  `tfsdk:"min_api_requests_remaining"`
	AccessLoss     types.String `tfsdk:"access_loss"`
	ExpectedLoss   types.Set    `tfsdk:"expected_access_loss"`
	AllowLockout   types.Bool   `tfsdk:"allow_self_lockout"`
}

func (p *sfaccessProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "sfaccess"
	resp.Version = p.version
}

func (p *sfaccessProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Salesforce **API Access Control** for Experience Cloud orgs: the org-wide " +
			"limits on which connected apps customers, partners and employees may use, the connected apps " +
			"themselves, their installation on the Connected Apps OAuth Usage page, and who may use them.\n\n" +
			"Authenticate with exactly one method: `access_token`; `client_id` + `client_secret` (OAuth client " +
			"credentials flow); or `client_id` + `username` + `private_key` (OAuth JWT bearer flow). Every " +
			"attribute falls back to its `SFACCESS_*` environment variable.",
		Attributes: map[string]schema.Attribute{
			"instance_url": schema.StringAttribute{
				MarkdownDescription: "The org's My Domain URL, e.g. `https://acme.my.salesforce.com`. Must use " +
					"`https://`; `http://` is accepted only for a loopback host (a local mockorg). " +
					"Falls back to `" + envInstanceURL + "`. Required.",
				Optional: true,
			},
			"api_version": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The Salesforce API version to speak, `%d.0` or later. Falls back "+
					"to `%s`. Defaults to `%s`.", orgapi.MinAPIVersion, envAPIVersion, orgapi.DefaultAPIVersion),
				Optional: true,
			},
			"login_url": schema.StringAttribute{
				MarkdownDescription: "The host that issues OAuth tokens, e.g. `https://login.salesforce.com`. " +
					"Same scheme rules as `instance_url`. Falls back to `" + envLoginURL + "`. " +
					"Defaults to `instance_url`.",
				Optional: true,
			},
			"jwt_audience": schema.StringAttribute{
				MarkdownDescription: "The `aud` claim of the JWT bearer assertion. Salesforce expects `" +
					orgapi.JWTAudienceProduction + "` for a production org and `" + orgapi.JWTAudienceSandbox +
					"` for a sandbox, even when the token request goes to the My Domain URL, and the site URL " +
					"(e.g. `https://acme.my.site.com/partners`) for Experience Cloud users. Must be an absolute " +
					"`https://` URL without a query (`http://` only for a loopback host, a local mockorg). Falls back to `" +
					envJWTAudience + "`. Defaults to `" + orgapi.JWTAudienceSandbox + "` when `login_url`'s host is " +
					"`test.salesforce.com`, else `" + orgapi.JWTAudienceProduction + "`. Used only by the JWT bearer flow.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How often a request that failed with a rate limit (429, "+
					"`REQUEST_LIMIT_EXCEEDED`), a 5xx, a timeout or a network error is retried, honouring `Retry-After` "+
					"and otherwise waiting 0.5 s, 1 s, 2 s, … up to 30 s with jitter. A failed login is not retried again by "+
					"other resources of the same run. "+
					"Between `0` and `%d`. Falls back to `%s`. Defaults to `%d`.", maxMaxRetries, envMaxRetries, defaultMaxRetries),
				Optional: true,
			},
			"min_api_requests_remaining": minAPIRequestsAttribute(),
			"first_contact_timeout":      firstContactTimeoutAttribute(),
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one HTTP request may take, as a Go duration such "+
					"as `30s` or `2m`. Must be positive. Falls back to `%s`. Defaults to `%s`.", envTimeout, defaultRequestTimeout),
				Optional: true,
			},
		},
	}
	maps.Copy(resp.Schema.Attributes, authAttributes())
	maps.Copy(resp.Schema.Attributes, accessLossAttributes())
	maps.Copy(resp.Schema.Attributes, selfLockoutAttributes())
}

// authAttributes are the attributes of the three authentication methods, kept apart from the
// connection attributes so that neither list needs scrolling.
func authAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"access_token": schema.StringAttribute{
			MarkdownDescription: "A pre-issued OAuth access token or session id. Conflicts with the other " +
				"authentication methods. Falls back to `" + envAccessToken + "`.",
			Optional:  true,
			Sensitive: true,
		},
		"client_id": schema.StringAttribute{
			MarkdownDescription: "The consumer key of the connected app Terraform authenticates through; " +
				"used with `client_secret` (client credentials flow) or with `username` and `private_key` " +
				"(JWT bearer flow). Falls back to `" + envClientID + "`.",
			Optional: true,
		},
		"client_secret": schema.StringAttribute{
			MarkdownDescription: "The consumer secret for the client credentials flow. Requires `client_id`. " +
				"Falls back to `" + envClientSecret + "`.",
			Optional:  true,
			Sensitive: true,
		},
		"username": schema.StringAttribute{
			MarkdownDescription: "The user the JWT bearer flow runs as. Requires `client_id` and " +
				"`private_key`. Falls back to `" + envUsername + "`.",
			Optional: true,
		},
		"private_key": schema.StringAttribute{
			MarkdownDescription: "The PEM-encoded RSA private key that signs the JWT bearer assertion; the " +
				"connected app holds its certificate. Requires `client_id` and `username`. Falls back to `" +
				envPrivateKey + "`.",
			Optional:  true,
			Sensitive: true,
		},
	}
}

func (p *sfaccessProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}

	rc, problems := resolveConfig(model, os.Getenv)
	for _, pr := range problems {
		resp.Diagnostics.AddAttributeError(path.Root(pr.attribute), pr.summary, pr.detail)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if len(rc.unknown) > 0 {
		// The configuration depends on values known only after apply. Terraform configures the
		// provider again with known values before it applies anything; until then resources skip
		// their org look-ups and say so.
		tflog.Info(ctx, "provider configuration has unknown values; deferring org checks", map[string]any{"attributes": rc.unknown})
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		data := &providerData{unknownAttributes: rc.unknown}
		resp.ResourceData, resp.DataSourceData = data, data
		resp.EphemeralResourceData, resp.ActionData, resp.ListResourceData = data, data, data
		return
	}

	rc.UserAgent = "terraform-provider-sfaccess/" + p.version
	rc.Logger = newTflogLogger(rc.secrets)
	client, err := orgapi.New(rc.Config)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Provider Configuration",
			"The org API client could not be set up: "+err.Error())
		return
	}
	login := startLogin(ctx, client)
	checkAPIVersionServed(ctx, client, &resp.Diagnostics)
	checkLogin(login, credentialsToFix(rc.Config), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	checkAPIBudget(ctx, client, model.MinAPIRequests, &resp.Diagnostics)
	policy := resolveAccessLossFromEnv(ctx, model.AccessLoss, model.ExpectedLoss, &resp.Diagnostics)
	allowLockout := resolveAllowSelfLockout(model.AllowLockout, os.Getenv, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	data := newProviderData(client)
	data.credentials = credentialsToFix(rc.Config)
	data.impact.policy = policy
	data.self = newSelfGuard(rc.Config, allowLockout)
	resp.ResourceData, resp.DataSourceData = data, data
	resp.EphemeralResourceData, resp.ActionData, resp.ListResourceData = data, data, data
}

// checkAPIVersionServed fails the plan when the org does not serve api_version: every call would
// otherwise fail with NOT_FOUND. When the list cannot be read, a warning says so and the org
// decides at the first call; when the org cannot be reached at all, the configuration fails.
func checkAPIVersionServed(ctx context.Context, client *orgapi.Client, diags *diag.Diagnostics) {
	served, err := client.APIVersions(ctx)
	if orgapi.KindOf(err) == orgapi.KindUnreachable {
		diags.Append(connectFailedDiag(err, ""))
		return
	}
	if err != nil {
		diags.AddWarning("Plan-Time Check Skipped",
			fmt.Sprintf("Could not list the API versions the org serves: %s. The org checks api_version at the first call.",
				sentence(err)))
		return
	}
	if len(served) == 0 || slices.Contains(served, client.APIVersion()) {
		return
	}
	diags.AddAttributeError(path.Root("api_version"), "API Version Not Served",
		fmt.Sprintf("The org does not serve API version %s; it serves %s to %s. Set api_version (or %s) to one of "+
			"those, or leave it unset for %s.", client.APIVersion(), served[0], served[len(served)-1], envAPIVersion, orgapi.DefaultAPIVersion))
}

func (p *sfaccessProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewAPIAccessControlResource,
		NewConnectedAppResource,
		NewConnectedAppAccessResource,
		NewConnectedAppInstallationResource,
		NewPermissionSetResource,
		NewPermissionSetAssignmentResource,
		// External Client Apps
		NewExternalClientAppResource,
		NewExternalClientAppAccessResource,
		NewExternalClientAppSettingsResource,
	}
}

// ListResources serve `terraform query` (Terraform 1.14 and later), one per resource type.
func (p *sfaccessProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewAPIAccessControlList,
		NewConnectedAppList,
		NewConnectedAppAccessList,
		NewExternalClientAppList,
		NewExternalClientAppAccessList,
		NewExternalClientAppSettingsList,
		NewConnectedAppInstallationList,
		NewPermissionSetList,
		NewPermissionSetAssignmentList,
	}
}

func (p *sfaccessProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAPIAccessControlDataSource,
		NewAPIAccessCheckDataSource,
		NewAPIAccessImpactDataSource,
		NewConnectedAppDataSource,
		NewConnectedAppsDataSource,
		NewUsersDataSource,
		// External Client Apps
		NewExternalClientAppDataSource,
		NewExternalClientAppsDataSource,
	}
}

// EphemeralResources are the values a run may use but state never holds.
func (p *sfaccessProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAccessTokenEphemeralResource,
		NewExternalClientAppCredentialsEphemeralResource,
	}
}

func (p *sfaccessProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewRevokeAppSessionsAction,
		NewRefreshAppScopesAction,
	}
}
