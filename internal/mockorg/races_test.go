package mockorg

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// without returns a copy of seed in which the user no longer exists, nor anything that names them.
func without(seed Seed, username string) *Seed {
	out := seed.clone()
	out.Users = slices.DeleteFunc(out.Users, func(u SeedUser) bool { return u.Username == username })
	out.PermissionSetAssignments = slices.DeleteFunc(out.PermissionSetAssignments, func(a SeedAssignment) bool { return a.Username == username })
	out.OAuthTokens = slices.DeleteFunc(out.OAuthTokens, func(a SeedOAuthToken) bool { return a.Username == username })
	for i := range out.ConnectedApps {
		if out.ConnectedApps[i].ClientCredentialsUser == username {
			out.ConnectedApps[i].ClientCredentialsEnabled, out.ConnectedApps[i].ClientCredentialsUser = false, ""
		}
	}
	return out
}

// putSnapshot replaces the org through the control API in process, so that it can run inside a
// handler's goroutine.
func putSnapshot(t *testing.T, org *Server, seed *Seed) {
	data, err := json.Marshal(seed)
	if err != nil {
		t.Error(err)
		return
	}
	req := httptest.NewRequest(http.MethodPut, "/__mockorg/snapshot", bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+org.ControlToken())
	rec := httptest.NewRecorder()
	org.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Errorf("PUT /__mockorg/snapshot: %d %s", rec.Code, rec.Body)
	}
}

// hookedHarness serves an org whose afterAuthenticate hook runs hook, set before the first request.
func hookedHarness(t *testing.T, cfg Config, hook func(h *harness)) *harness {
	t.Helper()
	org, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = org.Close() })
	h := &harness{t: t, org: org}
	org.afterAuthenticate = func() { hook(h) }
	h.ts = newTestServer(t, org)
	return h
}

// TestSnapshotRemovingTheCallerMidRequestAnswers401 replaces the org with one without the caller
// between authentication and the handler, as a concurrent PUT /__mockorg/snapshot can: every API
// answers as for an invalid session, in its own shape, and never drops the connection.
func TestSnapshotRemovingTheCallerMidRequestAnswers401(t *testing.T) {
	var full, gone *Seed
	var armed atomic.Bool
	h := hookedHarness(t, Config{}, func(h *harness) {
		if armed.Load() {
			putSnapshot(t, h.org, gone)
		}
	})
	admin := h.adminToken()
	snap := h.snapshot()
	full, gone = &snap, without(snap, "admin@acme.test")

	checks := []struct {
		label, method, path string
		body                any
		want                func(response) bool
	}{
		{"REST query", http.MethodGet, apiBase + "/query?q=SELECT+Id+FROM+User", nil, restInvalidSession},
		{"REST create", http.MethodPost, apiBase + "/sobjects/PermissionSet", psBody("Raced"), restInvalidSession},
		{"setup settings", http.MethodGet, apiBase + "/sfaccess/api-access-control", nil, restInvalidSession},
		{"setup app list", http.MethodGet, apiBase + "/sfaccess/connected-apps", nil, restInvalidSession},
		{"setup installation", http.MethodGet, apiBase + "/sfaccess/connected-apps/" + h.appID("Terraform_Admin") + "/installation", nil, restInvalidSession},
		{"userinfo", http.MethodGet, "/services/oauth2/userinfo", nil, func(r response) bool {
			return r.status == http.StatusForbidden && string(r.body) == "Bad_OAuth_Token"
		}},
	}
	for _, c := range checks {
		putSnapshot(t, h.org, full)
		armed.Store(true)
		resp := h.rest(c.method, c.path, admin, c.body)
		armed.Store(false)
		if !c.want(resp) {
			t.Errorf("%s with the caller removed mid-request: %d %s", c.label, resp.status, resp.body)
		}
	}
	for _, op := range []string{readSettings(), `<listMetadata><queries><type>ConnectedApp</type></queries></listMetadata>`,
		updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": true})} {
		putSnapshot(t, h.org, full)
		armed.Store(true)
		resp := h.soap(admin, op)
		armed.Store(false)
		if code, msg := resp.fault(t, http.StatusInternalServerError); code != "sf:INVALID_SESSION_ID" || !strings.Contains(msg, "Illegal Session") {
			t.Errorf("SOAP with the caller removed mid-request: %s %s", code, msg)
		}
	}
}

func restInvalidSession(r response) bool {
	return r.status == http.StatusUnauthorized && strings.Contains(string(r.body), `"errorCode":"INVALID_SESSION_ID"`)
}

// TestAPanicAnswers500AndIsLogged makes a handler panic: each protocol answers a 500 in its own
// shape, the log says so, and the server goes on serving (no lock is left held). A handler that
// aborts on purpose still drops the connection.
func TestAPanicAnswers500AndIsLogged(t *testing.T) {
	logs := &lockedBuffer{}
	var panicWith atomic.Pointer[any]
	panicOn := func(v any) { panicWith.Store(&v) }
	h := hookedHarness(t, Config{Logger: slog.New(slog.NewTextHandler(logs, nil))}, func(*harness) {
		if v := panicWith.Load(); v != nil && *v != nil {
			panic(*v)
		}
	})
	admin := h.adminToken()
	panicOn("injected")
	if e := h.rest(http.MethodGet, apiBase+"/limits", admin, nil); e.status != http.StatusInternalServerError || e.restError(t).ErrorCode != "UNKNOWN_EXCEPTION" {
		t.Errorf("REST: %d %s", e.status, e.body)
	}
	if code, _ := h.soap(admin, readSettings()).fault(t, http.StatusInternalServerError); code != "sf:UNKNOWN_EXCEPTION" {
		t.Errorf("SOAP: %s", code)
	}
	resp := h.rest(http.MethodGet, "/services/oauth2/userinfo", admin, nil)
	var oerr map[string]string
	resp.json(t, &oerr)
	if resp.status != http.StatusInternalServerError || oerr["error"] != "server_error" {
		t.Errorf("OAuth: %d %s", resp.status, resp.body)
	}
	if n := strings.Count(logs.String(), "handler panicked"); n != 3 || !strings.Contains(logs.String(), "panic=injected") {
		t.Errorf("%d panic log lines in:\n%s", n, logs.String())
	}

	panicOn(http.ErrAbortHandler)
	req, _ := http.NewRequest(http.MethodGet, h.ts.URL+apiBase+"/limits", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("an aborted handler answered %d", resp.StatusCode)
	}
	panicOn(nil)
	h.mustStatus(t, h.rest(http.MethodGet, apiBase+"/limits", admin, nil), http.StatusOK)
	h.mustStatus(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("AfterPanics")), http.StatusCreated)
}
