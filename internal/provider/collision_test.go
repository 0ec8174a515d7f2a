package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// refusedPlan is a configuration whose plan must fail with every phrase of want.
type refusedPlan struct {
	config string
	want   []string
}

// refusedPlanSteps plans each configuration, expecting it refused, and then checks that the org
// served no write for any of them.
func refusedPlanSteps(t *testing.T, org *testOrg, plans ...refusedPlan) []resource.TestStep {
	steps := []resource.TestStep{{PreConfig: func() { org.ResetStats(t) }, Config: org.config(), PlanOnly: true}}
	for _, p := range plans {
		steps = append(steps, resource.TestStep{Config: org.config(p.config), PlanOnly: true, ExpectError: expectDiagnostics(p.want...)})
	}
	return append(steps, resource.TestStep{Config: org.config(), Check: func(*terraform.State) error {
		if writes := org.Stats(t).Writes; writes != 0 {
			return fmt.Errorf("the refused plans wrote %d times", writes)
		}
		return nil
	}})
}

// TestAccCollision_twoResourcesForOneObject: two resources of one configuration that manage one
// object of the org are refused at plan, for every kind of object, each named by its type, the
// arguments that identify the object and the arguments that differ; nothing is written.
func TestAccCollision_twoResourcesForOneObject(t *testing.T) {
	org := newTestOrg(t)
	installation := func(name string, blocked bool) string {
		return installationConfigNamed(name, appWorkbench, fmt.Sprintf("blocked = %t", blocked))
	}
	permissionSet := func(name, apiName string) string {
		return fmt.Sprintf(`
resource "sfaccess_permission_set" %q {
  name  = %q
  label = %q
}
`, name, apiName, name)
	}
	assignment := func(name, username string) string {
		return fmt.Sprintf(`
resource "sfaccess_permission_set_assignment" %q {
  permission_set_name = sfaccess_permission_set.sync.name
  username            = %q
}
`, name, username)
	}
	ecaSettings := func(name string) string {
		return fmt.Sprintf("resource \"sfaccess_external_client_app_settings\" %q {}\n", name)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: refusedPlanSteps(t, org,
			refusedPlan{installation("open", false) + installation("closed", true), []string{
				"More Than One sfaccess_connected_app_installation",
				`manage the installation of one connected app (connected_app_name = "Workbench")`,
				"one with blocked = false (to be created), the other with blocked = true (to be created)",
				`they are the two sfaccess_connected_app_installation resources of this configuration with connected_app_name = "Workbench"`,
				"Keep exactly one of them", "removed block"}},
			refusedPlan{ecaSettings("a") + ecaSettings("b"), []string{
				"More Than One sfaccess_external_client_app_settings",
				"manage the org's External Client App settings, of which the org has exactly one",
				"both with the same arguments", "Keep exactly one of them"}},
			refusedPlan{permissionSet("sync", "Sync_Set") + assignment("a", userEmployee) + assignment("b", strings.ToUpper(userEmployee)), []string{
				"More Than One sfaccess_permission_set_assignment",
				`one with username = "EMPLOYEE@ACME.TEST" (to be created), the other with username = "employee@acme.test" (to be created)`,
				`with permission_set_name = "Sync_Set", username = "EMPLOYEE@ACME.TEST" and permission_set_name = "Sync_Set", ` +
					`username = "employee@acme.test" (names compare regardless of case)`}},
			refusedPlan{permissionSet("sync", "Sync_Set") + permissionSet("other", "sync_set"), []string{
				"More Than One sfaccess_permission_set", `(name = "Sync_Set")`,
				`one with label = "sync", name = "Sync_Set" (to be created), the other with label = "other", name = "sync_set" (to be created)`}},
		),
	})
}

// TestAccCollision_secondInstallationOfAnApp: a configuration that installs an app another
// configuration already installs is refused; so is a second resource for an installation this
// state holds, even when Terraform plans the one in state after the new one.
func TestAccCollision_secondInstallationOfAnApp(t *testing.T) {
	org := newTestOrg(t)
	kept := installationConfigNamed("kept", appWorkbench, "blocked = false")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             org.checkInstalled(t, appWorkbench, false, false),
		Steps: []resource.TestStep{
			{Config: org.config(kept)},
			{
				Config:   org.config(kept, installationConfigNamed("another", appWorkbench, "blocked = true")),
				PlanOnly: true,
				ExpectError: expectDiagnostics("More Than One sfaccess_connected_app_installation",
					`one with blocked = false (already in state), the other with blocked = true (to be created)`),
			},
		},
	})
}

// TestAccCollision_installedOutsideThisState: an app installed outside this configuration's state
// (by another configuration or in Setup) is refused at plan with the import block, and nothing is
// written; imported, it is managed, and a replacement of the installation (tainted, or a new app
// name) does not collide with itself.
func TestAccCollision_installedOutsideThisState(t *testing.T) {
	org := newTestOrg(t)
	if _, err := org.adminClient(t).Install(context.Background(), org.appID(t, appWorkbench), false); err != nil {
		t.Fatal(err)
	}
	config := org.config(installationConfig(appWorkbench, true, ""))
	steps := refusedPlanSteps(t, org, refusedPlan{installationConfig(appWorkbench, true, ""), []string{
		"Already Exists in the Org", "The org already has Workbench installed, and it is not in this configuration's state",
		"destroying this resource would uninstall the app for whoever installed it",
		"to = sfaccess_connected_app_installation.<resource name>", `id = "Workbench"`,
		"write this resource's address in place of sfaccess_connected_app_installation.<resource name>"}})
	steps = append(steps,
		resource.TestStep{Config: config, ResourceName: installationAddr, ImportState: true, ImportStateId: appWorkbench, ImportStatePersist: true},
		resource.TestStep{Config: config, Check: org.checkInstalled(t, appWorkbench, true, true)},
		resource.TestStep{
			Config: config, Taint: []string{installationAddr},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionReplace)},
			},
			Check: org.checkInstalled(t, appWorkbench, true, true),
		},
		resource.TestStep{
			Config: org.config(installationConfig(appDataLoader, false, "")),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(installationAddr, plancheck.ResourceActionReplace)},
			},
			Check: resource.ComposeTestCheckFunc(org.checkInstalled(t, appDataLoader, true, false), org.checkInstalled(t, appWorkbench, false, false)),
		})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccCollision_existingExternalClientAppGrant: a grant the ECA's policies hold already (Acme_Sync
// admits Standard User in the embedded org) is refused at plan with the import block, instead of
// being adopted and then removed by destroy; nothing is written, and the org keeps the grant.
func TestAccCollision_existingExternalClientAppGrant(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	steps := refusedPlanSteps(t, org, refusedPlan{`
resource "sfaccess_external_client_app_access" "standard" {
  external_client_app_name = "Acme_Sync"
  profile_name             = "standard user"
}
`, []string{"Already Exists in the Org",
		"The org already has a grant of the External Client App Acme_Sync to profile Standard User, and it is not in this configuration's state",
		"destroying this resource would remove a grant the org had before Terraform",
		"to = sfaccess_external_client_app_access.<resource name>", `id = "Acme_Sync/profile:Standard User"`}})
	steps[len(steps)-1].Check = resource.ComposeTestCheckFunc(steps[len(steps)-1].Check, func(*terraform.State) error {
		app, err := org.adminClient(t).ReadExternalClientApp(context.Background(), "Acme_Sync")
		if err != nil {
			return err
		}
		if !strings.Contains(strings.Join(app.Profiles, ","), "Standard User") {
			return fmt.Errorf("Acme_Sync no longer admits Standard User: %v", app.Profiles)
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccCollision_singletonsSayTheyAdopt: creating either org-wide singleton warns at plan that it
// adopts the org's settings and that destroy restores Salesforce's defaults; once in state, the
// plan no longer warns.
func TestAccCollision_singletonsSayTheyAdopt(t *testing.T) {
	org := newTestOrg(t)
	cli := newTerraformCLI(t, org.config(`
resource "sfaccess_api_access_control" "org" {}
resource "sfaccess_external_client_app_settings" "org" {}
`))
	out := cli.mustRun("plan")
	for _, want := range []string{
		"Warning: sfaccess_api_access_control Adopts the Org's Settings",
		"Warning: sfaccess_external_client_app_settings Adopts the Org's Settings",
		"The org has exactly one set of API Access Control settings (limit_external_users_to_installed_apps, " +
			"limit_all_users_to_approved_apps and allow_visualforce_api_access), so creating sfaccess_api_access_control creates nothing",
		"it restores Salesforce's defaults (both limits off, and Allow Visualforce pages to access APIs off)",
		"The org has exactly one set of External Client App settings (enable_external_client_apps and " +
			"allow_consumer_secrets_via_rest_api), so creating sfaccess_external_client_app_settings creates nothing",
		"it restores Salesforce's defaults (External Client Apps on, consumer secrets not readable through the REST API)",
	} {
		if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(out, "│", "")), " "), want) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	cli.mustRun("apply", "-auto-approve")
	if out := cli.mustRun("plan"); strings.Contains(out, "Adopts the Org's Settings") {
		t.Errorf("a plan of the singletons in state still warns that they adopt:\n%s", out)
	}
	cli.mustRun("destroy", "-auto-approve")
}
