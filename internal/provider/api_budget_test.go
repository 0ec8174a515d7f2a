package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// apiCalls is what the org counted since the last reset, token requests left out.
func (o *testOrg) apiCalls(t *testing.T) (int, map[string]int) {
	t.Helper()
	st := o.Stats(t)
	n := 0
	for op, c := range st.ByOperation {
		if !strings.HasPrefix(op, "oauth:") {
			n += c
		}
	}
	return n, st.ByOperation
}

// callBudget is a plan check that fails when the org counted more than budget API calls since
// the step's PreConfig reset the stats.
type callBudget struct {
	t      *testing.T
	org    *testOrg
	budget int
	what   string
}

func (c callBudget) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	n, byOp := c.org.apiCalls(c.t)
	ops := make([]string, 0, len(byOp))
	for op, k := range byOp {
		ops = append(ops, fmt.Sprintf("%s=%d", op, k))
	}
	sort.Strings(ops)
	c.t.Logf("%s: %d API calls (%s)", c.what, n, strings.Join(ops, " "))
	if n > c.budget {
		resp.Error = fmt.Errorf("%s took %d API calls, more than the budget of %d: %s", c.what, n, c.budget, strings.Join(ops, " "))
	}
}

func budgetConfig(n int) string {
	return fmt.Sprintf(`
resource "sfaccess_connected_app" "app" {
  count                     = %d
  name                      = "Budget_App_${count.index}"
  label                     = "Budget App ${count.index}"
  contact_email             = "budget@acme.test"
  callback_urls             = ["https://budget.acme.test/oauth/${count.index}"]
  scopes                    = ["Api"]
  admin_approved_users_only = true
}

resource "sfaccess_connected_app_installation" "app" {
  count              = %d
  connected_app_name = sfaccess_connected_app.app[count.index].name
}

resource "sfaccess_connected_app_access" "app" {
  count              = %d
  connected_app_name = sfaccess_connected_app.app[count.index].name
  profile_name       = "Partner Community User"
}
`, n, n, n)
}

// A refresh of K = 3n resources (n apps, their installations and grants) costs at most K/5 + 10
// API calls: the target, which reading each resource on its own (some 30 calls here)
// misses. The count covers the whole plan-only step: a plan without refresh, then the refresh.
func TestAccRefreshStaysWithinAPICallBudget(t *testing.T) {
	org := newTestOrg(t)
	const n = 5
	budget := 3*n/5 + 10
	cfg := org.config(budgetConfig(n))
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
						callBudget{t: t, org: org, budget: budget, what: fmt.Sprintf("refreshing %d resources", 3*n)},
					},
				},
			},
		},
	})
}

// opBudget is a plan check that fails when the org answered more than budget calls of one
// operation since the step's PreConfig reset the stats.
type opBudget struct {
	t      *testing.T
	org    *testOrg
	op     string
	budget int
	what   string
}

func (c opBudget) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	_, byOp := c.org.apiCalls(c.t)
	if n := byOp[c.op]; n > c.budget {
		resp.Error = fmt.Errorf("%s took %d %s calls, more than %d", c.what, n, c.op, c.budget)
	}
}

// Installing an app the same apply creates looks nothing up on the OAuth Usage list: the app is
// the org's own, so the installation's plan, made again by Terraform right after the app is
// created, needs no round trip. The list is read once by each walk's access impact, no more.
func TestAccInstallingANewAppSkipsTheOAuthUsageLookUp(t *testing.T) {
	org := newTestOrgWith(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	cfg := org.config(`
resource "sfaccess_connected_app" "new" {
  name          = "Installed_At_Birth"
  label         = "Installed At Birth"
  contact_email = "new@acme.test"
  callback_urls = ["https://new.acme.test/oauth"]
  scopes        = ["Api"]
}

resource "sfaccess_connected_app_installation" "new" {
  connected_app_name = sfaccess_connected_app.new.name
}
`)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { org.ResetStats(t) },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPreRefresh: []plancheck.PlanCheck{
					opBudget{t: t, org: org, op: "setup:listConnectedApps", budget: 2, what: "planning and applying a new app with its installation"},
				},
			},
		}},
	})
}

// min_api_requests_remaining stops the plan at configure time, before any resource is read, when
// the org has fewer requests left; below the org's remaining allowance it lets the run through.
func TestAccMinAPIRequestsRemainingStopsThePlan(t *testing.T) {
	org := newTestOrg(t)
	withFloor := func(floor int) string {
		return strings.Replace(org.providerConfig(), "provider \"sfaccess\" {",
			fmt.Sprintf("provider \"sfaccess\" {\n  min_api_requests_remaining = %d", floor), 1) +
			installationConfig(appPartnerPortal, false, "")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { org.ResetStats(t) },
				Config:      withFloor(1_000_000_000),
				ExpectError: expectDiagnostics("Too Few API Requests Left", "fewer than min_api_requests_remaining (1000000000)"),
			},
			{
				PreConfig: func() {
					_, byOp := org.apiCalls(t)
					for op := range byOp {
						if op != "rest:limits" && op != "rest:versions" && !strings.HasPrefix(op, "oauth:") {
							t.Errorf("the stopped plan still called %s (%v)", op, byOp)
						}
					}
					if byOp["rest:limits"] == 0 {
						t.Errorf("the plan never read /limits (%v)", byOp)
					}
				},
				Config: withFloor(10),
			},
		},
	})
}
