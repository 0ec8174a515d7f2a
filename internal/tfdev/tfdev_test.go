package tfdev

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCLIConfigOverridesOnlyThisProvider(t *testing.T) {
	got := CLIConfig(`/tmp/odd "dir"`)
	want := `provider_installation {
  dev_overrides {
    "registry.terraform.io/sfaccess/sfaccess" = "/tmp/odd \"dir\""
  }
  direct {}
}
`
	if got != want {
		t.Fatalf("CLIConfig:\n%s\nwant:\n%s", got, want)
	}
}

func TestNewWorkspaceWritesConfigInsideItsDir(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWorkspace(dir, "/plugins")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(w.CLIConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `= "/plugins"`) {
		t.Errorf("CLI config does not name the plugin dir:\n%s", b)
	}
	for _, p := range []string{w.CLIConfigFile, w.DataDir} {
		if rel, err := filepath.Rel(dir, p); err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("%s lies outside the workspace %s", p, dir)
		}
	}
	if fi, err := os.Stat(w.DataDir); err != nil || !fi.IsDir() {
		t.Errorf("data dir %s was not created: %v", w.DataDir, err)
	}
}

func TestEnvIsolatesTerraformAndCredentials(t *testing.T) {
	w := &Workspace{CLIConfigFile: "/ws/terraform.rc", DataDir: "/ws/tf-data"}
	base := []string{
		"PATH=/usr/bin",
		"HOME=/home/me",
		"TF_CLI_CONFIG_FILE=/home/me/.terraformrc",
		"TF_DATA_DIR=/home/me/project/.terraform",
		"TF_WORKSPACE=prod",
		"TF_CLI_ARGS_apply=-parallelism=1",
		"TF_LOG=debug",
		"SFACCESS_ACCESS_TOKEN=00Dxx!secret",
		"SFACCESS_INSTANCE_URL=https://prod.my.salesforce.com",
		"SFACCESSORY=kept", // only the SFACCESS_ prefix is the provider's
	}
	env := w.Env(base, "SFACCESS_INSTANCE_URL=http://127.0.0.1:1234")

	for _, gone := range []string{
		"TF_CLI_CONFIG_FILE=/home/me/.terraformrc", "TF_DATA_DIR=/home/me/project/.terraform",
		"TF_WORKSPACE=prod", "TF_CLI_ARGS_apply=-parallelism=1", "SFACCESS_ACCESS_TOKEN=00Dxx!secret",
		"SFACCESS_INSTANCE_URL=https://prod.my.salesforce.com",
	} {
		if slices.Contains(env, gone) {
			t.Errorf("Env kept %q", gone)
		}
	}
	for _, kept := range []string{
		"PATH=/usr/bin", "HOME=/home/me", "TF_LOG=debug", "SFACCESSORY=kept",
		"TF_CLI_CONFIG_FILE=/ws/terraform.rc", "TF_DATA_DIR=/ws/tf-data", "CHECKPOINT_DISABLE=1",
		"SFACCESS_INSTANCE_URL=http://127.0.0.1:1234",
	} {
		if !slices.Contains(env, kept) {
			t.Errorf("Env lacks %q", kept)
		}
	}
	if got := lookup(env, "TF_CLI_CONFIG_FILE"); got != "/ws/terraform.rc" {
		t.Errorf("TF_CLI_CONFIG_FILE appears more than once or is wrong: %q", got)
	}
}

// lookup returns every value of name in env, joined, so a duplicate shows up in a failure.
func lookup(env []string, name string) string {
	var vals []string
	for _, kv := range env {
		if n, v, _ := strings.Cut(kv, "="); n == name {
			vals = append(vals, v)
		}
	}
	return strings.Join(vals, ",")
}

func TestFindTerraformHonoursTFAccTerraformPath(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", bin)
	got, err := FindTerraform()
	if err != nil || got != bin {
		t.Fatalf("FindTerraform() = %q, %v; want %q", got, err, bin)
	}

	t.Setenv("TF_ACC_TERRAFORM_PATH", filepath.Join(t.TempDir(), "missing"))
	if _, err := FindTerraform(); err == nil {
		t.Fatal("FindTerraform accepted a TF_ACC_TERRAFORM_PATH that does not exist")
	}

	t.Setenv("TF_ACC_TERRAFORM_PATH", "")
	t.Setenv("PATH", t.TempDir())
	if _, err := FindTerraform(); !errors.Is(err, ErrNoTerraform) {
		t.Fatalf("FindTerraform() with no terraform on PATH: %v, want ErrNoTerraform", err)
	}
}
