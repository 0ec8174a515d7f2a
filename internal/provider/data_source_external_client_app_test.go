package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

func TestAccExternalClientAppDataSources_embeddedOrg(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	// A user who signed in through Acme_Sync shows in its user count.
	org.ecaSession(t, userEmployee, "Acme_Sync")
	const one, all = "data.sfaccess_external_client_app.sync", "data.sfaccess_external_client_apps.all"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.providerConfig() + `
data "sfaccess_external_client_app" "sync" {
  name = "Acme_Sync"
}

data "sfaccess_external_client_apps" "all" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(one, tfjsonpath.New("label"), knownvalue.StringExact("Acme Sync")),
				statecheck.ExpectKnownValue(one, tfjsonpath.New("consumer_key"), knownvalue.StringExact("AcmeSyncKey0001")),
				statecheck.ExpectKnownValue(one, tfjsonpath.New("admin_approved_users_only"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(one, tfjsonpath.New("profile_names"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("System Administrator"), knownvalue.StringExact("Standard User")})),
				statecheck.ExpectKnownValue(one, tfjsonpath.New("client_credentials_user"), knownvalue.StringExact(userAdmin)),
				statecheck.ExpectKnownValue(one, tfjsonpath.New("oauth_plugin_enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(one, tfjsonpath.New("user_count"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("external_client_apps"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("Acme_Sync"), "user_count": knownvalue.Int64Exact(1)}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("Partner_Self_Service"), "user_count": knownvalue.Int64Exact(0)}),
				})),
			},
		}},
	})
}

// TestAccAPIAccessCheck_externalClientApp predicts the plugin switch and the grants of the
// embedded ECAs, without the setup extension, and Use Any API Client, which admits a customer
// Acme_Sync grants nothing.
func TestAccAPIAccessCheck_externalClientApp(t *testing.T) {
	org := newTestOrgWith(t, mockorg.Config{Seed: seedWith(userAssigned(userCustomerPlus, "Bypass", "UseAnyApiClient"))})
	check := func(name, user, app string) string {
		return `
data "sfaccess_api_access_check" "` + name + `" {
  username                 = "` + user + `"
  channel                  = "external_client_app"
  external_client_app_name = "` + app + `"
}
`
	}
	rule := func(name, want string, allowed bool) []statecheck.StateCheck {
		addr := "data.sfaccess_api_access_check." + name
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("rule"), knownvalue.StringExact(want)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("allowed"), knownvalue.Bool(allowed)),
		}
	}
	var checks []statecheck.StateCheck
	checks = append(checks, rule("employee", "eca_allowed", true)...)
	checks = append(checks, rule("partner", "eca_not_admin_approved", false)...)
	checks = append(checks, rule("switched_off", "eca_oauth_plugin_disabled", false)...)
	checks = append(checks, rule("bypass", "eca_bypass_use_any_api_client", true)...)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.providerConfig() + check("employee", userEmployee, "Acme_Sync") + check("partner", userPartner, "Acme_Sync") +
				check("switched_off", userAdmin, "Partner_Self_Service") + check("bypass", userCustomerPlus, "Acme_Sync"),
			ConfigStateChecks: checks,
		}},
	})
}
