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

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

const installationAddr = "sfaccess_connected_app_installation.this"

// installationConfig installs app (blocked or not), with an optional scope refresh trigger.
func installationConfig(app string, blocked bool, trigger string) string {
	extra := fmt.Sprintf("blocked = %t", blocked)
	if trigger != "" {
		extra += fmt.Sprintf("\n  scope_refresh_trigger = %q", trigger)
	}
	return installationConfigNamed("this", app, extra)
}

// installState looks up the app on the OAuth Usage page as the admin.
func (o *testOrg) installState(t *testing.T, app string) (installed, blocked bool, err error) {
	apps, err := o.adminClient(t).OAuthUsage(context.Background())
	if err != nil {
		return false, false, err
	}
	for _, a := range apps {
		if a.Name == app {
			return a.Installed, a.Blocked, nil
		}
	}
	return false, false, fmt.Errorf("no connected app %s on the OAuth Usage page", app)
}

func (o *testOrg) checkInstalled(t *testing.T, app string, wantInstalled, wantBlocked bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		installed, blocked, err := o.installState(t, app)
		if err != nil {
			return err
		}
		if installed != wantInstalled || blocked != wantBlocked {
			return fmt.Errorf("%s: installed=%t blocked=%t, want installed=%t blocked=%t", app, installed, blocked, wantInstalled, wantBlocked)
		}
		return nil
	}
}

func (o *testOrg) appID(t *testing.T, name string) string {
	t.Helper()
	app, err := o.adminClient(t).ConnectedApplicationByName(context.Background(), name)
	if err != nil {
		t.Fatalf("looking up %s: %v", name, err)
	}
	return app.ID
}

// TestAccConnectedAppInstallation_basic walks an app through install, block, unblock, a scope
// refresh and import, and proves each step with real tokens.
func TestAccConnectedAppInstallation_basic(t *testing.T) {
	org := newTestOrg(t)
	limit := apiAccessControlConfig(true, false, false)
	var partnerToken, adminToken string
	mintTokens := func(*terraform.State) error {
		partnerToken = org.MustToken(t, userPartner, appPartnerPortal)
		adminToken = org.MustToken(t, userAdmin, appPartnerPortal)
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             org.checkInstalled(t, appPartnerPortal, false, false),
		Steps: []resource.TestStep{
			{
				// With the limit on, partners and customers get in only through the installed
				// app; employees through both.
				Config: org.config(limit, installationConfig(appPartnerPortal, false, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(installationAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(connectedAppIDPattern)),
					statecheck.ExpectKnownValue(installationAddr, tfjsonpath.New("blocked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(installationAddr, tfjsonpath.New("packaged"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(installationAddr, tfjsonpath.New("scope_refresh_trigger"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkInstalled(t, appPartnerPortal, true, false),
					org.checkTokens(t,
						allows(userPartner, appPartnerPortal),
						allows(userCustomer, appPartnerPortal),
						denies(userPartner, appWorkbench, "invalid_client"),
						denies(userCustomer, appWorkbench, "invalid_client"),
						allows(userEmployee, appPartnerPortal),
						allows(userEmployee, appWorkbench),
					),
					mintTokens,
				),
			},
			{
				// Blocking shuts out everyone, the Use Any API Client holder included, and the
				// tokens issued before stop working.
				Config: org.config(limit, installationConfig(appPartnerPortal, true, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(installationAddr, tfjsonpath.New("blocked"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkInstalled(t, appPartnerPortal, true, true),
					org.checkTokens(t,
						denies(userPartner, appPartnerPortal, "OAUTH_APP_BLOCKED"),
						denies(userEmployee, appPartnerPortal, "OAUTH_APP_BLOCKED"),
						denies(userAdmin, appPartnerPortal, "OAUTH_APP_BLOCKED"),
					),
					org.checkREST(t, "the partner's token issued before the block", &partnerToken, false, "INVALID_SESSION_ID"),
					org.checkREST(t, "the admin's token issued before the block", &adminToken, false, "INVALID_SESSION_ID"),
				),
			},
			{
				Config: org.config(limit, installationConfig(appPartnerPortal, false, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkInstalled(t, appPartnerPortal, true, false),
					org.checkTokens(t, allows(userPartner, appPartnerPortal), allows(userAdmin, appPartnerPortal)),
					// Block ended those sessions for good: unblocking lets users log in again but
					// does not revive them.
					org.checkREST(t, "the partner's token issued before the block", &partnerToken, false, "INVALID_SESSION_ID"),
					mintTokens,
				),
			},
			{
				// A new trigger value blocks and unblocks the app: the org sees two Block calls, the
				// sessions issued under the old scopes end, and the app ends unblocked, with new
				// tokens working.
				PreConfig: func() { org.ResetStats(t) },
				Config:    org.config(limit, installationConfig(appPartnerPortal, false, "scopes-v2")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(installationAddr, tfjsonpath.New("scope_refresh_trigger"), knownvalue.StringExact("scopes-v2")),
					statecheck.ExpectKnownValue(installationAddr, tfjsonpath.New("blocked"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkInstalled(t, appPartnerPortal, true, false),
					org.checkOperationCount(t, "setup:blockApp", 2),
					org.checkREST(t, "the partner's token issued under the old scopes", &partnerToken, false, "INVALID_SESSION_ID"),
					org.checkTokens(t, allows(userPartner, appPartnerPortal)),
				),
			},
			{
				ResourceName:      installationAddr,
				ImportState:       true,
				ImportStateId:     appPartnerPortal,
				ImportStateVerify: true,
				// The trigger is a configuration-only value the org does not store.
				ImportStateVerifyIgnore: []string{"scope_refresh_trigger"},
			},
			{
				ResourceName:  installationAddr,
				ImportState:   true,
				ImportStateId: appWorkbench,
				ExpectError:   expectDiagnostics("Connected App Not Installed"),
			},
			{
				// Another app name replaces the installation: Workbench gets installed and
				// Partner_Portal_Mobile uninstalled.
				Config: org.config(limit, installationConfig(appWorkbench, false, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkInstalled(t, appWorkbench, true, false),
					org.checkInstalled(t, appPartnerPortal, false, false),
					org.checkTokens(t,
						allows(userPartner, appWorkbench),
						denies(userPartner, appPartnerPortal, "invalid_client"),
					),
				),
			},
		},
	})
}

// TestAccConnectedAppInstallation_drift uninstalls and blocks the app out of band, as a person on
// the OAuth Usage page would; the next plan puts it back.
func TestAccConnectedAppInstallation_drift(t *testing.T) {
	org := newTestOrg(t)
	config := org.config(installationConfig(appPartnerPortal, false, ""))
	outOfBand := func(change func(id string) error) func() {
		return func() {
			if err := change(org.appID(t, appPartnerPortal)); err != nil {
				t.Fatalf("changing the installation out of band: %v", err)
			}
		}
	}
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             org.checkInstalled(t, appPartnerPortal, false, false),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: outOfBand(func(id string) error {
					_, err := org.adminClient(t).SetBlocked(ctx, id, true)
					return err
				}),
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(installationAddr, tfjsonpath.New("blocked"), knownvalue.Bool(false)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkInstalled(t, appPartnerPortal, true, false),
			},
			{
				PreConfig: outOfBand(func(id string) error { return org.adminClient(t).Uninstall(ctx, id) }),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkInstalled(t, appPartnerPortal, true, false),
			},
			{
				PreConfig:          outOfBand(func(id string) error { return org.adminClient(t).Uninstall(ctx, id) }),
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccConnectedAppInstallation_packaged installs a managed-package app as the admin, who
// holds InstallPackaging, and imports it with an import block.
func TestAccConnectedAppInstallation_packaged(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             org.checkInstalled(t, appDataLoader, false, false),
		Steps: []resource.TestStep{
			{
				Config: org.config(installationConfig(appDataLoader, false, "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(installationAddr, tfjsonpath.New("packaged"), knownvalue.Bool(true)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkInstalled(t, appDataLoader, true, false),
			},
			{
				ResourceName:    installationAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   appDataLoader,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

// TestAccConnectedAppInstallation_planTimeErrors proves every refusal happens at plan time, before
// anything changes, with a message that says what to do.
func TestAccConnectedAppInstallation_planTimeErrors(t *testing.T) {
	org := newTestOrg(t)
	bare := newTestOrgWith(t, mockorg.Config{DisableSetupExtension: true})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.config(installationConfig("Partner Portal", false, "")),
				ExpectError: expectDiagnostics(`"Partner Portal" is not a valid API name`, "start with a letter"),
			},
			{
				Config:      org.config(installationConfigNamed("this", appPartnerPortal, `scope_refresh_trigger = ""`)),
				ExpectError: expectDiagnostics("scope_refresh_trigger", "at least 1"),
			},
			{
				Config:      org.config(installationConfig("No_Such_App", false, "")),
				ExpectError: expectDiagnostics("Connected App Not Found", `"No_Such_App"`, "Partner_Portal_Mobile"),
			},
			{
				Config:      bare.config(installationConfig(appPartnerPortal, false, "")),
				ExpectError: expectDiagnostics("Setup Extension Unavailable", "Connected Apps OAuth Usage"),
			},
			{
				// The app manager may install local apps but not packaged ones.
				Config:      org.providerConfigAs(t, userAppManager) + installationConfig(appDataLoader, false, ""),
				ExpectError: expectDiagnostics("Insufficient Permissions", "packaged connected app DataLoader", "appmanager@acme.test lacks", "InstallPackaging"),
			},
			{
				Config:      org.providerConfigAs(t, userReadOnly) + installationConfig(appPartnerPortal, false, ""),
				ExpectError: expectDiagnostics("Insufficient Permissions", "readonly@acme.test lacks", "CustomizeApplication"),
			},
			{
				// The app manager holds what a local app needs.
				Config: org.providerConfigAs(t, userAppManager) + installationConfig(appPartnerPortal, false, ""),
				Check:  org.checkInstalled(t, appPartnerPortal, true, false),
			},
		},
	})
}

func installationConfigNamed(name, app, extra string) string {
	return fmt.Sprintf(`
resource "sfaccess_connected_app_installation" %q {
  connected_app_name = %q
  %s
}
`, name, app, extra)
}

// TestAccConnectedAppInstallation_appCreatedInSameRun blocks an app that the same configuration
// creates: the plan must not call the app missing when its creation is planned first.
func TestAccConnectedAppInstallation_appCreatedInSameRun(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.config(minimalConnectedApp("Fresh_Portal"),
					installationConfigNamed("this", "${sfaccess_connected_app.test.name}", "blocked = true")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkInstalled(t, "Fresh_Portal", true, true),
			},
		},
	})
}
