package provider

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/tfdev"
)

// TestAccReliabilityInterrupt sends SIGINT to terraform apply at several points while the org
// answers slowly, then applies again: the second apply must succeed, the org must hold exactly
// what the state says (no duplicate, no orphan), and the plan after it must be empty. It runs the
// terraform binary itself, as a user would, against a provider built from this module.
func TestAccReliabilityInterrupt(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run terraform against an in-process mockorg (make test does)")
	}
	tf, err := tfdev.FindTerraform()
	if err != nil {
		t.Fatal(err)
	}
	plugins, err := tfdev.BuildProvider(t.Context(), filepath.Join("..", ".."), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	delays := []time.Duration{5 * time.Second, 6 * time.Second, 7500 * time.Millisecond}
	if os.Getenv(envSoak) != "" {
		delays = []time.Duration{4 * time.Second, 5 * time.Second, 5500 * time.Millisecond, 6 * time.Second, 6500 * time.Millisecond, 7 * time.Second, 8 * time.Second, 9 * time.Second}
	}
	for _, delay := range delays {
		t.Run(delay.String(), func(t *testing.T) {
			org := newTestOrg(t)
			work := t.TempDir()
			cfgDir := filepath.Join(work, "config")
			if err := os.MkdirAll(cfgDir, 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(cfgDir, "main.tf"), []byte(requiredProviders+org.config(everyTypeConfig(2))), 0o600); err != nil {
				t.Fatal(err)
			}
			ws, err := tfdev.NewWorkspace(filepath.Join(work, "tf"), plugins)
			if err != nil {
				t.Fatal(err)
			}
			env := ws.Env(os.Environ())
			command := func(ctx context.Context, args ...string) *exec.Cmd {
				cmd := exec.CommandContext(ctx, tf, append(args, "-no-color")...)
				cmd.Dir, cmd.Env = cfgDir, env
				return cmd
			}
			run := func(args ...string) (string, error) {
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
				defer cancel()
				out, err := command(ctx, args...).CombinedOutput()
				return string(out), err
			}

			org.setFaults(t, map[string]any{"latency_ms": 150})
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
			defer cancel()
			interrupted := command(ctx, "apply", "-auto-approve", "-input=false")
			var first strings.Builder
			interrupted.Stdout, interrupted.Stderr = &first, &first
			if err := interrupted.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			if err := interrupted.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			_ = interrupted.Wait() // an interrupted apply fails, or finishes if it was nearly done
			t.Logf("interrupted after %s: %d records in the org", delay, len(org.relRecords(t)))

			org.setFaults(t, map[string]any{"rate": 0})
			if out, err := run("apply", "-auto-approve", "-input=false"); err != nil {
				t.Fatalf("the apply after the interrupt failed: %v\n%s\n(interrupted run:\n%s)", err, out, first.String())
			}
			if out, err := run("plan", "-detailed-exitcode", "-input=false"); err != nil {
				t.Fatalf("the plan after the second apply is not empty: %v\n%s", err, out)
			}
			show, err := run("show", "-json")
			if err != nil {
				t.Fatalf("terraform show: %v\n%s", err, show)
			}
			if org, state := org.relRecords(t), stateRecordsJSON(t, show); !slices.Equal(org, state) {
				t.Fatalf("the org and the state differ\norg:   %q\nstate: %q", org, state)
			}
			if out, err := run("destroy", "-auto-approve", "-input=false"); err != nil {
				t.Fatalf("terraform destroy: %v\n%s", err, out)
			}
			if left := org.relRecords(t); len(left) > 0 {
				t.Fatalf("left in the org after destroy: %q", left)
			}
		})
	}
}

// requiredProviders points the configuration at the provider tfdev's dev_overrides serve.
const requiredProviders = `terraform {
  required_providers {
    sfaccess = { source = "` + tfdev.ProviderSource + `" }
  }
}
`

// stateRecordsJSON is stateRecords for the output of terraform show -json.
func stateRecordsJSON(t *testing.T, show string) []string {
	t.Helper()
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(show), &doc); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	var out []string
	str := func(v any) string { s, _ := v.(string); return s }
	for _, r := range doc.Values.RootModule.Resources {
		a := r.Values
		switch r.Type {
		case "sfaccess_connected_app":
			out = append(out, "app "+str(a["name"]))
		case "sfaccess_connected_app_installation":
			out = append(out, "installation "+str(a["connected_app_name"]))
		case "sfaccess_permission_set":
			out = append(out, "permission set "+str(a["name"]))
		case "sfaccess_permission_set_assignment":
			out = append(out, "assignment "+str(a["permission_set_name"])+"/"+strings.ToLower(str(a["username"])))
		case "sfaccess_connected_app_access":
			grantee := str(a["permission_set_name"])
			if p := str(a["profile_name"]); p != "" {
				grantee = "profile:" + p
			}
			out = append(out, "grant "+str(a["connected_app_name"])+"/"+grantee)
		case "sfaccess_api_access_control":
			if a[attrLimitExternal] == true {
				out = append(out, "external limit on")
			}
		}
	}
	slices.Sort(out)
	return out
}
