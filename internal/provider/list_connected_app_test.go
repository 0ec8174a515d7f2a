package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccConnectedAppList_filters lists the apps created in the org: the embedded org's two local
// apps and one created here, never the packaged DataLoader or Workbench from another org.
func TestAccConnectedAppList_filters(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	created := `
resource "sfaccess_connected_app" "listed" {
  name          = "Listed_App"
  label         = "Listed App"
  contact_email = "platform@acme.test"
  callback_urls = ["https://listed.acme.test/cb"]
  scopes        = ["Api"]
}
`
	query := `
list "sfaccess_connected_app" "all" {
  provider = sfaccess
}

list "sfaccess_connected_app" "installed_unblocked" {
  provider = sfaccess
  config {
    installed = true
    blocked   = false
  }
}

list "sfaccess_connected_app" "prefixed" {
  provider         = sfaccess
  include_resource = true
  config {
    name_prefix = "listed_"
  }
}

list "sfaccess_connected_app" "first" {
  provider = sfaccess
  limit    = 1
}

list "sfaccess_connected_app" "not_installed" {
  provider = sfaccess
  config {
    installed = false
  }
}
`
	byName := func(name string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"name": knownvalue.StringExact(name)})
	}
	testQuery(t, org, created, query,
		querycheck.ExpectLength("sfaccess_connected_app.all", 3),
		querycheck.ExpectIdentity("sfaccess_connected_app.all", map[string]knownvalue.Check{"name": knownvalue.StringExact(appTerraformAdmin)}),
		querycheck.ExpectIdentity("sfaccess_connected_app.all", map[string]knownvalue.Check{"name": knownvalue.StringExact(appPartnerPortal)}),
		querycheck.ExpectLength("sfaccess_connected_app.first", 1),
		querycheck.ExpectLength("sfaccess_connected_app.installed_unblocked", 2),
		querycheck.ExpectLength("sfaccess_connected_app.not_installed", 1),
		querycheck.ExpectIdentity("sfaccess_connected_app.not_installed", map[string]knownvalue.Check{"name": knownvalue.StringExact(appPartnerPortal)}),
		querycheck.ExpectLength("sfaccess_connected_app.prefixed", 1),
		querycheck.ExpectResourceDisplayName("sfaccess_connected_app.prefixed", byName("Listed_App"), knownvalue.StringExact("Listed App (Listed_App)")),
		querycheck.ExpectResourceKnownValues("sfaccess_connected_app.prefixed", byName("Listed_App"), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("label"), KnownValue: knownvalue.StringExact("Listed App")},
			{Path: tfjsonpath.New("callback_urls"), KnownValue: knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("https://listed.acme.test/cb")})},
			{Path: tfjsonpath.New("consumer_secret_wo"), KnownValue: knownvalue.Null()},
		}),
	)
}
