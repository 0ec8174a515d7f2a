package examples_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/tfdev"
)

// TestAccPortableConfiguration proves the pattern of examples/portable: one configuration applies
// to sfaccess-mockorg with the setup extension, and plans cleanly against an org without it (a
// real org, rehearsed here with organization.setupExtensionDisabled), where the same
// configuration with the extension's resources counted in fails at plan.
func TestAccPortableConfiguration(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run examples/portable against in-process mock orgs (make test does)")
	}
	tf := terraform(t)
	plugins := buildProvider(t)

	terraformAgainst := func(t *testing.T, seed *mockorg.Seed) func(args ...string) (string, error) {
		org, err := mockorg.New(mockorg.Config{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(org)
		t.Cleanup(func() {
			srv.Close()
			_ = org.Close()
		})
		dir := t.TempDir()
		cfg := filepath.Join(dir, "portable")
		for name, body := range readConfig(t, "portable").files {
			writeFile(t, filepath.Join(cfg, name), body)
		}
		ws, err := tfdev.NewWorkspace(filepath.Join(dir, "tf"), plugins)
		if err != nil {
			t.Fatal(err)
		}
		env := ws.Env(os.Environ(), "SFACCESS_INSTANCE_URL="+srv.URL,
			"SFACCESS_CLIENT_ID=MockorgAdminKey0001", "SFACCESS_CLIENT_SECRET=MockorgAdminSecret0001")
		return func(args ...string) (string, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, tf, append(args, "-no-color", "-input=false")...)
			cmd.Dir, cmd.Env = cfg, env
			out, err := cmd.CombinedOutput()
			return string(out), err
		}
	}

	t.Run("sfaccess-mockorg with the setup extension", func(t *testing.T) {
		run := terraformAgainst(t, nil)
		if out, err := run("apply", "-auto-approve", "-var", "setup_extension=true"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		if out, err := run("plan", "-detailed-exitcode", "-var", "setup_extension=true"); err != nil {
			t.Fatalf("a second plan is not empty: %v\n%s", err, out)
		}
	})

	t.Run("an org without the setup extension", func(t *testing.T) {
		seed := mockorg.DefaultSeed()
		seed.Organization.SetupExtensionDisabled = true
		run := terraformAgainst(t, seed)
		out, err := run("plan", "-detailed-exitcode", "-var", "setup_extension=false")
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Fatalf("plan for a real org: want exit 2 (changes, no error), got %v\n%s", err, out)
		}
		// The one warning a dev_overrides run always prints aside, nothing is reported.
		if strings.Count(out, "Warning:") > 1 || strings.Contains(out, "Error:") {
			t.Errorf("the plan for a real org warns or fails:\n%s", out)
		}
		out, err = run("plan", "-var", "setup_extension=true")
		if err == nil || !strings.Contains(out, "Setup Extension Unavailable") {
			t.Errorf("with the extension's resources counted in, the plan should fail naming the Setup page to use: %v\n%s", err, out)
		}
	})
}
