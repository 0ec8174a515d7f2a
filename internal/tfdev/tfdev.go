// Package tfdev runs Terraform against a locally built terraform-provider-sfaccess without touching
// the user's own Terraform set-up: the provider is reached through a dev_overrides CLI configuration
// written into a scratch folder, and Terraform's data directory and state live there too. `make demo`
// and the examples' tests share it so that both run Terraform the same way.
package tfdev

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// ProviderSource is the registry address every configuration of this provider names in
// required_providers; the dev_overrides entry must match it exactly.
const ProviderSource = "registry.terraform.io/sfaccess/sfaccess"

// ProviderBinary is the file name Terraform looks for in a dev_overrides directory.
func ProviderBinary() string {
	if runtime.GOOS == "windows" {
		return "terraform-provider-sfaccess.exe"
	}
	return "terraform-provider-sfaccess"
}

// ErrNoTerraform tells the caller that no terraform binary could be found.
var ErrNoTerraform = errors.New("terraform was not found on PATH (nor in TF_ACC_TERRAFORM_PATH): " +
	"install Terraform 1.5 or later, https://developer.hashicorp.com/terraform/install")

// FindTerraform returns the terraform binary to run: TF_ACC_TERRAFORM_PATH when it is set (the
// variable terraform-plugin-testing honours, so acceptance tests and examples use the same binary),
// otherwise the first terraform on PATH.
func FindTerraform() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil { //nolint:gosec // the user names the binary they want run
			return "", fmt.Errorf("TF_ACC_TERRAFORM_PATH: %w", err)
		}
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", ErrNoTerraform
	}
	return p, nil
}

// BuildProvider compiles the provider in module directory repo into dir and returns dir, ready to
// be named in a dev_overrides block. The build uses the caller's context so an interrupt stops it.
func BuildProvider(ctx context.Context, repo, dir string) (string, error) {
	return BuildProviderFrom(ctx, repo, ".", dir)
}

// BuildProviderFrom is BuildProvider for another main package of the module (pkg, relative to
// repo), built under the provider's binary name so that dev_overrides serve it in its place.
func BuildProviderFrom(ctx context.Context, repo, pkg, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	out := filepath.Join(dir, ProviderBinary())
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg) //nolint:gosec // out lies in the caller's scratch folder
	cmd.Dir = repo
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the provider (go build %s): %w\n%s", pkg, err, b)
	}
	return dir, nil
}

// CLIConfig is the text of a Terraform CLI configuration that serves ProviderSource from
// pluginDir and installs every other provider as usual.
func CLIConfig(pluginDir string) string {
	// HCL strings take forward slashes on every platform, and %q escapes what else needs it.
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, ProviderSource, filepath.ToSlash(pluginDir))
}

// Workspace is a scratch folder in which Terraform runs with the locally built provider.
type Workspace struct {
	// Dir holds the CLI configuration and Terraform's data directory.
	Dir string
	// CLIConfigFile is the dev_overrides configuration, passed as TF_CLI_CONFIG_FILE.
	CLIConfigFile string
	// DataDir is passed as TF_DATA_DIR so that no .terraform folder lands in a configuration.
	DataDir string
}

// NewWorkspace writes the CLI configuration for pluginDir into dir.
func NewWorkspace(dir, pluginDir string) (*Workspace, error) {
	w := &Workspace{
		Dir:           dir,
		CLIConfigFile: filepath.Join(dir, "terraform.rc"),
		DataDir:       filepath.Join(dir, "tf-data"),
	}
	if err := os.MkdirAll(w.DataDir, 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(w.CLIConfigFile, []byte(CLIConfig(pluginDir)), 0o600); err != nil {
		return nil, err
	}
	return w, nil
}

// Env returns base (usually os.Environ()) made safe for running Terraform in the workspace, with
// extra (NAME=value entries) appended. It drops what would make Terraform read the user's own
// configuration or state, or would make the provider reach another org: TF_CLI_CONFIG_FILE,
// TF_DATA_DIR, TF_WORKSPACE, TF_CLI_ARGS*, and every SFACCESS_* variable (one left-over
// SFACCESS_ACCESS_TOKEN would otherwise clash with the credentials the caller passes).
func (w *Workspace) Env(base []string, extra ...string) []string {
	env := make([]string, 0, len(base)+len(extra)+5)
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "TF_CLI_CONFIG_FILE", name == "TF_DATA_DIR", name == "TF_WORKSPACE",
			name == "TF_INPUT", name == "TF_IN_AUTOMATION", name == "CHECKPOINT_DISABLE",
			strings.HasPrefix(name, "TF_CLI_ARGS"), strings.HasPrefix(name, "SFACCESS_"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+w.CLIConfigFile,
		"TF_DATA_DIR="+w.DataDir,
		"TF_INPUT=0",
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1", // no version check calls home
	)
	return append(env, extra...)
}
