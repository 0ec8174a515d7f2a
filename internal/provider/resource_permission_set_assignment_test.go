package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const assignmentAddr = "sfaccess_permission_set_assignment.this"

var assignmentIDPattern = regexp.MustCompile(`^0Pa[0-9A-Za-z]{15}$`)

// bypassConfig is a permission set with Use Any API Client assigned to username.
func bypassConfig(username string) string {
	return permissionSetConfig("API_Bypass", "API bypass", "", "ApiEnabled", "UseAnyApiClient") +
		assignmentConfig("sfaccess_permission_set.this.name", fmt.Sprintf("%q", username))
}

// assignmentConfig takes HCL expressions for both attributes.
func assignmentConfig(permissionSet, username string) string {
	return fmt.Sprintf(`
resource "sfaccess_permission_set_assignment" "this" {
  permission_set_name = %s
  username            = %s
}
`, permissionSet, username)
}

// checkAssigned reports whether permissionSet is assigned to username in the org.
func (o *testOrg) checkAssigned(t *testing.T, permissionSet, username string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		all, err := o.adminClient(t).PermissionSetAssignments(context.Background())
		if err != nil {
			return err
		}
		found := false
		for _, a := range all {
			found = found || (a.PermissionSetName == permissionSet && a.Username == username)
		}
		if found != want {
			return fmt.Errorf("%s assigned to %s: %t, want %t", permissionSet, username, found, want)
		}
		return nil
	}
}

// TestAccPermissionSetAssignment_bypass proves the meaning of Use Any API Client: assigned to the
// partner, it lets the partner through an app that is not installed while the limit is on (one
// created in the org, which the usage restriction on uninstalled apps spares; since December 2025
// the permission no longer gets anyone past that restriction, as DataLoader, which the partner never
// authorized, shows); taking the
// assignment away shuts the partner out again.
func TestAccPermissionSetAssignment_bypass(t *testing.T) {
	org := newTestOrg(t)
	limit := apiAccessControlConfig(true, false, false)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			org.checkAssigned(t, "API_Bypass", userPartner, false),
			org.checkAssigned(t, "API_Bypass", userCustomer, false),
		),
		Steps: []resource.TestStep{
			{
				Config: org.config(limit, bypassConfig(userPartner)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(assignmentIDPattern)),
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("permission_set_name"), knownvalue.StringExact("API_Bypass")),
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("username"), knownvalue.StringExact(userPartner)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkAssigned(t, "API_Bypass", userPartner, true),
					org.checkTokens(t,
						allows(userPartner, appPartnerPortal),
						denies(userPartner, appDataLoader, "invalid_client"),
						denies(userCustomer, appPartnerPortal, "invalid_client"),
					),
				),
			},
			{
				ResourceName:      assignmentAddr,
				ImportState:       true,
				ImportStateId:     "API_Bypass/" + userPartner,
				ImportStateVerify: true,
			},
			{
				ResourceName:    assignmentAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "API_Bypass/" + userPartner,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				ResourceName:  assignmentAddr,
				ImportState:   true,
				ImportStateId: "API_Bypass",
				ExpectError:   expectDiagnostics("Invalid Import ID", "permission_set_name/username"),
			},
			{
				ResourceName:  assignmentAddr,
				ImportState:   true,
				ImportStateId: "API_Bypass/" + userEmployee,
				ExpectError:   expectDiagnostics("Permission Set Assignment Not Found"),
			},
			{
				// Another user replaces the assignment: the bypass moves from the partner to the
				// customer.
				Config: org.config(limit, bypassConfig(userCustomer)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkAssigned(t, "API_Bypass", userPartner, false),
					org.checkTokens(t,
						denies(userPartner, appPartnerPortal, "invalid_client"),
						allows(userCustomer, appPartnerPortal),
					),
				),
			},
			{
				// A person removes the assignment in Setup: the next plan assigns it again.
				PreConfig: func() {
					c := org.adminClient(t)
					all, err := c.PermissionSetAssignments(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					for _, a := range all {
						if a.PermissionSetName == "API_Bypass" {
							if err := c.DeletePermissionSetAssignment(context.Background(), a.ID); err != nil {
								t.Fatalf("removing the assignment out of band: %v", err)
							}
						}
					}
				},
				Config: org.config(limit, bypassConfig(userCustomer)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkAssigned(t, "API_Bypass", userCustomer, true),
			},
			{
				// Destroying the assignment takes the bypass away.
				Config: org.config(limit, permissionSetConfig("API_Bypass", "API bypass", "", "ApiEnabled", "UseAnyApiClient")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionDestroy)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkAssigned(t, "API_Bypass", userCustomer, false),
					org.checkTokens(t, denies(userCustomer, appPartnerPortal, "invalid_client")),
				),
			},
		},
	})
}

func TestAccPermissionSetAssignment_planTimeErrors(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.config(assignmentConfig(`"API_Bypass"`, `"partner"`)),
				ExpectError: expectDiagnostics(`"partner" is not a Salesforce username`, "form of an email address"),
			},
			{
				Config:      org.config(assignmentConfig(`"API Bypass"`, fmt.Sprintf("%q", userPartner))),
				ExpectError: expectDiagnostics(`"API Bypass" is not a valid API name`),
			},
			{
				Config:      org.config(bypassConfig("nobody@acme.test")),
				ExpectError: expectDiagnostics("User Not Found", `"nobody@acme.test"`),
			},
			{
				Config:      org.providerConfigAs(t, userAppManager) + assignmentConfig(`"API_Bypass"`, fmt.Sprintf("%q", userPartner)),
				ExpectError: expectDiagnostics("Insufficient Permissions", "appmanager@acme.test lacks", "ManageProfilesPermissionsets"),
			},
		},
	})
}
