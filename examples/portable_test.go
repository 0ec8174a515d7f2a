package examples_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// TestAccPortableConfiguration proves the pattern of examples/portable: one configuration applies
// to sfaccess-mockorg with the setup extension, and plans without an error against an org without it (a
// real org, rehearsed here with organization.setupExtensionDisabled), where the same
// configuration with the extension's resources counted in fails at plan.
func TestAccPortableConfiguration(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run examples/portable against in-process mock orgs (make test does)")
	}
	tf := terraform(t)
	plugins := buildProvider(t)

	terraformAgainst := func(t *testing.T, seed *mockorg.Seed) func(args ...string) (string, error) {
		return newOrgRun(t, tf, plugins, "portable", seed).terraform
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
		// Aside from the warning a dev_overrides run always prints and the one main.tf explains
		// (creating the singleton adopts the org's settings), nothing is reported.
		if strings.Count(out, "Warning:") > 2 || !strings.Contains(out, "Warning: sfaccess_api_access_control Adopts the Org's Settings") ||
			strings.Contains(out, "Error:") {
			t.Errorf("the plan for a real org warns or fails:\n%s", out)
		}
		out, err = run("plan", "-var", "setup_extension=true")
		if err == nil || !strings.Contains(out, "Setup Extension Unavailable") {
			t.Errorf("with the extension's resources counted in, the plan should fail naming the Setup page to use: %v\n%s", err, out)
		}
	})
}
