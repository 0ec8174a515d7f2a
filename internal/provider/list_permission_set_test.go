package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// listedAccessConfig gives the list tests permission sets, assignments and grants to find: one
// set that bypasses API Access Control, assigned to an employee and a Customer Community Plus
// user, and one that does not, assigned to a partner and granted the portal app.
const listedAccessConfig = `
resource "sfaccess_permission_set" "bypass" {
  name             = "Listed_Bypass"
  label            = "Listed Bypass"
  user_permissions = ["ApiEnabled", "UseAnyApiClient"]
}

resource "sfaccess_permission_set" "portal" {
  name             = "Listed_Portal"
  label            = "Listed Portal"
  description      = "Partners on the portal app"
  user_permissions = ["ApiEnabled"]
}

resource "sfaccess_permission_set_assignment" "employee" {
  permission_set_name = sfaccess_permission_set.bypass.name
  username            = "employee@acme.test"
}

resource "sfaccess_permission_set_assignment" "customerplus" {
  permission_set_name = sfaccess_permission_set.bypass.name
  username            = "customerplus@acme.test"
}

resource "sfaccess_permission_set_assignment" "partner" {
  permission_set_name = sfaccess_permission_set.portal.name
  username            = "partner@acme.test"
}

resource "sfaccess_connected_app_access" "portal" {
  connected_app_name  = "Partner_Portal_Mobile"
  permission_set_name = sfaccess_permission_set.portal.name
}
`

// TestAccPermissionSetList_filters lists the permission sets that can be managed: never the ones
// Salesforce keeps for the embedded org's eight profiles.
func TestAccPermissionSetList_filters(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	byName := func(name string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"name": knownvalue.StringExact(name)})
	}
	testQuery(t, org, listedAccessConfig, `
list "sfaccess_permission_set" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_permission_set" "bypassing" {
  provider = sfaccess
  config {
    with_permission = "UseAnyApiClient"
  }
}

list "sfaccess_permission_set" "prefixed" {
  provider = sfaccess
  config {
    name_prefix = "listed_p"
  }
}
`,
		querycheck.ExpectLength("sfaccess_permission_set.all", 2),
		querycheck.ExpectResourceKnownValues("sfaccess_permission_set.all", byName("Listed_Portal"), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("label"), KnownValue: knownvalue.StringExact("Listed Portal")},
			{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("Partners on the portal app")},
			{Path: tfjsonpath.New("user_permissions"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ApiEnabled")})},
		}),
		querycheck.ExpectLength("sfaccess_permission_set.bypassing", 1),
		querycheck.ExpectIdentity("sfaccess_permission_set.bypassing", map[string]knownvalue.Check{"name": knownvalue.StringExact("Listed_Bypass")}),
		querycheck.ExpectLength("sfaccess_permission_set.prefixed", 1),
		querycheck.ExpectIdentity("sfaccess_permission_set.prefixed", map[string]knownvalue.Check{"name": knownvalue.StringExact("Listed_Portal")}),
	)
}
