package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

func budgetECAConfig(n int) string {
	return fmt.Sprintf(`
resource "sfaccess_external_client_app" "app" {
  count         = %d
  name          = "Budget_ECA_${count.index}"
  label         = "Budget ECA ${count.index}"
  contact_email = "budget@acme.test"
  scopes        = ["Api"]
  callback_url  = "https://budget.acme.test/oauth/${count.index}"
}
`, n)
}

// A refresh of n External Client Apps reads them as connected apps are read, ten names a
// readMetadata call: five calls (one a component type) for each ten ECAs of the org's usage
// list, one group's worth of slack, and the 10 TestAccRefreshStaysWithinAPICallBudget allows for
// the rest. Reading each ECA's header and four components one after another, and the usage list
// once an app, took 6n + 2 (122 for 20).
func TestAccRefreshOfExternalClientAppsStaysWithinAPICallBudget(t *testing.T) {
	org := newTestOrg(t)
	const n = 20
	budget := 5*(n/10+1) + 10
	cfg := org.config(budgetECAConfig(n))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() { org.ResetStats(t) },
				Config:    cfg,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						callBudget{t: t, org: org, budget: budget, what: fmt.Sprintf("refreshing %d External Client Apps", n)},
					},
				},
			},
		},
	})
}
