package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// TestAccAPIAccessControlList_current finds the org's one set of settings as the org has them,
// here with one limit switched on outside Terraform.
func TestAccAPIAccessControlList_current(t *testing.T) {
	useTerraform114(t)
	org := newEmbeddedTestOrg(t)
	on := true
	err := org.adminClient(t).UpdateConnectedAppSettings(context.Background(), orgapi.ConnectedAppSettings{EnableAdminApprovedAppsOnlyForExternalUser: &on})
	if err != nil {
		t.Fatalf("switching the limit on: %v", err)
	}
	testQuery(t, org, "", `
list "sfaccess_api_access_control" "org" {
  provider         = sfaccess
  include_resource = true
}
`,
		querycheck.ExpectLength("sfaccess_api_access_control.org", 1),
		querycheck.ExpectResourceKnownValues("sfaccess_api_access_control.org",
			queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"org_id": knownvalue.StringRegexp(orgIDPattern)}),
			[]querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("limit_external_users_to_installed_apps"), KnownValue: knownvalue.Bool(true)},
				{Path: tfjsonpath.New("limit_all_users_to_approved_apps"), KnownValue: knownvalue.Bool(false)},
				{Path: tfjsonpath.New("allow_visualforce_api_access"), KnownValue: knownvalue.Bool(false)},
			}),
	)
}
