package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// ephemeralResourcesSupported skips a test with ephemeral blocks on Terraform older than 1.10.
var ephemeralResourcesSupported = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}

// withEcho adds terraform-plugin-testing's echo provider, which stores what its configuration
// receives in the state of an echo resource: the one way a test can see an ephemeral value that
// another provider was handed.
func withEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"sfaccess": testAccProtoV6ProviderFactories["sfaccess"],
		"echo":     echoprovider.NewProviderServer(),
	}
}

// jwtAccessToken is an sfaccess_access_token block for username through the JWT test client.
func (o *testOrg) jwtAccessToken(t *testing.T, name, username string) string {
	t.Helper()
	return fmt.Sprintf(`
ephemeral "sfaccess_access_token" %q {
  client_id   = %q
  username    = %q
  private_key = <<-EOT
%sEOT
}
`, name, jwtClientKey, username, o.jwtClient(t))
}

// echoedTokens checks what the echo provider received of the tokens: each acts as its user (the
// token endpoint's user_id), and each was revoked when Terraform closed it, so the org refuses it.
type echoedTokens struct {
	org   *testOrg
	t     *testing.T
	users map[string]string // token name in the echo data → username
}

func (c echoedTokens) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	data := map[string]any{}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == "echo.tokens" {
			data, _ = r.AttributeValues["data"].(map[string]any)
		}
	}
	admin := c.org.adminClient(c.t)
	for name, username := range c.users {
		token, _ := data[name+"_token"].(string)
		user, _ := data[name+"_user"].(string)
		if token == "" {
			resp.Error = fmt.Errorf("echo.tokens holds no %s token: %v", name, data)
			return
		}
		want, err := admin.UserByUsername(ctx, username)
		if err != nil {
			resp.Error = err
			return
		}
		if user != want.ID {
			resp.Error = fmt.Errorf("the %s token acts as %q, want %s (%s)", name, user, username, want.ID)
			return
		}
		if ok, code := c.org.callREST(c.t, token); ok || code != "INVALID_SESSION_ID" {
			resp.Error = fmt.Errorf("the %s token after the run: accepted = %t (%q), want it revoked", name, ok, code)
			return
		}
	}
}

// TestAccAccessToken hands tokens of both flows to another provider and checks that each acts as
// its user and is dead once the run is over; then the access rules refuse a partner a token
// through an admin-approved app that is not granted to them, with the org's message.
func TestAccAccessToken(t *testing.T) {
	org := newTestOrg(t)
	org.jwtClient(t)
	org.approveJWTClient(t, userEmployee)
	org.approveJWTClient(t, userPartner)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   ephemeralResourcesSupported,
		ProtoV6ProviderFactories: withEcho(),
		Steps: []resource.TestStep{
			{
				Config: org.config(`
ephemeral "sfaccess_access_token" "both" {
  client_id     = "MockorgAdminKey0001"
  client_secret = "MockorgAdminSecret0001"
  username      = "admin@acme.test"
}
`),
				ExpectError: expectDiagnostics("Invalid Attribute Combination", "private_key"),
			},
			{
				Config: org.config(`
ephemeral "sfaccess_access_token" "admin" {
  client_id     = "MockorgAdminKey0001"
  client_secret = "MockorgAdminSecret0001"
}
`, org.jwtAccessToken(t, "employee", userEmployee), `
provider "echo" {
  data = {
    admin_token    = ephemeral.sfaccess_access_token.admin.access_token
    admin_user     = ephemeral.sfaccess_access_token.admin.user_id
    employee_token = ephemeral.sfaccess_access_token.employee.access_token
    employee_user  = ephemeral.sfaccess_access_token.employee.user_id
  }
}

resource "echo" "tokens" {}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					echoedTokens{org: org, t: t, users: map[string]string{"admin": userAdmin, "employee": userEmployee}},
				},
			},
			{
				// Permitted Users "admin approved users are pre-authorized", and the partner is granted
				// nothing: the org's rules refuse the token.
				PreConfig: func() {
					admin := org.adminClient(t)
					app, err := admin.ReadConnectedApp(context.Background(), jwtClientApp)
					if err == nil {
						app.IsAdminApproved = true
						err = admin.UpdateConnectedApp(context.Background(), app)
					}
					if err != nil {
						t.Fatalf("making %s admin approved: %v", jwtClientApp, err)
					}
				},
				Config: org.config(org.jwtAccessToken(t, "partner", userPartner), `
provider "echo" {
  data = ephemeral.sfaccess_access_token.partner.user_id
}

resource "echo" "partner" {}
`),
				ExpectError: expectDiagnostics("Authentication Failed", "obtaining an access token through the app", "invalid_app_access",
					"user is not admin approved to access this app", "Check the app's credentials"),
			},
			{
				// The post-test destroy runs the last configuration, which must open.
				Config: org.config(),
			},
		},
	})
}

// tokenShape matches any access token mockorg issues ({org id, 15 characters}!AQ{94 characters}),
// to find one in output without knowing it.
var tokenShape = regexp.MustCompile(`00D[0-9A-Za-z]{12}![0-9A-Za-z]{96}`)

// TestAccAccessToken_neverStored runs terraform itself with TF_LOG=trace: a second sfaccess provider
// configuration reads the org with the ephemeral token, and afterwards no token of any kind is in
// the saved plan, the state or the log, and every token the run revoked is dead. It needs
// Terraform 1.10 or later (ephemeral resources), which CI's terraform on PATH is.
func TestAccAccessToken_neverStored(t *testing.T) {
	org := newTestOrg(t)
	var mu sync.Mutex
	var revoked []string
	org.FailWhen(func(r *http.Request) bool {
		if r.URL.Path != "/services/oauth2/revoke" {
			return false
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading a revocation: %v", err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		mu.Lock()
		defer mu.Unlock()
		revoked = append(revoked, form.Get("token"))
		return false
	})
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	cli := newTerraformCLI(t, org.config(`
ephemeral "sfaccess_access_token" "app" {
  client_id     = "MockorgAdminKey0001"
  client_secret = "MockorgAdminSecret0001"
}

provider "sfaccess" {
  alias        = "through_token"
  instance_url = ephemeral.sfaccess_access_token.app.instance_url
  access_token = ephemeral.sfaccess_access_token.app.access_token
}

data "sfaccess_api_access_control" "through_token" {
  provider = sfaccess.through_token
}

output "read_through_token" {
  value = data.sfaccess_api_access_control.through_token.feature_provisioned
}
`), "TF_LOG=trace", "TF_LOG_PATH="+logFile)
	if tokenShape.FindString(org.MustToken(t, userAdmin, appTerraformAdmin)) == "" {
		t.Fatal("tokenShape does not match the tokens mockorg issues")
	}

	cli.mustRun("plan", "-input=false", "-out=tfplan")
	plan := cli.mustRun("show", "-json", "tfplan")
	cli.mustRun("apply", "-input=false", "tfplan")
	state := cli.mustRun("show", "-json")
	if !strings.Contains(state, `"read_through_token":{"sensitive":false,"value":true`) {
		t.Errorf("the data source did not read the org through the token:\n%s", state)
	}
	stateFile, err := os.ReadFile(filepath.Join(cli.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	logText, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"opened an access token", "revoked the access token"} {
		if !strings.Contains(string(logText), want) {
			t.Errorf("the log lacks %q: the provider's log did not reach it, and the test would prove nothing", want)
		}
	}
	for what, text := range map[string]string{"plan": plan, "state": state, "state file": string(stateFile), "log": string(logText)} {
		if token := tokenShape.FindString(text); token != "" {
			t.Errorf("the %s holds an access token (%s…)", what, token[:20])
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(revoked) < 2 { // the plan's token and the apply's
		t.Errorf("the run revoked %d tokens, want one per command that opened the resource (2)", len(revoked))
	}
	for _, token := range revoked {
		if ok, code := org.callREST(t, token); ok || code != "INVALID_SESSION_ID" {
			t.Errorf("a revoked token after the run: accepted = %t (%q)", ok, code)
		}
	}
}
