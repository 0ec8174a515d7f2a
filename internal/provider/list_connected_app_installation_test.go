package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccConnectedAppInstallationList_filters lists installed apps whatever their origin: the
// embedded org's Terraform_Admin, and Workbench (from another org) once installed blocked.
func TestAccConnectedAppInstallationList_filters(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	app := func(name string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"connected_app_name": knownvalue.StringExact(name)}
	}
	testQuery(t, org, `
resource "sfaccess_connected_app_installation" "workbench" {
  connected_app_name = "Workbench"
  blocked            = true
}
`, `
list "sfaccess_connected_app_installation" "all" {
  provider         = sfaccess
  include_resource = true
}

list "sfaccess_connected_app_installation" "blocked" {
  provider = sfaccess
  config {
    blocked = true
  }
}

list "sfaccess_connected_app_installation" "terraform" {
  provider = sfaccess
  config {
    name_prefix = "Terraform"
    blocked     = false
  }
}
`,
		querycheck.ExpectLength("sfaccess_connected_app_installation.all", 2),
		querycheck.ExpectResourceKnownValues("sfaccess_connected_app_installation.all", queryfilter.ByResourceIdentity(app(appWorkbench)), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("blocked"), KnownValue: knownvalue.Bool(true)},
			{Path: tfjsonpath.New("packaged"), KnownValue: knownvalue.Bool(false)},
			{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringRegexp(connectedAppIDPattern)},
		}),
		querycheck.ExpectLength("sfaccess_connected_app_installation.blocked", 1),
		querycheck.ExpectIdentity("sfaccess_connected_app_installation.blocked", app(appWorkbench)),
		querycheck.ExpectLength("sfaccess_connected_app_installation.terraform", 1),
		querycheck.ExpectIdentity("sfaccess_connected_app_installation.terraform", app(appTerraformAdmin)),
	)
}
