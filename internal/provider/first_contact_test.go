package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// sevenPermissionSets are the resources of the runs below: seven that each need the org.
func sevenPermissionSets() string {
	var b strings.Builder
	for i := range 7 {
		fmt.Fprintf(&b, "resource \"sfaccess_permission_set\" \"p%d\" {\n  name  = \"Contact_%d\"\n  label = \"Contact %d\"\n}\n", i, i, i)
	}
	return b.String()
}

// providerAt is a provider block for url with the admin app's client credentials (or secret).
func providerAt(url, secret string, extra ...string) string {
	return fmt.Sprintf("provider \"sfaccess\" {\n  instance_url  = %q\n  client_id     = \"MockorgAdminKey0001\"\n  client_secret = %q\n  %s\n}\n",
		url, secret, strings.Join(extra, "\n  "))
}

// failedRun runs terraform, which must fail, and returns its output with every run of whitespace
// made one space: Terraform wraps long diagnostics.
func (c *terraformCLI) failedRun(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err == nil {
		c.t.Fatalf("terraform %v succeeded:\n%s", args, out)
	}
	return strings.Join(strings.Fields(out), " ")
}

// requireOnce fails the test unless out holds summary exactly once, and every phrase, and none
// of the phrases in absent.
func requireOnce(t *testing.T, out, summary string, phrases []string, absent ...string) {
	t.Helper()
	if n := strings.Count(out, "Error: "+summary); n != 1 {
		t.Errorf("%d errors %q, want exactly 1:\n%s", n, summary, out)
	}
	for _, p := range phrases {
		if !strings.Contains(out, p) {
			t.Errorf("the output lacks %q:\n%s", p, out)
		}
	}
	for _, p := range absent {
		if strings.Contains(out, p) {
			t.Errorf("the output has %q:\n%s", p, out)
		}
	}
}

// TestAccFirstContact runs Terraform against org URLs that cannot work: each plan fails once,
// at once or within first_contact_timeout, naming the URL, what was tried and what to check, and
// never advising more retries. A rejected client secret is one "Authentication Failed" for seven
// resources, and leaves the state as it was.
func TestAccFirstContact(t *testing.T) {
	org := newTestOrg(t)
	cli := newTerraformCLI(t, providerAt(org.URL, "MockorgAdminSecret0001")+sevenPermissionSets())
	cli.mustRun("apply", "-auto-approve", "-input=false")
	stateFile := filepath.Join(cli.dir, "terraform.tfstate")
	applied, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	retryAdvice := []string{"max_retries", "request_timeout", "SFACCESS_MAX_RETRIES"}

	t.Run("wrong client secret", func(t *testing.T) {
		cli.writeConfig(providerAt(org.URL, "not-the-secret") + sevenPermissionSets())
		out := cli.failedRun("plan", "-input=false")
		requireOnce(t, out, "Authentication Failed", []string{"invalid_client", "Fix client_secret (SFACCESS_CLIENT_SECRET) or client_id"})
		cli.failedRun("apply", "-refresh-only", "-auto-approve", "-input=false")
		if now, err := os.ReadFile(stateFile); err != nil || string(now) != string(applied) {
			t.Errorf("a run with a rejected login changed the state (%v)", err)
		}
	})

	refused := mockorgtest.ClosedPort(t)
	t.Run("connection refused on this machine", func(t *testing.T) {
		cli.writeConfig(providerAt("http://"+refused, "MockorgAdminSecret0001") + sevenPermissionSets())
		out := cli.failedRun("plan", "-input=false")
		requireOnce(t, out, "Org Unreachable", []string{
			`could not reach instance_url "http://` + refused + `" (the first request to it was GET http://` + refused + `/services/data)`,
			"the connection was refused: nothing listens on port",
			"Check the port in instance_url, or start the server it names",
		}, retryAdvice...)
	})

	t.Run("https to a plain HTTP server", func(t *testing.T) {
		tlsURL := "https://" + strings.TrimPrefix(org.URL, "http://")
		cli.writeConfig(providerAt(tlsURL, "MockorgAdminSecret0001") + sevenPermissionSets())
		out := cli.failedRun("plan", "-input=false")
		requireOnce(t, out, "Org Unreachable", []string{
			`could not reach instance_url "` + tlsURL + `"`,
			"the server answered plain HTTP to an HTTPS request",
			"Check the scheme and port of instance_url",
		}, retryAdvice...)
	})

	t.Run("a host that accepts and never answers", func(t *testing.T) {
		silent, _ := mockorgtest.SilentListener(t, "")
		cli.writeConfig(providerAt("http://"+silent, "MockorgAdminSecret0001", `first_contact_timeout = "1s"`) + sevenPermissionSets())
		out := cli.failedRun("plan", "-input=false")
		requireOnce(t, out, "Org Unreachable", []string{
			"no answer within first_contact_timeout (1s): the server accepted the connection but sent nothing back",
			"raise first_contact_timeout",
		}, retryAdvice...)
	})

	t.Run("the login host alone unreachable", func(t *testing.T) {
		cli.writeConfig(providerAt(org.URL, "MockorgAdminSecret0001", fmt.Sprintf("login_url = %q", "http://"+refused)) + sevenPermissionSets())
		out := cli.failedRun("plan", "-input=false")
		requireOnce(t, out, "Org Unreachable", []string{
			`could not reach login_url "http://` + refused + `" (the first request to it was POST http://` + refused + `/services/oauth2/token)`,
		}, retryAdvice...)
	})

	t.Run("a colon without a port", func(t *testing.T) {
		cli.writeConfig(providerAt("http://127.0.0.1:", "MockorgAdminSecret0001") + sevenPermissionSets())
		out := cli.failedRun("plan", "-input=false")
		requireOnce(t, out, "Invalid Instance URL", []string{`"http://127.0.0.1:" has a colon after the host but no port`})
	})
}
