package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// TestAccPlanCheck_wrongClientSecretFailsThePlan: a plan with a client secret the org rejects is
// not a green plan with a warning, but an error that names the credential to fix, for every kind
// of resource the quickstart plans (those that look things up and those that check permissions).
func TestAccPlanCheck_wrongClientSecretFailsThePlan(t *testing.T) {
	org := newTestOrg(t)
	config := fmt.Sprintf(`
provider "sfaccess" {
  instance_url  = %q
  client_id     = "MockorgAdminKey0001"
  client_secret = "not-the-secret"
}

resource "sfaccess_permission_set" "partner_api" {
  name             = "Partner_API"
  label            = "Partner API"
  user_permissions = ["ApiEnabled"]
}

resource "sfaccess_connected_app_access" "partner_portal" {
  connected_app_name  = %q
  permission_set_name = sfaccess_permission_set.partner_api.name
}

resource "sfaccess_api_access_control" "this" {
  limit_external_users_to_installed_apps = true
}
`, org.URL, appPartnerPortal)
	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: expectDiagnostics("Authentication Failed", "while planning", "Fix client_secret (SFACCESS_CLIENT_SECRET) or client_id (SFACCESS_CLIENT_ID)"),
		}},
	})
}

// A diagnostic that goes on after what the org said ends that sentence with one period, however
// the org ended it (orgapi's hints end in one).
func TestPlanCheckDiagnosticsEndSentencesOnce(t *testing.T) {
	d := &providerData{credentials: credentialsToFix(orgapi.Config{ClientID: "key", ClientSecret: "wrong"})}
	for _, err := range []error{
		&orgapi.Error{Kind: orgapi.KindAuth, Op: "authenticating with OAuth client credentials", Code: "invalid_client", Message: "invalid client credentials"},
		&orgapi.Error{Kind: orgapi.KindOther, Op: "listing ConnectedApps", Message: "the org answered HTTP 500."},
	} {
		got := d.planCheckFailed("the connected app", err)
		if detail := got.Detail(); strings.Contains(detail, "..") || !strings.HasSuffix(detail, ".") {
			t.Errorf("%q: detail %q", err, detail)
		}
		if got.Severity() != diag.SeverityError {
			t.Errorf("%q: a plan-time check that cannot run is a %v, want an error", err, got.Severity())
		}
	}
	owned := profileOwnedDiag(&orgapi.Error{Kind: orgapi.KindProfileOwned, Message: "X00ex is the permission set of the profile Partner."}, "Grant the profile instead.")
	if strings.Contains(owned.Detail(), "..") {
		t.Errorf("profile-owned detail %q", owned.Detail())
	}
}
