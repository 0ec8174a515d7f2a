package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestKeepSpelling(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		prior, org, want types.String
	}{
		{types.StringValue("EMPLOYEE@ACME.TEST"), types.StringValue("employee@acme.test"), types.StringValue("EMPLOYEE@ACME.TEST")},
		{types.StringValue("employee@acme.test"), types.StringValue("partner@acme.test"), types.StringValue("partner@acme.test")},
		{types.StringNull(), types.StringValue("Acme_Sync"), types.StringValue("Acme_Sync")},
		{types.StringValue("Acme_Sync"), types.StringNull(), types.StringNull()},
		{types.StringUnknown(), types.StringValue("Acme_Sync"), types.StringValue("Acme_Sync")},
	} {
		if got := keepSpelling(tc.prior, tc.org); !got.Equal(tc.want) {
			t.Errorf("keepSpelling(%s, %s) = %s, want %s", tc.prior, tc.org, got, tc.want)
		}
	}
}

// checkNoWrites fails unless the org took no write since the last ResetStats.
func (o *testOrg) checkNoWrites(t *testing.T, what string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if writes := o.Stats(t).Writes; writes != 0 {
			return fmt.Errorf("%s wrote to the org %d times, want 0", what, writes)
		}
		return nil
	}
}

// TestAccPermissionSetAssignment_namesIgnoreCase: Salesforce compares usernames and permission
// set names ignoring case and answers with its own spelling (employee@acme.test). A configuration
// that writes them in another case plans empty after apply, changing only their case updates the
// spelling in state without a write instead of replacing the assignment, and an import block in
// the configuration's spelling is a pure import.
func TestAccPermissionSetAssignment_namesIgnoreCase(t *testing.T) {
	testAccPreCheck(t)
	org := newTestOrg(t)
	set := permissionSetConfig("API_Bypass", "API bypass", "", "ApiEnabled")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.config(set, assignmentConfig("sfaccess_permission_set.this.name", `"EMPLOYEE@ACME.TEST"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("username"), knownvalue.StringExact("EMPLOYEE@ACME.TEST")),
				},
				Check: org.checkAssigned(t, "API_Bypass", userEmployee, true),
			},
			{
				PreConfig: func() { org.ResetStats(t) },
				// The literal name needs depends_on for the permission set to outlive the
				// assignment on destroy.
				Config: org.config(set, strings.Replace(assignmentConfig(`"api_bypass"`, `"Employee@Acme.Test"`),
					"username", "depends_on          = [sfaccess_permission_set.this]\n  username", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("permission_set_name"), knownvalue.StringExact("api_bypass")),
					statecheck.ExpectKnownValue(assignmentAddr, tfjsonpath.New("username"), knownvalue.StringExact("Employee@Acme.Test")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkNoWrites(t, "changing the case of the names"),
					org.checkAssigned(t, "API_Bypass", userEmployee, true),
				),
			},
			{
				ResourceName:    assignmentAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "api_bypass/Employee@Acme.Test",
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(assignmentAddr, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

// TestAccExternalClientAppAccess_namesIgnoreCase: a grant that names the embedded org's Acme_Sync
// and the Read Only profile in other cases is found again by every refresh, plans empty after
// apply, and imports in the configuration's spelling as a pure import; the data source finds the
// app under the same spelling.
func TestAccExternalClientAppAccess_namesIgnoreCase(t *testing.T) {
	testAccPreCheck(t)
	org := newTestOrg(t)
	const addr = "sfaccess_external_client_app_access.read_only"
	grant := `
resource "sfaccess_external_client_app_access" "read_only" {
  external_client_app_name = "ACME_SYNC"
  profile_name             = "read only"
}

data "sfaccess_external_client_app" "sync" {
  name = "acme_sync"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.config(grant),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("external_client_app_name"), knownvalue.StringExact("ACME_SYNC")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("profile_name"), knownvalue.StringExact("read only")),
					statecheck.ExpectKnownValue("data.sfaccess_external_client_app.sync", tfjsonpath.New("label"), knownvalue.StringExact("Acme Sync")),
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "ACME_SYNC/profile:read only",
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}
