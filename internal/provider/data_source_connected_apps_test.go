package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

const dataAllApps = "data.sfaccess_connected_apps.all"

var compareSame = compare.ValuesSame()

// usageRow matches one entry of connected_apps.
func usageRow(name string, installed, blocked, packaged, local bool) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"id":        knownvalue.StringRegexp(connectedAppIDPattern),
		"name":      knownvalue.StringExact(name),
		"installed": knownvalue.Bool(installed),
		"blocked":   knownvalue.Bool(blocked),
		"packaged":  knownvalue.Bool(packaged),
		"local":     knownvalue.Bool(local),
	})
}

func TestAccConnectedAppsDataSource(t *testing.T) {
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.providerConfig() + `data "sfaccess_connected_apps" "all" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAllApps, tfjsonpath.New("id"), knownvalue.StringRegexp(orgIDPattern)),
					// The embedded org's four apps, sorted by API name.
					statecheck.ExpectKnownValue(dataAllApps, tfjsonpath.New("connected_apps"), knownvalue.ListExact([]knownvalue.Check{
						usageRow(appDataLoader, false, false, true, false),
						usageRow(appPartnerPortal, false, false, false, true),
						usageRow(appTerraformAdmin, true, false, false, true),
						usageRow(appWorkbench, false, false, false, false),
					})),
					statecheck.ExpectKnownValue(dataAllApps, tfjsonpath.New("connected_apps").AtSliceIndex(2).AtMapKey("admin_approved_users_only"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(dataAllApps, tfjsonpath.New("connected_apps").AtSliceIndex(2).AtMapKey("label"), knownvalue.StringExact("Terraform Admin")),
				},
			},
			{
				// A new app appears in the list, in its place.
				Config: org.providerConfig() + minimalConnectedApp("Mobile_Fresh") + `
data "sfaccess_connected_apps" "all" {
  depends_on = [sfaccess_connected_app.test]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAllApps, tfjsonpath.New("connected_apps"), knownvalue.ListExact([]knownvalue.Check{
						usageRow(appDataLoader, false, false, true, false),
						usageRow("Mobile_Fresh", true, false, false, true),
						usageRow(appPartnerPortal, false, false, false, true),
						usageRow(appTerraformAdmin, true, false, false, true),
						usageRow(appWorkbench, false, false, false, false),
					})),
					statecheck.CompareValuePairs(dataAllApps, tfjsonpath.New("connected_apps").AtSliceIndex(1).AtMapKey("id"), testAppAddr, tfjsonpath.New("id"), compareSame),
				},
			},
		},
	})
}

func TestAccConnectedAppsDataSource_withoutSetupExtension(t *testing.T) {
	org := newTestOrgWith(t, mockorg.Config{DisableSetupExtension: true})
	// The label is ConnectedApplication.Name, so it is known without the extension.
	withoutUsage := func(name, label string, adminApproved bool) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":                        knownvalue.StringRegexp(connectedAppIDPattern),
			"name":                      knownvalue.StringExact(name),
			"admin_approved_users_only": knownvalue.Bool(adminApproved),
			"label":                     knownvalue.StringExact(label),
			"installed":                 knownvalue.Null(),
			"blocked":                   knownvalue.Null(),
			"packaged":                  knownvalue.Null(),
			"local":                     knownvalue.Null(),
			"user_count":                knownvalue.Null(),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.providerConfig() + `data "sfaccess_connected_apps" "all" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAllApps, tfjsonpath.New("connected_apps"), knownvalue.ListExact([]knownvalue.Check{
						withoutUsage(appDataLoader, "Dataloader Partner", false),
						withoutUsage(appPartnerPortal, "Partner Portal Mobile", false),
						withoutUsage(appTerraformAdmin, "Terraform Admin", true),
						withoutUsage(appWorkbench, "Workbench", false),
					})),
				},
			},
		},
	})
}
