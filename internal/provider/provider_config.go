package provider

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// resolvedConfig is the provider configuration after the environment fallbacks.
type resolvedConfig struct {
	orgapi.Config
	// unknown lists attributes whose value is not known yet (planned from another resource).
	unknown []string
	// secrets are the values never to be written to a log.
	secrets []string
}

// resolveConfig merges the configuration with the environment and reports every problem at once,
// each naming the attribute and its environment variable, so one plan shows all that needs fixing.
// The provider schema has no validators of its own for the same reason: a failed attribute
// validator would stop Terraform before Configure could report the rest.
func resolveConfig(m providerModel, getenv func(string) string) (resolvedConfig, []configProblem) {
	r := &configResolver{getenv: getenv, fromEnv: map[string]bool{}}
	r.stringAttributes(m)
	r.urls()
	r.apiVersion()
	r.retries(m.MaxRetries)
	r.duration("request_timeout", envTimeout, "Invalid Request Timeout", m.RequestTimeout, &r.rc.RequestTimeout, defaultRequestTimeout)
	r.duration("first_contact_timeout", envFirstContactTimeout, "Invalid First Contact Timeout", m.FirstContact,
		&r.rc.FirstContactTimeout, orgapi.DefaultFirstContactTimeout)
	// Authentication is checked only when every auth attribute is known: with one unknown the
	// method in use cannot be told yet.
	if !slices.ContainsFunc([]string{"access_token", "client_id", "client_secret", "username", "private_key"}, r.unknown) {
		r.problems = append(r.problems, checkAuth(r.rc.Config)...)
	}
	return r.rc, r.problems
}

// configResolver carries what the steps of resolveConfig share: the configuration so far, the
// problems found, and which attributes came from the environment, because a problem names where
// the bad value came from.
type configResolver struct {
	getenv   func(string) string
	rc       resolvedConfig
	problems []configProblem
	fromEnv  map[string]bool
}

// providerAttribute describes one string attribute for the uniform resolution in stringAttributes.
type providerAttribute struct {
	name, env string
	value     types.String
	target    *string
	secret    bool
}

// stringAttributes resolves the string attributes: the block's value, else the environment's, trimmed.
func (r *configResolver) stringAttributes(m providerModel) {
	rc := &r.rc
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
			*a.target = r.getenv(a.env)
			r.fromEnv[a.name] = *a.target != ""
		}
		*a.target = strings.TrimSpace(*a.target)
		if a.secret && *a.target != "" {
			rc.secrets = append(rc.secrets, *a.target)
		}
	}
}

// invalid reports a bad value, saying whether it came from the block or the environment.
func (r *configResolver) invalid(attr, env, summary, msg string) {
	source := attr + " in the provider block"
	if r.fromEnv[attr] {
		source = "the " + env + " environment variable (" + attr + ")"
	}
	r.problems = append(r.problems, configProblem{attr, env, summary, "The value of " + source + " is invalid: " + msg})
}

func (r *configResolver) unknown(name string) bool { return slices.Contains(r.rc.unknown, name) }

// urls checks the instance URL (required), the login URL and the JWT audience.
func (r *configResolver) urls() {
	rc := &r.rc
	if !r.unknown("instance_url") {
		if rc.InstanceURL == "" {
			r.problems = append(r.problems, configProblem{"instance_url", envInstanceURL,
				"Missing Instance URL",
				"The provider needs the org's URL. Set instance_url in the provider block or the " +
					envInstanceURL + " environment variable, e.g. https://acme.my.salesforce.com."})
		} else if msg := checkOrgURL(rc.InstanceURL); msg != "" {
			r.invalid("instance_url", envInstanceURL, "Invalid Instance URL", msg)
		}
	}
	if !r.unknown("login_url") && rc.LoginURL != "" {
		if msg := checkOrgURL(rc.LoginURL); msg != "" {
			r.invalid("login_url", envLoginURL, "Invalid Login URL", msg)
		}
	}
	if !r.unknown("jwt_audience") && rc.JWTAudience != "" {
		if _, err := orgapi.CheckJWTAudience(rc.JWTAudience); err != nil {
			r.invalid("jwt_audience", envJWTAudience, "Invalid JWT Audience", err.Error()+".")
		}
	}
}

// apiVersion defaults the API version and checks a configured one.
func (r *configResolver) apiVersion() {
	if r.unknown("api_version") {
		return
	}
	if r.rc.APIVersion == "" {
		r.rc.APIVersion = orgapi.DefaultAPIVersion
	} else if msg := checkAPIVersion(r.rc.APIVersion); msg != "" {
		r.invalid("api_version", envAPIVersion, "Invalid API Version", msg)
	}
}

// retries resolves max_retries, a number in the block but a string in the environment.
func (r *configResolver) retries(configured types.Int64) {
	r.rc.MaxRetries = defaultMaxRetries
	set := func(n int64) {
		if n < 0 || n > maxMaxRetries {
			r.invalid("max_retries", envMaxRetries, "Invalid Max Retries",
				fmt.Sprintf("%d is out of range; it must be between 0 and %d.", n, maxMaxRetries))
			return
		}
		r.rc.MaxRetries = int(n)
	}
	switch env := strings.TrimSpace(r.getenv(envMaxRetries)); {
	case configured.IsUnknown():
		r.rc.unknown = append(r.rc.unknown, "max_retries")
	case !configured.IsNull():
		set(configured.ValueInt64())
	case env != "":
		r.fromEnv["max_retries"] = true
		if n, err := strconv.ParseInt(env, 10, 64); err != nil {
			r.invalid("max_retries", envMaxRetries, "Invalid Max Retries",
				fmt.Sprintf("%q is not a whole number; it must be between 0 and %d.", env, maxMaxRetries))
		} else {
			set(n)
		}
	}
}

// duration resolves an argument that is a Go duration (request_timeout, first_contact_timeout)
// into target, which holds def when neither the block nor the environment sets it.
func (r *configResolver) duration(attr, env, summary string, configured types.String, target *time.Duration, def time.Duration) {
	*target = def
	value, set := "", false
	switch fromEnv := strings.TrimSpace(r.getenv(env)); {
	case configured.IsUnknown():
		r.rc.unknown = append(r.rc.unknown, attr)
	case !configured.IsNull():
		value, set = configured.ValueString(), true
	case fromEnv != "":
		r.fromEnv[attr] = true
		value, set = fromEnv, true
	}
	if !set {
		return
	}
	if msg := checkDuration(value); msg != "" {
		r.invalid(attr, env, summary, msg)
	} else {
		*target, _ = time.ParseDuration(value)
	}
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
	if problem := orgapi.CheckHostPort(parsed); problem != "" {
		return fmt.Sprintf("%q %s. Give the scheme, the host and, when it is not the default, the port, e.g. "+
			"https://acme.my.salesforce.com or http://127.0.0.1:8484.", u, problem)
	}
	if parsed.Scheme == "http" && !orgapi.IsLoopback(parsed.Hostname()) {
		return fmt.Sprintf("%q uses plain http, which would send tokens in clear text. Use https; http is "+
			"accepted only for a loopback host such as 127.0.0.1 or localhost (a local mockorg).", u)
	}
	if parsed.Path != "" && parsed.Path != "/" {
		return fmt.Sprintf("%q has a path; give only the scheme and host, e.g. https://acme.my.salesforce.com.", u)
	}
	return ""
}

// checkAPIVersion returns why v is not a usable API version, or "" when it is.
func checkAPIVersion(v string) string {
	major, ok := orgapi.ParseAPIVersion(v)
	if !ok {
		return fmt.Sprintf("%q is not an API version; expected a major version with \".0\" such as %q.", v, orgapi.DefaultAPIVersion)
	}
	if major < orgapi.MinAPIVersion {
		return fmt.Sprintf("API version %s is retired; use %d.0 or later (default %s).", v, orgapi.MinAPIVersion, orgapi.DefaultAPIVersion)
	}
	return ""
}

// checkDuration returns why s is not a positive Go duration, or "". A zero or negative timeout
// would fail every request at once.
func checkDuration(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Sprintf("%q is not a positive duration; use a number with a unit, e.g. 30s, 2m or 1m30s.", s)
	}
	return ""
}
