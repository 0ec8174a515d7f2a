package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

const ecaSettingsAddr = "sfaccess_external_client_app_settings.org"

func ecaSettingsConfig(secretsViaREST bool) string {
	return fmt.Sprintf(`
resource "sfaccess_external_client_app_settings" "org" {
  allow_consumer_secrets_via_rest_api = %t
}
`, secretsViaREST)
}

func TestAccExternalClientAppSettings_lifecycle(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	secretsViaREST := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			s, err := org.adminClient(t).ReadExternalClientAppSettings(context.Background())
			if err != nil {
				return err
			}
			if *s.EnableClientSecretInRestAPIAccess != want {
				return fmt.Errorf("enableClientSecretInRestApiAccess is %t in the org, want %t", *s.EnableClientSecretInRestAPIAccess, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// Destroying the singleton writes the defaults back.
		CheckDestroy: secretsViaREST(false),
		Steps: []resource.TestStep{
			{
				Config: org.providerConfig() + ecaSettingsConfig(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ecaSettingsAddr, tfjsonpath.New("id"), knownvalue.StringExact("ExternalClientApp")),
					statecheck.ExpectKnownValue(ecaSettingsAddr, tfjsonpath.New("enable_external_client_apps"), knownvalue.Bool(true)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            secretsViaREST(true),
			},
			{ResourceName: ecaSettingsAddr, ImportState: true, ImportStateId: "ExternalClientApp", ImportStateVerify: true},
			{
				// Changed in Setup: the next plan puts it back.
				PreConfig: func() {
					off := false
					if err := org.adminClient(t).UpdateExternalClientAppSettings(context.Background(),
						orgapi.ExternalClientAppSettings{EnableClientSecretInRestAPIAccess: &off}); err != nil {
						t.Fatal(err)
					}
				},
				Config: org.providerConfig() + ecaSettingsConfig(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(ecaSettingsAddr, plancheck.ResourceActionUpdate)},
				},
				Check: secretsViaREST(true),
			},
			{
				Config:        org.providerConfig() + ecaSettingsConfig(true),
				ResourceName:  ecaSettingsAddr,
				ImportState:   true,
				ImportStateId: "Settings",
				ExpectError:   regexp.MustCompile(`Import the External Client App settings with the id ExternalClientApp`),
			},
			{
				// An org id is accepted as the import id only when it is this org's.
				Config:        org.providerConfig() + ecaSettingsConfig(true),
				ResourceName:  ecaSettingsAddr,
				ImportState:   true,
				ImportStateId: "00D000000000001",
				ExpectError:   regexp.MustCompile(`Import ID Belongs to Another Org`),
			},
		},
	})
}
