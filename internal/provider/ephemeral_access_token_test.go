package provider

import (
	"context"
	"fmt"
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
