package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// everyResourceConfig manages one of each resource, with optional arguments set, so that the
// configuration Terraform generates on import has something to get wrong.
const everyResourceConfig = `
resource "sfaccess_api_access_control" "test" {
  limit_external_users_to_installed_apps = true
  allow_visualforce_api_access           = true
}

resource "sfaccess_connected_app" "test" {
  name                      = "Generated_App"
  label                     = "Generated App"
  contact_email             = "platform@acme.test"
  description               = "Imported with generated configuration"
  callback_urls             = ["https://generated.acme.test/cb", "https://generated.acme.test/cb2"]
  scopes                    = ["Api", "RefreshToken"]
  admin_approved_users_only = true
  ip_relaxation             = "BYPASS"
  refresh_token_policy      = "specific_lifetime:30:DAYS"
  pkce_required             = true
}

resource "sfaccess_connected_app_installation" "test" {
  connected_app_name = "Partner_Portal_Mobile"
  blocked            = true
}

resource "sfaccess_permission_set" "test" {
  name             = "Generated_Set"
  label            = "Generated Set"
  description      = "Imported with generated configuration"
  user_permissions = ["ApiEnabled", "UseAnyApiClient"]
}

resource "sfaccess_connected_app_access" "test" {
  connected_app_name  = sfaccess_connected_app.test.name
  permission_set_name = sfaccess_permission_set.test.name
}

resource "sfaccess_permission_set_assignment" "test" {
  permission_set_name = sfaccess_permission_set.test.name
  username            = "partner@acme.test"
}
`

// TestAccImport_generateConfig imports each resource with an import block and
// `terraform plan -generate-config-out`, as a user adopting existing settings would: the generated
// configuration must plan as a pure import, with no change to the org.
func TestAccImport_generateConfig(t *testing.T) {
	org := newTestOrg(t)
	imports := []struct{ addr, id string }{
		{"sfaccess_api_access_control.test", ""},
		{"sfaccess_connected_app.test", "Generated_App"},
		{"sfaccess_connected_app_installation.test", appPartnerPortal},
		{"sfaccess_permission_set.test", "Generated_Set"},
		{"sfaccess_connected_app_access.test", "Generated_App/Generated_Set"},
		{"sfaccess_permission_set_assignment.test", "Generated_Set/" + userPartner},
	}
	steps := []resource.TestStep{{
		Config: org.config(everyResourceConfig),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
	}}
	for _, imp := range imports {
		step := resource.TestStep{
			// The import goes to a new address (<type>.generated) beside the state of the first
			// step. With the first step's configuration it would be a second resource for an
			// object that configuration manages, which the plan refuses; with the provider alone,
			// the first step's resources are planned for destroy and claim nothing.
			Config:          org.config(),
			ResourceName:    imp.addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   imp.id,
			GenerateConfig:  true,
		}
		if imp.id == "" {
			// The settings are imported by the org's id, known only once they are in state.
			step.ImportStateIdFunc = stateID(imp.addr)
		}
		steps = append(steps, step)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}
