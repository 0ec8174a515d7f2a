package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

const (
	dataAdminApp    = "data.sfaccess_connected_app.admin"
	dataPackagedApp = "data.sfaccess_connected_app.packaged"
)

const seededAppsDataConfig = `
data "sfaccess_connected_app" "admin" {
  name = "Terraform_Admin"
}

data "sfaccess_connected_app" "packaged" {
  name = "DataLoader"
}
`

func TestAccConnectedAppDataSource(t *testing.T) {
	org := newTestOrg(t)
	adminKey, _ := mockorgtest.AppCredentials(t, appTerraformAdmin)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.providerConfig() + seededAppsDataConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("id"), knownvalue.StringRegexp(connectedAppIDPattern)),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("label"), knownvalue.StringExact("Terraform Admin")),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("consumer_key"), knownvalue.StringExact(adminKey)),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("admin_approved_users_only"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("installed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("blocked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("packaged"), knownvalue.Bool(false)),

					statecheck.ExpectKnownValue(dataPackagedApp, tfjsonpath.New("label"), knownvalue.StringExact("Dataloader Partner")),
					statecheck.ExpectKnownValue(dataPackagedApp, tfjsonpath.New("admin_approved_users_only"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(dataPackagedApp, tfjsonpath.New("installed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(dataPackagedApp, tfjsonpath.New("packaged"), knownvalue.Bool(true)),
				},
			},
			{
				// An app created by Terraform is local, hence installed, and readable by its name.
				Config: org.providerConfig() + minimalConnectedApp("Fresh_App") + `
data "sfaccess_connected_app" "fresh" {
  name = sfaccess_connected_app.test.name
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.sfaccess_connected_app.fresh", tfjsonpath.New("id"), testAppAddr, tfjsonpath.New("id"), compareSame),
					statecheck.CompareValuePairs("data.sfaccess_connected_app.fresh", tfjsonpath.New("consumer_key"), testAppAddr, tfjsonpath.New("consumer_key"), compareSame),
					statecheck.ExpectKnownValue("data.sfaccess_connected_app.fresh", tfjsonpath.New("installed"), knownvalue.Bool(true)),
				},
			},
			{
				Config:      org.providerConfig() + `data "sfaccess_connected_app" "missing" { name = "No_Such_App" }`,
				ExpectError: expectDiagnostics(`The org has no connected app named "No_Such_App"`),
			},
		},
	})
}

// TestAccConnectedAppDataSource_withoutSetupExtension reads against an org that behaves like a
// real one: the OAuth Usage columns are null rather than the read failing.
func TestAccConnectedAppDataSource_withoutSetupExtension(t *testing.T) {
	org := newTestOrgWith(t, mockorg.Config{DisableSetupExtension: true})
	adminKey, _ := mockorgtest.AppCredentials(t, appTerraformAdmin)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.providerConfig() + seededAppsDataConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("id"), knownvalue.StringRegexp(connectedAppIDPattern)),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("consumer_key"), knownvalue.StringExact(adminKey)),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("admin_approved_users_only"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("refresh_token_requires_secret"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("installed"), knownvalue.Null()),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("blocked"), knownvalue.Null()),
					statecheck.ExpectKnownValue(dataAdminApp, tfjsonpath.New("packaged"), knownvalue.Null()),
				},
			},
		},
	})
}
