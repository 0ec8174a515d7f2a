package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccExternalClientAppAccessList_filters lists Acme_Sync's two profile grants and a grant of
// Ledger_Sync to a permission set, by app, by permission set and by profile.
func TestAccExternalClientAppAccessList_filters(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	grant := func(app, permissionSet, profile string) map[string]knownvalue.Check {
		nameOrNull := func(s string) knownvalue.Check {
			if s == "" {
				return knownvalue.Null()
			}
			return knownvalue.StringExact(s)
		}
		return map[string]knownvalue.Check{
			"external_client_app_name": knownvalue.StringExact(app),
			"permission_set_name":      nameOrNull(permissionSet),
			"profile_name":             nameOrNull(profile),
		}
	}
	setGrant := grant("Ledger_Sync", "Ledger_Users", "")
	testQuery(t, org, listedECAConfig, `
list "sfaccess_external_client_app_access" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_external_client_app_access" "acme" {
  provider = sfaccess
  config {
    external_client_app_name = "acme_sync"
  }
}

list "sfaccess_external_client_app_access" "ledger_users" {
  provider = sfaccess
  config {
    permission_set_name = "Ledger_Users"
  }
}

list "sfaccess_external_client_app_access" "standard_users" {
  provider = sfaccess
  config {
    profile_name = "standard user"
  }
}
`,
		querycheck.ExpectLength("sfaccess_external_client_app_access.all", 3),
		querycheck.ExpectIdentity("sfaccess_external_client_app_access.all", grant("Acme_Sync", "", "System Administrator")),
		querycheck.ExpectResourceKnownValues("sfaccess_external_client_app_access.all", queryfilter.ByResourceIdentity(setGrant), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("Ledger_Sync/Ledger_Users")},
		}),
		querycheck.ExpectLength("sfaccess_external_client_app_access.acme", 2),
		querycheck.ExpectIdentity("sfaccess_external_client_app_access.acme", grant("Acme_Sync", "", "Standard User")),
		querycheck.ExpectLength("sfaccess_external_client_app_access.ledger_users", 1),
		querycheck.ExpectIdentity("sfaccess_external_client_app_access.ledger_users", setGrant),
		querycheck.ExpectLength("sfaccess_external_client_app_access.standard_users", 1),
		querycheck.ExpectIdentity("sfaccess_external_client_app_access.standard_users", grant("Acme_Sync", "", "Standard User")),
	)
}
