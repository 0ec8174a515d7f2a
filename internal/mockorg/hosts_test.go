package mockorg

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/console"
)

// getWithHost sends GET path with the Host header a browser would send for host.
func (h *harness) getWithHost(path, host string) response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.ts.URL+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Host = host
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatalf("GET %s as %s: %v", path, host, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// A page whose DNS name was rebound to the mock's address sends its own name as Host: the console
// and its state.json must not answer it, or the page could read the org's users and recent calls.
func TestConsoleAnswersOnlyTheServersOwnNames(t *testing.T) {
	h := newHarness(t, Config{})
	for _, path := range []string{console.Path, console.Path + "state.json"} {
		for _, host := range []string{"localhost:8484", "LOCALHOST", "localhost.", "127.0.0.1:8484", "127.0.0.2", "[::1]:8484", "[::ffff:127.0.0.1]", "0.0.0.0:8484", "[::]:8484"} {
			if resp := h.getWithHost(path, host); resp.status != http.StatusOK {
				t.Errorf("GET %s as %s: %d %s, want 200", path, host, resp.status, resp.body)
			}
		}
		for _, host := range []string{"rebound.example", "rebound.example:8484", "127.0.0.1.nip.io", "localhost.rebound.example"} {
			resp := h.getWithHost(path, host)
			if resp.status != http.StatusMisdirectedRequest || !strings.HasPrefix(resp.header.Get("Content-Type"), "text/plain") {
				t.Errorf("GET %s as %s: %d %s, want 421 in plain text", path, host, resp.status, resp.header.Get("Content-Type"))
			}
			if want := "--allowed-host " + strings.TrimSuffix(host, ":8484"); !strings.Contains(string(resp.body), want) {
				t.Errorf("GET %s as %s answered %q, which does not name %q", path, host, resp.body, want)
			}
			if strings.Contains(string(resp.body), "admin@acme.test") {
				t.Errorf("GET %s as %s leaked a username: %s", path, host, resp.body)
			}
		}
	}
}

// The Salesforce API and the control API answer whatever name a client reached them by (a compose
// service name, a CI service label): their callers hold a token, which a rebinding page does not.
func TestAPIsAnswerAnyHost(t *testing.T) {
	h := newHarness(t, Config{})
	if resp := h.getWithHost("/services/data", "mockorg:8484"); resp.status != http.StatusOK {
		t.Errorf("GET /services/data as mockorg: %d %s", resp.status, resp.body)
	}
	req, err := http.NewRequest(http.MethodGet, h.ts.URL+"/__mockorg/stats", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "mockorg:8484"
	req.Header.Set("Authorization", "Bearer "+h.org.ControlToken())
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /__mockorg/stats as mockorg: %d", resp.StatusCode)
	}
}

func TestAllowedHostsOpenTheConsoleToMoreNames(t *testing.T) {
	h := newHarness(t, Config{AllowedHosts: []string{"mockorg", "Console.Example.", "192.0.2.10", "[2001:db8::1]"}})
	for _, host := range []string{"mockorg:8484", "MOCKORG", "console.example", "192.0.2.10:8484", "[2001:db8::1]:8484"} {
		if resp := h.getWithHost(console.Path+"state.json", host); resp.status != http.StatusOK {
			t.Errorf("as %s: %d %s, want 200", host, resp.status, resp.body)
		}
	}
	for _, host := range []string{"other.example", "mockorg.example", "192.0.2.11"} {
		if resp := h.getWithHost(console.Path+"state.json", host); resp.status != http.StatusMisdirectedRequest {
			t.Errorf("as %s: %d, want 421", host, resp.status)
		}
	}
}

func TestAllowedHostsRefusesWhatCanNeverMatch(t *testing.T) {
	for _, entry := range []string{"mockorg:8484", "http://mockorg", "mockorg/console", "", "two words"} {
		_, err := New(Config{AllowedHosts: []string{entry}})
		if err == nil || !strings.Contains(err.Error(), "without scheme, port or path") {
			t.Errorf("AllowedHosts %q: %v, want an error saying what to give", entry, err)
		}
	}
}

// A server listening on every interface (0.0.0.0, [::]) answers the console at the address a
// request arrived on, so a container reached by its address needs no flag.
func TestConsoleAnswersAtTheAddressTheRequestArrivedOn(t *testing.T) {
	org, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { org.Close() })
	get := func(host string) int {
		req := httptest.NewRequest(http.MethodGet, console.Path+"state.json", nil)
		req.Host = host
		local := &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 8484}
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, local))
		rec := httptest.NewRecorder()
		org.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := get("192.0.2.7:8484"); code != http.StatusOK {
		t.Errorf("at the local address: %d, want 200", code)
	}
	if code := get("192.0.2.8:8484"); code != http.StatusMisdirectedRequest {
		t.Errorf("at another address: %d, want 421", code)
	}
}
