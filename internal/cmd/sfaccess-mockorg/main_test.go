package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// start runs the command in the background and returns the banner's instance URL.
func start(t *testing.T, ctx context.Context, args ...string) (string, *mockorgtest.SyncBuffer, <-chan error) {
	t.Helper()
	pr, pw := io.Pipe()
	stderr := &mockorgtest.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, stderr)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	banner, _ := mockorgtest.ReadBanner(pr)
	if u := banner["instance URL"]; u != "" {
		return u, stderr, done
	}
	t.Fatalf("the banner never printed an instance URL; stderr: %s; run: %v", stderr.String(), <-done)
	return "", nil, nil
}

// admin is the org at base as the admin's tools reach it.
func admin(base string) mockorgtest.Remote {
	return mockorgtest.Remote{URL: base, HTTP: http.DefaultClient}
}

func TestServesTheEmbeddedOrgAndFlushesTheStateFileOnStop(t *testing.T) {
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "org.json")
	ctx, cancel := context.WithCancel(context.Background())
	base, stderr, done := start(t, ctx, "-listen", "127.0.0.1:0", "-state-file", stateFile, "-control-token", "ctl")
	if status, _ := admin(base).Grant(t, mockorgtest.AdminClientCredentials()); status != http.StatusOK {
		t.Fatalf("client credentials against the command: %d", status)
	}
	ctl := admin(base)
	ctl.ControlToken = "ctl"
	if status, _ := ctl.Control(t, http.MethodGet, "stats", nil); status != http.StatusOK {
		t.Errorf("control API with --control-token: %d", status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the command did not stop after cancellation")
	}
	info, err := os.Stat(stateFile)
	if err != nil {
		t.Fatalf("state file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(stateFile)
	var sf struct {
		Org struct {
			Organization struct {
				APIRequestsUsed int `json:"apiRequestsUsed"`
			} `json:"organization"`
		} `json:"org"`
	}
	if err := json.Unmarshal(data, &sf); err != nil {
		t.Fatalf("state file is not JSON: %v", err)
	}
	for _, secret := range []string{"MockorgAdminSecret0001", "Mockorg-Pass-1"} {
		if strings.Contains(stderr.String(), secret) {
			t.Errorf("the log contains the secret %q", secret)
		}
	}
}

func TestRefusesACorruptStateFileAndKeepsIt(t *testing.T) {
	stateFile := filepath.Join(t.TempDir(), "org.json")
	corrupt := []byte(`{"formatVersion":1,"org":{`)
	if err := os.WriteFile(stateFile, corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"-listen", "127.0.0.1:0", "-state-file", stateFile}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), stateFile) {
		t.Fatalf("want an error naming %s, got %v", stateFile, err)
	}
	if data, _ := os.ReadFile(stateFile); !bytes.Equal(data, corrupt) {
		t.Error("the corrupt state file was changed")
	}
}

func TestFlags(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-version"}, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "sfaccess-mockorg ") {
		t.Errorf("-version: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"-nope"}, io.Discard, io.Discard); err == nil {
		t.Error("an unknown flag was accepted")
	}
	if err := run(context.Background(), []string{"-seed", filepath.Join(t.TempDir(), "missing.json")}, io.Discard, io.Discard); err == nil {
		t.Error("a missing seed file was accepted")
	}
	bad := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(bad, []byte(`{"organization":{"name":"X"},"users":[{"username":"a","profile":"missing"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-seed", bad}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a seed with a dangling profile: %v", err)
	}
}

func TestServesACustomSeed(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	doc := `{"organization":{"name":"Tiny","apiAccessControlProvisioned":false},
	  "profiles":[{"name":"Admin","userType":"Standard","permissions":["ApiEnabled","CustomizeApplication","ModifyAllData"]}],
	  "users":[{"username":"root@tiny.test","profile":"Admin","active":true,"password":"pw-123456"}],
	  "connectedApps":[{"name":"CI","label":"CI","contactEmail":"ci@tiny.test","callbackUrls":["https://x/cb"],"scopes":["Api"],
	    "consumerKey":"TinyKey0001","consumerSecret":"TinySecret0001","clientCredentialsEnabled":true,"clientCredentialsUser":"root@tiny.test","local":true,"installed":true}]}`
	if err := os.WriteFile(seed, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, done := start(t, ctx, "-listen", "127.0.0.1:0", "-seed", seed)
	if status, _ := admin(base).Grant(t, url.Values{"grant_type": {"client_credentials"},
		"client_id": {"TinyKey0001"}, "client_secret": {"TinySecret0001"}}); status != http.StatusOK {
		t.Errorf("the seed's own credentials: %d", status)
	}
	if status, _ := admin(base).Grant(t, mockorgtest.AdminClientCredentials()); status != http.StatusBadRequest {
		t.Errorf("the embedded org's credentials work against a custom seed: %d", status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// The banner's console line must lead to the console on the address the command listens on.
func TestBannerPointsAtTheConsole(t *testing.T) {
	org := mockorgtest.Start(t, mockorg.Config{})
	var banner bytes.Buffer
	printBanner(&banner, org.URL, org.Server, true, "", "")
	var consoleURL string
	for line := range strings.Lines(banner.String()) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "console"); ok {
			consoleURL, _, _ = strings.Cut(strings.TrimSpace(rest), " ")
		}
	}
	if consoleURL == "" {
		t.Fatalf("the banner names no console:\n%s", banner.String())
	}
	resp, err := http.Get(consoleURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET %s: %d %s, want the console's page", consoleURL, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestHealthcheck(t *testing.T) {
	org := mockorgtest.Start(t, mockorg.Config{})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(org.URL, "http://"))
	var out bytes.Buffer
	// A container listens on the wildcard address; the check reaches it on loopback.
	if err := run(context.Background(), []string{"-healthcheck", "-listen", "0.0.0.0:" + port}, &out, io.Discard); err != nil {
		t.Fatalf("a serving org is unhealthy: %v", err)
	}
	org.Close(t)
	if err := run(context.Background(), []string{"-healthcheck", "-listen", "127.0.0.1:" + port}, io.Discard, io.Discard); !errors.Is(err, errUnhealthy) {
		t.Errorf("a stopped org: %v, want errUnhealthy (exit 1)", err)
	}
}

func TestBannerExportsWhatTheProviderNeeds(t *testing.T) {
	var banner bytes.Buffer
	printBanner(&banner, "http://127.0.0.1:8484", mockorgtest.Start(t, mockorg.Config{}).Server, true, "", "")
	for _, want := range []string{
		"export SFACCESS_INSTANCE_URL=http://127.0.0.1:8484",
		"export SFACCESS_CLIENT_ID=" + mockorgtest.AdminClientID,
		"export SFACCESS_CLIENT_SECRET=" + mockorgtest.AdminClientSecret,
	} {
		if !strings.Contains(banner.String(), want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner.String())
		}
	}
}

// consoleStatus reads the console's state.json from base as a browser that reached it by host would.
func consoleStatus(t *testing.T, base, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/__mockorg/console/state.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// --allowed-host opens the console under more names; any other name, such as a DNS-rebinding
// page's, is refused with the flag to use.
func TestAllowedHostFlag(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, done := start(t, ctx, "-listen", "127.0.0.1:0", "--allowed-host", "mockorg", "--allowed-host", "console.example")
	for _, host := range []string{"mockorg:8484", "console.example", "localhost"} {
		if status, body := consoleStatus(t, base, host); status != http.StatusOK {
			t.Errorf("as %s: %d %s, want 200", host, status, body)
		}
	}
	status, body := consoleStatus(t, base, "rebound.example")
	if status != http.StatusMisdirectedRequest || !strings.Contains(body, "--allowed-host rebound.example") {
		t.Errorf("as rebound.example: %d %q, want 421 naming --allowed-host", status, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"-listen", "127.0.0.1:0", "--allowed-host", "mockorg:8484"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "without scheme, port or path") {
		t.Errorf("--allowed-host with a port: %v, want an error saying what to give", err)
	}
}

// A --listen host that is a name is one the console answers at; an address needs no entry, the
// server answers at the address a request arrives on.
func TestConsoleHostsIncludeTheListenName(t *testing.T) {
	for _, tc := range []struct {
		listen string
		want   string
	}{
		{"mockorg.lan:8484", "mockorg.lan,extra"},
		{"127.0.0.1:8484", "extra"},
		{"0.0.0.0:8484", "extra"},
		{"[::]:8484", "extra"},
		{":8484", "extra"},
	} {
		if got := strings.Join(consoleHosts(tc.listen, []string{"extra"}), ","); got != tc.want {
			t.Errorf("--listen %s: %s, want %s", tc.listen, got, tc.want)
		}
	}
}
