package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// listedECAConfig adds to the embedded org's Acme_Sync and Partner_Self_Service an ECA granted to
// a permission set.
const listedECAConfig = `
resource "sfaccess_permission_set" "ledger" {
  name  = "Ledger_Users"
  label = "Ledger Users"
}

resource "sfaccess_external_client_app" "ledger" {
  name          = "Ledger_Sync"
  label         = "Ledger Sync"
  contact_email = "platform@acme.test"
  scopes        = ["Api"]
  callback_url  = "https://ledger.acme.test/cb"
}

resource "sfaccess_external_client_app_access" "ledger" {
  external_client_app_name = sfaccess_external_client_app.ledger.name
  permission_set_name      = sfaccess_permission_set.ledger.name
}
`

// TestAccExternalClientAppList_filters lists the org's ECAs with their definitions and policies,
// and narrows them by name prefix, plugin switch and Permitted Users policy.
func TestAccExternalClientAppList_filters(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	named := func(name string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"name": knownvalue.StringExact(name)}
	}
	testQuery(t, org, listedECAConfig, `
list "sfaccess_external_client_app" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_external_client_app" "acme" {
  provider = sfaccess
  config {
    name_prefix = "acme"
  }
}

list "sfaccess_external_client_app" "plugin_off" {
  provider = sfaccess
  config {
    oauth_plugin_enabled = false
  }
}

list "sfaccess_external_client_app" "admin_approved" {
  provider = sfaccess
  config {
    admin_approved_users_only = true
  }
}
`,
		querycheck.ExpectLength("sfaccess_external_client_app.all", 3),
		querycheck.ExpectIdentity("sfaccess_external_client_app.all", named("Partner_Self_Service")),
		querycheck.ExpectResourceKnownValues("sfaccess_external_client_app.all", queryfilter.ByResourceIdentity(named("Acme_Sync")), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("label"), KnownValue: knownvalue.StringExact("Acme Sync")},
			{Path: tfjsonpath.New("client_credentials_user"), KnownValue: knownvalue.StringExact(userAdmin)},
			{Path: tfjsonpath.New("admin_approved_users_only"), KnownValue: knownvalue.Bool(true)},
			{Path: tfjsonpath.New("consumer_key"), KnownValue: knownvalue.StringExact("AcmeSyncKey0001")},
			{Path: tfjsonpath.New("scopes"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Api"), knownvalue.StringExact("RefreshToken")})},
		}),
		querycheck.ExpectResourceKnownValues("sfaccess_external_client_app.all", queryfilter.ByResourceIdentity(named("Ledger_Sync")), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("callback_url"), KnownValue: knownvalue.StringExact("https://ledger.acme.test/cb")},
			{Path: tfjsonpath.New("oauth_plugin_enabled"), KnownValue: knownvalue.Bool(true)},
		}),
		querycheck.ExpectLength("sfaccess_external_client_app.acme", 1),
		querycheck.ExpectIdentity("sfaccess_external_client_app.acme", named("Acme_Sync")),
		querycheck.ExpectLength("sfaccess_external_client_app.plugin_off", 1),
		querycheck.ExpectIdentity("sfaccess_external_client_app.plugin_off", named("Partner_Self_Service")),
		querycheck.ExpectLength("sfaccess_external_client_app.admin_approved", 2),
		querycheck.ExpectIdentity("sfaccess_external_client_app.admin_approved", named("Ledger_Sync")),
	)
}
