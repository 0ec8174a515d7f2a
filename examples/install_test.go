package examples_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/tfdev"
)

// TestAccInstallRoute follows the README's route to a user's own configuration without the
// registry: `make install` with a CLI configuration file, then a configuration with a complete
// required_providers block planned with that file and no `terraform init`, against a mock org.
func TestAccInstallRoute(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run make install and plan against an in-process mockorg (make test does)")
	}
	tf := terraform(t)
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not on PATH")
	}
	work := t.TempDir()
	gobin, cliConfig := filepath.Join(work, "bin"), filepath.Join(work, "cli", "dev.tfrc")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, "make", "-s", "install", "CLI_CONFIG="+cliConfig)
	install.Dir = ".."
	install.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	} else if !strings.Contains(string(out), "export TF_CLI_CONFIG_FILE="+cliConfig) {
		t.Errorf("make install does not tell the user how to use the CLI configuration:\n%s", out)
	}
	if out, err := exec.CommandContext(ctx, filepath.Join(gobin, "sfaccess-mockorg"), "--version").CombinedOutput(); err != nil {
		t.Fatalf("the installed sfaccess-mockorg --version: %v\n%s", err, out)
	}
	// scripts/cli-config.sh writes what the demo and the tests use (tfdev): one configuration.
	if written, err := os.ReadFile(cliConfig); err != nil {
		t.Fatal(err)
	} else if string(written) != tfdev.CLIConfig(gobin) {
		t.Errorf("make install wrote\n%s\nwant what tfdev uses:\n%s", written, tfdev.CLIConfig(gobin))
	}

	url := serveOrg(t, nil).URL
	cfg := filepath.Join(work, "config")
	writeFile(t, filepath.Join(cfg, "main.tf"), `terraform {
  required_providers {
    sfaccess = {
      source = "sfaccess/sfaccess"
    }
  }
}

provider "sfaccess" {}

data "sfaccess_api_access_control" "current" {}

output "provisioned" {
  value = data.sfaccess_api_access_control.current.feature_provisioned
}
`)
	plan := exec.CommandContext(ctx, tf, "plan", "-input=false", "-no-color")
	plan.Dir = cfg
	ws := &tfdev.Workspace{CLIConfigFile: cliConfig, DataDir: filepath.Join(work, "tfdata")}
	plan.Env = ws.Env(os.Environ(), adminCredentials(url)...)
	out, err := plan.CombinedOutput()
	if err != nil {
		t.Fatalf("terraform plan with the installed provider and the printed CLI configuration: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "provisioned = true") || !strings.Contains(string(out), "Provider development overrides are in effect") {
		t.Errorf("the plan did not use the installed provider against the mock org:\n%s", out)
	}
}
