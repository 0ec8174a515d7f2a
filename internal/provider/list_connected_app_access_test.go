package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccConnectedAppAccessList_filters lists the embedded org's grant of Terraform_Admin to the
// System Administrator profile and a grant to a permission set, by app and by permission set.
func TestAccConnectedAppAccessList_filters(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	profileGrant := map[string]knownvalue.Check{
		"connected_app_name":  knownvalue.StringExact(appTerraformAdmin),
		"permission_set_name": knownvalue.Null(),
		"profile_name":        knownvalue.StringExact("System Administrator"),
	}
	setGrant := map[string]knownvalue.Check{
		"connected_app_name":  knownvalue.StringExact(appPartnerPortal),
		"permission_set_name": knownvalue.StringExact("Listed_Portal"),
		"profile_name":        knownvalue.Null(),
	}
	testQuery(t, org, listedAccessConfig, `
list "sfaccess_connected_app_access" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_connected_app_access" "admin_app" {
  provider = sfaccess
  config {
    connected_app_name = "terraform_admin"
  }
}

list "sfaccess_connected_app_access" "portal_set" {
  provider = sfaccess
  config {
    permission_set_name = "Listed_Portal"
  }
}
`,
		querycheck.ExpectLength("sfaccess_connected_app_access.all", 2),
		querycheck.ExpectIdentity("sfaccess_connected_app_access.all", profileGrant),
		querycheck.ExpectResourceKnownValues("sfaccess_connected_app_access.all", queryfilter.ByResourceIdentity(setGrant), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("connected_app_name"), KnownValue: knownvalue.StringExact(appPartnerPortal)},
			{Path: tfjsonpath.New("permission_set_name"), KnownValue: knownvalue.StringExact("Listed_Portal")},
			{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringRegexp(setupEntityAccessIDPattern)},
		}),
		querycheck.ExpectLength("sfaccess_connected_app_access.admin_app", 1),
		querycheck.ExpectIdentity("sfaccess_connected_app_access.admin_app", profileGrant),
		querycheck.ExpectLength("sfaccess_connected_app_access.portal_set", 1),
		querycheck.ExpectIdentity("sfaccess_connected_app_access.portal_set", setGrant),
	)
}
