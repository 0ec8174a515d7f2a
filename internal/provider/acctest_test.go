package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// testAccProtoV6ProviderFactories runs the provider in-process for terraform-plugin-testing.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"sfaccess": providerserver.NewProtocol6WithError(New("test")()),
}

// writeOnlyArgumentsSupported skips a test whose configuration sets a write-only argument
// (consumer_secret_wo) on Terraform older than 1.11, which cannot send one.
var writeOnlyArgumentsSupported = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

// testAccPreCheck fails fast when the environment cannot run acceptance tests. Every test brings
// its own mock org, so only Terraform itself must be on PATH (never downloaded at test time).
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if _, err := exec.LookPath("terraform"); err != nil {
			t.Fatalf("acceptance tests need terraform on PATH: %v", err)
		}
	}
	for _, env := range []string{envInstanceURL, envAccessToken, envClientID, envClientSecret, envUsername, envPrivateKey, envLoginURL, envAPIVersion, envJWTAudience} {
		if os.Getenv(env) != "" {
			t.Fatalf("%s is set in the environment; acceptance tests configure the provider themselves and it would conflict", env)
		}
	}
}

// The connected apps of the embedded org, by API name.
const (
	appTerraformAdmin = "Terraform_Admin"
	appPartnerPortal  = "Partner_Portal_Mobile"
	appWorkbench      = "Workbench"
	appDataLoader     = "DataLoader"
)

// The seeded users, by role.
const (
	userAdmin        = "admin@acme.test"
	userAppManager   = "appmanager@acme.test"
	userReadOnly     = "readonly@acme.test"
	userEmployee     = "employee@acme.test"
	userPartner      = "partner@acme.test"
	userCustomer     = "customer@acme.test"
	userCustomerPlus = "customerplus@acme.test"
	userHighVolume   = "highvolume@acme.test"
	userInactive     = "inactive@acme.test"
)

var seededUsers = []string{userAdmin, userAppManager, userReadOnly, userEmployee, userPartner,
	userCustomer, userCustomerPlus, userHighVolume, userInactive}

var seededApps = []string{appTerraformAdmin, appPartnerPortal, appWorkbench, appDataLoader}

// testOrg is the shared mockorg harness (internal/mockorgtest) with what only Terraform tests
// need: provider blocks, a JWT client app, check functions.
type testOrg struct {
	*mockorgtest.Org

	jwtOnce   sync.Once
	jwtKeyPEM string
}

// newTestOrg starts a fresh mock org on the embedded default seed, except that it may still create
// connected apps as orgs could before Spring '26: most tests create apps, directly or for
// providerConfigAs. It stops when the test ends.
func newTestOrg(t *testing.T) *testOrg {
	return newTestOrgWith(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
}

// newEmbeddedTestOrg starts the embedded default org exactly as shipped: a 2026 org that refuses
// to create connected apps.
func newEmbeddedTestOrg(t *testing.T) *testOrg {
	return newTestOrgWith(t, mockorg.Config{})
}

// newTestOrgWith starts a mock org with a custom configuration, e.g. without the setup extension.
func newTestOrgWith(t *testing.T, cfg mockorg.Config) *testOrg {
	t.Helper()
	return &testOrg{Org: mockorgtest.Start(t, cfg)}
}

// providerConfig is a provider block that authenticates as the org's admin through the
// Terraform_Admin app's client credentials, as the examples do.
func (o *testOrg) providerConfig() string {
	return fmt.Sprintf(`
provider "sfaccess" {
  instance_url  = %q
  client_id     = %q
  client_secret = %q
}
`, o.URL, mockorgtest.AdminClientID, mockorgtest.AdminClientSecret)
}

// providerConfigAs is a provider block that acts as username through the OAuth JWT bearer flow
// of a connected app the test creates for the purpose. A password-grant token passed as
// access_token would authenticate too, but mockorg serves no /services/oauth2/userinfo, so the
// provider could not learn who it runs as and the plan-time permission checks would be skipped;
// the JWT flow's token answer carries the user's identity URL, as in Salesforce. extra lines go
// into the provider block.
func (o *testOrg) providerConfigAs(t *testing.T, username string, extra ...string) string {
	t.Helper()
	key := o.jwtClient(t)
	o.approveJWTClient(t, username)
	return fmt.Sprintf(`
provider "sfaccess" {
  instance_url = %q
  client_id    = %q
  username     = %q
  private_key  = <<-EOT
%sEOT
%s
}
`, o.URL, jwtClientKey, username, key, strings.Join(extra, "\n"))
}

// approveJWTClient has username authorize the JWT test client app once, through the web server
// flow, as a person does in the browser before a server uses the JWT bearer flow on their behalf:
// the app lets users self-authorize, and Salesforce then refuses the JWT bearer flow to a user
// who never approved it ("user hasn't approved this consumer").
func (o *testOrg) approveJWTClient(t *testing.T, username string) {
	t.Helper()
	o.Session(t, map[string]string{"username": username, "connected_app": jwtClientApp})
}

// The connected app providerConfigAs authenticates through: its API name and consumer key.
const (
	jwtClientApp = "Test_JWT_Client"
	jwtClientKey = "TestJwtClientKey0001"
)

// jwtClient creates, once per org, a self-authorized connected app with a fresh RSA certificate
// and returns the PEM private key that signs its JWT assertions.
func (o *testOrg) jwtClient(t *testing.T) string {
	t.Helper()
	o.jwtOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatalf("generating an RSA key: %v", err)
		}
		err = o.adminClient(t).CreateConnectedApp(context.Background(), &orgapi.ConnectedApp{
			FullName:     jwtClientApp,
			Label:        "Test JWT Client",
			ContactEmail: "tests@acme.test",
			CallbackURLs: []string{"https://localhost/callback"},
			Scopes:       []string{"Api", "RefreshToken"},
			Certificate:  mockorgtest.SelfSignedCert(t, key),
			ConsumerKey:  jwtClientKey,
		})
		if err != nil {
			t.Fatalf("creating the JWT test client app: %v", err)
		}
		o.jwtKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	})
	if o.jwtKeyPEM == "" {
		t.Fatal("the JWT test client app could not be created (see the first failure)")
	}
	return o.jwtKeyPEM
}

// adminClient is an org client acting as the admin, for changes made "outside Terraform" the way
// a person in Setup would make them, and for CheckDestroy look-ups.
func (o *testOrg) adminClient(t *testing.T) *orgapi.Client {
	t.Helper()
	c, err := orgapi.New(orgapi.Config{
		InstanceURL:    o.URL,
		ClientID:       mockorgtest.AdminClientID,
		ClientSecret:   mockorgtest.AdminClientSecret,
		RequestTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("admin client: %v", err)
	}
	return c
}

// token asks the org's OAuth endpoint for a real token for username through the connected app,
// with the password grant, and reports whether one was issued or the OAuth error code.
func (o *testOrg) token(t *testing.T, username, connectedApp string) (bool, string) {
	t.Helper()
	res := o.Token(t, username, connectedApp)
	if res.AccessToken != "" {
		return true, ""
	}
	return false, res.Error
}

// vfSession returns the session id a Visualforce page's getSessionId() would hand a client.
func (o *testOrg) vfSession(t *testing.T, username string) string {
	t.Helper()
	return o.Session(t, map[string]string{"username": username, "channel": "visualforce"}).SessionID
}

// callREST makes one REST API call with a session id or access token and reports whether the org
// accepted it, or the error code it answered with.
func (o *testOrg) callREST(t *testing.T, sessionID string) (bool, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, o.URL+"/services/data/v"+orgapi.DefaultAPIVersion+"/limits", nil)
	if err != nil {
		t.Fatalf("REST request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+sessionID)
	status, body := o.Do(t, req)
	if status == http.StatusOK {
		return true, ""
	}
	var errs []struct {
		ErrorCode string `json:"errorCode"`
	}
	if err := json.Unmarshal(body, &errs); err != nil || len(errs) == 0 {
		t.Fatalf("REST call answered HTTP %d with a body that is not a Salesforce error: %s", status, body)
	}
	return false, errs[0].ErrorCode
}

// tokenExpectation is what the org's OAuth endpoint should answer when username asks for a token
// through app.
type tokenExpectation struct {
	username, app string
	allowed       bool
	code          string // the OAuth error code of a denial
}

func allows(username, app string) tokenExpectation {
	return tokenExpectation{username: username, app: app, allowed: true}
}

func denies(username, app, code string) tokenExpectation {
	return tokenExpectation{username: username, app: app, code: code}
}

// checkTokens asks the org for real tokens and compares every answer with what is expected.
func (o *testOrg) checkTokens(t *testing.T, want ...tokenExpectation) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var errs []error
		for _, w := range want {
			ok, code := o.token(t, w.username, w.app)
			switch {
			case ok != w.allowed:
				errs = append(errs, fmt.Errorf("%s through %s: token issued = %t (%s), want %t", w.username, w.app, ok, code, w.allowed))
			case !ok && code != w.code:
				errs = append(errs, fmt.Errorf("%s through %s: denied with %q, want %q", w.username, w.app, code, w.code))
			}
		}
		return errors.Join(errs...)
	}
}

// checkREST calls the REST API with the session or token *credential and compares the outcome.
func (o *testOrg) checkREST(t *testing.T, what string, credential *string, wantOK bool, wantCode string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ok, code := o.callREST(t, *credential)
		if ok != wantOK || code != wantCode {
			return fmt.Errorf("REST call with %s: accepted = %t (%q), want %t (%q)", what, ok, code, wantOK, wantCode)
		}
		return nil
	}
}

// config joins the provider block with resource blocks.
func (o *testOrg) config(blocks ...string) string {
	return o.providerConfig() + strings.Join(blocks, "\n")
}

// expectDiagnostics matches Terraform's error output containing each phrase, in order. Terraform
// wraps long diagnostics, so any run of whitespace inside a phrase matches any other.
func expectDiagnostics(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

// checkOperationCount compares how often the org served an operation since the last ResetStats.
func (o *testOrg) checkOperationCount(t *testing.T, operation string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := o.Stats(t).ByOperation[operation]; got != want {
			return fmt.Errorf("the org served %s %d times, want %d", operation, got, want)
		}
		return nil
	}
}
