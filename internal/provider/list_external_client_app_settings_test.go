package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccExternalClientAppSettingsList_one lists the org's one settings object, named by the org
// id, with the switches the embedded org has.
func TestAccExternalClientAppSettingsList_one(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	identity, err := org.adminClient(t).Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	orgIdentity := map[string]knownvalue.Check{"org_id": knownvalue.StringExact(identity.OrgID)}
	testQuery(t, org, "", `
list "sfaccess_external_client_app_settings" "org" {
  provider         = sfaccess
  include_resource = true
}
`,
		querycheck.ExpectLength("sfaccess_external_client_app_settings.org", 1),
		querycheck.ExpectIdentity("sfaccess_external_client_app_settings.org", orgIdentity),
		querycheck.ExpectResourceKnownValues("sfaccess_external_client_app_settings.org", queryfilter.ByResourceIdentity(orgIdentity), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("ExternalClientApp")},
			{Path: tfjsonpath.New("enable_external_client_apps"), KnownValue: knownvalue.Bool(true)},
			{Path: tfjsonpath.New("allow_consumer_secrets_via_rest_api"), KnownValue: knownvalue.Bool(true)},
		}),
	)
}
