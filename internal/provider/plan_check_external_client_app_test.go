package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// ecaWith is the test ECA with one more line of configuration.
func ecaWith(line string) string {
	return fmt.Sprintf(`
resource "sfaccess_external_client_app" "sync" {
  name          = "Ledger_Sync"
  label         = "Ledger Sync"
  contact_email = "platform@acme.test"
  scopes        = ["Api"]
  %s
}
`, line)
}

// ecaGrant grants the ECA named app to a permission set or a profile (grantee is the line that
// names it).
func ecaGrant(app, grantee string) string {
	return fmt.Sprintf(`
resource "sfaccess_external_client_app_access" "g" {
  external_client_app_name = %q
  %s
}
`, app, grantee)
}

// TestAccExternalClientApp_refusedAtPlan: each mistake below used to pass the plan and fail at
// apply, or, for the refresh token policy, be stored. Each now fails at plan, with the words the
// connected app resources use for the same mistake, and nothing reaches the org: the step
// applies, and the org counts no write.
func TestAccExternalClientApp_refusedAtPlan(t *testing.T) {
	testAccPreCheck(t)
	for _, tc := range []struct {
		name, config string
		want         []string
	}{
		{"client credentials user naming no user", ecaWith(`client_credentials_user = "nobody@acme.test"`),
			[]string{"Unknown Client Credentials User", `The org has no user with the username "nobody@acme.test"`}},
		{"grant of an unknown app", ecaGrant("No_Such_App", `profile_name = "Standard User"`),
			[]string{"External Client App Not Found", `no External Client App named "No_Such_App"`, "sfaccess_external_client_app.<name>.name"}},
		{"grant to an unknown profile", ecaGrant("Acme_Sync", `profile_name = "Standard Usr"`),
			[]string{"Profile Not Found", `no profile named "Standard Usr"`, "Profiles in this org:", "Standard User"}},
		{"grant to an unknown permission set", ecaGrant("Acme_Sync", `permission_set_name = "No_Such_Set"`),
			[]string{"Permission Set Not Found", `"No_Such_Set"`, "sfaccess_permission_set.<name>.name"}},
		{"refresh token policy outside the allowed values", ecaWith(`refresh_token_policy = "bogus!"`),
			[]string{`"bogus!" is not a refresh token policy`, "specific_lifetime:30:DAYS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newTestOrg(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{PreConfig: func() { org.ResetStats(t) }, Config: org.config(tc.config), ExpectError: expectDiagnostics(tc.want...)},
					{Config: org.config(), Check: org.checkNoWrites(t, "the refused plan")},
				},
			})
		})
	}
}

// TestAccExternalClientAppAccess_plannedObjectsCount: a grant of an ECA and a permission set that
// the same plan creates passes the plan's checks, which find both in the plan rather than the org.
func TestAccExternalClientAppAccess_plannedObjectsCount(t *testing.T) {
	testAccPreCheck(t)
	org := newTestOrg(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.config(ecaWith(""), permissionSetConfig("Ledger_Users", "Ledger users", ""), `
resource "sfaccess_external_client_app_access" "g" {
  external_client_app_name = sfaccess_external_client_app.sync.name
  permission_set_name      = sfaccess_permission_set.this.name
}
`),
		}},
	})
}
