package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

const moveGuideDir = "../../examples/guides/move-a-connected-app-to-an-external-client-app/"

// guideStep is one configuration of the guide, as the docs show it, with the provider block of
// this test's org.
func guideStep(t *testing.T, org *testOrg, step string) string {
	t.Helper()
	data, err := os.ReadFile(moveGuideDir + step + "/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	// The guide's terraform block names the registry source; the test's provider is the one under test.
	config := regexp.MustCompile(`(?s)terraform \{.*?\n\}\n`).ReplaceAllString(string(data), "")
	return org.providerConfig() + config
}

// TestAccGuide_moveAConnectedAppToAnExternalClientApp runs the guide: the ECA beside the connected
// app admits the same users, real tokens agree, and retiring the connected app leaves the ECA
// working.
func TestAccGuide_moveAConnectedAppToAnExternalClientApp(t *testing.T) {
	org := newTestOrg(t) // the connected app of step 1 predates Spring '26
	rules := func(connectedApp, eca string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"connected_app": knownvalue.StringExact(connectedApp), "external_client_app": knownvalue.StringExact(eca)})
	}
	side := []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("access", knownvalue.MapExact(map[string]knownvalue.Check{
		userEmployee: rules("allowed", "eca_allowed"),
		userPartner:  rules("not_admin_approved", "eca_not_admin_approved"),
	}))}
	tokensAgree := orgCheck(func() error {
		for user, want := range map[string]bool{userEmployee: true, userPartner: false} {
			ok, _ := org.callREST(t, org.ecaSession(t, user, "Ledger"))
			if ok != want {
				return fmt.Errorf("%s's real token through the ECA: allowed=%v, the check predicted %v", user, ok, want)
			}
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            guideStep(t, org, "1-side-by-side"),
				ConfigStateChecks: append(side, tokensAgree),
			},
			{
				Config: guideStep(t, org, "2-retire-the-connected-app"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("sfaccess_connected_app.ledger", plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction("sfaccess_external_client_app.ledger", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("access", knownvalue.MapExact(map[string]knownvalue.Check{
						userEmployee: knownvalue.StringExact("eca_allowed"), userPartner: knownvalue.StringExact("eca_not_admin_approved"),
					})),
					tokensAgree,
					orgCheck(func() error {
						files, err := org.adminClient(t).ListConnectedApps(context.Background())
						if err != nil {
							return err
						}
						for _, f := range files {
							if strings.EqualFold(f.FullName, "Ledger_Legacy") {
								return fmt.Errorf("the retired connected app is still in the org")
							}
						}
						return nil
					}),
				},
			},
		},
	})
}

// orgCheck is a state check that asks the org rather than the state: the legacy Check functions
// cannot read a configuration that uses for_each.
type orgCheck func() error

func (check orgCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = check()
}
