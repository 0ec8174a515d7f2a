package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

const apiAccessControlAddr = "sfaccess_api_access_control.this"

var orgIDPattern = regexp.MustCompile(`^00D[0-9A-Za-z]{15}$`)

func apiAccessControlConfig(external, all, visualforce bool) string {
	return fmt.Sprintf(`
resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = %t
  limit_all_users_to_approved_apps       = %t
  allow_visualforce_api_access           = %t
}
`, external, all, visualforce)
}

func expectSwitches(external, all, visualforce bool) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(apiAccessControlAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(orgIDPattern)),
		statecheck.ExpectKnownValue(apiAccessControlAddr, tfjsonpath.New(attrLimitExternal), knownvalue.Bool(external)),
		statecheck.ExpectKnownValue(apiAccessControlAddr, tfjsonpath.New(attrLimitAll), knownvalue.Bool(all)),
		statecheck.ExpectKnownValue(apiAccessControlAddr, tfjsonpath.New(attrAllowVF), knownvalue.Bool(visualforce)),
	}
}

// checkVisualforce opens a Visualforce session for username and calls the REST API with it.
func (o *testOrg) checkVisualforce(t *testing.T, username string, wantOK bool, wantCode string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		session := o.vfSession(t, username)
		return o.checkREST(t, "the Visualforce session of "+username, &session, wantOK, wantCode)(s)
	}
}

// checkSettingsAreDefaults proves the org is back to Salesforce's defaults and open again.
func (o *testOrg) checkSettingsAreDefaults(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		c := o.adminClient(t)
		settings, err := c.ReadConnectedAppSettings(ctx)
		if err != nil {
			return err
		}
		allowVF, err := c.AllowVisualforceAPIAccess(ctx)
		if err != nil {
			return err
		}
		if deref(settings.EnableAdminApprovedAppsOnly) || deref(settings.EnableAdminApprovedAppsOnlyForExternalUser) || allowVF {
			return fmt.Errorf("settings not restored to the defaults: all=%v external=%v visualforce=%t",
				deref(settings.EnableAdminApprovedAppsOnly), deref(settings.EnableAdminApprovedAppsOnlyForExternalUser), allowVF)
		}
		return o.checkTokens(t, allows(userPartner, appPartnerPortal), allows(userCustomer, appPartnerPortal))(s)
	}
}

func TestAccAPIAccessControl_basic(t *testing.T) {
	org := newTestOrg(t)
	setExternal := func(on bool) func() {
		return func() {
			if err := org.adminClient(t).UpdateConnectedAppSettings(context.Background(),
				orgapi.ConnectedAppSettings{EnableAdminApprovedAppsOnlyForExternalUser: &on}); err != nil {
				t.Fatalf("changing the setting out of band: %v", err)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             org.checkSettingsAreDefaults(t),
		Steps: []resource.TestStep{
			{
				// The limit for customers and partners shuts them out of apps that are not installed
				// (Partner_Portal_Mobile was created in the org, so only the limit stands in the way),
				// and their Visualforce sessions too; employees are not affected (the employee
				// authorized the uninstalled Workbench before the usage restriction).
				Config: org.config(apiAccessControlConfig(true, false, false)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiAccessControlAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: expectSwitches(true, false, false),
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkTokens(t,
						denies(userPartner, appPartnerPortal, "invalid_client"),
						denies(userCustomer, appPartnerPortal, "invalid_client"),
						denies(userHighVolume, appPartnerPortal, "invalid_client"),
						allows(userEmployee, appPartnerPortal),
						allows(userEmployee, appWorkbench),
						allows(userAdmin, appWorkbench),
					),
					org.checkVisualforce(t, userPartner, false, "INVALID_SESSION_ID"),
					org.checkVisualforce(t, userEmployee, true, ""),
				),
			},
			{
				Config: org.config(apiAccessControlConfig(true, false, true)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiAccessControlAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: expectSwitches(true, false, true),
				Check:             org.checkVisualforce(t, userPartner, true, ""),
			},
			{
				// The all-users limit shuts employees out of uninstalled apps too; the admin's
				// Use Any API Client still gets through.
				Config: org.config(apiAccessControlConfig(true, true, true)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiAccessControlAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: expectSwitches(true, true, true),
				Check: org.checkTokens(t,
					denies(userEmployee, appWorkbench, "invalid_client"),
					allows(userAdmin, appWorkbench),
					allows(userAdmin, appTerraformAdmin),
				),
			},
			{
				ResourceName:      apiAccessControlAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: stateID(apiAccessControlAddr),
			},
			{
				ResourceName:      apiAccessControlAddr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: stateID(apiAccessControlAddr),
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiAccessControlAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				ResourceName:  apiAccessControlAddr,
				ImportState:   true,
				ImportStateId: sfid.New(sfid.PrefixOrganization, 424242),
				ExpectError:   expectDiagnostics("Import ID Belongs to Another Org"),
			},
			{
				ResourceName:  apiAccessControlAddr,
				ImportState:   true,
				ImportStateId: "Acme",
				ExpectError:   expectDiagnostics("Invalid Import ID", "org id"),
			},
			{
				// A person switches the limit off in Setup: the next plan puts it back.
				PreConfig: setExternal(false),
				Config:    org.config(apiAccessControlConfig(true, true, true)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(apiAccessControlAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(apiAccessControlAddr, tfjsonpath.New(attrLimitExternal), knownvalue.Bool(true)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: expectSwitches(true, true, true),
			},
			{
				PreConfig:          setExternal(false),
				Config:             org.config(apiAccessControlConfig(true, true, true)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// stateID returns the id attribute of addr, for ImportStateIdFunc.
func stateID(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", errors.New(addr + " is not in state")
		}
		return rs.Primary.ID, nil
	}
}

// Destroying the resource restores the defaults, and partners get through apps that are not
// installed again (those created in the org: the usage restriction keeps others closed).
func TestAccAPIAccessControl_destroyRestoresDefaults(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            org.config(apiAccessControlConfig(true, false, false)),
				ConfigStateChecks: expectSwitches(true, false, false),
				Check:             org.checkTokens(t, denies(userPartner, appPartnerPortal, "invalid_client")),
			},
			{
				// Only the provider block: the resource is destroyed.
				Config: org.config(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiAccessControlAddr, plancheck.ResourceActionDestroy)},
				},
				Check: org.checkSettingsAreDefaults(t),
			},
		},
	})
}

// In an org without the setup extension (a real org today) the limits still work, and only the
// Visualforce option fails, at plan time, naming the Setup page.
func TestAccAPIAccessControl_withoutSetupExtension(t *testing.T) {
	org := newTestOrgWith(t, mockorg.Config{DisableSetupExtension: true})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            org.config(apiAccessControlConfig(true, false, false)),
				ConfigStateChecks: expectSwitches(true, false, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkTokens(t, denies(userPartner, appWorkbench, "invalid_client")),
			},
			{
				// The data source reads the limits and leaves the option it cannot read null.
				Config: org.config(apiAccessControlConfig(true, false, false), `
data "sfaccess_api_access_control" "this" {
  depends_on = [sfaccess_api_access_control.this]
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sfaccess_api_access_control.this", tfjsonpath.New(attrLimitExternal), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.sfaccess_api_access_control.this", tfjsonpath.New(attrAllowVF), knownvalue.Null()),
				},
			},
			{
				// The access check needs the install and block state, which only the extension gives.
				Config: org.config(apiAccessControlConfig(true, false, false), `
data "sfaccess_api_access_check" "partner" {
  username           = "partner@acme.test"
  connected_app_name = "Workbench"
}
`),
				ExpectError: expectDiagnostics("Setup Extension Unavailable", "Connected Apps OAuth Usage"),
			},
			{
				Config:      org.config(apiAccessControlConfig(true, false, true)),
				PlanOnly:    true,
				ExpectError: expectDiagnostics("Setup Extension Unavailable", "Setup > Security > API Access Control"),
			},
		},
	})
}

// In an org where Support has not provisioned API Access Control the limits fail at plan time.
func TestAccAPIAccessControl_notProvisioned(t *testing.T) {
	seed := mockorg.DefaultSeed()
	seed.Organization.APIAccessControlProvisioned = false
	for i := range seed.Profiles {
		seed.Profiles[i].Permissions = withoutPermission(seed.Profiles[i].Permissions, orgapi.PermissionUseAnyAPIClient)
	}
	for i := range seed.PermissionSets {
		seed.PermissionSets[i].Permissions = withoutPermission(seed.PermissionSets[i].Permissions, orgapi.PermissionUseAnyAPIClient)
	}
	org := newTestOrgWith(t, mockorg.Config{Seed: seed})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.config(apiAccessControlConfig(false, true, false)),
				ExpectError: expectDiagnostics("API Access Control Not Provisioned", "limit_all_users_to_approved_apps"),
			},
			{
				Config:            org.config(apiAccessControlConfig(false, false, false)),
				ConfigStateChecks: expectSwitches(false, false, false),
			},
		},
	})
}

func withoutPermission(perms []string, drop string) []string {
	var out []string
	for _, p := range perms {
		if p != drop {
			out = append(out, p)
		}
	}
	return out
}

// Users without CustomizeApplication and ModifyAllData are stopped at plan time, with the
// permission named.
func TestAccAPIAccessControl_insufficientPermissions(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.providerConfigAs(t, userAppManager) + apiAccessControlConfig(true, false, false),
				ExpectError: expectDiagnostics("Insufficient Permissions", `CustomizeApplication ("Customize Application") and ModifyAllData ("Modify All Data")`, "appmanager@acme.test lacks", "ModifyAllData"),
			},
			{
				Config:      org.providerConfigAs(t, userReadOnly) + apiAccessControlConfig(true, false, false),
				ExpectError: expectDiagnostics("Insufficient Permissions", "readonly@acme.test lacks", "CustomizeApplication"),
			},
		},
	})
}
