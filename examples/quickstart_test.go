package examples_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestAccQuickstart applies examples/quickstart — what `make demo` applies — to an in-process mock
// org, and checks that the table the demo prints is the one the org enforces: the
// sfaccess_api_access_check answers match the rules, a partner's real token request through the
// uninstalled app is refused, and a second plan is empty.
func TestAccQuickstart(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to apply examples/quickstart to an in-process mockorg (make test does)")
	}
	tf := terraform(t)
	plugins := buildProvider(t)

	qs := newOrgRun(t, tf, plugins, "quickstart", nil)
	run := qs.terraform

	if out, err := run("apply", "-auto-approve"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}

	out, err := run("output", "-json", "access_checks")
	if err != nil {
		t.Fatalf("terraform output: %v\n%s", err, out)
	}
	var checks []struct {
		Username, Client, Rule string
		Allowed                bool
	}
	if err := json.Unmarshal([]byte(out), &checks); err != nil {
		t.Fatalf("access_checks output: %v\n%s", err, out)
	}
	const (
		portal, workbench, vf = "Partner_Portal_Mobile", "Workbench", "visualforce"
		sync, selfService     = "Acme_Sync", "Partner_Self_Service"
	)
	want := map[string]string{ // "user via client" → "allowed|denied rule"
		"employee@acme.test via " + portal:        "allowed allowed",
		"employee@acme.test via " + workbench:     "allowed allowed",
		"employee@acme.test via " + vf:            "allowed allowed",
		"readonly@acme.test via " + portal:        "allowed allowed",
		"readonly@acme.test via " + workbench:     "denied uninstalled_app_restricted",
		"readonly@acme.test via " + vf:            "allowed allowed",
		"partner@acme.test via " + portal:         "allowed allowed",
		"partner@acme.test via " + workbench:      "denied external_app_not_installed",
		"partner@acme.test via " + vf:             "denied visualforce_denied",
		"customer@acme.test via " + portal:        "allowed allowed",
		"customer@acme.test via " + workbench:     "denied external_app_not_installed",
		"customer@acme.test via " + vf:            "denied visualforce_denied",
		"customerplus@acme.test via " + portal:    "allowed bypass_use_any_api_client",
		"customerplus@acme.test via " + workbench: "allowed bypass_use_any_api_client",
		"customerplus@acme.test via " + vf:        "allowed bypass_use_any_api_client",
		// External Client Apps: their own rules, whatever API Access Control and Use Any API Client say.
		"employee@acme.test via " + sync:            "allowed eca_allowed",
		"readonly@acme.test via " + sync:            "denied eca_not_admin_approved",
		"partner@acme.test via " + sync:             "denied eca_not_admin_approved",
		"customer@acme.test via " + sync:            "denied eca_not_admin_approved",
		"customerplus@acme.test via " + sync:        "allowed eca_bypass_use_any_api_client",
		"employee@acme.test via " + selfService:     "denied eca_oauth_plugin_disabled",
		"readonly@acme.test via " + selfService:     "denied eca_oauth_plugin_disabled",
		"partner@acme.test via " + selfService:      "denied eca_oauth_plugin_disabled",
		"customer@acme.test via " + selfService:     "denied eca_oauth_plugin_disabled",
		"customerplus@acme.test via " + selfService: "denied eca_oauth_plugin_disabled",
	}
	if len(checks) != len(want) {
		t.Errorf("access_checks has %d rows, want %d", len(checks), len(want))
	}
	for _, c := range checks {
		key := c.Username + " via " + c.Client
		verdict := "denied"
		if c.Allowed {
			verdict = "allowed"
		}
		if got := verdict + " " + c.Rule; got != want[key] {
			t.Errorf("%s: %s, want %s", key, got, want[key])
		}
	}

	// What the data source predicted is what the org does: the partner cannot get a token
	// through Workbench, and can through the installed portal app; Workbench stays open to the
	// employee who authorized it before and closed to the one who never did.
	for _, username := range []string{"partner@acme.test", "readonly@acme.test"} {
		if ans := qs.org.Token(t, username, "Workbench"); ans.AccessToken != "" ||
			!strings.Contains(ans.Description, "app must be installed into org") {
			t.Errorf("%s's login through Workbench: %q %q, want invalid_client \"app must be installed into org\"", username, ans.Error, ans.Description)
		}
	}
	if ans := qs.org.Token(t, "employee@acme.test", "Workbench"); ans.AccessToken == "" {
		t.Errorf("employee's login through Workbench, which they authorized before: %s: %s", ans.Error, ans.Description)
	}
	if ans := qs.org.Token(t, "partner@acme.test", "Partner_Portal_Mobile"); ans.AccessToken == "" {
		t.Errorf("partner's login through Partner_Portal_Mobile: %s: %s", ans.Error, ans.Description)
	}

	if out, err := run("plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("a second plan is not empty (exit %v):\n%s", err, out)
	}
}
