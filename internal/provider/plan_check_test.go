package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccPlanCheck_wrongClientSecretFailsThePlan: a plan with a client secret the org rejects is
// not a green plan with a warning, but an error that names the credential to fix, for every kind
// of resource the quickstart plans (those that look things up and those that check permissions).
func TestAccPlanCheck_wrongClientSecretFailsThePlan(t *testing.T) {
	org := newTestOrg(t)
	config := fmt.Sprintf(`
provider "sfaccess" {
  instance_url  = %q
  client_id     = "MockorgAdminKey0001"
  client_secret = "not-the-secret"
}

resource "sfaccess_permission_set" "partner_api" {
  name             = "Partner_API"
  label            = "Partner API"
  user_permissions = ["ApiEnabled"]
}

resource "sfaccess_connected_app_access" "partner_portal" {
  connected_app_name  = %q
  permission_set_name = sfaccess_permission_set.partner_api.name
}

resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true
}
`, org.URL, appPartnerPortal)
	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: expectDiagnostics("Authentication Failed", "while planning", "Fix client_secret (SFACCESS_CLIENT_SECRET) or client_id (SFACCESS_CLIENT_ID)"),
		}},
	})
}
