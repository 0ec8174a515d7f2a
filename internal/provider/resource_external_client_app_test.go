package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const (
	ecaAddr      = "sfaccess_external_client_app.sync"
	ecaGrantAddr = "sfaccess_external_client_app_access.employees"
)

// ecaConfig is an admin-approved ECA with client credentials as the admin, optionally granted to
// the Standard User profile, with the plugin switch and the rotation trigger as given.
func ecaConfig(granted, pluginEnabled bool, rotation string) string {
	cfg := fmt.Sprintf(`
resource "sfaccess_external_client_app" "sync" {
  name                     = "Ledger_Sync"
  label                    = "Ledger Sync"
  contact_email            = "platform@acme.test"
  scopes                   = ["Api", "RefreshToken"]
  callback_url             = "https://ledger.acme.test/cb"
  client_credentials_user  = "admin@acme.test"
  oauth_plugin_enabled     = %t
  consumer_secret_rotation = %q
}

resource "sfaccess_external_client_app_access" "admins" {
  external_client_app_name = sfaccess_external_client_app.sync.name
  profile_name             = "System Administrator"
}
`, pluginEnabled, rotation)
	if granted {
		cfg += `
resource "sfaccess_external_client_app_access" "employees" {
  external_client_app_name = sfaccess_external_client_app.sync.name
  profile_name             = "Standard User"
}
`
	}
	return cfg
}

// ecaSession is a web server session of username through the ECA, from the control API.
func (o *testOrg) ecaSession(t *testing.T, username, eca string) string {
	t.Helper()
	return o.Session(t, map[string]string{"username": username, "external_client_app": eca}).SessionID
}

// ecaCredentials reads the ECA's current key and secret as its developer would.
func ecaCredentials(t *testing.T, o *testOrg, name string) (string, string) {
	t.Helper()
	ctx := context.Background()
	c := o.adminClient(t)
	id, err := externalClientAppID(ctx, c, name)
	if err != nil {
		t.Fatal(err)
	}
	consumer, err := c.ExternalClientAppConsumer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := c.ExternalClientAppCredentials(ctx, id, consumer)
	if err != nil {
		t.Fatal(err)
	}
	return creds.Key, creds.Secret
}

// clientCredentialsWork asks the token endpoint for a client credentials token.
func (o *testOrg) clientCredentialsWork(t *testing.T, key, secret string) bool {
	t.Helper()
	status, _ := o.Grant(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {key}, "client_secret": {secret}})
	return status == http.StatusOK
}

func TestAccExternalClientApp_decisionsThroughRealTokens(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	var employeeSession, oldKey, oldSecret string
	restIs := func(wantOK bool, wantCode string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			ok, code := org.callREST(t, employeeSession)
			if ok != wantOK || code != wantCode {
				return fmt.Errorf("employee's call through Ledger_Sync: ok=%v code=%q, want %v %q", ok, code, wantOK, wantCode)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := org.adminClient(t).ReadExternalClientApp(context.Background(), "Ledger_Sync"); !isNotFound(err) {
				return fmt.Errorf("Ledger_Sync survived destroy: %w", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// A user outside the granted profiles is refused.
				Config: org.providerConfig() + ecaConfig(false, true, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ecaAddr, tfjsonpath.New("consumer_key"), knownvalue.StringRegexp(regexp.MustCompile(`^3MVG9`))),
					statecheck.ExpectKnownValue(ecaAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^0xI`))),
					statecheck.ExpectKnownValue(ecaAddr, tfjsonpath.New("admin_approved_users_only"), knownvalue.Bool(true)),
				},
				Check: func(s *terraform.State) error {
					employeeSession = org.ecaSession(t, userEmployee, "Ledger_Sync")
					return restIs(false, "INVALID_SESSION_ID")(s)
				},
			},
			{
				ResourceName:      ecaAddr,
				ImportState:       true,
				ImportStateId:     "Ledger_Sync",
				ImportStateVerify: true,
				// The trigger is configuration only; the org has no such thing to read back.
				ImportStateVerifyIgnore: []string{"consumer_secret_rotation"},
			},
			{
				// A grant admits the same token.
				Config: org.providerConfig() + ecaConfig(true, true, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(ecaGrantAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(ecaAddr, plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: restIs(true, ""),
			},
			{
				ResourceName:      ecaGrantAddr,
				ImportState:       true,
				ImportStateId:     "Ledger_Sync/profile:Standard User",
				ImportStateVerify: true,
			},
			{
				// The plugin switch refuses everyone.
				Config: org.providerConfig() + ecaConfig(true, false, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(ecaAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(restIs(false, "INVALID_SESSION_ID"), func(*terraform.State) error {
					oldKey, oldSecret = ecaCredentials(t, org, "Ledger_Sync")
					if org.clientCredentialsWork(t, oldKey, oldSecret) {
						return fmt.Errorf("the client credentials flow, as the admin, got a token through an ECA whose plugin is off")
					}
					return nil
				}),
			},
			{
				// A rotation whose proof fails (the plugin is off) leaves the old credentials.
				Config:      org.providerConfig() + ecaConfig(true, false, "2"),
				ExpectError: regexp.MustCompile(`Rotated Credentials Could Not Issue a Token`),
			},
			{
				// Plugin on again and a rotation: the new secret works, the old one stops.
				PreConfig: func() {
					if key, secret := ecaCredentials(t, org, "Ledger_Sync"); key != oldKey || secret != oldSecret {
						t.Errorf("a failed rotation changed the credentials")
					}
				},
				Config: org.providerConfig() + ecaConfig(true, true, "3"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(ecaAddr, tfjsonpath.New("consumer_key")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					key, secret := ecaCredentials(t, org, "Ledger_Sync")
					if key == oldKey || secret == oldSecret {
						return fmt.Errorf("the rotation kept the credentials")
					}
					if !org.clientCredentialsWork(t, key, secret) {
						return fmt.Errorf("the rotated credentials issue no token")
					}
					if org.clientCredentialsWork(t, oldKey, oldSecret) {
						return fmt.Errorf("the old credentials still issue tokens after promotion")
					}
					return nil
				},
			},
		},
	})
}
