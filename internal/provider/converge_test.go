package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// convergeConfig declares one object of each type that has something to change, in version v:
// every change between versions 1 and 2 is an update in place or, for the grants and the
// assignment (whose attributes all force replacement), a delete and a create.
func convergeConfig(v int) string {
	profile, user := []string{"Standard User", "System Administrator"}[v-1], []string{userPartner, userCustomer}[v-1]
	return fmt.Sprintf(`
resource "sfaccess_connected_app" "app" {
  name                      = "%[1]sApp"
  label                     = "Rel App v%[2]d"
  contact_email             = "rel@acme.test"
  callback_urls             = ["https://localhost/callback"]
  scopes                    = ["Api"]
  admin_approved_users_only = true
}

resource "sfaccess_connected_app_installation" "inst" {
  connected_app_name = sfaccess_connected_app.app.name
  blocked            = %[3]t
}

resource "sfaccess_permission_set" "ps" {
  count            = 2
  name             = "%[1]sPS_${count.index}"
  label            = "Rel PS v%[2]d"
  user_permissions = ["ApiEnabled"]
}

resource "sfaccess_connected_app_access" "grant" {
  connected_app_name  = sfaccess_connected_app.app.name
  permission_set_name = sfaccess_permission_set.ps[%[4]d].name
}

resource "sfaccess_permission_set_assignment" "assign" {
  permission_set_name = sfaccess_permission_set.ps[0].name
  username            = %[5]q
}

resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = %[3]t
  allow_visualforce_api_access           = %[3]t
}

resource "sfaccess_external_client_app" "eca" {
  name          = "%[1]sECA"
  label         = "Rel ECA v%[2]d"
  contact_email = "rel@acme.test"
  scopes        = ["Api"]
}

resource "sfaccess_external_client_app_access" "eca" {
  external_client_app_name = sfaccess_external_client_app.eca.name
  profile_name             = %[6]q
}

resource "sfaccess_external_client_app_settings" "org" {
  allow_consumer_secrets_via_rest_api = %[3]t
}
`, relPrefix, v, v == 2, v-1, user, profile)
}

// TestAccReliabilityUnknownUpdateOutcome makes the org carry out each change of an applied
// configuration and then answer 503, with max_retries = 0, so the provider never sees the answer
// to its update or delete: each is read back, the apply succeeds because the org holds what the
// plan asked for, and the next plan is empty.
func TestAccReliabilityUnknownUpdateOutcome(t *testing.T) {
	update, replace := plancheck.ResourceActionUpdate, plancheck.ResourceActionReplace
	for _, tc := range []struct {
		name, paths, addr string
		action            plancheck.ResourceActionType
	}{
		// Metadata SOAP carries the connected app, the ECA, the ECA's grants (a read-modify-write
		// of its policies) and both settings: with these paths every one of them meets the fault.
		{"connected app", "^/services/Soap/m/", "sfaccess_connected_app.app", update},
		{"external client app", "^/services/Soap/m/", "sfaccess_external_client_app.eca", update},
		{"external client app grant", "^/services/Soap/m/", "sfaccess_external_client_app_access.eca", replace},
		{"external client app settings", "^/services/Soap/m/", "sfaccess_external_client_app_settings.org", update},
		{"installation", "/sfaccess/connected-apps/[^/]+/installation$", "sfaccess_connected_app_installation.inst", update},
		{"permission set", "/sobjects/PermissionSet/", "sfaccess_permission_set.ps[0]", update},
		// Concurrent grants and assignments go to the org together through sObject Collections.
		{"grant", "/composite/sobjects$|/sobjects/SetupEntityAccess", "sfaccess_connected_app_access.grant", replace},
		{"assignment", "/composite/sobjects$|/sobjects/PermissionSetAssignment", "sfaccess_permission_set_assignment.assign", replace},
		{"api access control", "/sfaccess/api-access-control$", "sfaccess_api_access_control.this", update},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newTestOrg(t)
			config := func(v int) string { return org.providerConfigWith("max_retries = 0") + convergeConfig(v) }
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: config(1)},
					{
						PreConfig: func() { org.Faults(t, map[string]any{"after_commit_rate": 1, "paths": tc.paths}) },
						Config:    config(2),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(tc.addr, tc.action),
						}},
						Check: org.checkOrgMatchesState(t),
					},
					{
						PreConfig: func() { org.Faults(t, map[string]any{"rate": 0}) },
						Config:    config(2),
						PlanOnly:  true,
					},
				},
			})
		})
	}
}
