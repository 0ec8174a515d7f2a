package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccAPIAccessControlDataSource(t *testing.T) {
	org := newTestOrg(t)
	const ds = `
data "sfaccess_api_access_control" "this" {
  depends_on = [sfaccess_api_access_control.this]
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.config(apiAccessControlConfig(true, false, true), ds),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sfaccess_api_access_control.this", tfjsonpath.New("id"), knownvalue.StringRegexp(orgIDPattern)),
					statecheck.ExpectKnownValue("data.sfaccess_api_access_control.this", tfjsonpath.New(attrLimitExternal), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.sfaccess_api_access_control.this", tfjsonpath.New(attrLimitAll), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.sfaccess_api_access_control.this", tfjsonpath.New(attrAllowVF), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.sfaccess_api_access_control.this", tfjsonpath.New("feature_provisioned"), knownvalue.Bool(true)),
				},
			},
		},
	})
}
