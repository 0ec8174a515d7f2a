package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/tfdev"
)

// TestAccReliabilityInterrupt sends SIGINT to terraform apply at several points while the org
// answers slowly, then applies again: the second apply must succeed, the org must hold exactly
// what the state says (no duplicate, no orphan), and the plan after it must be empty. It runs the
// terraform binary itself, as a user would, against a provider built from this module. The points
// are counts of writes the org has taken, not times: an apply that got faster would otherwise end
// before a timed signal and leave nothing interrupted, and the test would pass without testing.
func TestAccReliabilityInterrupt(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run terraform against an in-process mockorg (make test does)")
	}
	plugins := buildProviderForCLI(t)
	points := []int{1, 3, 6}
	if os.Getenv(envSoak) != "" {
		points = []int{1, 2, 3, 4, 5, 6, 8, 10}
	}
	for _, writes := range points {
		t.Run(fmt.Sprintf("after %d writes", writes), func(t *testing.T) {
			org := newTestOrg(t)
			cli := newCLIWorkspace(t, plugins, org.config(everyTypeConfig(2)))

			org.Faults(t, map[string]any{"latency_ms": 150})
			org.ResetStats(t)
			signalled := false
			first := cli.interrupt(func(signal func(), exited <-chan struct{}) {
				signalled = signalAfterWrites(t, org, writes, signal, exited)
			})
			if !signalled {
				t.Fatalf("the apply ended before the org took %d writes, so nothing was interrupted:\n%s", writes, first)
			}
			t.Logf("interrupted after %d writes: %d records in the org", writes, len(org.relRecords(t)))

			org.Faults(t, map[string]any{"rate": 0})
			if out, err := cli.run("apply", "-auto-approve", "-input=false"); err != nil {
				t.Fatalf("the apply after the interrupt failed: %v\n%s\n(interrupted run:\n%s)", err, out, first)
			}
			if out, err := cli.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
				t.Fatalf("the plan after the second apply is not empty: %v\n%s", err, out)
			}
			show, err := cli.run("show", "-json")
			if err != nil {
				t.Fatalf("terraform show: %v\n%s", err, show)
			}
			if org, state := org.relRecords(t), stateRecordsJSON(t, show); !slices.Equal(org, state) {
				t.Fatalf("the org and the state differ\norg:   %q\nstate: %q", org, state)
			}
			if out, err := cli.run("destroy", "-auto-approve", "-input=false"); err != nil {
				t.Fatalf("terraform destroy: %v\n%s", err, out)
			}
			if left := org.relRecords(t); len(left) > 0 {
				t.Fatalf("left in the org after destroy: %q", left)
			}
		})
	}
}

// signalAfterWrites calls signal once the org has taken at least writes writes since its stats
// were reset, and reports whether it did; false when the apply ended first.
func signalAfterWrites(t *testing.T, org *testOrg, writes int, signal func(), exited <-chan struct{}) bool {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-exited:
			return false
		case <-tick.C:
			if org.Stats(t).Writes >= writes {
				signal()
				return true
			}
		}
	}
}

// TestAccReliabilityInterruptedReadBack sends SIGINT to terraform apply while the provider reads
// back the app it has just created (the org holds the read until the provider gives up on it).
// The app must be saved in the state untainted, with a warning: the next plan is empty, not a
// replacement, and the app keeps its id and consumer key.
func TestAccReliabilityInterruptedReadBack(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run terraform against an in-process mockorg (make test does)")
	}
	plugins := buildProviderForCLI(t)
	for _, tc := range []struct{ name, config string }{
		{"external client app", `
resource "sfaccess_external_client_app" "x" {
  name          = "Rel_Interrupted"
  label         = "Interrupted"
  contact_email = "rel@acme.test"
  scopes        = ["Api"]
}
`},
		{"connected app", `
resource "sfaccess_connected_app" "x" {
  name          = "Rel_Interrupted"
  label         = "Interrupted"
  contact_email = "rel@acme.test"
  callback_urls = ["https://localhost/callback"]
  scopes        = ["Api"]
}
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newTestOrg(t)
			cli := newCLIWorkspace(t, plugins, org.config(tc.config))
			readBack := failMetadataReadsAfterCreate()
			var interrupted atomic.Bool
			reached := make(chan struct{})
			org.FailWhen(func(r *http.Request) bool {
				if !readBack(r) || interrupted.Swap(true) {
					return false
				}
				close(reached)
				<-r.Context().Done() // the provider gives up on the read when Terraform stops it
				return true
			})
			first := cli.interrupt(func(signal func(), exited <-chan struct{}) {
				select {
				case <-reached:
					signal()
				case <-exited:
				}
			})
			org.FailWhen(nil)
			if !interrupted.Load() {
				t.Fatalf("the apply never read the app back:\n%s", first)
			}
			if !strings.Contains(first, "Interrupted While Reading Back") {
				t.Errorf("the interrupted apply gave no warning that it read the app back after the interrupt:\n%s", first)
			}
			before := cli.stateValues("x")
			if out, err := cli.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
				t.Fatalf("the plan after the interrupted apply is not empty (a tainted app is replaced): %v\n%s\n(interrupted run:\n%s)", err, out, first)
			}
			if out, err := cli.run("apply", "-auto-approve", "-input=false"); err != nil {
				t.Fatalf("the apply after the interrupt failed: %v\n%s", err, out)
			}
			after := cli.stateValues("x")
			for _, attr := range []string{"id", "consumer_key"} {
				if before[attr] == nil || before[attr] != after[attr] {
					t.Errorf("%s was %v after the interrupted apply and is %v after the next one, want it kept", attr, before[attr], after[attr])
				}
			}
		})
	}
}

// buildProviderForCLI builds the provider for tests that run the terraform binary itself.
func buildProviderForCLI(t *testing.T) string {
	t.Helper()
	plugins, err := tfdev.BuildProvider(t.Context(), filepath.Join("..", ".."), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return plugins
}

// cliWorkspace runs the terraform binary, as a user would, on one configuration against the
// provider built by buildProviderForCLI.
type cliWorkspace struct {
	t           *testing.T
	tf, dir     string
	environment []string
}

func newCLIWorkspace(t *testing.T, plugins, config string) *cliWorkspace {
	t.Helper()
	tf, err := tfdev.FindTerraform()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	cfgDir := filepath.Join(work, "config")
	if err := os.MkdirAll(cfgDir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfgDir, "main.tf"), []byte(requiredProviders+config), 0o600); err != nil {
		t.Fatal(err)
	}
	ws, err := tfdev.NewWorkspace(filepath.Join(work, "tf"), plugins)
	if err != nil {
		t.Fatal(err)
	}
	return &cliWorkspace{t: t, tf: tf, dir: cfgDir, environment: ws.Env(os.Environ())}
}

func (w *cliWorkspace) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.tf, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = w.dir, w.environment
	return cmd
}

// run runs one terraform command and returns its combined output.
func (w *cliWorkspace) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(w.t.Context(), 5*time.Minute)
	defer cancel()
	out, err := w.command(ctx, args...).CombinedOutput()
	return string(out), err
}

// interrupt starts terraform apply, has when decide when to send it SIGINT (by calling signal;
// exited is closed when the apply has ended), and returns the apply's output once it has ended,
// which an interrupted apply does with a failure, or with success if it was nearly done. An apply
// that has ended before the signal has nothing left to interrupt.
func (w *cliWorkspace) interrupt(when func(signal func(), exited <-chan struct{})) string {
	ctx, cancel := context.WithTimeout(w.t.Context(), 5*time.Minute)
	defer cancel()
	apply := w.command(ctx, "apply", "-auto-approve", "-input=false")
	var out strings.Builder
	apply.Stdout, apply.Stderr = &out, &out
	if err := apply.Start(); err != nil {
		w.t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = apply.Wait()
		close(exited)
	}()
	when(func() {
		if err := apply.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
			w.t.Errorf("interrupting terraform apply: %v", err)
		}
	}, exited)
	<-exited
	return out.String()
}

// stateValues are the attributes of the resource of the given name in terraform show -json.
func (w *cliWorkspace) stateValues(name string) map[string]any {
	show, err := w.run("show", "-json")
	if err != nil {
		w.t.Fatalf("terraform show: %v\n%s", err, show)
	}
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Name   string         `json:"name"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(show), &doc); err != nil {
		w.t.Fatalf("terraform show -json: %v", err)
	}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Name == name {
			return r.Values
		}
	}
	w.t.Fatalf("no resource %q in the state:\n%s", name, show)
	return nil
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
