package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// checkBlockName is the data source name of the check of username through app ("visualforce"
// for the Visualforce channel), e.g. partner_Workbench.
func checkBlockName(username, app string) string {
	return strings.SplitN(username, "@", 2)[0] + "_" + app
}

// checkAddr is the state address of that check.
func checkAddr(username, app string) string {
	return "data.sfaccess_api_access_check." + checkBlockName(username, app)
}

// accessChecksConfig asks sfaccess_api_access_check about every seeded user through every seeded
// app, and about the Visualforce session of every user, after dependsOn is applied. One
// block per question, because terraform-plugin-testing's state checks cannot address for_each keys.
func accessChecksConfig(dependsOn string) string {
	var b strings.Builder
	for _, u := range seededUsers {
		for _, app := range seededApps {
			fmt.Fprintf(&b, `
data "sfaccess_api_access_check" %q {
  username           = %q
  connected_app_name = %q
  depends_on         = [%s]
}
`, checkBlockName(u, app), u, app, dependsOn)
		}
		fmt.Fprintf(&b, `
data "sfaccess_api_access_check" %q {
  username   = %q
  channel    = "visualforce"
  depends_on = [%s]
}
`, checkBlockName(u, channelVisualforce), u, dependsOn)
	}
	return b.String()
}

// checkPredictionsMatchOrg compares every prediction in state with what the org really does: a
// password-grant token request per user and app, and a REST call with a Visualforce session.
func (o *testOrg) checkPredictionsMatchOrg(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var errs []error
		apps, sessions := 0, 0
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "sfaccess_api_access_check" {
				continue
			}
			a := rs.Primary.Attributes
			predicted := a["allowed"] == "true"
			var ok bool
			var code, what string
			if a["channel"] == channelVisualforce {
				sessions++
				what = "Visualforce session"
				ok, code = o.callREST(t, o.vfSession(t, a["username"]))
			} else {
				apps++
				what = "token through " + a["connected_app_name"]
				ok, code = o.token(t, a["username"], a["connected_app_name"])
			}
			if ok != predicted || code != a["error_code"] {
				errs = append(errs, fmt.Errorf("%s: %s for %s: predicted allowed=%t %q (rule %s), org says allowed=%t %q",
					addr, what, a["username"], predicted, a["error_code"], a["rule"], ok, code))
			}
		}
		if want := len(seededUsers) * len(seededApps); apps != want {
			errs = append(errs, fmt.Errorf("%d app predictions in state, want %d", apps, want))
		}
		if want := len(seededUsers); sessions != want {
			errs = append(errs, fmt.Errorf("%d Visualforce predictions in state, want %d", sessions, want))
		}
		return errors.Join(errs...)
	}
}

// TestAccAPIAccessCheck_agreesWithOrg proves that the data source predicts exactly what the org's
// OAuth endpoint and REST API do, for every seeded user and app, in three org states.
func TestAccAPIAccessCheck_agreesWithOrg(t *testing.T) {
	org := newTestOrg(t)
	// Each rule allows or denies by itself, so the rule pins the prediction.
	check := func(addr, rule string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("rule"), knownvalue.StringExact(rule))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The seed: no limits. The uninstalled Workbench is restricted, except for the users
				// who authorized it before (employee, partner, customerplus) and the admin who may
				// approve uninstalled apps; apps created in the org are spared.
				Config: org.config(apiAccessControlConfig(false, false, false), accessChecksConfig("sfaccess_api_access_control.this")),
				Check:  org.checkPredictionsMatchOrg(t),
				ConfigStateChecks: []statecheck.StateCheck{
					check(checkAddr("customer@acme.test", "Workbench"), "uninstalled_app_restricted"),
					check(checkAddr("partner@acme.test", "Workbench"), "allowed"),
					check(checkAddr("employee@acme.test", "Workbench"), "allowed"),
					check(checkAddr("admin@acme.test", "Workbench"), "bypass_use_any_api_client"),
					check(checkAddr("partner@acme.test", "Partner_Portal_Mobile"), "allowed"),
					check(checkAddr("partner@acme.test", "Terraform_Admin"), "not_admin_approved"),
					check(checkAddr("inactive@acme.test", "Workbench"), "user_inactive"),
				},
			},
			{
				// Customers and partners limited to installed apps, Partner_Portal_Mobile installed,
				// Visualforce sessions not allowed.
				Config: org.config(apiAccessControlConfig(true, false, false), installationConfig(appPartnerPortal, false, ""),
					accessChecksConfig("sfaccess_api_access_control.this, sfaccess_connected_app_installation.this")),
				Check: org.checkPredictionsMatchOrg(t),
				ConfigStateChecks: []statecheck.StateCheck{
					check(checkAddr("partner@acme.test", "Workbench"), "external_app_not_installed"),
					check(checkAddr("partner@acme.test", "Partner_Portal_Mobile"), "allowed"),
					check(checkAddr("partner@acme.test", channelVisualforce), "visualforce_denied"),
					check(checkAddr("admin@acme.test", "Workbench"), "bypass_use_any_api_client"),
				},
			},
			{
				// Every user limited, the installed app blocked, Visualforce allowed, and the
				// high-volume customer, who never authorized Workbench, given Use Any API Client.
				Config: org.config(apiAccessControlConfig(true, true, true), installationConfig(appPartnerPortal, true, ""), bypassConfig(userHighVolume),
					accessChecksConfig("sfaccess_api_access_control.this, sfaccess_connected_app_installation.this, sfaccess_permission_set_assignment.this")),
				Check: org.checkPredictionsMatchOrg(t),
				ConfigStateChecks: []statecheck.StateCheck{
					// Use Any API Client lets the customer past both limits, but no longer past the
					// usage restriction (Salesforce help 005228838).
					check(checkAddr("highvolume@acme.test", "Workbench"), "uninstalled_app_restricted"),
					check(checkAddr("employee@acme.test", "Workbench"), "app_not_approved"),
					check(checkAddr("admin@acme.test", "Partner_Portal_Mobile"), "app_blocked"),
					check(checkAddr("customer@acme.test", channelVisualforce), "allowed"),
				},
			},
		},
	})
}

func TestAccAPIAccessCheck_validation(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.config(`data "sfaccess_api_access_check" "x" { username = "partner@acme.test" }`),
				ExpectError: expectDiagnostics(`connected_app_name is required unless channel is "visualforce"`),
			},
			{
				Config: org.config(`data "sfaccess_api_access_check" "x" {
  username           = "partner@acme.test"
  channel            = "visualforce"
  connected_app_name = "Workbench"
}`),
				ExpectError: expectDiagnostics(`connected_app_name cannot be set when channel is "visualforce"`),
			},
			{
				Config: org.config(`data "sfaccess_api_access_check" "x" {
  username = "partner@acme.test"
  channel  = "soap"
}`),
				ExpectError: expectDiagnostics("channel", "value must be one of"),
			},
			{
				Config: org.config(`data "sfaccess_api_access_check" "x" {
  username           = "nobody@acme.test"
  connected_app_name = "Workbench"
}`),
				ExpectError: expectDiagnostics("User Not Found", "nobody@acme.test"),
			},
			{
				Config: org.config(`data "sfaccess_api_access_check" "x" {
  username           = "partner@acme.test"
  connected_app_name = "No_Such_App"
}`),
				ExpectError: expectDiagnostics("Connected App Not Found", "No_Such_App"),
			},
		},
	})
}

// uninstalledAppChecks asks about Workbench (not installed, not created in the org) for the
// employee who authorized it before the restriction, the read-only user who never did, and the
// admin, whose profile holds Approve Uninstalled Connected Apps.
func uninstalledAppChecks(dependsOn string) string {
	var b string
	for _, u := range []string{userEmployee, userReadOnly, userAdmin} {
		b += fmt.Sprintf(`
data "sfaccess_api_access_check" %q {
  username           = %q
  connected_app_name = %q
  depends_on         = [%s]
}
`, checkBlockName(u, appWorkbench), u, appWorkbench, dependsOn)
	}
	return b
}

// TestAccAPIAccessCheck_uninstalledAppRestriction proves the September 2025 usage restriction
// through real tokens on the embedded org: a prior approval or the Approve Uninstalled Connected
// Apps permission gets a user through an uninstalled app, nothing else does, and the permission
// given through an sfaccess_permission_set takes effect at once.
func TestAccAPIAccessCheck_uninstalledAppRestriction(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	expect := func(username, attr string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(checkAddr(username, appWorkbench), tfjsonpath.New(attr), v)
	}
	approvers := func(usernames ...string) statecheck.StateCheck {
		var users []knownvalue.Check
		for _, u := range usernames {
			users = append(users, knownvalue.ObjectPartial(map[string]knownvalue.Check{"username": knownvalue.StringExact(u)}))
		}
		return statecheck.ExpectKnownValue("data.sfaccess_users.approvers", tfjsonpath.New("users"), knownvalue.ListExact(users))
	}
	grant := permissionSetConfig("Approve_Uninstalled", "Approve uninstalled apps", "", "ApiEnabled", "CanApproveUninstalledApps") +
		assignmentConfig("sfaccess_permission_set.this.name", fmt.Sprintf("%q", userReadOnly))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.config(uninstalledAppChecks("") + `
data "sfaccess_users" "approvers" {
  with_permission = "CanApproveUninstalledApps"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expect(userEmployee, "allowed", knownvalue.Bool(true)),
					expect(userEmployee, "rule", knownvalue.StringExact("allowed")),
					expect(userEmployee, "prior_approval", knownvalue.Bool(true)),
					expect(userReadOnly, "allowed", knownvalue.Bool(false)),
					expect(userReadOnly, "rule", knownvalue.StringExact("uninstalled_app_restricted")),
					expect(userReadOnly, "error_code", knownvalue.StringExact("invalid_client")),
					expect(userReadOnly, "message", knownvalue.StringExact("app must be installed into org")),
					expect(userReadOnly, "prior_approval", knownvalue.Bool(false)),
					expect(userAdmin, "allowed", knownvalue.Bool(true)),
					expect(userAdmin, "prior_approval", knownvalue.Bool(false)),
					approvers(userAdmin),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkPredictionsAgree(t),
					org.checkTokens(t,
						allows(userEmployee, appWorkbench),
						denies(userReadOnly, appWorkbench, "invalid_client"),
						allows(userAdmin, appWorkbench),
					),
				),
			},
			{
				Config: org.config(grant, uninstalledAppChecks("sfaccess_permission_set_assignment.this")+`
data "sfaccess_users" "approvers" {
  with_permission = "CanApproveUninstalledApps"
  depends_on      = [sfaccess_permission_set_assignment.this]
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expect(userReadOnly, "allowed", knownvalue.Bool(true)),
					expect(userReadOnly, "rule", knownvalue.StringExact("allowed")),
					expect(userReadOnly, "prior_approval", knownvalue.Bool(false)),
					approvers(userAdmin, userReadOnly),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkPredictionsAgree(t),
					org.checkTokens(t, allows(userReadOnly, appWorkbench)),
				),
			},
		},
	})
}

// checkPredictionsAgree compares every sfaccess_api_access_check in state with a real token
// request (the password grant, which is not the device flow).
func (o *testOrg) checkPredictionsAgree(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "sfaccess_api_access_check" {
				continue
			}
			a := rs.Primary.Attributes
			ok, code := o.token(t, a["username"], a["connected_app_name"])
			if ok != (a["allowed"] == "true") || code != a["error_code"] {
				return fmt.Errorf("%s: predicted allowed=%s %q (rule %s), the org says allowed=%t %q", addr, a["allowed"], a["error_code"], a["rule"], ok, code)
			}
		}
		return nil
	}
}
