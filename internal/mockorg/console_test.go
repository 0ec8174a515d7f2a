package mockorg

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/console"
)

// consoleState reads the console's JSON without any credential, as a browser does.
func (h *harness) consoleState() console.View {
	h.t.Helper()
	resp := h.send(http.MethodGet, console.Path+"state.json", nil, nil)
	if resp.status != http.StatusOK {
		h.t.Fatalf("state.json: %d %s", resp.status, resp.body)
	}
	var v console.View
	resp.json(h.t, &v)
	return v
}

// cellIn finds a user's decision for a channel and the user type it is grouped under.
func cellIn(v console.View, username, channel string) (console.Cell, string) {
	for _, g := range v.Groups {
		for _, u := range g.Users {
			for _, c := range u.Cells {
				if u.Username == username && c.Channel == channel {
					return c, g.UserType
				}
			}
		}
	}
	return console.Cell{}, ""
}

// Every cell must be what /__mockorg/decide answers for the same user and channel: the console
// shows the org's decisions, not a second opinion.
func TestConsoleMatrixIsWhatDecideAnswers(t *testing.T) {
	h := newHarness(t, Config{})
	v := h.consoleState()
	if v.Revision == "" {
		t.Error("state.json has no revision for the page to poll")
	}
	wantChannels := []string{"Terraform_Admin", "Partner_Portal_Mobile", "Workbench", "DataLoader", "visualforce"}
	var channels []string
	for _, c := range v.Channels {
		channels = append(channels, c.Name)
	}
	if strings.Join(channels, ",") != strings.Join(wantChannels, ",") {
		t.Errorf("channels %v, want %v", channels, wantChannels)
	}
	cells := 0
	for _, g := range v.Groups {
		for _, u := range g.Users {
			if len(u.Cells) != len(v.Channels) {
				t.Fatalf("%s has %d cells for %d channels", u.Username, len(u.Cells), len(v.Channels))
			}
			for _, c := range u.Cells {
				req := map[string]string{"username": u.Username, "connected_app": c.Channel}
				if c.Channel == "visualforce" {
					req = map[string]string{"username": u.Username, "channel": "visualforce"}
				}
				var want struct {
					Allowed              bool
					Rule, Error, Message string
				}
				h.control(http.MethodPost, "/__mockorg/decide", req).json(t, &want)
				got := console.Cell{Channel: c.Channel, Allowed: want.Allowed, Rule: want.Rule, Error: want.Error, Message: want.Message}
				if c != got {
					t.Errorf("%s via %s: console shows %+v, decide answers %+v", u.Username, c.Channel, c, got)
				}
				cells++
			}
		}
	}
	if want := 9 * len(wantChannels); cells != want {
		t.Errorf("%d cells, want one per seeded user and channel (%d)", cells, want)
	}
	for _, c := range []struct {
		user, channel, userType, rule string
	}{
		{"readonly@acme.test", "Workbench", "Standard", "uninstalled_app_restricted"},
		{"employee@acme.test", "Workbench", "Standard", "allowed"},
		{"partner@acme.test", "visualforce", "PowerPartner", "allowed"},
		{"highvolume@acme.test", "DataLoader", "CspLitePortal", "uninstalled_app_restricted"},
	} {
		if got, group := cellIn(v, c.user, c.channel); got.Rule != c.rule || group != c.userType {
			t.Errorf("%s via %s: rule %q in group %q, want %q in %q", c.user, c.channel, got.Rule, group, c.rule, c.userType)
		}
	}
}

func TestConsoleFollowsSettingsAndUsage(t *testing.T) {
	h := newHarness(t, Config{})
	before := h.consoleState()
	admin := h.adminToken()
	if r := h.soap(admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": true})); r.status != http.StatusOK {
		t.Fatalf("updateMetadata: %d %s", r.status, r.body)
	}
	after := h.consoleState()
	if after.Revision == before.Revision {
		t.Error("the revision did not change with the org")
	}
	if !after.Settings.LimitExternalUsersToInstalledApps || before.Settings.LimitExternalUsersToInstalledApps {
		t.Errorf("external-user limit before %v, after %v", before.Settings.LimitExternalUsersToInstalledApps, after.Settings.LimitExternalUsersToInstalledApps)
	}
	if c, _ := cellIn(after, "customerplus@acme.test", "Workbench"); c.Allowed || c.Rule != "external_app_not_installed" {
		t.Errorf("customerplus@acme.test via Workbench after the limit: %+v", c)
	}
	if got := after.APIUsage.Used - before.APIUsage.Used; got != 1 {
		t.Errorf("API usage grew by %d for one SOAP call", got)
	}
	if again := h.consoleState(); again.Revision != after.Revision || again.APIUsage != after.APIUsage {
		t.Error("reading the console changed what it shows: it must not count as API usage nor as a call")
	}
	var admins int
	for _, a := range after.Apps {
		if a.Name == "Terraform_Admin" {
			admins = a.UserCount
		}
	}
	if admins != 1 {
		t.Errorf("Terraform_Admin's user count is %d with one admin token out", admins)
	}
}

// Nothing on the console changes the org: any method but GET and HEAD is refused, with or
// without the control token, and the org, its tokens and its API usage stay as they were.
func TestConsoleRefusesEveryWrite(t *testing.T) {
	h := newHarness(t, Config{})
	h.adminToken()
	snap := func() string {
		return string(h.control(http.MethodGet, "/__mockorg/snapshot", nil).body)
	}
	before := snap()
	for _, path := range []string{console.Path, console.Path + "state.json", strings.TrimSuffix(console.Path, "/"), console.Path + "reset"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			for _, token := range []string{"", h.org.ControlToken()} {
				header := http.Header{}
				if token != "" {
					header.Set("Authorization", "Bearer "+token)
				}
				resp := h.send(method, path, header, strings.NewReader(`{"settings":{}}`))
				if resp.status != http.StatusMethodNotAllowed || resp.header.Get("Allow") != "GET, HEAD" {
					t.Errorf("%s %s (token %v): %d, Allow %q; want 405, GET, HEAD", method, path, token != "", resp.status, resp.header.Get("Allow"))
				}
			}
		}
	}
	if after := snap(); after != before {
		t.Errorf("the org changed:\nbefore %s\nafter  %s", before, after)
	}
	resp := h.send(http.MethodGet, console.Path, nil, nil)
	if resp.status != http.StatusOK || !strings.Contains(resp.header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("GET %s: %d, CSP %q", console.Path, resp.status, resp.header.Get("Content-Security-Policy"))
	}
}

// The recent calls name the caller, the app and the refusing rule, and keep nothing a client
// sent to prove who it is.
func TestConsoleRecentCallsKeepNoSecrets(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	if r := h.passwordGrant("readonly@acme.test", "Workbench"); r.status != http.StatusBadRequest {
		t.Fatalf("readonly via Workbench: %d %s", r.status, r.body)
	}
	employee := h.login("employee@acme.test", "Workbench")
	partner := h.login("partner@acme.test", "Partner_Portal_Mobile")
	if r := h.rest(http.MethodGet, apiBase+"/limits", employee, nil); r.status != http.StatusOK {
		t.Fatalf("limits: %d %s", r.status, r.body)
	}
	if r := h.soap(admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": true})); r.status != http.StatusOK {
		t.Fatalf("updateMetadata: %d %s", r.status, r.body)
	}
	if r := h.rest(http.MethodGet, apiBase+"/limits", partner, nil); r.status != http.StatusUnauthorized {
		t.Fatalf("partner's token after the limit: %d %s", r.status, r.body)
	}
	if r := h.send(http.MethodPost, "/services/oauth2/revoke?token="+url.QueryEscape(employee), nil, nil); r.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}

	v := h.consoleState()
	type row struct{ method, path, op, user, app, rule string }
	var got []row
	for _, c := range v.Calls {
		got = append(got, row{c.Method, c.Path, c.Operation, c.User, c.App, c.Rule})
	}
	want := []row{
		{"POST", "/services/oauth2/revoke", "oauth:revoke", "", "", ""},
		{"GET", apiBase + "/limits", "rest:unauthenticated", "partner@acme.test", "Partner_Portal_Mobile", "external_app_not_installed"},
		{"POST", "/services/Soap/m/66.0", "soap:updateMetadata", "admin@acme.test", "Terraform_Admin", ""},
		{"GET", apiBase + "/limits", "rest:limits", "employee@acme.test", "Workbench", ""},
		{"POST", "/services/oauth2/token", "oauth:token", "partner@acme.test", "Partner_Portal_Mobile", ""},
		{"POST", "/services/oauth2/token", "oauth:token", "employee@acme.test", "Workbench", ""},
		{"POST", "/services/oauth2/token", "oauth:token", "readonly@acme.test", "Workbench", "uninstalled_app_restricted"},
		{"POST", "/services/oauth2/token", "oauth:token", "admin@acme.test", "Terraform_Admin", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("recent calls:\n%+v\nwant\n%+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if v.Calls[1].Status != http.StatusUnauthorized || v.Calls[6].Status != http.StatusBadRequest || v.Calls[3].Status != http.StatusOK {
		t.Errorf("statuses %d, %d, %d; want 401, 400, 200", v.Calls[1].Status, v.Calls[6].Status, v.Calls[3].Status)
	}

	page := h.send(http.MethodGet, console.Path, nil, nil).body
	state := h.send(http.MethodGet, console.Path+"state.json", nil, nil).body
	for what, secret := range map[string]string{
		"the admin's access token": admin, "the employee's access token": employee, "the partner's access token": partner,
		"the password": DefaultPassword, "a consumer secret": "MockorgAdminSecret0001", "the control token": h.org.ControlToken(),
	} {
		for where, body := range map[string][]byte{"the page": page, "state.json": state} {
			if strings.Contains(string(body), secret) {
				t.Errorf("%s shows %s", where, what)
			}
		}
	}
}

func TestConsoleKeepsABoundedNumberOfCalls(t *testing.T) {
	h := newHarness(t, Config{})
	for range recentCallsKept + 10 {
		h.send(http.MethodGet, "/services/data", nil, nil)
	}
	h.tokenRequest(url.Values{"grant_type": {"client_credentials"}})
	calls := h.consoleState().Calls
	if len(calls) != recentCallsKept {
		t.Fatalf("%d calls kept, want %d", len(calls), recentCallsKept)
	}
	if calls[0].Path != "/services/oauth2/token" || calls[1].Operation != "rest:versions" {
		t.Errorf("newest calls are %+v, %+v", calls[0], calls[1])
	}
}
