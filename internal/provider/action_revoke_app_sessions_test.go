package provider

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// actionsSupported skips a test whose configuration has action blocks on Terraform older than 1.14.
var actionsSupported = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// liveSession is what a user's authorization of an app through the web server flow hands a client.
// The consumer key and secret, which its refresh token needs, are known for the seeded apps only.
type liveSession struct {
	user, app      string
	access         string
	refresh        string
	consumerKey    string
	consumerSecret string
}

// openSession has username authorize app through the web server flow (mockorg's stand-in for the
// browser) and returns the session, failing the test when the org refuses it.
func (o *testOrg) openSession(t *testing.T, username, app string) *liveSession {
	t.Helper()
	res := o.Session(t, map[string]string{"username": username, "connected_app": app})
	s := &liveSession{user: username, app: app, access: res.SessionID, refresh: res.RefreshToken}
	if key, secret, seeded := mockorgtest.LookupAppCredentials(app); seeded {
		s.consumerKey, s.consumerSecret = key, secret
	}
	return s
}

// refreshes reports whether the org still exchanges the session's refresh token for an access
// token, or the OAuth error code it answers.
func (o *testOrg) refreshes(t *testing.T, s *liveSession) (bool, string) {
	t.Helper()
	return o.grant(t, url.Values{"grant_type": {"refresh_token"}, "client_id": {s.consumerKey},
		"client_secret": {s.consumerSecret}, "refresh_token": {s.refresh}})
}

// checkSessionsAlive compares what the org does with each session's access and refresh tokens
// with alive: both work, or the access token gets INVALID_SESSION_ID and the refresh token
// invalid_grant. The refresh token is tried where the app's consumer secret is known.
func (o *testOrg) checkSessionsAlive(t *testing.T, alive bool, sessions ...**liveSession) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var problems []string
		for _, sp := range sessions {
			s := *sp
			wantCode, wantRefreshCode := "", ""
			if !alive {
				wantCode, wantRefreshCode = "INVALID_SESSION_ID", "invalid_grant"
			}
			if ok, code := o.callREST(t, s.access); ok != alive || code != wantCode {
				problems = append(problems, fmt.Sprintf("%s's access token through %s: accepted = %t (%q), want %t", s.user, s.app, ok, code, alive))
			}
			if s.consumerKey == "" {
				continue
			}
			if ok, code := o.refreshes(t, s); ok != alive || code != wantRefreshCode {
				problems = append(problems, fmt.Sprintf("%s's refresh token through %s: accepted = %t (%q), want %t", s.user, s.app, ok, code, alive))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("%s", strings.Join(problems, "; "))
		}
		return nil
	}
}

// killSwitchConfig installs Partner_Portal_Mobile and revokes its sessions whenever the
// incident's value changes.
func killSwitchConfig(incident string) string {
	return installationConfig(appPartnerPortal, false, "") +
		triggeredAction("incident", incident, "after_update", "sfaccess_revoke_app_sessions", "kill",
			"sfaccess_connected_app_installation.this.connected_app_name")
}

// triggeredAction is an action on one app (appName an HCL expression) and a terraform_data
// resource named trigger, holding input, that invokes it on event.
func triggeredAction(trigger, input, event, actionType, actionName, appName string) string {
	return fmt.Sprintf(`
resource "terraform_data" %[1]q {
  input = %[2]q
  lifecycle {
    action_trigger {
      events  = [%[3]s]
      actions = [action.%[4]s.%[5]s]
    }
  }
}

action %[4]q %[5]q {
  config {
    connected_app_name = %[6]s
  }
}
`, trigger, input, event, actionType, actionName, appName)
}

// TestAccRevokeAppSessionsAction_trigger wires the kill switch to a resource's lifecycle: nothing
// happens while the incident value stays, and changing it ends every live session of the app —
// access and refresh tokens — while the app stays installed and unblocked and users can log in
// again; another app's session lives on.
func TestAccRevokeAppSessionsAction_trigger(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	var employee, readonly, workbench *liveSession
	openSessions := func(*terraform.State) error {
		employee, readonly = org.openSession(t, userEmployee, appPartnerPortal), org.openSession(t, userReadOnly, appPartnerPortal)
		workbench = org.openSession(t, userCustomerPlus, appWorkbench)
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   actionsSupported,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.config(killSwitchConfig("calm")),
				Check: resource.ComposeAggregateTestCheckFunc(
					openSessions,
					org.checkSessionsAlive(t, true, &employee, &readonly, &workbench),
				),
			},
			{
				// The same value again: the trigger does not fire, the sessions live.
				Config: org.config(killSwitchConfig("calm")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: org.checkSessionsAlive(t, true, &employee, &readonly, &workbench),
			},
			{
				Config: org.config(killSwitchConfig("incident-1")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("terraform_data.incident", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					org.checkSessionsAlive(t, false, &employee, &readonly),
					org.checkSessionsAlive(t, true, &workbench),
					org.checkInstalled(t, appPartnerPortal, true, false),
					org.checkTokens(t, allows(userEmployee, appPartnerPortal)),
				),
			},
		},
	})
}

// TestAccRevokeAppSessionsAction_invoke runs the kill switch as an operator would in an incident,
// with `terraform apply -invoke`: a plain apply leaves the sessions alone, the invoked action ends
// them and says how many it revoked, and the app stays installed and unblocked.
func TestAccRevokeAppSessionsAction_invoke(t *testing.T) {
	useTerraform114(t)
	org := newTestOrg(t)
	const killAction = `
action "sfaccess_revoke_app_sessions" "kill" {
  config {
    connected_app_name = "` + appPartnerPortal + `"
  }
}
`
	cli := newTerraformCLI(t, org.config(killAction))
	if _, err := org.adminClient(t).Install(t.Context(), org.appID(t, appPartnerPortal), false); err != nil {
		t.Fatalf("installing %s: %v", appPartnerPortal, err)
	}
	employee, readonly := org.openSession(t, userEmployee, appPartnerPortal), org.openSession(t, userReadOnly, appPartnerPortal)
	check := func(f resource.TestCheckFunc) {
		t.Helper()
		if err := f(nil); err != nil {
			t.Fatal(err)
		}
	}

	cli.mustRun("apply", "-auto-approve", "-input=false")
	check(org.checkSessionsAlive(t, true, &employee, &readonly))

	out := cli.mustRun("apply", "-auto-approve", "-input=false", "-invoke=action.sfaccess_revoke_app_sessions.kill")
	// The two sessions opened here and the seeded integrations' (customer@ and highvolume@).
	if want := "Revoked 4 user authorizations of " + appPartnerPortal; !strings.Contains(out, want) {
		t.Errorf("the invoke's output lacks %q:\n%s", want, out)
	}
	check(org.checkSessionsAlive(t, false, &employee, &readonly))
	check(org.checkInstalled(t, appPartnerPortal, true, false))
	check(org.checkTokens(t, allows(userEmployee, appPartnerPortal)))

	// A user who cannot see every user's authorizations would revoke only their own: the plan
	// fails instead, and the sessions live on.
	again := org.openSession(t, userEmployee, appPartnerPortal)
	cli.writeConfig(org.providerConfigAs(t, userReadOnly) + killAction)
	out, err := cli.run("apply", "-auto-approve", "-input=false", "-invoke=action.sfaccess_revoke_app_sessions.kill")
	if err == nil || !expectDiagnostics("Insufficient Permissions", "Revoking the sessions of the connected app", "CustomizeApplication").MatchString(out) {
		t.Errorf("invoking the action as %s: %v\n%s", userReadOnly, err, out)
	}
	check(org.checkSessionsAlive(t, true, &again))
}
