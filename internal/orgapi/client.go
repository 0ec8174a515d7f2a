// Package orgapi is a typed client for the Salesforce org APIs the sfaccess provider manages:
// OAuth token sources, a retrying transport, REST (SOQL and sObjects), Metadata API SOAP CRUD for
// connected apps and their settings, and the sfaccess setup extension. It knows nothing of Terraform.
package orgapi

import (
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// DefaultAPIVersion is the API version used when Config.APIVersion is empty.
const DefaultAPIVersion = "66.0"

// MinAPIVersion is the oldest API version the client speaks: the first with the
// ConnectedAppSettings metadata type, and the oldest Salesforce still serves (Summer '20 retired
// the rest).
const MinAPIVersion = 47

// DefaultUserAgent is sent when Config.UserAgent is empty.
const DefaultUserAgent = "terraform-provider-sfaccess/dev"

// Config configures a Client. Exactly one authentication method must be set: AccessToken; or
// ClientID with ClientSecret (OAuth client credentials); or ClientID with Username and
// PrivateKeyPEM (OAuth JWT bearer).
type Config struct {
	InstanceURL string // https://… (http:// only for loopback hosts)
	LoginURL    string // host of the token endpoint; "" means InstanceURL
	APIVersion  string // "66.0"; "" means DefaultAPIVersion
	// JWTAudience is the aud claim of JWT bearer assertions; "" means DefaultJWTAudience(LoginURL).
	JWTAudience string

	AccessToken string

	ClientID     string
	ClientSecret string

	Username      string
	PrivateKeyPEM string

	MaxRetries     int           // retries after the first attempt; 0 means none
	RequestTimeout time.Duration // per HTTP attempt; 0 means only the caller's context bounds it
	UserAgent      string        // "terraform-provider-sfaccess/<version>"
	Logger         Logger        // nil: no logging
	HTTPClient     *http.Client  // nil: a pooled client from go-cleanhttp
	// CoalesceWindow is how long concurrent calls of one kind wait to go to the org together;
	// 0 means DefaultCoalesceWindow and a negative value turns coalescing off (coalesce.go).
	CoalesceWindow time.Duration

	// FirstContactTimeout bounds, over all attempts and requests, the time spent reaching
	// InstanceURL or LoginURL before it has ever answered; 0 means DefaultFirstContactTimeout.
	FirstContactTimeout time.Duration
}

// Client talks to one org. It is safe for concurrent use.
type Client struct {
	instanceURL string
	loginURL    string
	jwtAudience string
	apiVersion  string
	apiMajor    int
	userAgent   string
	logger      Logger
	redact      *redactor
	httpClient  *http.Client
	maxRetries  int
	contacts    map[string]*firstContact // by base URL: the instance's and the login host's (first_contact.go)
	tokens      *tokenCache
	batch       *batchers
	writes      [numScopes]atomic.Uint64 // writes sent by scope, counted twice each (coalesce.go)
	appWrites   appWriteLog
	appsRead    idSet    // connected apps read, for readGrantsAhead
	ecaLocks    ecaLocks // one ECA's policies changed by one writer at a time (metadata_eca.go)

	// Retry timing; tests shorten them.
	retryWaitMin, retryWaitMax time.Duration

	apiUsage atomic.Pointer[apiUsage]

	identityMu ctxLock
	identity   *Identity

	extMu    ctxLock      // held across discovery
	extKnown atomic.Int32 // extUnknown, extServed or extNotServed

	columnsMu ctxLock                  // held across the probe of permissionColumns
	columns   atomic.Pointer[[]string] // permission names the org's PermissionSet exposes, once known
}

// Identity is who the client is authenticated as.
type Identity struct {
	OrgID    string // 18 characters
	UserID   string // 18 characters
	Username string
}

// apiVersionPattern is the form of an API version in a URL path: a major version without a
// leading zero (the org's REST paths refuse one) and ".0".
var apiVersionPattern = regexp.MustCompile(`^([1-9][0-9]{1,2})\.0$`)

// ParseAPIVersion returns the major version of v ("66.0" gives 66); ok is false when v does not
// have the form of an API version. Whether it is recent enough is for MinAPIVersion to say.
func ParseAPIVersion(v string) (major int, ok bool) {
	m := apiVersionPattern.FindStringSubmatch(v)
	if m == nil {
		return 0, false
	}
	major, _ = strconv.Atoi(m[1])
	return major, true
}

// New validates cfg and returns a Client. It does no I/O: credentials are first used by the first
// call. Every problem in cfg is reported, joined into one error.
func New(cfg Config) (*Client, error) {
	var problems []error
	addf := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }

	instanceURL, loginURL, audience, urlProblems := checkURLs(cfg)
	problems = append(problems, urlProblems...)
	version, major, err := checkAPIVersion(cfg.APIVersion)
	if err != nil {
		problems = append(problems, err)
	}

	var key *rsa.PrivateKey
	source, authProblems := chooseAuth(cfg)
	problems = append(problems, authProblems...)
	if source == authJWT && strings.TrimSpace(cfg.PrivateKeyPEM) != "" {
		if key, err = parsePrivateKey(cfg.PrivateKeyPEM); err != nil {
			problems = append(problems, err)
		}
	}

	if cfg.MaxRetries < 0 {
		addf("max_retries must be 0 or more, got %d", cfg.MaxRetries)
	}
	if cfg.RequestTimeout < 0 {
		addf("request_timeout must be 0 or more, got %s", cfg.RequestTimeout)
	}
	if cfg.FirstContactTimeout < 0 {
		addf("first_contact_timeout must be 0 or more, got %s", cfg.FirstContactTimeout)
	}

	httpClient, err := secureHTTPClient(cfg.HTTPClient, cfg.RequestTimeout)
	if err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}

	c := &Client{
		instanceURL:  instanceURL,
		loginURL:     loginURL,
		jwtAudience:  audience,
		apiVersion:   version,
		apiMajor:     major,
		userAgent:    strings.TrimSpace(cfg.UserAgent),
		logger:       cfg.Logger,
		redact:       &redactor{},
		retryWaitMin: 500 * time.Millisecond,
		retryWaitMax: 30 * time.Second,
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	c.redact.add(cfg.AccessToken, cfg.ClientSecret, cfg.PrivateKeyPEM)

	c.httpClient, c.maxRetries = httpClient, cfg.MaxRetries
	c.contacts = newContacts(instanceURL, loginURL, strings.TrimSpace(cfg.LoginURL) != "", cfg.FirstContactTimeout)

	var src tokenSource
	switch source {
	case authAccessToken:
		src = staticToken(cfg.AccessToken)
	case authClientCredentials:
		src = &clientCredentials{c: c, loginURL: loginURL, clientID: cfg.ClientID, clientSecret: cfg.ClientSecret}
	case authJWT:
		src = &jwtBearer{c: c, loginURL: loginURL, audience: audience, clientID: cfg.ClientID, username: cfg.Username, key: key, now: time.Now}
	}
	c.tokens = &tokenCache{source: src, mu: newCtxLock()}
	c.identityMu, c.extMu, c.columnsMu = newCtxLock(), newCtxLock(), newCtxLock()
	c.batch = newBatchers(c, coalesceWindow(cfg.CoalesceWindow))
	return c, nil
}

// checkURLs checks the instance and login URLs and the JWT audience, filling in the defaults.
func checkURLs(cfg Config) (instanceURL, loginURL, audience string, problems []error) {
	instanceURL, err := checkBaseURL("instance_url", cfg.InstanceURL)
	if err != nil {
		problems = append(problems, err)
	}
	loginURL = instanceURL
	if strings.TrimSpace(cfg.LoginURL) != "" {
		if loginURL, err = checkBaseURL("login_url", cfg.LoginURL); err != nil {
			problems = append(problems, err)
		}
	}
	audience = strings.TrimSpace(cfg.JWTAudience)
	if audience == "" {
		audience = DefaultJWTAudience(loginURL)
	} else if audience, err = CheckJWTAudience(audience); err != nil {
		problems = append(problems, err)
	}
	return instanceURL, loginURL, audience, problems
}

// checkAPIVersion returns the version to speak ("" means DefaultAPIVersion) and its major number.
func checkAPIVersion(configured string) (version string, major int, err error) {
	version = strings.TrimSpace(configured)
	if version == "" {
		version = DefaultAPIVersion
	}
	major, ok := ParseAPIVersion(version)
	if !ok {
		return version, 0, fmt.Errorf("api_version %q is not a Salesforce API version; use the form \"%s\"", version, DefaultAPIVersion)
	}
	if major < MinAPIVersion {
		return version, major, fmt.Errorf("api_version %q is too old: ConnectedAppSettings needs %d.0 or later", version, MinAPIVersion)
	}
	return version, major, nil
}

type authMethod int

const (
	authNone authMethod = iota
	authAccessToken
	authClientCredentials
	authJWT
)

// chooseAuth picks the one configured authentication method and explains every conflict.
func chooseAuth(cfg Config) (authMethod, []error) {
	has := func(s string) bool { return strings.TrimSpace(s) != "" }
	var methods []authMethod
	if has(cfg.AccessToken) {
		methods = append(methods, authAccessToken)
	}
	if has(cfg.ClientSecret) {
		methods = append(methods, authClientCredentials)
	}
	if has(cfg.Username) || has(cfg.PrivateKeyPEM) {
		methods = append(methods, authJWT)
	}
	var problems []error
	switch {
	case len(methods) == 0:
		if has(cfg.ClientID) {
			return authNone, []error{errors.New("client_id is set but neither client_secret (client credentials) nor username and private_key (JWT bearer) is")}
		}
		return authNone, []error{errors.New("no authentication method is configured: set access_token, or client_id and client_secret, or client_id, username and private_key")}
	case len(methods) > 1:
		return authNone, []error{errors.New("more than one authentication method is configured: set only one of access_token, client_id with client_secret, or client_id with username and private_key")}
	}
	m := methods[0]
	switch m {
	case authAccessToken:
		if has(cfg.ClientID) {
			problems = append(problems, errors.New("client_id must not be set together with access_token"))
		}
	case authClientCredentials:
		if !has(cfg.ClientID) {
			problems = append(problems, errors.New("client_secret is set but client_id is not: client credentials need both"))
		}
	case authJWT:
		if !has(cfg.ClientID) {
			problems = append(problems, errors.New("JWT bearer authentication needs client_id (the connected app's consumer key)"))
		}
		if !has(cfg.Username) {
			problems = append(problems, errors.New("private_key is set but username is not: JWT bearer authentication needs both"))
		}
		if !has(cfg.PrivateKeyPEM) {
			problems = append(problems, errors.New("username is set but private_key is not: JWT bearer authentication needs both"))
		}
	}
	return m, problems
}

// The audiences Salesforce documents for the JWT bearer flow of a connected app ("OAuth 2.0 JWT
// Bearer Flow for Server-to-Server Integration"): login.salesforce.com for production orgs,
// test.salesforce.com for sandboxes, and an Experience Cloud site's URL for its users. The My
// Domain URL the token request goes to is not among them.
const (
	JWTAudienceProduction = "https://login.salesforce.com"
	JWTAudienceSandbox    = "https://test.salesforce.com"
)

// DefaultJWTAudience is the aud claim Salesforce expects when none is configured: the sandbox
// audience when tokens come from test.salesforce.com, else the production one.
func DefaultJWTAudience(loginURL string) string {
	if u, err := url.Parse(loginURL); err == nil && strings.EqualFold(u.Hostname(), "test.salesforce.com") {
		return JWTAudienceSandbox
	}
	return JWTAudienceProduction
}

// CheckJWTAudience accepts an absolute https URL (http only for loopback hosts, a local mockorg),
// with a path for an Experience Cloud site, and returns it without a trailing slash, the form
// Salesforce compares with. Its errors say what is allowed.
func CheckJWTAudience(raw string) (string, error) {
	const allowed = "use " + JWTAudienceProduction + ", " + JWTAudienceSandbox + " for a sandbox, or the https:// URL of an Experience Cloud site"
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("jwt_audience %q is not an absolute URL; %s", raw, allowed)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return "", fmt.Errorf("jwt_audience %q uses plain http; %s (http only for a loopback host)", raw, allowed)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("jwt_audience %q must not carry credentials, a query or a fragment; %s", raw, allowed)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

// checkBaseURL accepts https URLs, and http only for loopback hosts, so that tokens never cross a
// network in clear text.
func checkBaseURL(attr, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fmt.Errorf("%s is required", attr)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%s %q is not an absolute URL such as https://acme.my.salesforce.com", attr, raw)
	}
	if problem := CheckHostPort(u); problem != "" {
		return "", fmt.Errorf("%s %q %s; give a host and, when it is not the default, a port, such as https://acme.my.salesforce.com or http://127.0.0.1:8484", attr, raw, problem)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return "", fmt.Errorf("%s %q uses plain http; only https is allowed, except for loopback hosts (127.0.0.1, ::1, localhost)", attr, raw)
		}
	default:
		return "", fmt.Errorf("%s %q must use https", attr, raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%s %q must not carry credentials, a query or a fragment", attr, raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

// IsLoopback reports whether host (a name or an IP address, without a port) is this machine: the
// one place plain http may carry tokens and OAuth redirects, because they never cross a network.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// secureHTTPClient copies the caller's client (or makes a pooled one), sets the per-attempt
// timeout, and refuses redirects that would downgrade to plain http or a client that skips TLS
// verification.
func secureHTTPClient(base *http.Client, timeout time.Duration) (*http.Client, error) {
	var c http.Client
	if base != nil {
		c = *base
		if t, ok := base.Transport.(*http.Transport); ok && t.TLSClientConfig != nil && t.TLSClientConfig.InsecureSkipVerify {
			return nil, errors.New("the HTTP client skips TLS certificate verification; orgapi requires it")
		}
	} else {
		c = *cleanhttp.DefaultPooledClient()
		if t, ok := c.Transport.(*http.Transport); ok {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			sizePool(t)
		}
	}
	if timeout > 0 {
		c.Timeout = timeout
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("stopped after 5 redirects")
		}
		if req.URL.Scheme != "https" && !IsLoopback(req.URL.Hostname()) {
			return fmt.Errorf("refusing redirect to plain http URL %s", req.URL.Redacted())
		}
		return nil
	}
	return &c, nil
}

// APIUsage returns the latest api-usage figures the org reported in Sforce-Limit-Info.
func (c *Client) APIUsage() (used, limit int, ok bool) {
	u := c.apiUsage.Load()
	if u == nil {
		return 0, 0, false
	}
	return u.used, u.max, true
}

func (c *Client) dataPath(rest string) string {
	return "/services/data/v" + c.apiVersion + rest
}
