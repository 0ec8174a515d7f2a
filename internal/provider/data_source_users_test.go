package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func userCheck(username, userType, profile string, active bool, grantedThrough ...knownvalue.Check) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"username":        knownvalue.StringExact(username),
		"user_type":       knownvalue.StringExact(userType),
		"profile_name":    knownvalue.StringExact(profile),
		"is_active":       knownvalue.Bool(active),
		"granted_through": knownvalue.ListExact(grantedThrough),
	})
}

func source(kind, name string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"type": knownvalue.StringExact(kind),
		"name": knownvalue.StringExact(name),
	})
}

func TestAccUsersDataSource(t *testing.T) {
	org := newTestOrg(t)
	const external = `
data "sfaccess_users" "external" {
  user_types = ["PowerPartner", "CustomerSuccess", "PowerCustomerSuccess", "CspLitePortal"]
}
`
	const bypass = `
data "sfaccess_users" "bypass" {
  with_permission = "UseAnyApiClient"
}
`
	const all = `
data "sfaccess_users" "all" {}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.config(`data "sfaccess_users" "bad" { user_types = ["Partner"] }`),
				ExpectError: expectDiagnostics(`"Partner" is not a known user type`, "PowerPartner"),
			},
			{
				Config:      org.config(`data "sfaccess_users" "bad" { with_permission = "ViewAllData" }`),
				ExpectError: expectDiagnostics(`"ViewAllData" is not a known user permission`),
			},
			{
				Config: org.config(external, bypass, all),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sfaccess_users.external", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
						userCheck(userCustomer, "CustomerSuccess", "Customer Community User", true),
						userCheck(userCustomerPlus, "PowerCustomerSuccess", "Customer Community Plus User", true),
						userCheck(userHighVolume, "CspLitePortal", "High Volume Customer Portal User", true),
						userCheck(userPartner, "PowerPartner", "Partner Community User", true),
					})),
					// Only the admin bypasses API Access Control, through the profile.
					statecheck.ExpectKnownValue("data.sfaccess_users.bypass", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
						userCheck(userAdmin, "Standard", "System Administrator", true, source("profile", "System Administrator")),
					})),
					statecheck.ExpectKnownValue("data.sfaccess_users.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(len(seededUsers))),
				},
			},
			{
				// Assigned a permission set with Use Any API Client, the partner shows up with it.
				Config: org.config(bypassConfig(userPartner), `
data "sfaccess_users" "bypass" {
  with_permission = "UseAnyApiClient"
  depends_on      = [sfaccess_permission_set_assignment.this]
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sfaccess_users.bypass", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
						userCheck(userAdmin, "Standard", "System Administrator", true, source("profile", "System Administrator")),
						userCheck(userPartner, "PowerPartner", "Partner Community User", true, source("permission_set", "API_Bypass")),
					})),
				},
			},
		},
	})
}

// bypassHoldersConfig is step 2 of the guide "Limit customers and partners to installed apps".
const bypassHoldersConfig = `
resource "sfaccess_permission_set" "api_any_client" {
  name             = "API_Any_Client"
  label            = "API: Use Any API Client"
  user_permissions = ["ApiEnabled", "UseAnyApiClient"]
}

resource "sfaccess_permission_set_assignment" "integration" {
  permission_set_name = sfaccess_permission_set.api_any_client.name
  username            = "customerplus@acme.test"
}

data "sfaccess_users" "bypass" {
  with_permission = "UseAnyApiClient"

  depends_on = [sfaccess_permission_set_assignment.integration]
}

output "api_bypass_holders" {
  value = sort([for u in data.sfaccess_users.bypass.users : u.username])
}
`

// TestAccUsersDataSource_readsAfterTheResourcesItDescribes: as the guide writes it, the data
// source reads the holders after the assignment, so the apply's output already shows the new
// holder and the next plan is empty (without depends_on, it would read the org as it was and the
// next plan would change the output).
func TestAccUsersDataSource_readsAfterTheResourcesItDescribes(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.config(bypassHoldersConfig),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("api_bypass_holders", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(userAdmin), knownvalue.StringExact(userCustomerPlus),
				})),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}
