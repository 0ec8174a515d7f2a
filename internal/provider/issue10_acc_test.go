package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

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

// TestAccConnectedApp_creationRestricted proves, on the embedded 2026 org, that a create fails
// with a diagnostic that says why and what to do, while an existing app can still be imported,
// updated and deleted.
func TestAccConnectedApp_creationRestricted(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	existing := func(description string) string {
		return org.config(fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name          = "Partner_Portal_Mobile"
  label         = "Partner Portal Mobile"
  contact_email = "mobile@acme.test"
  description   = %q
  callback_urls = ["acmemobile://oauth/callback"]
  scopes        = ["Api", "RefreshToken"]
  consumer_key  = "PartnerPortalMobileKey01"
}
`, description))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			_, err := org.adminClient(t).ReadConnectedApp(context.Background(), appPartnerPortal)
			switch {
			case err == nil:
				return fmt.Errorf("%s still exists after destroy", appPartnerPortal)
			case !isNotFound(err):
				return err
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      org.config(minimalConnectedApp("New_Integration")),
				ExpectError: expectDiagnostics("Connected App Creation Restricted", "creating Connected App (New_Integration)", "Spring '26", "005228017", "External Client App"),
			},
			{
				Config:             existing("Mobile app for partners."),
				ResourceName:       testAppAddr,
				ImportState:        true,
				ImportStateId:      appPartnerPortal,
				ImportStatePersist: true,
			},
			{
				Config: existing("Mobile app for partners."),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					app, err := org.adminClient(t).ReadConnectedApp(context.Background(), appPartnerPortal)
					if err != nil {
						return err
					}
					if app.Description != "Mobile app for partners." {
						return fmt.Errorf("description after the update %q", app.Description)
					}
					return nil
				},
			},
		},
	})
}

// TestAccConnectedApp_refreshTokenRequiresSecret round-trips refresh_token_requires_secret,
// detects a change made in Setup, and imports it.
func TestAccConnectedApp_refreshTokenRequiresSecret(t *testing.T) {
	org := newTestOrg(t)
	admin := org.adminClient(t)
	ctx := context.Background()
	app := func(requires string) string {
		return org.config(fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name          = "Refresh_App"
  label         = "Refresh App"
  contact_email = "platform@acme.test"
  callback_urls = ["https://portal.acme.test/oauth/callback"]
  scopes        = ["Api", "RefreshToken"]
  %s
}
`, requires))
	}
	inOrg := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, err := admin.ReadConnectedApp(ctx, "Refresh_App")
			if err != nil {
				return err
			}
			if got.RefreshTokenRequiresSecret == nil || *got.RefreshTokenRequiresSecret != want {
				return fmt.Errorf("isSecretRequiredForRefreshToken in the org = %v, want %t", got.RefreshTokenRequiresSecret, want)
			}
			return nil
		}
	}
	expect := func(v bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("refresh_token_requires_secret"), knownvalue.Bool(v))}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkConnectedAppsDestroyed(t, org),
		Steps: []resource.TestStep{
			{
				// Not set: Salesforce's default, true, with no diff after apply.
				Config:            app(""),
				ConfigStateChecks: expect(true),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:             inOrg(true),
			},
			{
				Config:            app("refresh_token_requires_secret = false"),
				ConfigStateChecks: expect(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: inOrg(false),
			},
			{
				ResourceName:            testAppAddr,
				ImportState:             true,
				ImportStateId:           "Refresh_App",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Someone requires the secret again in Setup: the plan puts it back.
				PreConfig: func() {
					got, err := admin.ReadConnectedApp(ctx, "Refresh_App")
					if err != nil {
						t.Fatal(err)
					}
					required := true
					got.RefreshTokenRequiresSecret = &required
					if err := admin.UpdateConnectedApp(ctx, got); err != nil {
						t.Fatalf("changing the app out of band: %v", err)
					}
				},
				Config: app("refresh_token_requires_secret = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAppAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAppAddr, tfjsonpath.New("refresh_token_requires_secret"), knownvalue.Bool(false)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: inOrg(false),
			},
			{
				// Removed from the configuration: back to the default.
				Config:            app(""),
				ConfigStateChecks: expect(true),
				Check:             inOrg(true),
			},
		},
	})
}

// TestAccProvider_jwtAudience authenticates through the JWT bearer flow with the default audience
// (https://login.salesforce.com, which the org accepts although the token request goes to its own
// URL), with an audience the org accepts (its own URL), with one it refuses, and with one the
// provider refuses at plan time.
func TestAccProvider_jwtAudience(t *testing.T) {
	org := newTestOrg(t)
	const users = `data "sfaccess_users" "all" {}`
	usersRead := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.sfaccess_users.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(len(seededUsers))),
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// The refused audiences come first: Terraform configures the provider with the last
		// step's configuration to destroy.
		Steps: []resource.TestStep{
			{
				Config:      org.providerConfigAs(t, userAdmin, `  jwt_audience = "login.salesforce.com"`) + users,
				ExpectError: expectDiagnostics("Invalid JWT Audience", "https://login.salesforce.com", "https://test.salesforce.com", "Experience Cloud"),
			},
			{
				Config:      org.providerConfigAs(t, userAdmin, `  jwt_audience = "https://login.example.com"`) + users,
				ExpectError: expectDiagnostics("Authentication Failed", "invalid_grant", "Audience validation failed"),
			},
			{
				Config:            org.providerConfigAs(t, userAdmin, fmt.Sprintf("  jwt_audience = %q", org.URL)) + users,
				ConfigStateChecks: usersRead,
			},
			{
				Config:            org.providerConfigAs(t, userAdmin) + users,
				ConfigStateChecks: usersRead,
			},
		},
	})
}

// TestAccPermissionSet_profileOwnedImportRefused proves that neither a profile's own permission
// set nor a user's assignment to it can be imported, and that the refusal says what to do.
func TestAccPermissionSet_profileOwnedImportRefused(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	sets, err := org.adminClient(t).PermissionSets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	profileSet := ""
	for _, ps := range sets {
		if ps.IsOwnedByProfile {
			profileSet = ps.Name
			break
		}
	}
	if profileSet == "" {
		t.Fatal("the embedded org has no profile-owned permission set")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        org.config(permissionSetConfig(profileSet, "Profile", "")),
				ResourceName:  "sfaccess_permission_set.this",
				ImportState:   true,
				ImportStateId: profileSet,
				ExpectError:   expectDiagnostics("Profile-Owned Permission Set", profileSet, "Setup > Profiles", "sfaccess_permission_set"),
			},
			{
				Config:        org.config(assignmentConfig(fmt.Sprintf("%q", profileSet), fmt.Sprintf("%q", userReadOnly))),
				ResourceName:  assignmentAddr,
				ImportState:   true,
				ImportStateId: profileSet + "/" + userReadOnly,
				ExpectError:   expectDiagnostics("Profile-Owned Permission Set", "change the user's profile"),
			},
		},
	})
}
