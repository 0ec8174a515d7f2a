package mockorg

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const apiBase = "/services/data/v66.0"

// harness is one isolated org served over real HTTP, driven with a plain net/http client.
type harness struct {
	t   *testing.T
	org *Server
	ts  *httptest.Server
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	org, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(org)
	t.Cleanup(func() {
		ts.Close()
		if err := org.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &harness{t: t, org: org, ts: ts}
}

// newTestServer serves org without taking charge of closing it.
func newTestServer(t *testing.T, org *Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(org)
	t.Cleanup(ts.Close)
	return ts
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, into any) {
	t.Helper()
	if err := json.Unmarshal(r.body, into); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// restError decodes Salesforce's REST error array and returns its single entry.
func (r response) restError(t *testing.T) restErrorBody {
	t.Helper()
	var errs []restErrorBody
	r.json(t, &errs)
	if len(errs) != 1 {
		t.Fatalf("want one error, got %s", r.body)
	}
	return errs[0]
}

func (h *harness) send(method, path string, header http.Header, body io.Reader) response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.ts.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// rest calls the REST API with a bearer token and an optional JSON body (a string is sent as is).
func (h *harness) rest(method, path, token string, body any) response {
	h.t.Helper()
	header := http.Header{}
	if token != "" {
		header.Set("Authorization", "Bearer "+token)
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
		header.Set("Content-Type", "application/json")
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
		header.Set("Content-Type", "application/json")
	}
	return h.send(method, path, header, rd)
}

func (h *harness) control(method, path string, body any) response {
	h.t.Helper()
	header := http.Header{"Authorization": {"Bearer " + h.org.ControlToken()}}
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	return h.send(method, path, header, rd)
}

func (h *harness) tokenRequest(form url.Values) response {
	h.t.Helper()
	return h.send(http.MethodPost, "/services/oauth2/token",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, strings.NewReader(form.Encode()))
}

// appCredentials are the embedded org's consumer keys and secrets by app name.
var appCredentials = map[string][2]string{
	"Terraform_Admin":       {"MockorgAdminKey0001", "MockorgAdminSecret0001"},
	"Partner_Portal_Mobile": {"PartnerPortalMobileKey01", "PartnerPortalMobileSecret01"},
	"Workbench":             {"WorkbenchKey0001", "WorkbenchSecret0001"},
	"DataLoader":            {"DataLoaderKey0001", "DataLoaderSecret0001"},
}

// login runs the password grant for a user through an app and fails the test unless it succeeds.
func (h *harness) login(username, app string) string {
	h.t.Helper()
	resp := h.passwordGrant(username, app)
	if resp.status != http.StatusOK {
		h.t.Fatalf("password grant for %s through %s: %d %s", username, app, resp.status, resp.body)
	}
	var tok tokenAnswer
	resp.json(h.t, &tok)
	return tok.AccessToken
}

func (h *harness) passwordGrant(username, app string) response {
	h.t.Helper()
	creds := appCredentials[app]
	return h.tokenRequest(url.Values{"grant_type": {"password"}, "client_id": {creds[0]}, "client_secret": {creds[1]},
		"username": {username}, "password": {DefaultPassword}})
}

// webServerTokens is what a client holds after the web server flow, the only kind of login that
// earns a refresh token.
type webServerTokens struct {
	AccessToken  string `json:"session_id"`
	RefreshToken string `json:"refresh_token"`
}

// webServerSession signs username in through app as the web server flow would, via the control API.
func (h *harness) webServerSession(username, app string) webServerTokens {
	h.t.Helper()
	resp := h.control(http.MethodPost, "/__mockorg/sessions", map[string]string{"username": username, "connected_app": app})
	var tok webServerTokens
	resp.json(h.t, &tok)
	if resp.status != http.StatusOK || tok.AccessToken == "" || tok.RefreshToken == "" {
		h.t.Fatalf("web server session for %s through %s: %d %s", username, app, resp.status, resp.body)
	}
	return tok
}

// revoke posts a token to the revoke endpoint.
func (h *harness) revoke(token string) response {
	h.t.Helper()
	return h.send(http.MethodPost, "/services/oauth2/revoke", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		strings.NewReader(url.Values{"token": {token}}.Encode()))
}

// deleteToken returns the DeleteToken of a user's approval of an app, from the snapshot.
func (h *harness) deleteToken(username, app string) string {
	h.t.Helper()
	for _, a := range h.snapshot().OAuthTokens {
		if a.Username == username && a.ConnectedApp == app {
			return a.DeleteToken
		}
	}
	h.t.Fatalf("%s has no approval of %s", username, app)
	return ""
}

// adminToken is Terraform_Admin's client-credentials token, which runs as admin@acme.test.
func (h *harness) adminToken() string {
	h.t.Helper()
	resp := h.tokenRequest(url.Values{"grant_type": {"client_credentials"},
		"client_id": {"MockorgAdminKey0001"}, "client_secret": {"MockorgAdminSecret0001"}})
	if resp.status != http.StatusOK {
		h.t.Fatalf("client credentials: %d %s", resp.status, resp.body)
	}
	var tok tokenAnswer
	resp.json(h.t, &tok)
	return tok.AccessToken
}

// snapshot returns the org through the control API.
func (h *harness) snapshot() Seed {
	h.t.Helper()
	resp := h.control(http.MethodGet, "/__mockorg/snapshot", nil)
	if resp.status != http.StatusOK {
		h.t.Fatalf("snapshot: %d %s", resp.status, resp.body)
	}
	var seed Seed
	resp.json(h.t, &seed)
	seed.Organization.APIRequestsUsed = 0 // API calls change it; tests compare the org's records
	return seed
}

// appID returns the 0H4 id of an app by name.
func (h *harness) appID(name string) string {
	h.t.Helper()
	for _, a := range h.snapshot().ConnectedApps {
		if a.Name == name {
			return a.ID
		}
	}
	h.t.Fatalf("no app %s", name)
	return ""
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
