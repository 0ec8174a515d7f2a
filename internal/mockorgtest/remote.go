package mockorgtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// Remote is a mock org reached over HTTP: one Start serves, or a sfaccess-mockorg process.
type Remote struct {
	// URL is the org's instance URL.
	URL string
	// ControlToken authorizes the control API (/__mockorg/).
	ControlToken string
	HTTP         *http.Client
}

// Do sends req to the org and returns the status and body.
func (r Remote) Do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := r.HTTP.Do(req) //nolint:gosec // G704: the test names the org it talks to
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
func (r Remote) Control(t testing.TB, method, path string, body any) (int, []byte) {
	t.Helper()
	var rdr io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("encoding control body: %v", err)
		}
		rdr = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, r.URL+"/__mockorg/"+strings.TrimPrefix(path, "/"), rdr)
	if err != nil {
		t.Fatalf("control request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+r.ControlToken)
	req.Header.Set("Content-Type", "application/json")
	return r.Do(t, req)
}

// MustControl calls the control API, fails the test unless it answers 2xx, and decodes the
// answer into out unless out is nil.
func (r Remote) MustControl(t testing.TB, method, path string, body, out any) {
	t.Helper()
	status, data := r.Control(t, method, path, body)
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
func (r Remote) Stats(t testing.TB) mockorg.Stats {
	t.Helper()
	var s mockorg.Stats
	r.MustControl(t, http.MethodGet, "stats", nil, &s)
	return s
}

// ResetStats zeroes the org's request counters.
func (r Remote) ResetStats(t testing.TB) {
	t.Helper()
	r.MustControl(t, http.MethodPost, "stats/reset", nil, nil)
}

// Faults sets the org's fault injection (mockorg.FaultConfig's JSON fields).
func (r Remote) Faults(t testing.TB, cfg any) {
	t.Helper()
	r.MustControl(t, http.MethodPost, "faults", cfg, nil)
}

// Reset puts the org back to its seed.
func (r Remote) Reset(t testing.TB) {
	t.Helper()
	r.MustControl(t, http.MethodPost, "reset", nil, nil)
}

// Snapshot decodes what the org holds, in the seed's JSON shape, into out: a *mockorg.Seed, or
// a struct of just the fields a test compares.
func (r Remote) Snapshot(t testing.TB, out any) {
	t.Helper()
	r.MustControl(t, http.MethodGet, "snapshot", nil, out)
}

// Session is a session the control API opened: the tokens a browser flow would hand a client.
type Session struct {
	SessionID    string `json:"session_id"`
	RefreshToken string `json:"refresh_token"`
}

// Session has a user open a session as POST /__mockorg/sessions describes req ("username" and
// one of "connected_app", "external_client_app", "channel"): through an app, the user authorizes
// it where the access rules let them. It fails the test when the org refuses the request.
func (r Remote) Session(t testing.TB, req map[string]string) Session {
	t.Helper()
	var s Session
	r.MustControl(t, http.MethodPost, "sessions", req, &s)
	if s.SessionID == "" {
		t.Fatalf("the control API opened no session for %v", req)
	}
	return s
}
