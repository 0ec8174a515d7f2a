package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
)

// TestAccPermissionSetAssignmentList_filters finds who holds Use Any API Client through a
// permission set, narrowed by user type, and the assignments of one set. The System
// Administrator holds the permission through the profile and has no assignment to list.
func TestAccPermissionSetAssignmentList_filters(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	assignment := func(set, username string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"permission_set_name": knownvalue.StringExact(set), "username": knownvalue.StringExact(username)}
	}
	testQuery(t, org, listedAccessConfig, `
list "sfaccess_permission_set_assignment" "all" {
  provider = sfaccess
}

list "sfaccess_permission_set_assignment" "bypass" {
  provider         = sfaccess
  include_resource = true
  config {
    with_permission = "UseAnyApiClient"
  }
}

list "sfaccess_permission_set_assignment" "external_bypass" {
  provider = sfaccess
  config {
    with_permission = "UseAnyApiClient"
    user_types      = ["PowerCustomerSuccess", "PowerPartner"]
  }
}

list "sfaccess_permission_set_assignment" "portal" {
  provider = sfaccess
  config {
    permission_set_name = "Listed_Portal"
  }
}
`,
		querycheck.ExpectLength("sfaccess_permission_set_assignment.all", 3),
		querycheck.ExpectLength("sfaccess_permission_set_assignment.bypass", 2),
		querycheck.ExpectIdentity("sfaccess_permission_set_assignment.bypass", assignment("Listed_Bypass", userEmployee)),
		querycheck.ExpectIdentity("sfaccess_permission_set_assignment.bypass", assignment("Listed_Bypass", userCustomerPlus)),
		querycheck.ExpectLength("sfaccess_permission_set_assignment.external_bypass", 1),
		querycheck.ExpectIdentity("sfaccess_permission_set_assignment.external_bypass", assignment("Listed_Bypass", userCustomerPlus)),
		querycheck.ExpectLength("sfaccess_permission_set_assignment.portal", 1),
		querycheck.ExpectIdentity("sfaccess_permission_set_assignment.portal", assignment("Listed_Portal", userPartner)),
	)
}
