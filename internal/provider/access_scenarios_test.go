package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// These scenarios prove what the resources are for: after apply, the org's OAuth endpoint issues
// real tokens exactly to the users the configuration allows.

const (
	gatedAppKey    = "PortalGatedKey0001"
	gatedAppSecret = "PortalGatedSecret0001"
)

// gatedAppConfig is an app whose Permitted Users are admin approved, granted to a permission set
// assigned to the partner and to the profiles listed.
func gatedAppConfig(profiles ...string) string {
	grants := `
resource "sfaccess_connected_app_access" "portal" {
  connected_app_name  = sfaccess_connected_app.gated.name
  permission_set_name = sfaccess_permission_set.portal.name
}
`
	return gatedApp(true, grants+profileGrants(profiles))
}

// profileGrants grants the gated app to each profile.
func profileGrants(profiles []string) string {
	var grants strings.Builder
	for i, p := range profiles {
		fmt.Fprintf(&grants, `
resource "sfaccess_connected_app_access" "profile_%d" {
  connected_app_name = sfaccess_connected_app.gated.name
  profile_name       = %q
}
`, i, p)
	}
	return grants.String()
}

// gatedApp is the app with the given Permitted Users policy, the partner's permission set, and
// extra configuration.
func gatedApp(adminApproved bool, extra string) string {
	return fmt.Sprintf(`
resource "sfaccess_connected_app" "gated" {
  name                       = "Portal_Gated"
  label                      = "Portal Gated"
  contact_email              = "platform@acme.test"
  callback_urls              = ["https://portal.acme.test/oauth/callback"]
  scopes                     = ["Api", "RefreshToken"]
  admin_approved_users_only  = %t
  consumer_key               = %q
  consumer_secret_wo         = %q
  consumer_secret_wo_version = 1
}

resource "sfaccess_permission_set" "portal" {
  name  = "Portal_Users"
  label = "Portal Users"
}

resource "sfaccess_permission_set_assignment" "partner" {
  permission_set_name = sfaccess_permission_set.portal.name
  username            = %q
}
%s`, adminApproved, gatedAppKey, gatedAppSecret, userPartner, extra)
}

// TestAccScenario_adminApprovedPermittedUsers: with admin-approved Permitted Users, only users
// holding a granted permission set or profile get a token, whatever else they may do.
func TestAccScenario_adminApprovedPermittedUsers(t *testing.T) {
	org := newTestOrg(t)
	gated := func(want ...tokenExpectation) resource.TestCheckFunc {
		return org.checkPasswordGrants(t, gatedAppKey, gatedAppSecret, want...)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyArgumentsSupported,
		CheckDestroy:             checkGrantsDestroyed(t, org),
		Steps: []resource.TestStep{
			{
				Config: org.providerConfig() + gatedAppConfig("Customer Community User"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: gated(
					allows(userPartner, ""),  // through the granted permission set
					allows(userCustomer, ""), // through the granted profile
					denies(userCustomerPlus, "", "invalid_app_access"),
					denies(userEmployee, "", "invalid_app_access"),
					// Use Any API Client does not bypass Permitted Users: the admin's profile is not granted.
					denies(userAdmin, "", "invalid_app_access"),
				),
			},
			{
				// Granting Customer Community Plus User and revoking Customer Community User.
				Config: org.providerConfig() + gatedAppConfig("Customer Community Plus User"),
				Check: gated(
					allows(userPartner, ""),
					allows(userCustomerPlus, ""),
					denies(userCustomer, "", "invalid_app_access"),
					denies(userEmployee, "", "invalid_app_access"),
				),
			},
			{
				// "All users may self-authorize", its grants removed in the same apply (the org
				// refuses a self-authorize app that still has profiles or permission sets).
				Config: org.providerConfig() + gatedApp(false, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("sfaccess_connected_app.gated", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("sfaccess_connected_app_access.portal", plancheck.ResourceActionDestroy),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: gated(
					allows(userPartner, ""),
					allows(userCustomer, ""),
					allows(userEmployee, ""),
					denies(userInactive, "", "inactive_user"),
				),
			},
		},
	})
}

const secretAppAddr = "sfaccess_connected_app.secret"

func secretAppConfig(secret string, version int) string {
	return fmt.Sprintf(`
resource "sfaccess_connected_app" "secret" {
  name                       = "Secret_App"
  label                      = "Secret App"
  contact_email              = "platform@acme.test"
  callback_urls              = ["https://secret.acme.test/cb"]
  scopes                     = ["Api"]
  client_credentials_user    = %q
  consumer_key               = "SecretAppKey0001"
  consumer_secret_wo         = %q
  consumer_secret_wo_version = %d
}
`, userEmployee, secret, version)
}

// TestAccScenario_writeOnlySecret: the secret given as consumer_secret_wo is the one the org
// accepts for the client credentials flow, and it is in neither the plan nor the state.
func TestAccScenario_writeOnlySecret(t *testing.T) {
	org := newTestOrg(t)
	const first, second = "FirstSecretValue0001", "SecondSecretValue0002"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   writeOnlyArgumentsSupported,
		CheckDestroy:             checkConnectedAppsDestroyed(t, org),
		Steps: []resource.TestStep{
			{
				// A secret without a version could never be rotated: the plan says so.
				Config:      org.providerConfig() + strings.Replace(secretAppConfig(first, 1), "consumer_secret_wo_version = 1", "", 1),
				PlanOnly:    true,
				ExpectError: expectDiagnostics("consumer_secret_wo_version"),
			},
			{
				Config: org.providerConfig() + secretAppConfig(first, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectPlanLacks(first)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectStateLacks(first),
					statecheck.ExpectKnownValue(secretAppAddr, tfjsonpath.New("consumer_secret_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(secretAppAddr, tfjsonpath.New("consumer_secret_wo_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectSensitiveValue(secretAppAddr, tfjsonpath.New("consumer_secret_wo")),
				},
				Check: resource.ComposeTestCheckFunc(
					org.checkClientCredentials(t, "SecretAppKey0001", first, true, ""),
					org.checkClientCredentials(t, "SecretAppKey0001", "NotTheSecret0001", false, "invalid_client"),
				),
			},
			{
				// A new secret needs a new version, which replaces the app: Salesforce sets a
				// secret only when an app is created.
				Config: org.providerConfig() + secretAppConfig(second, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAppAddr, plancheck.ResourceActionReplace), expectPlanLacks(second)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{expectStateLacks(second), expectStateLacks(first)},
				Check: resource.ComposeTestCheckFunc(
					org.checkClientCredentials(t, "SecretAppKey0001", second, true, ""),
					org.checkClientCredentials(t, "SecretAppKey0001", first, false, "invalid_client"),
				),
			},
			{
				// Changing only the secret, without its version, changes nothing: Terraform
				// cannot see write-only values, which the documentation says.
				Config:   org.providerConfig() + secretAppConfig("ThirdSecretValue0003", 2),
				PlanOnly: true,
			},
			{
				ResourceName:            secretAppAddr,
				ImportState:             true,
				ImportStateId:           "Secret_App",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"consumer_secret_wo_version"},
			},
		},
	})
}

// checkPasswordGrants asks the org's token endpoint for real tokens with the password grant
// through the app with the given credentials (the app in tokenExpectation is unused).
func (o *testOrg) checkPasswordGrants(t *testing.T, key, secret string, want ...tokenExpectation) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var problems []string
		for _, w := range want {
			ok, code := o.grant(t, url.Values{
				"grant_type": {"password"}, "client_id": {key}, "client_secret": {secret},
				"username": {w.username}, "password": {mockorg.DefaultPassword},
			})
			switch {
			case ok != w.allowed:
				problems = append(problems, fmt.Sprintf("%s: token issued = %t (%s), want %t", w.username, ok, code, w.allowed))
			case !ok && code != w.code:
				problems = append(problems, fmt.Sprintf("%s: denied with %q, want %q", w.username, code, w.code))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("tokens through %s:\n%s", key, strings.Join(problems, "\n"))
		}
		return nil
	}
}

// checkClientCredentials asks for a client credentials token with the given secret.
func (o *testOrg) checkClientCredentials(t *testing.T, key, secret string, wantOK bool, wantCode string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ok, code := o.grant(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {key}, "client_secret": {secret}})
		if ok != wantOK || code != wantCode {
			return fmt.Errorf("client credentials for %s: token issued = %t (%q), want %t (%q)", key, ok, code, wantOK, wantCode)
		}
		return nil
	}
}

// grant posts form to the token endpoint and reports whether a token was issued, or the OAuth
// error code.
func (o *testOrg) grant(t *testing.T, form url.Values) (bool, string) {
	t.Helper()
	_, res := o.Grant(t, form)
	return res.AccessToken != "", res.Error
}

// expectStateLacks fails when secret appears anywhere in the state Terraform stores.
func expectStateLacks(secret string) statecheck.StateCheck {
	return stateLacks{secret: secret}
}

type stateLacks struct{ secret string }

func (c stateLacks) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if strings.Contains(string(raw), c.secret) {
		resp.Error = fmt.Errorf("the consumer secret appears in the state")
	}
}

// expectPlanLacks fails when secret appears in what the plan holds of resources: planned values,
// prior state and changes. The plan's configuration section is left out on purpose: a test that
// writes the secret as a literal puts it there itself, where a real configuration would pass it
// through an ephemeral variable.
func expectPlanLacks(secret string) plancheck.PlanCheck {
	return planLacks{secret: secret}
}

type planLacks struct{ secret string }

func (c planLacks) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	raw, err := json.Marshal([]any{req.Plan.PlannedValues, req.Plan.PriorState, req.Plan.ResourceChanges, req.Plan.ResourceDrift, req.Plan.OutputChanges})
	if err != nil {
		resp.Error = err
		return
	}
	if strings.Contains(string(raw), c.secret) {
		resp.Error = fmt.Errorf("the consumer secret appears in the plan")
	}
}
