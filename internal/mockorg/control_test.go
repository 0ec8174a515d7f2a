package mockorg

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestControlAPINeedsTheToken(t *testing.T) {
	h := newHarness(t, Config{ControlToken: "secret-control"})
	if h.org.ControlToken() != "secret-control" {
		t.Fatalf("ControlToken %q", h.org.ControlToken())
	}
	for _, header := range []http.Header{nil, {"Authorization": {"Bearer wrong"}}} {
		if r := h.send(http.MethodGet, "/__mockorg/stats", header, nil); r.status != http.StatusUnauthorized {
			t.Errorf("control without the token: %d", r.status)
		}
	}
	if r := h.control(http.MethodGet, "/__mockorg/nope", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown control route: %d", r.status)
	}
	random, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(random.ControlToken()) < 32 {
		t.Errorf("random control token %q is short", random.ControlToken())
	}
}

func TestResetAndSnapshot(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	pristine := h.snapshot()
	createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Temp")))
	changed := h.snapshot()
	if len(changed.PermissionSets) != 1 {
		t.Fatalf("permission sets: %+v", changed.PermissionSets)
	}
	h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/reset", nil), http.StatusNoContent)
	if mustJSON(t, h.snapshot()) != mustJSON(t, pristine) {
		t.Error("reset did not restore the seed")
	}
	if r := h.rest(http.MethodGet, apiBase+"/limits", admin, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a token survived the reset: %d", r.status)
	}
	// PUT a snapshot back: the org becomes it, ids included.
	h.mustStatus(t, h.control(http.MethodPut, "/__mockorg/snapshot", changed), http.StatusNoContent)
	if mustJSON(t, h.snapshot()) != mustJSON(t, changed) {
		t.Error("PUT snapshot then GET differs")
	}
	before := h.snapshot()
	for _, bad := range []any{map[string]any{"organization": map[string]any{"name": "X"}, "nope": 1},
		map[string]any{"organization": map[string]any{"name": ""}},
		map[string]any{"organization": map[string]any{"name": "X"}, "users": []any{map[string]any{"username": "a", "profile": "missing"}}},
		map[string]any{"organization": map[string]any{"name": "X", "id": "001000000000001"}},
	} {
		if r := h.control(http.MethodPut, "/__mockorg/snapshot", bad); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"error"`) {
			t.Errorf("bad snapshot %v: %d %s", bad, r.status, r.body)
		}
	}
	if mustJSON(t, h.snapshot()) != mustJSON(t, before) {
		t.Error("a refused snapshot changed the org")
	}
}

func TestDefaultSeedIsADeepCopy(t *testing.T) {
	a := DefaultSeed()
	a.Users[0].Username = "changed"
	a.ConnectedApps[0].Scopes[0] = "changed"
	b := DefaultSeed()
	if b.Users[0].Username != "admin@acme.test" || b.ConnectedApps[0].Scopes[0] != "Api" {
		t.Error("DefaultSeed shares memory between calls")
	}
	seed := DefaultSeed()
	org, err := New(Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	seed.Users[0].Username = "mutated-after-New"
	if id, _, user, ok := org.AdminClient(); !ok || id != "MockorgAdminKey0001" || user != "admin@acme.test" {
		t.Errorf("AdminClient after the caller mutated its seed: %s %s %v", id, user, ok)
	}
}

func TestVisualforceSessionsAndDecide(t *testing.T) {
	h := newHarness(t, Config{})
	var sess map[string]string
	h.control(http.MethodPost, "/__mockorg/sessions", map[string]string{"username": "partner@acme.test", "channel": "visualforce"}).json(t, &sess)
	vf := sess["session_id"]
	h.mustStatus(t, h.rest(http.MethodGet, apiBase+"/limits", vf, nil), http.StatusOK)
	admin := h.adminToken()
	h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": true}))
	r := h.rest(http.MethodGet, apiBase+"/limits", vf, nil)
	if e := r.restError(t); r.status != http.StatusUnauthorized || e.Message != "This session is not valid for use with the REST API" {
		t.Errorf("Visualforce session under the limit: %d %s", r.status, r.body)
	}
	var d map[string]any
	h.control(http.MethodPost, "/__mockorg/decide", map[string]string{"username": "partner@acme.test", "channel": "visualforce"}).json(t, &d)
	if d["allowed"] != false || d["rule"] != "visualforce_denied" || d["error"] != "INVALID_SESSION_ID" {
		t.Errorf("decide: %v", d)
	}
	for _, bad := range []map[string]string{{"username": "nobody"}, {"username": "partner@acme.test"},
		{"username": "partner@acme.test", "channel": "visualforce", "connected_app": "Workbench"},
		{"username": "partner@acme.test", "connected_app": "Nope"}, {"username": "partner@acme.test", "channel": "soap"}} {
		if r := h.control(http.MethodPost, "/__mockorg/decide", bad); r.status != http.StatusBadRequest {
			t.Errorf("decide %v: %d %s", bad, r.status, r.body)
		}
	}
}

func TestFaultInjectionIsRepeatable(t *testing.T) {
	run := func() []int {
		h := newHarness(t, Config{})
		admin := h.adminToken()
		h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/faults",
			map[string]any{"rate": 0.5, "statuses": []int{429, 503}, "retry_after_seconds": 2, "seed": 7}), http.StatusOK)
		var statuses []int
		for i := 0; i < 40; i++ {
			r := h.rest(http.MethodGet, apiBase+"/limits", admin, nil)
			statuses = append(statuses, r.status)
			switch r.status {
			case http.StatusOK:
			case http.StatusTooManyRequests:
				if r.restError(t).ErrorCode != "REQUEST_LIMIT_EXCEEDED" || r.header.Get("Retry-After") != "2" {
					t.Errorf("injected 429: %s %v", r.body, r.header)
				}
			case http.StatusServiceUnavailable:
				if r.restError(t).ErrorCode != "SERVER_UNAVAILABLE" {
					t.Errorf("injected 503: %s", r.body)
				}
			default:
				t.Errorf("unexpected status %d", r.status)
			}
		}
		// SOAP and OAuth get their own shapes.
		h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/faults", map[string]any{"rate": 1, "statuses": []int{503}}), http.StatusOK)
		if code, _ := h.soap(admin, readSettings()).fault(t, http.StatusInternalServerError); code != "sf:SERVER_UNAVAILABLE" {
			t.Errorf("SOAP fault %s", code)
		}
		var oauth map[string]string
		tr := h.tokenRequest(nil)
		tr.json(t, &oauth)
		if tr.status != http.StatusServiceUnavailable || oauth["error"] == "" {
			t.Errorf("OAuth fault %d %s", tr.status, tr.body)
		}
		// Paths limit where faults apply, and rate 0 turns them off.
		h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/faults", map[string]any{"rate": 1, "paths": "^/services/Soap/"}), http.StatusOK)
		h.mustStatus(t, h.rest(http.MethodGet, apiBase+"/limits", admin, nil), http.StatusOK)
		h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/faults", map[string]any{"rate": 0}), http.StatusOK)
		h.mustStatus(t, h.soap(admin, readSettings()), http.StatusOK)
		return statuses
	}
	a, b := run(), run()
	if mustJSON(t, a) != mustJSON(t, b) {
		t.Errorf("the same seed gave different sequences:\n%v\n%v", a, b)
	}
	faults := 0
	for _, s := range a {
		if s != http.StatusOK {
			faults++
		}
	}
	if faults < 8 || faults > 32 {
		t.Errorf("rate 0.5 injected %d faults in 40 calls", faults)
	}
}

func TestFaultConfigValidation(t *testing.T) {
	h := newHarness(t, Config{})
	for _, bad := range []map[string]any{{"rate": 2}, {"statuses": []int{200}}, {"paths": "("}, {"latency_ms": -1}, {"nope": 1}} {
		if r := h.control(http.MethodPost, "/__mockorg/faults", bad); r.status != http.StatusBadRequest {
			t.Errorf("%v: %d %s", bad, r.status, r.body)
		}
	}
	var cfg FaultConfig
	h.control(http.MethodGet, "/__mockorg/faults", nil).json(t, &cfg)
	if cfg.Rate != 0 {
		t.Errorf("a refused config was applied: %+v", cfg)
	}
}

func TestAfterCommitFaultsCommitTheWrite(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/faults", map[string]any{"after_commit_rate": 1, "seed": 3}), http.StatusOK)
	r := h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Committed"))
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("after-commit fault: %d %s", r.status, r.body)
	}
	if ps := h.snapshot().PermissionSets; len(ps) != 1 || ps[0].Name != "Committed" {
		t.Errorf("the write was not carried out: %+v", ps)
	}
	// Reads and refused writes are answered normally.
	h.mustStatus(t, h.rest(http.MethodGet, apiBase+"/limits", admin, nil), http.StatusOK)
	if r := h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Committed")); r.status != http.StatusBadRequest {
		t.Errorf("a refused write under after-commit faults: %d", r.status)
	}
}

func TestLatencyInjection(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/faults", map[string]any{"latency_ms": 150}), http.StatusOK)
	start := time.Now()
	h.mustStatus(t, h.rest(http.MethodGet, apiBase+"/limits", admin, nil), http.StatusOK)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("latency %v, want at least 150ms", d)
	}
}

func TestStatsByOperation(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/stats/reset", nil), http.StatusNoContent)
	h.soap(admin, readSettings())
	h.rest(http.MethodGet, apiBase+"/limits", admin, nil)
	createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Counted")))
	h.adminToken()
	var st Stats
	h.control(http.MethodGet, "/__mockorg/stats", nil).json(t, &st)
	want := map[string]int{"soap:readMetadata": 1, "rest:limits": 1, "rest:create": 1, "oauth:token": 1}
	if st.Requests != 4 || st.Writes != 1 || mustJSON(t, st.ByOperation) != mustJSON(t, want) {
		t.Errorf("stats %+v", st)
	}
}

func TestStateFileSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	first, err := New(Config{StateFile: path})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, org: first}
	ts := newTestServer(t, first)
	h.ts = ts
	admin := h.adminToken()
	id := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Persisted")))
	h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": true}))
	employee := h.webServerSession("employee@acme.test", "Partner_Portal_Mobile") // an approval, with its DeleteToken
	want := h.snapshot()
	if len(want.OAuthTokens) != len(DefaultSeed().OAuthTokens)+1 {
		t.Fatalf("approvals before the restart: %+v", want.OAuthTokens)
	}
	ts.Close()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", info, err)
	}
	second := newHarness(t, Config{StateFile: path})
	if got := second.snapshot(); mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("org after restart differs:\n%s\n%s", mustJSON(t, got), mustJSON(t, want))
	}
	// The token issued before the restart still works, and new ids do not collide with old ones.
	second.mustStatus(t, second.rest(http.MethodGet, apiBase+"/sobjects/PermissionSet/"+id, admin, nil), http.StatusOK)
	second.mustStatus(t, second.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {employee.RefreshToken},
		"client_id": {"PartnerPortalMobileKey01"}, "client_secret": {"PartnerPortalMobileSecret01"}}), http.StatusOK)
	if id2 := createdID(t, second.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("After"))); id2 == id {
		t.Error("an id was reused after the restart")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left next to the state file: %v", entries)
	}
}

// TestConcurrentWriters runs many writers and readers at once (run with -race): every create
// succeeds exactly once and the org ends consistent.
func TestConcurrentWriters(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	ppm := h.appID("Partner_Portal_Mobile")
	partner := h.login("partner@acme.test", "Partner_Portal_Mobile")
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan string, writers*each*4)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				name := "Set_" + string(rune('A'+w)) + "_" + string(rune('a'+i))
				r := h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody(name))
				if r.status != http.StatusCreated {
					errs <- "create " + name + ": " + string(r.body)
				}
				// Everyone races to create the same one: exactly one wins.
				h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Contended"))
				blocked := i%2 == 0
				h.rest(http.MethodPut, setupInstallation(ppm), admin, map[string]bool{"blocked": blocked})
				h.soap(admin, updateSettings(map[string]bool{"enableSkipUserProvisioningWizardWelcomePage": blocked}))
				if r := h.rest(http.MethodGet, apiBase+"/limits", partner, nil); r.status != http.StatusOK && r.status != http.StatusUnauthorized {
					errs <- "partner call: " + string(r.body)
				}
				h.control(http.MethodGet, "/__mockorg/snapshot", nil)
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	names := map[string]int{}
	for _, ps := range h.snapshot().PermissionSets {
		names[ps.Name]++
	}
	if len(names) != writers*each+1 || names["Contended"] != 1 {
		t.Errorf("%d permission sets (Contended: %d), want %d", len(names), names["Contended"], writers*each+1)
	}
}
