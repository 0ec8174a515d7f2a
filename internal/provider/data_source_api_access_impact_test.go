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

func ecaImpactRow(username, eca, rule string) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"username": knownvalue.StringExact(username), "connected_app_name": knownvalue.Null(),
		"external_client_app_name": knownvalue.StringExact(eca), "rule": knownvalue.StringExact(rule),
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

// TestAccAPIAccessImpactOfExternalClientApps predicts hypothetical ECA settings: the OAuth plugin
// off cuts off every user of the ECA, and the all-users limit cuts off the connected apps' users
// but none of the ECA's (API Access Control does not govern External Client Apps).
func TestAccAPIAccessImpactOfExternalClientApps(t *testing.T) {
	o := newTestOrgWith(t, mockorg.Config{Seed: ecaUsageSeed()})
	addr := "data.sfaccess_api_access_impact.this"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: o.config(`
data "sfaccess_api_access_impact" "this" {
  disabled_external_client_apps = ["Acme_Sync"]
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("losses"), knownvalue.ListExact([]knownvalue.Check{
						ecaImpactRow("employee@acme.test", "Acme_Sync", "eca_oauth_plugin_disabled"),
						ecaImpactRow("admin@acme.test", "Acme_Sync", "eca_oauth_plugin_disabled"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("summary"), knownvalue.StringRegexp(regexp.MustCompile(
						`LOSE access through External Client App Acme_Sync: 2 users, 303 uses in all \(rule eca_oauth_plugin_disabled`))),
				},
			},
			{
				Config: o.config(`
data "sfaccess_api_access_impact" "this" {
  limit_all_users_to_approved_apps = true
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("losses"), knownvalue.ListExact([]knownvalue.Check{
						impactRow("partner@acme.test", "Workbench", "app_not_approved"),
						impactRow("customer@acme.test", "Partner_Portal_Mobile", "app_not_approved"),
						impactRow("highvolume@acme.test", "Partner_Portal_Mobile", "app_not_approved"),
						impactRow("customerplus@acme.test", "Workbench", "app_not_approved"),
						impactRow("employee@acme.test", "Workbench", "app_not_approved"),
					})),
				},
			},
		},
	})
}
