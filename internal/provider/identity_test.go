package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// requiresTerraform114 skips a step Terraform below 1.14 cannot run; useTerraform114 selects the
// binary, this guards against a binary that is not what its variable claims.
var requiresTerraform114 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// profileGrantConfig adds a grant to a profile, whose identity names the profile instead of a
// permission set.
const profileGrantConfig = `
resource "sfaccess_connected_app_access" "profile" {
  connected_app_name = sfaccess_connected_app.test.name
  profile_name       = "Partner Community User"
}
`

// expectedIdentity is the identity a resource of the configuration must have.
type expectedIdentity struct {
	addr     string
	identity map[string]knownvalue.Check
}

// testImportByIdentity applies config, checks each resource's identity, then imports each by an
// `import { identity = {...} }` block, which must plan as a pure import.
func testImportByIdentity(t *testing.T, config string, identities []expectedIdentity) {
	t.Helper()
	apply := resource.TestStep{Config: config}
	for _, id := range identities {
		apply.ConfigStateChecks = append(apply.ConfigStateChecks, statecheck.ExpectIdentity(id.addr, id.identity))
	}
	steps := []resource.TestStep{apply}
	for _, id := range identities {
		steps = append(steps, resource.TestStep{
			Config:          config,
			ResourceName:    id.addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   requiresTerraform114,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccIdentity_importByIdentity checks that every resource records its natural keys as its
// identity and that an `import { identity = {...} }` block with those keys plans as a pure import.
func TestAccIdentity_importByIdentity(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	identity, err := org.adminClient(t).Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	orgID := identity.OrgID
	str := knownvalue.StringExact
	identities := []expectedIdentity{
		{"sfaccess_api_access_control.test", map[string]knownvalue.Check{"org_id": str(orgID)}},
		{"sfaccess_connected_app.test", map[string]knownvalue.Check{"name": str("Generated_App")}},
		{"sfaccess_connected_app_installation.test", map[string]knownvalue.Check{"connected_app_name": str(appPartnerPortal)}},
		{"sfaccess_permission_set.test", map[string]knownvalue.Check{"name": str("Generated_Set")}},
		{"sfaccess_connected_app_access.test", map[string]knownvalue.Check{
			"connected_app_name": str("Generated_App"), "permission_set_name": str("Generated_Set"), "profile_name": knownvalue.Null()}},
		{"sfaccess_connected_app_access.profile", map[string]knownvalue.Check{
			"connected_app_name": str("Generated_App"), "permission_set_name": knownvalue.Null(), "profile_name": str("Partner Community User")}},
		{"sfaccess_permission_set_assignment.test", map[string]knownvalue.Check{
			"permission_set_name": str("Generated_Set"), "username": str(userPartner)}},
	}
	testImportByIdentity(t, org.config(everyResourceConfig+profileGrantConfig), identities)
}

// TestAccIdentity_grantNamesOneGrantee refuses an import identity of a grant that names both a
// permission set and a profile, or neither, instead of looking for a permission set of a
// made-up name.
func TestAccIdentity_grantNamesOneGrantee(t *testing.T) {
	useTerraform114(t)
	org := newEmbeddedTestOrg(t)
	importWith := func(grantee string) string {
		return org.config(`
import {
  to = sfaccess_connected_app_access.admin
  identity = {
    connected_app_name = "Terraform_Admin"
    ` + grantee + `
  }
}

resource "sfaccess_connected_app_access" "admin" {
  connected_app_name = "Terraform_Admin"
  profile_name       = "System Administrator"
}
`)
	}
	wantErr := expectDiagnostics("Invalid Import Identity", "Set exactly one of permission_set_name and profile_name")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   requiresTerraform114,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      importWith(`permission_set_name = "Admin_Set"` + "\n    " + `profile_name = "System Administrator"`),
				PlanOnly:    true,
				ExpectError: wantErr,
			},
			{
				Config:      importWith(""),
				PlanOnly:    true,
				ExpectError: wantErr,
			},
			{
				Config: importWith(`profile_name = "System Administrator"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("sfaccess_connected_app_access.admin", plancheck.ResourceActionNoop)},
				},
			},
			{
				// The grant admits the provider's own login: the org keeps it when the test ends.
				Config: org.config(`
removed {
  from = sfaccess_connected_app_access.admin
  lifecycle {
    destroy = false
  }
}
`),
			},
		},
	})
}

// externalClientAppsConfig is an ECA granted to a permission set and a profile, and the org's ECA
// settings: the three External Client App resources.
const externalClientAppsConfig = `
resource "sfaccess_external_client_app" "test" {
  name          = "Identity_App"
  label         = "Identity App"
  contact_email = "platform@acme.test"
  scopes        = ["Api"]
  callback_url  = "https://identity.acme.test/cb"
}

resource "sfaccess_permission_set" "eca" {
  name  = "Identity_Set"
  label = "Identity Set"
}

resource "sfaccess_external_client_app_access" "set" {
  external_client_app_name = sfaccess_external_client_app.test.name
  permission_set_name      = sfaccess_permission_set.eca.name
}

resource "sfaccess_external_client_app_access" "profile" {
  external_client_app_name = sfaccess_external_client_app.test.name
  profile_name             = "Standard User"
}

resource "sfaccess_external_client_app_settings" "test" {
  enable_external_client_apps = true
}
`

// TestAccIdentity_externalClientApps checks the identities of the External Client App resources:
// the app's name, a grant's app and grantee, and, for the org's one settings object, the org id
// rather than its fixed import id; and that each imports by identity as a pure import.
func TestAccIdentity_externalClientApps(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	identity, err := org.adminClient(t).Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	str := knownvalue.StringExact
	identities := []expectedIdentity{
		{"sfaccess_external_client_app.test", map[string]knownvalue.Check{"name": str("Identity_App")}},
		{"sfaccess_external_client_app_access.set", map[string]knownvalue.Check{
			"external_client_app_name": str("Identity_App"), "permission_set_name": str("Identity_Set"), "profile_name": knownvalue.Null()}},
		{"sfaccess_external_client_app_access.profile", map[string]knownvalue.Check{
			"external_client_app_name": str("Identity_App"), "permission_set_name": knownvalue.Null(), "profile_name": str("Standard User")}},
		{"sfaccess_external_client_app_settings.test", map[string]knownvalue.Check{"org_id": str(identity.OrgID)}},
	}
	testImportByIdentity(t, org.config(externalClientAppsConfig), identities)
}
