package mockorg

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

const approvalsSOQL = "SELECT AppName, UserId, UseCount, LastUsedDate, CreatedDate, DeleteToken, AppMenuItemId, Id FROM OauthToken"

// approvalRows runs an OauthToken query as a user and returns its rows.
func (h *harness) approvalRows(t *testing.T, token, soql string) []map[string]any {
	t.Helper()
	r := h.query(token, soql)
	var a queryAnswer
	r.json(t, &a)
	if r.status != http.StatusOK || a.TotalSize != len(a.Records) {
		t.Fatalf("%s: %d %s", soql, r.status, r.body)
	}
	return a.Records
}

// seedWithApprovals is the embedded org keeping only these users' approvals: tests that pin rows of
// OauthToken leave the rest of the seeded usage history out.
func seedWithApprovals(usernames ...string) *Seed {
	seed := DefaultSeed()
	seed.OAuthTokens = slices.DeleteFunc(seed.OAuthTokens, func(a SeedOAuthToken) bool { return !slices.Contains(usernames, a.Username) })
	return seed
}

// TestOauthTokenQueryShowsApprovalsToWhomSalesforceDoes queries the approvals as an admin, as a
// user with Customize Application, as a user with an approval and as one without: the first two
// see every row, the others their own; AppName is the app's label and Id is null.
func TestOauthTokenQueryShowsApprovalsToWhomSalesforceDoes(t *testing.T) {
	h := newHarness(t, Config{Seed: seedWithApprovals("employee@acme.test", "customerplus@acme.test")})
	admin := h.adminToken()
	partner := h.webServerSession("partner@acme.test", "Partner_Portal_Mobile").AccessToken
	employee := h.login("employee@acme.test", "Partner_Portal_Mobile")
	appManager := h.login("appmanager@acme.test", "Partner_Portal_Mobile")
	readOnly := h.login("readonly@acme.test", "Partner_Portal_Mobile")

	rows := h.approvalRows(t, admin, approvalsSOQL+" ORDER BY CreatedDate")
	if len(rows) != 3 {
		t.Fatalf("the admin sees %d approvals, want the two seeded and partner's: %v", len(rows), rows)
	}
	first := rows[0]
	if first["AppName"] != "Workbench" || first["UserId"] != h.userID("employee@acme.test") || first["UseCount"] != float64(212) ||
		first["CreatedDate"] != "2025-06-02T09:00:00.000Z" || first["LastUsedDate"] != "2026-11-20T08:00:00.000Z" ||
		first["DeleteToken"] != h.deleteToken("employee@acme.test", "Workbench") || first["AppMenuItemId"] != nil {
		t.Errorf("employee's approval: %v", first)
	}
	if id, ok := first["Id"]; !ok || id != nil {
		t.Errorf("Id is documented as always null: %v", first)
	}
	if attrs := first["attributes"].(map[string]any); attrs["type"] != "OauthToken" || attrs["url"] != nil {
		t.Errorf("attributes of a row without an Id: %v", attrs)
	}
	if last := rows[2]; last["AppName"] != "Partner Portal Mobile" || last["UseCount"] != float64(1) {
		t.Errorf("AppName is the app's label, and a new approval counts its first use: %v", last)
	}

	filtered := h.approvalRows(t, admin, approvalsSOQL+" WHERE UserId = '"+h.userID("customerplus@acme.test")+"' AND AppName = 'Workbench'")
	if len(filtered) != 1 || filtered[0]["UseCount"] != float64(57) {
		t.Errorf("filtered by user and label: %v", filtered)
	}
	if rows := h.approvalRows(t, admin, "SELECT AppName FROM OauthToken WHERE AppName = 'Partner_Portal_Mobile'"); len(rows) != 0 {
		t.Errorf("AppName matched an API name: %v", rows)
	}
	if rows := h.approvalRows(t, admin, "SELECT User.Username FROM OauthToken WHERE UseCount > 100"); len(rows) != 1 ||
		rows[0]["User"].(map[string]any)["Username"] != "employee@acme.test" {
		t.Errorf("UseCount compares as a number and User traverses: %v", rows)
	}

	for _, c := range []struct {
		who, token string
		want       int
	}{{"appmanager (Customize Application)", appManager, 3}, {"employee", employee, 1}, {"partner", partner, 1}, {"readonly", readOnly, 0}} {
		rows := h.approvalRows(t, c.token, approvalsSOQL)
		if len(rows) != c.want {
			t.Errorf("%s sees %d approvals, want %d: %v", c.who, len(rows), c.want, rows)
		}
	}
	if rows := h.approvalRows(t, employee, approvalsSOQL); len(rows) == 1 && rows[0]["UserId"] != h.userID("employee@acme.test") {
		t.Errorf("employee sees someone else's approval: %v", rows)
	}
}

// TestOauthTokenIsReadOnly tries every sObject write on OauthToken: each is refused as for any
// object without create, update or delete, and the approvals stay.
func TestOauthTokenIsReadOnly(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	before := h.snapshot()
	id := sfid.New(prefixOAuthToken, 1)
	for _, c := range []struct {
		method, path string
		body         any
		message      string
	}{
		{http.MethodPost, "/sobjects/OauthToken", map[string]any{"AppName": "Workbench"}, "entity type cannot be inserted: OauthToken"},
		{http.MethodPatch, "/sobjects/OauthToken/" + id, map[string]any{"UseCount": 1}, "entity type cannot be updated: OauthToken"},
		{http.MethodDelete, "/sobjects/OauthToken/" + id, nil, "entity type cannot be deleted: OauthToken"},
	} {
		r := h.rest(c.method, apiBase+c.path, admin, c.body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
			continue
		}
		if e := r.restError(t); e.ErrorCode != "INVALID_TYPE_FOR_OPERATION" || e.Message != c.message {
			t.Errorf("%s %s: %s", c.method, c.path, r.body)
		}
	}
	var desc struct {
		Createable, Updateable, Deletable, Queryable bool
		Fields                                       []struct{ Name, Type string }
	}
	h.rest(http.MethodGet, apiBase+"/sobjects/OauthToken/describe", admin, nil).json(t, &desc)
	if desc.Createable || desc.Updateable || desc.Deletable || !desc.Queryable || len(desc.Fields) != 8 {
		t.Errorf("describe: %+v", desc)
	}
	if mustJSON(t, h.snapshot()) != mustJSON(t, before) {
		t.Error("a refused write changed the org")
	}
}

// approvalOf returns a user's approval of an app from the snapshot, or nil.
func (h *harness) approvalOf(username, app string) *SeedOAuthToken {
	h.t.Helper()
	for _, a := range h.snapshot().OAuthTokens {
		if a.Username == username && a.ConnectedApp == app {
			return &a
		}
	}
	return nil
}

// flowSession signs a user in through an app with an interactive flow, through the control API.
func (h *harness) flowSession(username, app, flow string) webServerTokens {
	h.t.Helper()
	resp := h.control(http.MethodPost, "/__mockorg/sessions", map[string]string{"username": username, "connected_app": app, "flow": flow})
	var tok webServerTokens
	resp.json(h.t, &tok)
	if resp.status != http.StatusOK || tok.AccessToken == "" || tok.RefreshToken == "" {
		h.t.Fatalf("%s session for %s through %s: %d %s", flow, username, app, resp.status, resp.body)
	}
	return tok
}

// mustBeRefused checks that an API call with the token answers 401 INVALID_SESSION_ID with message.
func (h *harness) mustBeRefused(t *testing.T, label, token, message string) {
	t.Helper()
	r := h.rest(http.MethodGet, apiBase+"/limits", token, nil)
	if r.status != http.StatusUnauthorized {
		t.Errorf("%s: %d %s, want 401 %q", label, r.status, r.body, message)
		return
	}
	if e := r.restError(t); e.ErrorCode != "INVALID_SESSION_ID" || e.Message != message {
		t.Errorf("%s: %s, want %q", label, r.body, message)
	}
}

func (h *harness) mustWork(t *testing.T, label, token string) {
	t.Helper()
	if r := h.rest(http.MethodGet, apiBase+"/limits", token, nil); r.status != http.StatusOK {
		t.Errorf("%s: %d %s", label, r.status, r.body)
	}
}

// TestSessionsRecordApprovalsWhereTheRulesAllow signs users in through the interactive flows: an
// allowed sign-in records the approval and every later token counts one more use; a refused one
// records nothing, though the tokens are handed out for the API to refuse.
func TestSessionsRecordApprovalsWhereTheRulesAllow(t *testing.T) {
	h := newHarness(t, Config{})
	refused := h.webServerSession("readonly@acme.test", "Workbench")
	h.mustBeRefused(t, "readonly through the uninstalled Workbench", refused.AccessToken, "app must be installed into org")
	if a := h.approvalOf("readonly@acme.test", "Workbench"); a != nil {
		t.Errorf("a refused sign-in recorded an approval: %+v", a)
	}

	h.webServerSession("partner@acme.test", "Partner_Portal_Mobile")
	first := h.approvalOf("partner@acme.test", "Partner_Portal_Mobile")
	if first == nil || first.UseCount != 1 || first.CreatedDate != first.LastUsedDate || first.DeleteToken == "" {
		t.Fatalf("web server sign-in: %+v", first)
	}
	time.Sleep(2 * time.Millisecond) // LastUsedDate has millisecond precision
	h.flowSession("partner@acme.test", "Partner_Portal_Mobile", "user_agent")
	h.login("partner@acme.test", "Partner_Portal_Mobile")
	again := h.approvalOf("partner@acme.test", "Partner_Portal_Mobile")
	if again.UseCount != 3 || again.CreatedDate != first.CreatedDate || again.LastUsedDate <= first.LastUsedDate || again.DeleteToken != first.DeleteToken {
		t.Errorf("two more tokens: %+v, first %+v", again, first)
	}
	if a := h.approvalOf("employee@acme.test", "Partner_Portal_Mobile"); a != nil {
		t.Errorf("someone else's sign-in recorded employee's approval: %+v", a)
	}

	for _, body := range []map[string]string{
		{"username": "partner@acme.test", "connected_app": "Partner_Portal_Mobile", "flow": "password"},
		{"username": "partner@acme.test", "connected_app": "Partner_Portal_Mobile", "flow": "jwt_bearer"},
		{"username": "partner@acme.test", "channel": "visualforce", "flow": "device"},
	} {
		if r := h.control(http.MethodPost, "/__mockorg/sessions", body); r.status != http.StatusBadRequest {
			t.Errorf("%v: %d %s", body, r.status, r.body)
		}
	}
}

// TestDeviceFlowThroughAnUninstalledAppIsRefusedEvenWithAnApproval signs employee, who approved
// Workbench, in through the device flow: the API refuses the session and its refreshes, while the
// user-agent flow works; users with Approve Uninstalled Connected Apps use the device flow freely.
func TestDeviceFlowThroughAnUninstalledAppIsRefusedEvenWithAnApproval(t *testing.T) {
	h := newHarness(t, Config{})
	device := h.flowSession("employee@acme.test", "Workbench", "device")
	h.mustBeRefused(t, "employee's device-flow session", device.AccessToken, "app must be installed into org")
	refreshed := h.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {device.RefreshToken},
		"client_id": {"WorkbenchKey0001"}, "client_secret": {"WorkbenchSecret0001"}})
	var body map[string]string
	refreshed.json(t, &body)
	if refreshed.status != http.StatusBadRequest || body["error"] != "invalid_client" || body["error_description"] != "app must be installed into org" {
		t.Errorf("refreshing a device-flow token: %d %s", refreshed.status, refreshed.body)
	}
	if a := h.approvalOf("employee@acme.test", "Workbench"); a.UseCount != 212 {
		t.Errorf("a refused device sign-in counted as a use: %+v", a)
	}
	h.mustWork(t, "employee's user-agent session", h.flowSession("employee@acme.test", "Workbench", "user_agent").AccessToken)
	prior := h.approvalOf("admin@acme.test", "DataLoader").UseCount // the seeded, dormant approval
	h.mustWork(t, "admin's device-flow session through DataLoader", h.flowSession("admin@acme.test", "DataLoader", "device").AccessToken)
	if a := h.approvalOf("admin@acme.test", "DataLoader"); a == nil || a.UseCount != prior+1 {
		t.Errorf("admin's device sign-in was allowed and records an approval: %+v", a)
	}
}

// TestRevokeByDeleteTokenEndsThePair revokes one of employee's refresh tokens for Workbench, then
// the approval itself: the first ends that token alone, the second every token of the pair at
// once, and Workbench, uninstalled, is then refused to employee.
func TestRevokeByDeleteTokenEndsThePair(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	one := h.webServerSession("employee@acme.test", "Workbench")
	two := h.webServerSession("employee@acme.test", "Workbench")
	password := h.login("employee@acme.test", "Workbench")
	partner := h.webServerSession("partner@acme.test", "Partner_Portal_Mobile")

	h.mustStatus(t, h.revoke(one.RefreshToken), http.StatusOK)
	h.mustBeRefused(t, "the revoked refresh token's session", one.AccessToken, "Session expired or invalid")
	h.mustWork(t, "the pair's other session", two.AccessToken)
	rows := h.approvalRows(t, admin, "SELECT DeleteToken FROM OauthToken WHERE UserId = '"+h.userID("employee@acme.test")+"'")
	if len(rows) != 1 {
		t.Fatalf("revoking a refresh token removed the approval: %v", rows)
	}

	h.mustStatus(t, h.revoke(rows[0]["DeleteToken"].(string)), http.StatusOK)
	for label, token := range map[string]string{"web server session": two.AccessToken, "password session": password} {
		h.mustBeRefused(t, label+" after the approval was revoked", token, "Session expired or invalid")
	}
	refreshed := h.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {two.RefreshToken},
		"client_id": {"WorkbenchKey0001"}, "client_secret": {"WorkbenchSecret0001"}})
	if refreshed.status != http.StatusBadRequest || !strings.Contains(string(refreshed.body), `"expired access/refresh token"`) {
		t.Errorf("refresh after the approval was revoked: %d %s", refreshed.status, refreshed.body)
	}
	if r := h.passwordGrant("employee@acme.test", "Workbench"); !strings.Contains(string(r.body), `"app must be installed into org"`) {
		t.Errorf("a new sign-in through the uninstalled Workbench: %d %s", r.status, r.body)
	}
	if h.approvalOf("employee@acme.test", "Workbench") != nil || h.approvalOf("customerplus@acme.test", "Workbench") == nil {
		t.Errorf("approvals after the revoke: %+v", h.snapshot().OAuthTokens)
	}
	h.mustWork(t, "another pair's session", partner.AccessToken)
	if r := h.revoke(rows[0]["DeleteToken"].(string)); r.status != http.StatusBadRequest {
		t.Errorf("revoking a DeleteToken twice: %d %s", r.status, r.body)
	}
}

// TestRemovingAnAppEndsItsApprovals blocks, uninstalls and deletes Workbench: each removes every
// approval of the app with its sessions, so an approval does not come back when the app is
// unblocked; installing it keeps them.
func TestRemovingAnAppEndsItsApprovals(t *testing.T) {
	for _, c := range []struct {
		name   string
		remove func(t *testing.T, h *harness, admin, app string)
	}{
		{"block", func(t *testing.T, h *harness, admin, app string) {
			h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(app), admin, map[string]bool{"blocked": true}), http.StatusOK)
			h.mustStatus(t, h.rest(http.MethodPatch, setupInstallation(app), admin, map[string]bool{"blocked": false}), http.StatusOK)
			h.mustStatus(t, h.rest(http.MethodDelete, setupInstallation(app), admin, nil), http.StatusNoContent)
		}},
		{"uninstall", func(t *testing.T, h *harness, admin, app string) {
			h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(app), admin, nil), http.StatusOK)
			if len(approvalsOf(h, "Workbench")) != 3 {
				t.Errorf("installing Workbench removed approvals: %+v", h.snapshot().OAuthTokens)
			}
			h.mustStatus(t, h.rest(http.MethodDelete, setupInstallation(app), admin, nil), http.StatusNoContent)
		}},
		{"delete", func(t *testing.T, h *harness, admin, _ string) {
			h.mustSOAPSuccess(t, admin, `<deleteMetadata><type>ConnectedApp</type><fullNames>Workbench</fullNames></deleteMetadata>`)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			admin := h.adminToken()
			employee := h.login("employee@acme.test", "Workbench")
			c.remove(t, h, admin, h.appID("Workbench"))
			if got := approvalsOf(h, "Workbench"); len(got) != 0 {
				t.Errorf("approvals of Workbench left: %+v", got)
			}
			if got := len(h.snapshot().OAuthTokens); got != len(DefaultSeed().OAuthTokens)-3 {
				t.Errorf("%d approvals left; the other apps' should stay", got)
			}
			h.mustBeRefused(t, "employee's session through Workbench", employee, "Session expired or invalid")
			if c.name != "delete" {
				if r := h.passwordGrant("employee@acme.test", "Workbench"); !strings.Contains(string(r.body), `"app must be installed into org"`) {
					t.Errorf("employee through Workbench, uninstalled again: %d %s", r.status, r.body)
				}
			}
		})
	}
}

func approvalsOf(h *harness, app string) []SeedOAuthToken {
	var out []SeedOAuthToken
	for _, a := range h.snapshot().OAuthTokens {
		if a.ConnectedApp == app {
			out = append(out, a)
		}
	}
	return out
}

// TestSnapshotCarriesApprovals replaces the org with a snapshot without employee's approval, which
// refuses Workbench to employee, and refuses snapshots whose oauthTokens are invalid.
func TestSnapshotCarriesApprovals(t *testing.T) {
	h := newHarness(t, Config{Seed: seedWithApprovals("employee@acme.test", "customerplus@acme.test")})
	snap := h.snapshot()
	if len(snap.OAuthTokens) != 2 || snap.OAuthTokens[0].DeleteToken == "" {
		t.Fatalf("snapshot approvals: %+v", snap.OAuthTokens)
	}
	withTokens := func(tokens ...SeedOAuthToken) Seed {
		var s Seed
		if err := json.Unmarshal([]byte(mustJSON(t, snap)), &s); err != nil {
			t.Fatal(err)
		}
		s.OAuthTokens = tokens
		return s
	}
	customerplus := snap.OAuthTokens[1]
	if customerplus.Username != "customerplus@acme.test" {
		t.Fatalf("approvals out of order: %+v", snap.OAuthTokens)
	}
	ok := SeedOAuthToken{Username: "readonly@acme.test", ConnectedApp: "DataLoader", CreatedDate: "2025-01-01T00:00:00.000Z"}
	with := func(change func(*SeedOAuthToken)) SeedOAuthToken { c := ok; change(&c); return c }
	for name, bad := range map[string]Seed{
		"unknown user":         withTokens(with(func(a *SeedOAuthToken) { a.Username = "nobody@acme.test" })),
		"unknown app":          withTokens(with(func(a *SeedOAuthToken) { a.ConnectedApp = "Nope" })),
		"twice the same pair":  withTokens(ok, ok),
		"no createdDate":       withTokens(with(func(a *SeedOAuthToken) { a.CreatedDate = "" })),
		"malformed date":       withTokens(with(func(a *SeedOAuthToken) { a.LastUsedDate = "yesterday" })),
		"negative useCount":    withTokens(with(func(a *SeedOAuthToken) { a.UseCount = -1 })),
		"a shared deleteToken": withTokens(customerplus, with(func(a *SeedOAuthToken) { a.DeleteToken = customerplus.DeleteToken })),
	} {
		if r := h.control(http.MethodPut, "/__mockorg/snapshot", bad); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "oauthTokens") {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if mustJSON(t, h.snapshot()) != mustJSON(t, snap) {
		t.Fatal("a refused snapshot changed the org")
	}

	h.mustStatus(t, h.control(http.MethodPut, "/__mockorg/snapshot", withTokens(customerplus, ok)), http.StatusNoContent)
	if r := h.passwordGrant("employee@acme.test", "Workbench"); !strings.Contains(string(r.body), `"app must be installed into org"`) {
		t.Errorf("employee through Workbench without the approval: %d %s", r.status, r.body)
	}
	h.login("readonly@acme.test", "DataLoader")
	got := h.approvalOf("readonly@acme.test", "DataLoader")
	if got == nil || got.LastUsedDate == ok.CreatedDate || got.UseCount != 1 || got.DeleteToken == "" {
		t.Errorf("readonly's new approval: %+v", got)
	}
}
