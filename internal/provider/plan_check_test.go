package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// TestAccPlanCheck_wrongClientSecretFailsThePlan: a plan with a client secret the org rejects is
// not a green plan with a warning, but an error that names the credential to fix, raised once when
// the provider logs in, before any of the quickstart's resources is planned.
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
			ExpectError: expectDiagnostics("Authentication Failed", "While connecting to the org", "Fix client_secret (SFACCESS_CLIENT_SECRET) or client_id (SFACCESS_CLIENT_ID)"),
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

// Checks run at once, yet their diagnostics read as if they had run in turn: the first check
// here cannot finish before the last has started, and its error still comes first.
func TestChecksTogetherRunAtOnceAndReportInOrder(t *testing.T) {
	lastStarted := make(chan struct{})
	var diags diag.Diagnostics
	done := make(chan struct{})
	go func() {
		defer close(done)
		checksTogether(&diags,
			func(d *diag.Diagnostics) { <-lastStarted; d.AddError("first", "the app") },
			func(d *diag.Diagnostics) { d.AddWarning("second", "the grantee") },
			func(d *diag.Diagnostics) { close(lastStarted); d.AddError("third", "the permission") })
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the checks ran one after another: the first waited for the last forever")
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.Summary())
	}
	if strings.Join(got, ",") != "first,second,third" {
		t.Errorf("diagnostics in the order %v, want first, second, third", got)
	}
}
