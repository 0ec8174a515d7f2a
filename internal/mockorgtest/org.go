package mockorgtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// Org is one isolated mock org, served in-process over loopback HTTP for the life of a test.
type Org struct {
	// URL is the org's instance URL, http://127.0.0.1:<port>.
	URL    string
	Server *mockorg.Server
	// HTTP is a client for the org's listener.
	HTTP *http.Client

	ts        *httptest.Server
	closeOnce sync.Once
	failing   atomic.Pointer[func(*http.Request) bool]
}

// Start serves a fresh mock org built from cfg (an empty Config: the embedded default seed,
// which refuses to create connected apps) until the test ends.
func Start(t testing.TB, cfg mockorg.Config) *Org {
	t.Helper()
	srv, err := mockorg.New(cfg)
	if err != nil {
		t.Fatalf("starting mockorg: %v", err)
	}
	o := &Org{Server: srv}
	o.ts = httptest.NewServer(http.HandlerFunc(o.serve))
	o.URL, o.HTTP = o.ts.URL, o.ts.Client()
	t.Cleanup(func() { o.Close(t) })
	return o
}

func (o *Org) serve(w http.ResponseWriter, r *http.Request) {
	if fail := o.failing.Load(); fail != nil && (*fail)(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `[{"errorCode":"SERVER_UNAVAILABLE","message":"injected by the test"}]`)
		return
	}
	o.Server.ServeHTTP(w, r)
}

// Close stops serving and closes the org before the test ends, for a test that must see it gone;
// the cleanup Start registers then does nothing.
func (o *Org) Close(t testing.TB) {
	t.Helper()
	o.closeOnce.Do(func() {
		o.ts.Close()
		if err := o.Server.Close(); err != nil {
			t.Errorf("closing mockorg: %v", err)
		}
	})
}

// FailWhen answers every request for which fail holds with a 503, until FailWhen(nil). It
// complements mockorg's fault injection, which selects by path only, where a test needs one
// particular call to fail (the read-back after a create, not the look-ups before it).
func (o *Org) FailWhen(fail func(*http.Request) bool) {
	if fail == nil {
		o.failing.Store(nil)
		return
	}
	o.failing.Store(&fail)
}

// Do sends req to the org and returns the status and body.
func (o *Org) Do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := o.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s %s: %v", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode, b
}

// Control calls the control API (/__mockorg/<path>) with body as JSON and returns the status
// and body, for a test that looks at a refusal too.
func (o *Org) Control(t testing.TB, method, path string, body any) (int, []byte) {
	t.Helper()
	var rdr io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("encoding control body: %v", err)
		}
		rdr = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, o.URL+"/__mockorg/"+strings.TrimPrefix(path, "/"), rdr)
	if err != nil {
		t.Fatalf("control request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+o.Server.ControlToken())
	req.Header.Set("Content-Type", "application/json")
	return o.Do(t, req)
}

// MustControl calls the control API, fails the test unless it answers 2xx, and decodes the
// answer into out unless out is nil.
func (o *Org) MustControl(t testing.TB, method, path string, body, out any) {
	t.Helper()
	status, data := o.Control(t, method, path, body)
	if status/100 != 2 {
		t.Fatalf("control %s %s: HTTP %d: %.300s", method, path, status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("control %s %s: %v in %.300s", method, path, err, data)
		}
	}
}

// Stats reads the org's request counters.
func (o *Org) Stats(t testing.TB) mockorg.Stats {
	t.Helper()
	var s mockorg.Stats
	o.MustControl(t, http.MethodGet, "stats", nil, &s)
	return s
}

// ResetStats zeroes the org's request counters.
func (o *Org) ResetStats(t testing.TB) {
	t.Helper()
	o.MustControl(t, http.MethodPost, "stats/reset", nil, nil)
}

// Faults sets the org's fault injection (mockorg.FaultConfig's JSON fields).
func (o *Org) Faults(t testing.TB, cfg any) {
	t.Helper()
	o.MustControl(t, http.MethodPost, "faults", cfg, nil)
}

// Reset puts the org back to its seed.
func (o *Org) Reset(t testing.TB) {
	t.Helper()
	o.MustControl(t, http.MethodPost, "reset", nil, nil)
}

// Snapshot decodes what the org holds, in the seed's JSON shape, into out: a *mockorg.Seed, or
// a struct of just the fields a test compares.
func (o *Org) Snapshot(t testing.TB, out any) {
	t.Helper()
	o.MustControl(t, http.MethodGet, "snapshot", nil, out)
}
