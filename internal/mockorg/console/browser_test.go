package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/console"
)

// go test ./internal/mockorg/console -run Browser -args -screenshot=$PWD/assets/mockorg-console.png
// redraws the README's screenshot.
var screenshot = flag.String("screenshot", "", "write a PNG of the console, as the browser test leaves it, to this file")

const controlToken = "browser-test-control-token"

// browser finds Chromium or Chrome on PATH. CI sets SFACCESS_REQUIRE_BROWSER=1 so that a missing
// browser fails there instead of skipping the only test that runs the page's script.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const msg = "no Chromium or Chrome on PATH (Debian: apt-get install chromium); the console's browser test needs one"
	if os.Getenv("SFACCESS_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + ", and SFACCESS_REQUIRE_BROWSER=1")
	}
	t.Skip(msg)
	return ""
}

func cell(user, channel string) string {
	return fmt.Sprintf(`td[data-user=%q][data-channel=%q]`, user, channel)
}

func TestBrowserConsoleFollowsTheOrg(t *testing.T) {
	exe := browser(t)
	org, err := mockorg.New(mockorg.Config{ControlToken: controlToken})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	defer srv.Close()

	// The deadline is on the allocator, so that it ends the browser itself when the test hangs.
	deadline, stop := context.WithTimeout(t.Context(), 30*time.Second)
	defer stop()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.WindowSize(1360, 900),
		// The sandbox protects the machine from the pages a browser visits; this one visits only
		// the console, and the sandbox cannot start as root, which CI containers are.
		chromedp.NoSandbox,
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()

	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(ctx)
	listening := make(chan struct{})
	go func() {
		defer close(listening)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return s
	}
	waitFor := func(what, predicate string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](predicate, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(8*time.Second))); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+console.Path)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ user, channel, want string }{
		{"readonly@acme.test", "Workbench", "Denied uninstalled_app_restricted invalid_client: app must be installed into org"},
		{"employee@acme.test", "Workbench", "Allowed allowed"},
		{"customerplus@acme.test", "Workbench", "Allowed allowed"},
		{"partner@acme.test", "visualforce", "Allowed allowed"},
	} {
		if got := strings.Join(strings.Fields(strings.NewReplacer("✓", "", "✗", "").Replace(text(cell(c.user, c.channel)))), " "); got != c.want {
			t.Errorf("%s via %s shows %q, want %q", c.user, c.channel, got, c.want)
		}
	}

	// A reload would drop this mark: the page must change in place.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	limitExternalUsers(t, srv.URL)
	waitFor("customerplus@acme.test via Workbench to be denied",
		`document.querySelector('`+cell("customerplus@acme.test", "Workbench")+`').textContent.includes("external_app_not_installed")`)
	if got := text(".settings li"); !strings.Contains(got, "On") {
		t.Errorf("the external-user limit shows %q after it was switched on", got)
	}
	if got := text(cell("employee@acme.test", "Workbench")); !strings.Contains(got, "Allowed") {
		t.Errorf("employee@acme.test via Workbench shows %q; the external-user limit does not govern employees", got)
	}

	adminReadsLimits(t, srv.URL)
	passwordLogin(t, srv.URL, "partner@acme.test", "WorkbenchKey0001", "WorkbenchSecret0001")
	waitFor("the refused login in the recent calls",
		`[...document.querySelectorAll('.calls tr.refused')].some(r => r.textContent.includes("partner@acme.test") && r.textContent.includes("external_app_not_installed"))`)
	if reloaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded !== true`)); err != nil || reloaded {
		t.Fatalf("the page reloaded to show the change (err %v)", err)
	}
	if got := text("#live"); !strings.Contains(got, "live") {
		t.Errorf("the status line says %q, not that the page is live", got)
	}

	if *screenshot != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil { //nolint:gosec // a picture for the README
			t.Fatal(err)
		}
	}

	cancelTab()
	<-listening
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser console: %s", p)
	}
}

// limitExternalUsers switches on "For customers and partners, limit API access to only installed
// connected apps" by replacing the org with its own snapshot, changed.
func limitExternalUsers(t *testing.T, base string) {
	t.Helper()
	var snap map[string]any
	if err := json.Unmarshal(control(t, http.MethodGet, base+"/__mockorg/snapshot", nil, http.StatusOK), &snap); err != nil {
		t.Fatal(err)
	}
	snap["settings"].(map[string]any)["enableAdminApprovedAppsOnlyForExternalUser"] = true
	body, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	control(t, http.MethodPut, base+"/__mockorg/snapshot", body, http.StatusNoContent)
}

func control(t *testing.T, method, u string, body []byte, want int) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+controlToken)
	return do(t, req, want)
}

// adminReadsLimits does what the provider does first: a client credentials login through
// Terraform_Admin, then a REST call with the token.
func adminReadsLimits(t *testing.T, base string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"MockorgAdminKey0001"}, "client_secret": {"MockorgAdminSecret0001"}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var token struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(do(t, req, http.StatusOK), &token); err != nil {
		t.Fatal(err)
	}
	req, err = http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/services/data/v62.0/limits", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token.AccessToken)
	do(t, req, http.StatusOK)
}

func passwordLogin(t *testing.T, base, username, clientID, secret string) {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "client_id": {clientID}, "client_secret": {secret},
		"username": {username}, "password": {mockorg.DefaultPassword}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	do(t, req, http.StatusBadRequest)
}

func do(t *testing.T, req *http.Request, want int) []byte {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", req.Method, req.URL.Path, resp.StatusCode, b, want)
	}
	return b
}
