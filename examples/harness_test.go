package examples_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/tfdev"
)

// importBlocksFile is the name tfplugindocs gives the import {} blocks of a resource's docs.
const importBlocksFile = "import-by-string-id.tf"

// orgRun is one example configuration, copied into a scratch folder, run by Terraform with the
// provider built from this checkout against a fresh in-process mockorg, as the admin through
// the Terraform_Admin app — what the README's `sfaccess-mockorg` banner tells a user to export.
type orgRun struct {
	tf, dir string
	env     []string
	org     *mockorgtest.Org
}

// serveOrg serves seed (nil: the embedded org) over loopback HTTP until the test ends.
func serveOrg(t *testing.T, seed *mockorg.Seed) *mockorgtest.Org {
	return mockorgtest.Start(t, mockorg.Config{Seed: seed})
}

// adminCredentials are what the sfaccess-mockorg banner tells a user to export for an org at url.
func adminCredentials(url string) []string {
	return []string{
		"SFACCESS_INSTANCE_URL=" + url,
		"SFACCESS_CLIENT_ID=" + mockorgtest.AdminClientID,
		"SFACCESS_CLIENT_SECRET=" + mockorgtest.AdminClientSecret,
	}
}

// copyExample writes the configuration of examples/<example> into dst, with the
// required_providers block the docs' snippets leave out, and returns what it read. withImports
// keeps importBlocksFile and importByIdentityFile, whose import blocks name objects of the
// reader's org.
func copyExample(t *testing.T, example, dst string, withImports bool) config {
	t.Helper()
	src := readConfig(t, example)
	for name, body := range src.files {
		if (name == importBlocksFile || name == importByIdentityFile) && !withImports {
			continue
		}
		writeFile(t, filepath.Join(dst, name), body)
	}
	if !strings.Contains(src.all, "required_providers") {
		writeFile(t, filepath.Join(dst, "zz_required_providers.tf"), requiredProviders)
	}
	return src
}

// newOrgRun serves seed (nil: the embedded org) and prepares examples/<example> to run against
// it. extraEnv (NAME=value) is added to Terraform's environment, e.g. TF_VAR_ values.
func newOrgRun(t *testing.T, tf, plugins, example string, seed *mockorg.Seed, extraEnv ...string) *orgRun {
	t.Helper()
	org := serveOrg(t, seed)
	work := t.TempDir()
	cfg := filepath.Join(work, filepath.Base(example))
	copyExample(t, example, cfg, false)
	ws, err := tfdev.NewWorkspace(filepath.Join(work, "tf"), plugins)
	if err != nil {
		t.Fatal(err)
	}
	env := ws.Env(os.Environ(), append(adminCredentials(org.URL), extraEnv...)...)
	return &orgRun{tf: tf, dir: cfg, env: env, org: org}
}

// terraform runs one Terraform command in the example's folder without colour, and without
// prompts for the commands that could ask.
func (r *orgRun) terraform(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args = append(args, "-no-color")
	switch args[0] {
	case "plan", "apply", "destroy", "import", "refresh":
		args = append(args, "-input=false")
	}
	cmd := exec.CommandContext(ctx, r.tf, args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}
