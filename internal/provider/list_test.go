package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
)

// testQuery applies setup to org on Terraform 1.14, then runs `terraform query` with the list
// blocks of query (which use the provider setup configured) and applies checks to the results.
func testQuery(t *testing.T, org *testOrg, setup, query string, checks ...querycheck.QueryResultCheck) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   requiresTerraform114,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: org.config(setup)},
			{Query: true, Config: query, QueryResultChecks: checks},
		},
	})
}
