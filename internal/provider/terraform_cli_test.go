package provider

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/tfdev"
)

// terraformCLI runs the terraform binary itself against a provider built from this module, for
// what terraform-plugin-testing cannot drive: `terraform apply -invoke`, and runs whose plan file,
// state and log the test reads as files.
type terraformCLI struct {
	t   *testing.T
	bin string
	dir string // the configuration's folder, also Terraform's working directory
	env []string
}

// newTerraformCLI builds the provider, writes config to a fresh folder and returns a runner with
// tfdev's environment plus extraEnv. The binary is TF_ACC_TERRAFORM_PATH when set (useTerraform114
// sets it), else terraform on PATH. It skips the test without TF_ACC, like every acceptance test.
func newTerraformCLI(t *testing.T, config string, extraEnv ...string) *terraformCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run terraform against an in-process mockorg (make test does)")
	}
	bin, err := tfdev.FindTerraform()
	if err != nil {
		t.Fatal(err)
	}
	plugins, err := tfdev.BuildProvider(t.Context(), filepath.Join("..", ".."), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	dir := filepath.Join(work, "config")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	ws, err := tfdev.NewWorkspace(filepath.Join(work, "tf"), plugins)
	if err != nil {
		t.Fatal(err)
	}
	c := &terraformCLI{t: t, bin: bin, dir: dir, env: ws.Env(os.Environ(), extraEnv...)}
	c.writeConfig(config)
	return c
}

// writeConfig replaces the configuration; the state stays.
func (c *terraformCLI) writeConfig(config string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(requiredProviders+config), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run runs terraform with args (and -no-color) and returns its combined output.
func (c *terraformCLI) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(c.t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, append(args, "-no-color")...) //nolint:gosec // the test's own terraform binary
	cmd.Dir, cmd.Env = c.dir, c.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustRun is run that fails the test when terraform fails.
func (c *terraformCLI) mustRun(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("terraform %v: %v\n%s", args, err, out)
	}
	return out
}
