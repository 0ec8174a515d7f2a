package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// scopedAppConfig creates and installs an app whose scope changes refresh its installed scopes
// through the action, as the action's documentation recommends.
func scopedAppConfig(scopes ...string) string {
	return fmt.Sprintf(`
resource "sfaccess_connected_app" "test" {
  name          = "Scoped_Portal"
  label         = "Scoped Portal"
  contact_email = "platform@acme.test"
  callback_urls = ["https://portal.acme.test/oauth/callback"]
  scopes        = ["%s"]

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.sfaccess_refresh_app_scopes.portal]
    }
  }
}

resource "sfaccess_connected_app_installation" "this" {
  connected_app_name = sfaccess_connected_app.test.name
}

action "sfaccess_refresh_app_scopes" "portal" {
  config {
    connected_app_name = sfaccess_connected_app.test.name
  }
}
`, strings.Join(scopes, `", "`))
}

// TestAccRefreshAppScopesAction changes an installed app's scopes: the action triggered by the
// change blocks and unblocks the app (two Block calls), the session issued under the old scopes
// ends, the app ends installed and unblocked and users log in again. On an app that is not
// installed the action fails and says why.
func TestAccRefreshAppScopesAction(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	var employee *liveSession
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   actionsSupported,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.config(scopedAppConfig("Api", "RefreshToken")),
				Check: resource.ComposeAggregateTestCheckFunc(
					// Creating the app does not fire the action: the org served no Block call.
					org.checkOperationCount(t, "setup:blockApp", 0),
					func(*terraform.State) error {
						employee = org.openSession(t, userEmployee, "Scoped_Portal")
						return nil
					},
					org.checkSessionsAlive(t, true, &employee),
				),
			},
			{
				PreConfig: func() { org.ResetStats(t) },
				Config:    org.config(scopedAppConfig("Api", "RefreshToken", "OpenID")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("sfaccess_connected_app.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkOperationCount(t, "setup:blockApp", 2),
					org.checkSessionsAlive(t, false, &employee),
					org.checkInstalled(t, "Scoped_Portal", true, false),
					func(*terraform.State) error {
						fresh := org.openSession(t, userEmployee, "Scoped_Portal")
						return org.checkSessionsAlive(t, true, &fresh)(nil)
					},
				),
			},
			{
				Config:      org.config(triggeredAction("go", "now", "after_create", "sfaccess_refresh_app_scopes", "workbench", `"`+appWorkbench+`"`)),
				ExpectError: expectDiagnostics("Connected App Not Installed", "Workbench is not installed"),
			},
		},
	})
}
