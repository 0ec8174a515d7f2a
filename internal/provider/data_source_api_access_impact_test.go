package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

func impactRow(username, app, rule string) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"username": knownvalue.StringExact(username), "connected_app_name": knownvalue.StringExact(app), "rule": knownvalue.StringExact(rule),
	})
}

// TestAccAPIAccessImpact predicts a hypothetical setting, then applies it for real: every predicted
// loss is refused a token and every other user of the apps gets one.
func TestAccAPIAccessImpact(t *testing.T) {
	o := newTestOrgWith(t, mockorg.Config{Seed: usageSeed()})
	const impact = `
data "sfaccess_api_access_impact" "this" {
  limit_external_users_to_installed_apps = true
  blocked_apps                           = ["DataLoader"]
  permission_set_permissions             = { Partner_Bypass = ["UseAnyApiClient"] }
  assignments_added                      = [{ permission_set_name = "Partner_Bypass", username = "customer@acme.test" }]
  max_listed                             = 2
}
`
	addr := "data.sfaccess_api_access_impact.this"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: o.config(impact),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("losses"), knownvalue.ListExact([]knownvalue.Check{
						impactRow("partner@acme.test", "Workbench", "external_app_not_installed"),
						impactRow("highvolume@acme.test", "Partner_Portal_Mobile", "external_app_not_installed"),
						impactRow("customerplus@acme.test", "Workbench", "external_app_not_installed"),
						impactRow("admin@acme.test", "DataLoader", "app_blocked"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("gains"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("lost_users"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("summary"), knownvalue.StringRegexp(regexp.MustCompile(
						`(?s)LOSE access through Workbench: 2 users, 640 uses in all.*partner@acme.test.*- and 1 more.*In all: 4 users lose access`))),
				},
			},
			{
				Config: o.config(`
resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true
}

resource "sfaccess_connected_app_installation" "dataloader" {
  connected_app_name = "DataLoader"
  blocked            = true
}

resource "sfaccess_permission_set" "bypass" {
  name             = "Partner_Bypass"
  label            = "Partner Bypass"
  user_permissions = ["UseAnyApiClient"]
}

resource "sfaccess_permission_set_assignment" "customer" {
  permission_set_name = sfaccess_permission_set.bypass.name
  username            = "customer@acme.test"
}
`),
				Check: o.checkTokens(t,
					denies("partner@acme.test", "Workbench", "invalid_client"),
					denies("highvolume@acme.test", "Partner_Portal_Mobile", "invalid_client"),
					denies("customerplus@acme.test", "Workbench", "invalid_client"),
					denies("admin@acme.test", "DataLoader", "OAUTH_APP_BLOCKED"),
					allows("customer@acme.test", "Partner_Portal_Mobile"),
					allows("employee@acme.test", "Workbench")),
			},
		},
	})
}
