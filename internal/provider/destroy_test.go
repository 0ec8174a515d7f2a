package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// goneConfig declares one object of every resource type, the grant, installation and assignment
// depending on the app and the permission set this configuration creates.
const goneConfig = `
resource "sfaccess_connected_app" "gone" {
  name          = "Gone_App"
  label         = "Gone App"
  contact_email = "platform@acme.test"
  callback_urls = ["https://gone.acme.test/oauth/callback"]
  scopes        = ["Api"]
}

resource "sfaccess_connected_app_installation" "gone" {
  connected_app_name = sfaccess_connected_app.gone.name
}

resource "sfaccess_permission_set" "gone" {
  name             = "Gone_Set"
  label            = "Gone Set"
  user_permissions = ["ApiEnabled"]
}

resource "sfaccess_connected_app_access" "gone" {
  connected_app_name  = sfaccess_connected_app.gone.name
  permission_set_name = sfaccess_permission_set.gone.name
}

resource "sfaccess_permission_set_assignment" "gone" {
  permission_set_name = sfaccess_permission_set.gone.name
  username            = "partner@acme.test"
}

resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true
}
`

// TestAccDestroy_objectsDeletedOutsideTerraform: everything a configuration manages is deleted
// in the org by someone else. A refreshing plan notices (and plans to create it again), and a
// destroy that does not refresh, which is how terraform-plugin-testing destroys (and what
// terraform destroy -refresh=false does), succeeds: each Delete finds its object already gone.
func TestAccDestroy_objectsDeletedOutsideTerraform(t *testing.T) {
	t.Run("each object", func(t *testing.T) { testDestroyAfterDeletion(t, true) })
	// Deleting an app in App Manager takes its grants and installation with it: their Deletes meet
	// objects that went with their parent. (A permission set cannot be deleted while assigned.)
	t.Run("the app", func(t *testing.T) { testDestroyAfterDeletion(t, false) })
}

func testDestroyAfterDeletion(t *testing.T, eachObject bool) {
	org := newTestOrg(t)
	ctx := context.Background()
	ids := map[string]string{}
	noteIDs := func(s *terraform.State) error {
		for addr, r := range s.RootModule().Resources {
			ids[addr] = r.Primary.ID
		}
		return nil
	}
	deleteOutOfBand := func() {
		admin := org.adminClient(t)
		type change struct {
			what string
			do   func() error
		}
		changes := []change{{"deleting the app", func() error { return admin.DeleteConnectedApp(ctx, "Gone_App") }}}
		if eachObject {
			changes = append([]change{
				{"revoking the grant", func() error { return admin.RevokeConnectedAppGrant(ctx, ids["sfaccess_connected_app_access.gone"]) }},
				{"removing the assignment", func() error {
					return admin.DeletePermissionSetAssignment(ctx, ids["sfaccess_permission_set_assignment.gone"])
				}},
				{"uninstalling the app", func() error { return admin.Uninstall(ctx, ids["sfaccess_connected_app_installation.gone"]) }},
				{"deleting the permission set", func() error { return admin.DeletePermissionSet(ctx, ids["sfaccess_permission_set.gone"]) }},
			}, changes...)
		}
		for _, c := range changes {
			if err := c.do(); err != nil {
				t.Fatalf("%s out of band: %v", c.what, err)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			_, err := org.adminClient(t).ReadConnectedApp(ctx, "Gone_App")
			switch {
			case err == nil:
				return fmt.Errorf("Gone_App still exists after destroy")
			case !isNotFound(err):
				return fmt.Errorf("reading Gone_App after destroy: %w", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: org.config(goneConfig), Check: noteIDs},
			{PreConfig: deleteOutOfBand, Config: org.config(goneConfig), PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}
