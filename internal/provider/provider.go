// Package provider implements the sfaccess Terraform provider: API Access Control of a Salesforce
// org (the org-wide limits, connected apps, their installation and who may use them) as code.
package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var _ provider.Provider = (*sfaccessProvider)(nil)

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
	// defaultMaxRetries carries an apply of some 60 resources through 30% transient failures: a
	// call then fails for good with probability 0.3^9, where 0.3^5 failed most such applies.
	defaultMaxRetries     = 8
	maxMaxRetries         = 10
	defaultRequestTimeout = 30 * time.Second
	// minAPIVersion is the oldest API version Salesforce still serves (Summer '20 retired the rest).
	minAPIVersion = 47
)

var apiVersionPattern = regexp.MustCompile(`^[1-9][0-9]*\.0$`)

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
	MinAPIRequests types.Int64  `tfsdk:"min_api_requests_remaining"`
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
					"to `%s`. Defaults to `%s`.", minAPIVersion, envAPIVersion, orgapi.DefaultAPIVersion),
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
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How often a request that failed with a rate limit (429, "+
					"`REQUEST_LIMIT_EXCEEDED`), a 5xx, a timeout or a network error is retried, honouring `Retry-After` "+
					"and otherwise waiting 0.5 s, 1 s, 2 s, … up to 30 s with jitter. A failed login is not retried again by "+
					"other resources of the same run. "+
					"Between `0` and `%d`. Falls back to `%s`. Defaults to `%d`.", maxMaxRetries, envMaxRetries, defaultMaxRetries),
				Optional: true,
			},
			"min_api_requests_remaining": minAPIRequestsAttribute(),
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one HTTP request may take, as a Go duration such "+
					"as `30s` or `2m`. Must be positive. Falls back to `%s`. Defaults to `%s`.", envTimeout, defaultRequestTimeout),
				Optional: true,
			},
		},
	}
}

// resolvedConfig is the provider configuration after the environment fallbacks.
type resolvedConfig struct {
	orgapi.Config
	// unknown lists attributes whose value is not known yet (planned from another resource).
	unknown []string
	// secrets are the values never to be written to a log.
	secrets []string
}

// providerAttribute describes one string attribute for the uniform resolution below.
type providerAttribute struct {
	name, env string
	value     types.String
	target    *string
	secret    bool
}

// resolveConfig merges the configuration with the environment and reports every problem at once,
// each naming the attribute and its environment variable, so one plan shows all that needs fixing.
// The provider schema has no validators of its own for the same reason: a failed attribute
// validator would stop Terraform before Configure could report the rest.
func resolveConfig(m providerModel, getenv func(string) string) (resolvedConfig, []configProblem) {
	var rc resolvedConfig
	var problems []configProblem
	fromEnv := map[string]bool{}

	attrs := []providerAttribute{
		{"instance_url", envInstanceURL, m.InstanceURL, &rc.InstanceURL, false},
		{"api_version", envAPIVersion, m.APIVersion, &rc.APIVersion, false},
		{"login_url", envLoginURL, m.LoginURL, &rc.LoginURL, false},
		{"jwt_audience", envJWTAudience, m.JWTAudience, &rc.JWTAudience, false},
		{"access_token", envAccessToken, m.AccessToken, &rc.AccessToken, true},
		{"client_id", envClientID, m.ClientID, &rc.ClientID, false},
		{"client_secret", envClientSecret, m.ClientSecret, &rc.ClientSecret, true},
		{"username", envUsername, m.Username, &rc.Username, false},
		{"private_key", envPrivateKey, m.PrivateKey, &rc.PrivateKeyPEM, true},
	}
	for _, a := range attrs {
		switch {
		case a.value.IsUnknown():
			rc.unknown = append(rc.unknown, a.name)
		case !a.value.IsNull():
			*a.target = a.value.ValueString()
		default:
			*a.target = getenv(a.env)
			fromEnv[a.name] = *a.target != ""
		}
		*a.target = strings.TrimSpace(*a.target)
		if a.secret && *a.target != "" {
			rc.secrets = append(rc.secrets, *a.target)
		}
	}
	// invalid reports a bad value, saying whether it came from the block or the environment.
	invalid := func(attr, env, summary, msg string) {
		source := attr + " in the provider block"
		if fromEnv[attr] {
			source = "the " + env + " environment variable (" + attr + ")"
		}
		problems = append(problems, configProblem{attr, env, summary, "The value of " + source + " is invalid: " + msg})
	}
	unknown := func(name string) bool {
		for _, u := range rc.unknown {
			if u == name {
				return true
			}
		}
		return false
	}

	if !unknown("instance_url") {
		if rc.InstanceURL == "" {
			problems = append(problems, configProblem{"instance_url", envInstanceURL,
				"Missing Instance URL",
				"The provider needs the org's URL. Set instance_url in the provider block or the " +
					envInstanceURL + " environment variable, e.g. https://acme.my.salesforce.com."})
		} else if msg := checkOrgURL(rc.InstanceURL); msg != "" {
			invalid("instance_url", envInstanceURL, "Invalid Instance URL", msg)
		}
	}
	if !unknown("login_url") && rc.LoginURL != "" {
		if msg := checkOrgURL(rc.LoginURL); msg != "" {
			invalid("login_url", envLoginURL, "Invalid Login URL", msg)
		}
	}
	if !unknown("jwt_audience") && rc.JWTAudience != "" {
		if _, err := orgapi.CheckJWTAudience(rc.JWTAudience); err != nil {
			invalid("jwt_audience", envJWTAudience, "Invalid JWT Audience", err.Error()+".")
		}
	}
	if !unknown("api_version") {
		if rc.APIVersion == "" {
			rc.APIVersion = orgapi.DefaultAPIVersion
		} else if msg := checkAPIVersion(rc.APIVersion); msg != "" {
			invalid("api_version", envAPIVersion, "Invalid API Version", msg)
		}
	}

	rc.MaxRetries = defaultMaxRetries
	setRetries := func(n int64) {
		if n < 0 || n > maxMaxRetries {
			invalid("max_retries", envMaxRetries, "Invalid Max Retries",
				fmt.Sprintf("%d is out of range; it must be between 0 and %d.", n, maxMaxRetries))
			return
		}
		rc.MaxRetries = int(n)
	}
	switch env := strings.TrimSpace(getenv(envMaxRetries)); {
	case m.MaxRetries.IsUnknown():
		rc.unknown = append(rc.unknown, "max_retries")
	case !m.MaxRetries.IsNull():
		setRetries(m.MaxRetries.ValueInt64())
	case env != "":
		fromEnv["max_retries"] = true
		if n, err := strconv.ParseInt(env, 10, 64); err != nil {
			invalid("max_retries", envMaxRetries, "Invalid Max Retries",
				fmt.Sprintf("%q is not a whole number; it must be between 0 and %d.", env, maxMaxRetries))
		} else {
			setRetries(n)
		}
	}
	rc.RequestTimeout = defaultRequestTimeout
	timeout, timeoutSet := "", false
	switch env := strings.TrimSpace(getenv(envTimeout)); {
	case m.RequestTimeout.IsUnknown():
		rc.unknown = append(rc.unknown, "request_timeout")
	case !m.RequestTimeout.IsNull():
		timeout, timeoutSet = m.RequestTimeout.ValueString(), true
	case env != "":
		fromEnv["request_timeout"] = true
		timeout, timeoutSet = env, true
	}
	if timeoutSet {
		if msg := checkDuration(timeout); msg != "" {
			invalid("request_timeout", envTimeout, "Invalid Request Timeout", msg)
		} else {
			rc.RequestTimeout, _ = time.ParseDuration(timeout)
		}
	}

	// Authentication is checked only when every auth attribute is known: with one unknown the
	// method in use cannot be told yet.
	authKnown := true
	for _, n := range []string{"access_token", "client_id", "client_secret", "username", "private_key"} {
		if unknown(n) {
			authKnown = false
		}
	}
	if authKnown {
		problems = append(problems, checkAuth(rc.Config)...)
	}
	return rc, problems
}

// configProblem is one provider configuration error.
type configProblem struct {
	attribute, env, summary, detail string
}

// checkAuth enforces exactly one authentication method and names each attribute that is missing
// or conflicting.
func checkAuth(c orgapi.Config) []configProblem {
	const methods = "Use exactly one of: access_token (" + envAccessToken + "); client_id + client_secret (" +
		envClientID + ", " + envClientSecret + "); or client_id + username + private_key (" + envClientID + ", " +
		envUsername + ", " + envPrivateKey + ")."
	token := c.AccessToken != ""
	credentials := c.ClientSecret != ""
	jwt := c.Username != "" || c.PrivateKeyPEM != ""

	var problems []configProblem
	conflict := func(attr, env, other string) {
		problems = append(problems, configProblem{attr, env, "Conflicting Authentication Methods",
			fmt.Sprintf("%s (%s) cannot be combined with %s. %s", attr, env, other, methods)})
	}
	missing := func(attr, env, because string) {
		problems = append(problems, configProblem{attr, env, "Missing Authentication Attribute",
			fmt.Sprintf("%s is required %s: set it in the provider block or the %s environment variable. %s",
				attr, because, env, methods)})
	}

	switch {
	case !token && !credentials && !jwt && c.ClientID == "":
		problems = append(problems, configProblem{"access_token", envAccessToken, "Missing Authentication",
			"No authentication method is configured. " + methods})
	case token:
		if c.ClientID != "" {
			conflict("client_id", envClientID, "access_token")
		}
		if credentials {
			conflict("client_secret", envClientSecret, "access_token")
		}
		if c.Username != "" {
			conflict("username", envUsername, "access_token")
		}
		if c.PrivateKeyPEM != "" {
			conflict("private_key", envPrivateKey, "access_token")
		}
	case credentials && jwt:
		if c.Username != "" {
			conflict("username", envUsername, "client_secret (the client credentials flow)")
		}
		if c.PrivateKeyPEM != "" {
			conflict("private_key", envPrivateKey, "client_secret (the client credentials flow)")
		}
		if c.ClientID == "" {
			missing("client_id", envClientID, "with client_secret")
		}
	case credentials:
		if c.ClientID == "" {
			missing("client_id", envClientID, "with client_secret")
		}
	case jwt:
		if c.ClientID == "" {
			missing("client_id", envClientID, "for the JWT bearer flow")
		}
		if c.Username == "" {
			missing("username", envUsername, "for the JWT bearer flow")
		}
		if c.PrivateKeyPEM == "" {
			missing("private_key", envPrivateKey, "for the JWT bearer flow")
		}
	default: // client_id alone
		missing("client_secret", envClientSecret, "with client_id unless username and private_key are set")
	}
	return problems
}

// checkOrgURL returns why u cannot be an org or login URL, or "" when it can.
func checkOrgURL(u string) string {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host == "" || (parsed.Scheme != "https" && parsed.Scheme != "http") {
		return fmt.Sprintf("%q is not an absolute http(s) URL; expected e.g. https://acme.my.salesforce.com.", u)
	}
	if parsed.Scheme == "http" && !isLoopback(parsed.Hostname()) {
		return fmt.Sprintf("%q uses plain http, which would send tokens in clear text. Use https; http is "+
			"accepted only for a loopback host such as 127.0.0.1 or localhost (a local mockorg).", u)
	}
	if parsed.Path != "" && parsed.Path != "/" {
		return fmt.Sprintf("%q has a path; give only the scheme and host, e.g. https://acme.my.salesforce.com.", u)
	}
	return ""
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkAPIVersion returns why v is not a usable API version, or "" when it is.
func checkAPIVersion(v string) string {
	if !apiVersionPattern.MatchString(v) {
		return fmt.Sprintf("%q is not an API version; expected a major version with \".0\" such as %q.", v, orgapi.DefaultAPIVersion)
	}
	major, _ := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if major < minAPIVersion {
		return fmt.Sprintf("API version %s is retired; use %d.0 or later (default %s).", v, minAPIVersion, orgapi.DefaultAPIVersion)
	}
	return ""
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
	checkAPIVersionServed(ctx, client, &resp.Diagnostics)
	checkAPIBudget(ctx, client, model.MinAPIRequests, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	data := newProviderData(client)
	resp.ResourceData, resp.DataSourceData = data, data
}

// checkAPIVersionServed fails the plan when the org does not serve api_version: every call would
// otherwise fail with NOT_FOUND. When the list cannot be read, a warning says so and the org
// decides at the first call.
func checkAPIVersionServed(ctx context.Context, client *orgapi.Client, diags *diag.Diagnostics) {
	served, err := client.APIVersions(ctx)
	if err != nil {
		diags.AddWarning("Plan-Time Check Skipped",
			fmt.Sprintf("Could not list the API versions the org serves: %s. The org checks api_version at the first call.", err))
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
	}
}

func (p *sfaccessProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAPIAccessControlDataSource,
		NewAPIAccessCheckDataSource,
		NewConnectedAppDataSource,
		NewConnectedAppsDataSource,
		NewUsersDataSource,
	}
}
