// Package examples_test proves that every example configuration — the ones the docs show and the
// quickstart `make demo` applies — is accepted by Terraform with the provider built from this
// checkout, and is `terraform fmt` clean.
package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/tfdev"
)

// requiredProviders is added to examples that leave it out (the docs' resource and data source
// examples do, for brevity): without it Terraform would look for hashicorp/sfaccess.
const requiredProviders = `terraform {
  required_providers {
    sfaccess = {
      source = "sfaccess/sfaccess"
    }
  }
}
`

// terraform returns the binary to run, or skips the test with the reason.
func terraform(t *testing.T) string {
	t.Helper()
	bin, err := tfdev.FindTerraform()
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	return bin
}

// buildProvider builds the provider once per test into a temporary plugin directory.
func buildProvider(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir, err := tfdev.BuildProvider(ctx, "..", filepath.Join(t.TempDir(), "plugins"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// exampleDirs lists every folder below examples/ that holds .tf files.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != "." {
			return filepath.SkipDir // a .terraform folder a user left behind
		}
		if !d.IsDir() && filepath.Ext(path) == ".tf" {
			seen[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, filepath.ToSlash(d))
	}
	sort.Strings(dirs)
	return dirs
}

func TestExamplesCoverEveryResourceAndDataSource(t *testing.T) {
	dirs := map[string]bool{}
	for _, d := range exampleDirs(t) {
		dirs[d] = true
	}
	for _, want := range []string{
		"provider", "quickstart",
		"resources/sfaccess_api_access_control", "resources/sfaccess_connected_app",
		"resources/sfaccess_connected_app_installation", "resources/sfaccess_connected_app_access",
		"resources/sfaccess_permission_set", "resources/sfaccess_permission_set_assignment",
		"data-sources/sfaccess_api_access_control", "data-sources/sfaccess_connected_app",
		"data-sources/sfaccess_connected_apps", "data-sources/sfaccess_users",
		"data-sources/sfaccess_api_access_check",
		"ephemeral-resources/sfaccess_access_token",
		"actions/sfaccess_revoke_app_sessions", "actions/sfaccess_refresh_app_scopes",
	} {
		if !dirs[want] {
			t.Errorf("examples/%s is missing", want)
		}
	}
	resources, err := filepath.Glob("resources/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resources {
		b, err := os.ReadFile(filepath.Join(r, "import.sh"))
		if err != nil {
			t.Errorf("%s has no import.sh: every resource can be imported", r)
			continue
		}
		// The docs show this command verbatim: it must import into the type it documents.
		want := "terraform import " + filepath.Base(r) + "."
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "terraform ") && !strings.HasPrefix(strings.ReplaceAll(line, "'", ""), want) {
				t.Errorf("%s/import.sh: %q does not import a %s", r, line, filepath.Base(r))
			}
		}
		if !strings.Contains(strings.ReplaceAll(string(b), "'", ""), want) {
			t.Errorf("%s/import.sh has no %q command", r, want)
		}
		if _, err := os.Stat(filepath.Join(r, importByIdentityFile)); err != nil {
			t.Errorf("%s has no %s: every resource has an identity", r, importByIdentityFile)
		}
		if _, err := os.Stat(filepath.Join("list-resources", filepath.Base(r), listResourceFile)); err != nil {
			t.Errorf("list-resources/%s has no %s: every resource can be listed", filepath.Base(r), listResourceFile)
		}
		// The docs show the import {} blocks beside the command: the same ids, into the same type.
		blocks, err := os.ReadFile(filepath.Join(r, importBlocksFile))
		if err != nil {
			t.Errorf("%s has no %s: the docs show an import block for every resource", r, importBlocksFile)
			continue
		}
		if !strings.Contains(string(blocks), "to = "+filepath.Base(r)+".") {
			t.Errorf("%s/%s does not import into %s", r, importBlocksFile, filepath.Base(r))
		}
		for _, line := range strings.Split(string(b), "\n") {
			if fields := strings.Fields(line); len(fields) > 0 && fields[0] == "terraform" {
				id := strings.Trim(strings.TrimPrefix(line, strings.Join(fields[:3], " ")+" "), "' ")
				if !strings.Contains(string(blocks), "id = \""+id+"\"") {
					t.Errorf("%s/%s has no import block with the id %q of import.sh", r, importBlocksFile, id)
				}
			}
		}
	}
}

func TestExamplesAreFormatted(t *testing.T) {
	tf := terraform(t)
	cmd := exec.Command(tf, "fmt", "-check", "-diff", "-recursive", "-no-color", ".")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("terraform fmt -check: %v (run `make fmt`)\n%s", err, out)
	}
}

// The example files tfplugindocs renders for identities and list resources.
const (
	importByIdentityFile = "import-by-identity.tf"
	listResourceFile     = "list-resource.tfquery.hcl"
)

// TestListResourceExamplesValidate checks every list resource example with `terraform validate
// -query` on Terraform 1.14, the first version that knows list blocks.
func TestListResourceExamplesValidate(t *testing.T) {
	tf := terraform114(t)
	plugins := buildProvider(t)
	examples, err := filepath.Glob(filepath.Join("list-resources", "*", listResourceFile))
	if err != nil || len(examples) == 0 {
		t.Fatalf("no list resource examples (%v)", err)
	}
	for _, example := range examples {
		t.Run(filepath.Dir(example), func(t *testing.T) {
			t.Parallel()
			query, err := os.ReadFile(example)
			if err != nil {
				t.Fatal(err)
			}
			work := t.TempDir()
			cfg := filepath.Join(work, "config")
			writeFile(t, filepath.Join(cfg, listResourceFile), string(query))
			writeFile(t, filepath.Join(cfg, "main.tf"), requiredProviders+"\nprovider \"sfaccess\" {}\n")
			ws, err := tfdev.NewWorkspace(filepath.Join(work, "tf"), plugins)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(tf, "validate", "-query", "-no-color")
			cmd.Dir, cmd.Env = cfg, ws.Env(os.Environ())
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("terraform validate -query examples/%s: %v\n%s", example, err, out)
			}
		})
	}
}

// writeOnlyUse marks examples that need Terraform 1.11: write-only arguments and ephemeral variables.
var writeOnlyUse = regexp.MustCompile(`(?m)_wo\s*=|^\s*ephemeral\s*=\s*true`)

// actionUse marks examples that need Terraform 1.14: action blocks.
var actionUse = regexp.MustCompile(`(?m)^\s*action\s+"`)

// terraform114 returns the Terraform 1.14 binary that .ci/build-terraform built and
// SFACCESS_TERRAFORM_1_14 names, or skips the test, unless SFACCESS_REQUIRE_TERRAFORM_1_14=1 (CI)
// makes a missing binary a failure.
func terraform114(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("SFACCESS_TERRAFORM_1_14")
	if bin == "" {
		msg := "uses action blocks, which need Terraform 1.14: set SFACCESS_TERRAFORM_1_14=$(.ci/build-terraform)"
		if os.Getenv("SFACCESS_REQUIRE_TERRAFORM_1_14") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

func TestExamplesValidate(t *testing.T) {
	tf := terraform(t)
	major, minor := terraformVersion(t, tf)
	plugins := buildProvider(t)

	for _, dir := range exampleDirs(t) {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			src := readConfig(t, dir)
			if writeOnlyUse.MatchString(src.all) && (major < 1 || major == 1 && minor < 11) {
				t.Skipf("uses write-only arguments, which need Terraform 1.11; this is %d.%d", major, minor)
			}
			tf := tf
			if actionUse.MatchString(src.all) {
				tf = terraform114(t)
			}
			work := t.TempDir()
			cfg := filepath.Join(work, "config")
			copyExample(t, dir, cfg, true)
			if major == 1 && minor < 12 {
				// Importing by identity needs Terraform 1.12; the rest of the folder still validates.
				if err := os.Remove(filepath.Join(cfg, importByIdentityFile)); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
			ws, err := tfdev.NewWorkspace(filepath.Join(work, "tf"), plugins)
			if err != nil {
				t.Fatal(err)
			}
			// No `terraform init`: with dev_overrides it would still ask the registry for the
			// provider, and validate needs nothing else here.
			cmd := exec.Command(tf, "validate", "-no-color")
			cmd.Dir = cfg
			cmd.Env = ws.Env(os.Environ())
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("terraform validate examples/%s: %v\n%s", dir, err, out)
			}
		})
	}
}

type config struct {
	files map[string]string
	all   string
}

func readConfig(t *testing.T, dir string) config {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	queries, err := filepath.Glob(filepath.Join(dir, "*.tfquery.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, queries...)
	c := config{files: map[string]string{}}
	var all strings.Builder
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c.files[filepath.Base(p)] = string(b)
		all.Write(b)
	}
	c.all = all.String()
	return c
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func terraformVersion(t *testing.T, tf string) (major, minor int) {
	t.Helper()
	cmd := exec.Command(tf, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
		t.Fatalf("terraform version -json: %v\n%s", err, stdout.Bytes())
	}
	parts := strings.SplitN(v.Version, ".", 3)
	if len(parts) < 2 {
		t.Fatalf("unexpected terraform version %q", v.Version)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		t.Fatalf("unexpected terraform version %q", v.Version)
	}
	return major, minor
}
