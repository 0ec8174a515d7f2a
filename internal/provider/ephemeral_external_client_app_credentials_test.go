package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// TestAccExternalClientAppCredentials_readsKeyAndSecretForARun hands the ephemeral credentials
// to the echo provider, the only way a test can see them: Terraform keeps them out of this
// provider's state.
func TestAccExternalClientAppCredentials_readsKeyAndSecretForARun(t *testing.T) {
	org := newEmbeddedTestOrg(t)
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"echo": echoprovider.NewProviderServer(),
	}
	for name, f := range testAccProtoV6ProviderFactories {
		factories[name] = f
	}
	config := func(app string) string {
		return org.providerConfig() + `
ephemeral "sfaccess_external_client_app_credentials" "sync" {
  name = "` + app + `"
}

provider "echo" {
  data = ephemeral.sfaccess_external_client_app_credentials.sync
}

resource "echo" "credentials" {}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: factories,
		// The failing step comes first: the post-test destroy runs with the last step's configuration.
		Steps: []resource.TestStep{
			{
				Config:      config("No_Such_App"),
				ExpectError: regexp.MustCompile(`No_Such_App`),
			},
			{
				Config: config("Acme_Sync"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("consumer_key"), knownvalue.StringExact("AcmeSyncKey0001")),
					statecheck.ExpectKnownValue("echo.credentials", tfjsonpath.New("data").AtMapKey("consumer_secret"), knownvalue.StringExact("AcmeSyncSecret0001")),
				},
			},
		},
	})
}
