package mockorg

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// disk stands between a server and its state file: it counts the writes, can fail them as a full
// disk does, and can stop them as a crash does.
type disk struct {
	mu      sync.Mutex
	full    bool
	crashed bool
	writes  int
}

var errDiskFull = errors.New("no space left on device")

func (d *disk) install(s *Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	write := s.writeFile
	s.writeFile = func(path string, data []byte) error {
		d.mu.Lock()
		full, crashed := d.full, d.crashed
		if !full && !crashed {
			d.writes++
		}
		d.mu.Unlock()
		if full || crashed {
			return errDiskFull
		}
		return write(path, data)
	}
}

func (d *disk) set(full, crashed bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.full, d.crashed = full, crashed
}

func (d *disk) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.writes
}

// persistedHarness serves an org with a state file through a disk the test controls. The server
// is closed at the end of the test whatever the disk does by then.
func persistedHarness(t *testing.T, path string) (*harness, *disk) {
	t.Helper()
	org, err := New(Config{StateFile: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = org.Close() })
	d := &disk{}
	d.install(org)
	return &harness{t: t, org: org, ts: newTestServer(t, org)}, d
}

// mustFailToSave checks that a write was answered as a server error in its protocol's shape.
func mustFailToSave(t *testing.T, label string, proto protocol, resp response) {
	t.Helper()
	if resp.status != http.StatusInternalServerError {
		t.Errorf("%s on a full disk: %d %s, want 500", label, resp.status, resp.body)
		return
	}
	switch proto {
	case protoREST:
		if e := resp.restError(t); e.ErrorCode != "UNKNOWN_EXCEPTION" {
			t.Errorf("%s: %s", label, resp.body)
		}
	case protoSOAP:
		if code, _ := resp.fault(t, http.StatusInternalServerError); code != "sf:UNKNOWN_EXCEPTION" {
			t.Errorf("%s: fault %s", label, code)
		}
	case protoOAuth:
		var e map[string]string
		resp.json(t, &e)
		if e["error"] != "server_error" || e["error_description"] == "" {
			t.Errorf("%s: %s", label, resp.body)
		}
	case protoControl:
		var e map[string]string
		resp.json(t, &e)
		if e["error"] == "" {
			t.Errorf("%s: %s", label, resp.body)
		}
	}
}

// TestAFullDiskRefusesEveryWriteAndKeepsNothing fills the disk under every kind of write: each is
// answered as a server error, none is visible afterwards (org and tokens as they were), and once
// the disk has room again every acknowledged write survives a restart from the state file.
func TestAFullDiskRefusesEveryWriteAndKeepsNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	h, d := persistedHarness(t, path)
	admin := h.adminToken()
	employee := h.webServerSession("employee@acme.test", "Partner_Portal_Mobile")
	psID := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Kept")))
	adminApp, workbench := h.appID("Terraform_Admin"), h.appID("Workbench")
	before := mustJSON(t, h.snapshot())

	d.set(true, false)
	writes := []struct {
		label string
		proto protocol
		call  func() response
	}{
		{"REST create", protoREST, func() response {
			return h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Lost"))
		}},
		{"REST update", protoREST, func() response {
			return h.rest(http.MethodPatch, apiBase+"/sobjects/PermissionSet/"+psID, admin, map[string]any{"Label": "Changed"})
		}},
		{"REST delete", protoREST, func() response {
			return h.rest(http.MethodDelete, apiBase+"/sobjects/PermissionSet/"+psID, admin, nil)
		}},
		{"SOAP updateMetadata", protoSOAP, func() response {
			return h.soap(admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": true}))
		}},
		{"setup settings", protoREST, func() response {
			return h.rest(http.MethodPatch, apiBase+"/sfaccess/api-access-control", admin, map[string]any{"allowVisualforceApiAccess": true})
		}},
		{"setup install", protoREST, func() response {
			return h.rest(http.MethodPut, apiBase+"/sfaccess/connected-apps/"+workbench+"/installation", admin, nil)
		}},
		{"setup block", protoREST, func() response {
			return h.rest(http.MethodPatch, apiBase+"/sfaccess/connected-apps/"+adminApp+"/installation", admin, map[string]any{"blocked": true})
		}},
		{"setup uninstall", protoREST, func() response {
			return h.rest(http.MethodDelete, apiBase+"/sfaccess/connected-apps/"+adminApp+"/installation", admin, nil)
		}},
		// Tokens are saved in batches, but not once a write has found the disk full.
		{"OAuth token", protoOAuth, func() response {
			return h.tokenRequest(url.Values{"grant_type": {"client_credentials"},
				"client_id": {"MockorgAdminKey0001"}, "client_secret": {"MockorgAdminSecret0001"}})
		}},
		{"OAuth revoke", protoOAuth, func() response { return h.revoke(employee.AccessToken) }},
		{"control reset", protoControl, func() response { return h.control(http.MethodPost, "/__mockorg/reset", nil) }},
		{"control snapshot", protoControl, func() response {
			return h.control(http.MethodPut, "/__mockorg/snapshot", DefaultSeed())
		}},
		{"control sessions", protoControl, func() response {
			return h.control(http.MethodPost, "/__mockorg/sessions", map[string]string{"username": "employee@acme.test", "connected_app": "Workbench"})
		}},
	}
	for _, w := range writes {
		mustFailToSave(t, w.label, w.proto, w.call())
	}
	d.set(false, false)

	if after := mustJSON(t, h.snapshot()); after != before {
		t.Errorf("refused writes changed the org:\n%s\nwant\n%s", after, before)
	}
	// Blocking, uninstalling, revoking and resetting would have ended these tokens.
	h.mustWork(t, "admin token after refused writes", admin)
	h.mustWork(t, "revoked token after a refused revoke", employee.AccessToken)

	psAfter := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("AfterRecovery")))
	want := mustJSON(t, h.snapshot())
	d.set(false, true)
	restarted := newHarness(t, Config{StateFile: path})
	if got := mustJSON(t, restarted.snapshot()); got != want {
		t.Errorf("org after a restart differs:\n%s\nwant\n%s", got, want)
	}
	restarted.mustStatus(t, restarted.rest(http.MethodGet, apiBase+"/sobjects/PermissionSet/"+psAfter, restarted.adminToken(), nil), http.StatusOK)
}

// TestCorruptStateFilesAreRefusedAndLeftAlone starts on state files of every broken kind: each
// makes New fail with an error naming the file, and the file keeps its bytes and its mtime.
func TestCorruptStateFilesAreRefusedAndLeftAlone(t *testing.T) {
	dir := t.TempDir()
	valid := filepath.Join(dir, "valid.json")
	org, err := New(Config{StateFile: valid})
	if err != nil {
		t.Fatal(err)
	}
	if err := org.Close(); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(valid)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"truncated":       string(doc[:len(doc)/2]),
		"trailing data":   string(doc) + "garbage",
		"trailing brace":  string(doc) + "}",
		"two documents":   string(doc) + string(doc),
		"wrong version":   `{"formatVersion":9,"org":{"organization":{"name":"X"}},"tokens":{}}`,
		"no org":          `{"formatVersion":1,"tokens":{}}`,
		"invalid org":     `{"formatVersion":1,"org":{"organization":{"name":""}},"tokens":{}}`,
		"unknown field":   `{"formatVersion":1,"org":{},"tokens":{},"extra":1}`,
		"empty":           ``,
		"whitespace only": "  \n",
		"not JSON":        "formatVersion = 1\n",
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	for name, content := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, old, old); err != nil {
			t.Fatal(err)
		}
		s, err := New(Config{StateFile: path})
		if err == nil {
			_ = s.Close()
			t.Errorf("%s: the state file was accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "left untouched") {
			t.Errorf("%s: want an error naming the file and saying it was left untouched, got %v", name, err)
		}
		info, statErr := os.Stat(path)
		data, _ := os.ReadFile(path)
		if statErr != nil || string(data) != content || !info.ModTime().Equal(old) {
			t.Errorf("%s: the file was changed (%v)", name, statErr)
		}
	}
}

// TestTempFilesOfAnInterruptedWriteAreRemovedAtStart leaves what a crash mid-write leaves (a
// temporary file beside the state file) and checks that the next start removes it, and only it.
func TestTempFilesOfAnInterruptedWriteAreRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "org.json")
	leftovers := []string{".org.json.123456.tmp", ".org.json.987.tmp"}
	kept := []string{"org.json.backup", ".other.json.1.tmp", ".org.json.notes"}
	write := func(names []string) {
		for _, name := range names {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(`{"formatVersion":1,"org"`), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(kept)
	// The first start creates the state file, the second loads it.
	for _, withStateFile := range []bool{false, true} {
		write(leftovers)
		org, err := New(Config{StateFile: path})
		if err != nil {
			t.Fatalf("state file present %v: %v", withStateFile, err)
		}
		if err := org.Close(); err != nil {
			t.Fatal(err)
		}
		for _, name := range leftovers {
			if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("state file present %v: %s is still there (%v)", withStateFile, name, err)
			}
		}
		for _, name := range kept {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("%s was removed: %v", name, err)
			}
		}
	}
}

// TestTokenRequestsAreSavedInBatches issues many tokens between org writes and then stops as a
// crash does (no Close, no more writes): the state file was written far fewer times than tokens
// were issued, and every acknowledged org write survives the restart.
func TestTokenRequestsAreSavedInBatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	h, d := persistedHarness(t, path)
	admin := h.adminToken()
	const tokens = 300
	before, start := d.count(), time.Now()
	var created []string
	for i := range tokens {
		h.adminToken()
		if i%100 == 0 {
			created = append(created, createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody(fmt.Sprintf("Batch%d", i)))))
		}
	}
	approved := h.webServerSession("appmanager@acme.test", "Partner_Portal_Mobile")
	h.mustStatus(t, h.revoke(approved.AccessToken), http.StatusOK)
	writes, elapsed := d.count()-before, time.Since(start)
	orgWrites := len(created) + 2
	// One write per org write, plus at most one flush per interval.
	if limit := orgWrites + int(elapsed/flushInterval) + 1; writes > limit {
		t.Errorf("%d state file writes for %d token requests and %d org writes in %v; want at most %d", writes, tokens, orgWrites, elapsed, limit)
	}
	t.Logf("%d token requests and %d org writes in %v: %d state file writes", tokens, orgWrites, elapsed.Round(time.Millisecond), writes)
	want := mustJSON(t, h.snapshot())
	// A token is on disk one flush interval after its answer.
	flushed := h.adminToken()
	time.Sleep(flushInterval + flushInterval/2)

	d.set(false, true)
	restarted := newHarness(t, Config{StateFile: path})
	if got := mustJSON(t, restarted.snapshot()); got != want {
		t.Errorf("org after a crash-like stop differs:\n%s\nwant\n%s", got, want)
	}
	fresh := restarted.adminToken()
	for _, id := range created {
		restarted.mustStatus(t, restarted.rest(http.MethodGet, apiBase+"/sobjects/PermissionSet/"+id, fresh, nil), http.StatusOK)
	}
	restarted.mustBeExpired(t, "a token revoked before the crash", approved.AccessToken)
	restarted.mustWork(t, "a token issued a flush interval before the crash", flushed)
	restarted.mustStatus(t, restarted.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {approved.RefreshToken},
		"client_id": {"PartnerPortalMobileKey01"}, "client_secret": {"PartnerPortalMobileSecret01"}}), http.StatusOK)
}

// BenchmarkTokenIssuance measures the token endpoint with and without a state file.
func BenchmarkTokenIssuance(b *testing.B) {
	for _, persisted := range []bool{false, true} {
		b.Run(fmt.Sprintf("stateFile=%v", persisted), func(b *testing.B) {
			cfg := Config{}
			if persisted {
				cfg.StateFile = filepath.Join(b.TempDir(), "org.json")
			}
			org, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer org.Close()
			form := url.Values{"grant_type": {"client_credentials"},
				"client_id": {"MockorgAdminKey0001"}, "client_secret": {"MockorgAdminSecret0001"}}.Encode()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/services/oauth2/token", strings.NewReader(form))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				org.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
