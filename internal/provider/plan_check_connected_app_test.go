package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccConnectedApp_versionFieldsRefusedAtPlan: refresh_token_requires_secret = false needs API
// 51.0. At 50.0 it used to pass the plan and fail at apply; now the plan fails, naming both
// versions, and nothing is written.
func TestAccConnectedApp_versionFieldsRefusedAtPlan(t *testing.T) {
	testAccPreCheck(t)
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { org.ResetStats(t) },
				Config: org.providerConfigWith(`api_version = "50.0"`) + `
resource "sfaccess_connected_app" "test" {
  name                          = "Refresh_App"
  label                         = "Refresh App"
  contact_email                 = "platform@acme.test"
  callback_urls                 = ["https://portal.acme.test/oauth/callback"]
  scopes                        = ["Api", "RefreshToken"]
  refresh_token_requires_secret = false
}
`,
				ExpectError: expectDiagnostics("Not Available at This API Version", "Refresh_App", "API version 50.0",
					"needs API version 51.0 or later", "Raise the provider's api_version"),
			},
			{Config: org.config(), Check: org.checkNoWrites(t, "the refused plan")},
		},
	})
}
