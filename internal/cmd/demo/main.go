// Command demo is what `make demo` runs: it builds the provider and sfaccess-mockorg, starts the
// mock on a free loopback port with its embedded org, applies examples/quickstart through a
// dev_overrides CLI configuration in a scratch folder, prints who may now reach the API through
// which client (the quickstart's sfaccess_api_access_check results) and the URL of the mock's web
// console, and cleans up — the mock stopped and the scratch folder removed — whether or not a
// step failed. With -keep it first leaves the mock running, with the console and what a second
// terraform apply needs, until Ctrl-C.
//
// Nothing outside the scratch folder is written: the user's ~/.terraformrc, any TF_CLI_CONFIG_FILE
// and SFACCESS_* variables of their own are ignored, and the repository stays clean.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/console"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/tfdev"
)

// The embedded org's development credentials (ARCHITECTURE.md, mockorg model): the Terraform_Admin connected
// app, whose client credentials flow runs as admin@acme.test. Like LocalStack's, they are public.
const (
	mockClientID     = "MockorgAdminKey0001"
	mockClientSecret = "MockorgAdminSecret0001" //nolint:gosec // documented development credential of the mock org
)

func main() {
	repo := flag.String("repo", ".", "root of the terraform-provider-sfaccess checkout")
	verbose := flag.Bool("v", false, "show terraform's whole output (the plan, every read, the raw outputs)")
	keep := flag.Bool("keep", false, "keep the mock org and its console running after the apply, until Ctrl-C")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *repo, *verbose, *keep, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "\nmake demo failed: %v\n", err)
		os.Exit(1)
	}
}

// run carries out the demo; every resource it creates is released before it returns.
func run(ctx context.Context, repo string, verbose, keep bool, stdout, stderr io.Writer) (err error) {
	repo, quickstart, terraform, err := locate(repo)
	if err != nil {
		return err
	}

	scratch, err := os.MkdirTemp("", "sfaccess-demo-")
	if err != nil {
		return err
	}
	defer func() {
		if rmErr := os.RemoveAll(scratch); rmErr != nil {
			err = errors.Join(err, fmt.Errorf("removing the scratch folder: %w", rmErr))
		}
	}()
	bin := filepath.Join(scratch, "bin")

	step(stdout, "Building the provider and sfaccess-mockorg")
	if _, err := tfdev.BuildProvider(ctx, repo, bin); err != nil {
		return err
	}
	mockBin, err := buildMockorg(ctx, repo, bin)
	if err != nil {
		return err
	}

	step(stdout, "Starting sfaccess-mockorg with the embedded org \"Acme\"")
	mock, err := startMockorg(ctx, mockBin)
	if err != nil {
		return err
	}
	defer func() {
		if stopErr := mock.Stop(); stopErr != nil {
			err = errors.Join(err, stopErr)
		}
		if err != nil {
			mock.DumpLog(stderr)
		}
	}()
	fmt.Fprintf(stdout, "mock org listening on %s; watch it in a browser at %s%s\n", mock.URL, mock.URL, console.Path)

	sfaccessEnv := []string{
		"SFACCESS_INSTANCE_URL=" + mock.URL,
		"SFACCESS_CLIENT_ID=" + mockClientID,
		"SFACCESS_CLIENT_SECRET=" + mockClientSecret,
	}
	tf, ws, err := quickstartRunner(scratch, bin, quickstart, terraform, sfaccessEnv, isTerminal(stdout))
	if err != nil {
		return err
	}
	config := tf.dir

	step(stdout, "terraform plan examples/quickstart: who would lose API access")
	if err := showImpact(ctx, tf, stdout, stderr); err != nil {
		return err
	}

	step(stdout, "terraform apply examples/quickstart (through a dev_overrides CLI config in "+scratch+")")
	if err := apply(ctx, tf, verbose, stdout, stderr); err != nil {
		return err
	}
	if err := showChecks(ctx, tf, stdout, stderr); err != nil {
		return err
	}

	end := ending{
		consoleURL: mock.URL + console.Path,
		scratch:    scratch,
		config:     config,
		env:        append([]string{"TF_CLI_CONFIG_FILE=" + ws.CLIConfigFile, "TF_DATA_DIR=" + ws.DataDir}, sfaccessEnv...),
	}
	if keep {
		if err := end.keepServing(ctx, stdout, mock.done); err != nil {
			return err
		}
	}
	end.stop(stdout, keep)
	return nil
}

// quickstartRunner copies the quickstart into scratch and returns the terraform that runs it with
// the provider in bin, through a workspace whose CLI config overrides the provider's source.
func quickstartRunner(scratch, bin, quickstart, terraform string, sfaccessEnv []string, color bool) (*terraformRunner, *tfdev.Workspace, error) {
	ws, err := tfdev.NewWorkspace(filepath.Join(scratch, "terraform"), bin)
	if err != nil {
		return nil, nil, err
	}
	config := filepath.Join(scratch, "quickstart")
	if err := copyConfig(quickstart, config); err != nil {
		return nil, nil, err
	}
	return &terraformRunner{bin: terraform, dir: config, env: ws.Env(os.Environ(), sfaccessEnv...), color: color}, ws, nil
}

// locate finds the checkout's quickstart and the terraform binary the demo runs.
func locate(repo string) (absRepo, quickstart, terraform string, err error) {
	if absRepo, err = filepath.Abs(repo); err != nil {
		return "", "", "", err
	}
	quickstart = filepath.Join(absRepo, "examples", "quickstart")
	if _, err := os.Stat(filepath.Join(quickstart, "main.tf")); err != nil {
		return "", "", "", fmt.Errorf("%s is not a terraform-provider-sfaccess checkout: %w", absRepo, err)
	}
	if terraform, err = tfdev.FindTerraform(); err != nil {
		return "", "", "", err
	}
	return absRepo, quickstart, terraform, nil
}

// apply applies the quickstart, showing only its progress unless verbose; the whole output is
// shown when it fails.
func apply(ctx context.Context, tf *terraformRunner, verbose bool, stdout, stderr io.Writer) error {
	if !verbose {
		fmt.Fprintln(stdout, "(progress only; `make demo DEMO_ARGS=-v` shows the whole plan)")
	}
	applyOut, applyErr := stdout, stderr
	var progress *progressFilter
	if !verbose {
		progress = &progressFilter{out: stdout}
		applyOut, applyErr = progress, progress
	}
	if err := tf.run(ctx, applyOut, applyErr, "apply", "-auto-approve", "-input=false", "-compact-warnings"); err != nil {
		if progress != nil {
			fmt.Fprintf(stderr, "\n--- terraform apply output ---\n%s--- end of terraform apply output ---\n", progress.Full())
		}
		return fmt.Errorf("terraform apply: %w", err)
	}
	return nil
}

// showChecks renders the quickstart's access_checks output: who may reach the API now.
func showChecks(ctx context.Context, tf *terraformRunner, stdout, stderr io.Writer) error {
	out, err := tf.output(ctx, stderr, "access_checks")
	if err != nil {
		return fmt.Errorf("terraform output access_checks: %w", err)
	}
	checks, err := parseChecks(out)
	if err != nil {
		return err
	}
	step(stdout, "Who may reach the API now (sfaccess_api_access_check)")
	return renderChecks(stdout, checks)
}

// ending is what a person needs to look at the org after the apply, and to change it again.
type ending struct {
	consoleURL, scratch, config string
	env                         []string // NAME=value, for a second terraform apply
}

// keepServing leaves the mock running until ctx ends (Ctrl-C), after saying where its console is
// and how to apply again against it. The mock exiting on its own ends the wait as a failure.
func (e ending) keepServing(ctx context.Context, w io.Writer, mockExited <-chan struct{}) error {
	step(w, "The mock org keeps running: open its console in a browser")
	fmt.Fprintf(w, "  %s\n\n", e.consoleURL)
	fmt.Fprintf(w, "To change the org and watch the console follow, edit main.tf (for example, switch\n")
	fmt.Fprintf(w, "limit_external_users_to_installed_apps to false) and apply again from another terminal:\n\n")
	fmt.Fprintf(w, "  cd %s\n", e.config)
	for _, kv := range e.env {
		fmt.Fprintf(w, "  export %s\n", kv)
	}
	fmt.Fprintf(w, "  terraform apply\n\nPress Ctrl-C to stop the mock org and remove %s.\n", e.scratch)
	select {
	case <-ctx.Done():
		return nil
	case <-mockExited:
		return errors.New("sfaccess-mockorg exited while the demo kept it running")
	}
}

// stop announces the clean-up the deferred calls of run carry out, and ends the demo with the
// console's URL, so that the last thing a person reads says where the org could be seen.
func (e ending) stop(w io.Writer, kept bool) {
	step(w, "Stopping the mock org and removing "+e.scratch)
	fmt.Fprintf(w, "\nThe mock's console showed the org at %s while the demo ran.\n", e.consoleURL)
	if !kept {
		fmt.Fprintf(w, "`make demo DEMO_ARGS=-keep` keeps it running to look at, until Ctrl-C.\n")
	}
}

func step(w io.Writer, title string) {
	fmt.Fprintf(w, "\n==> %s\n", title)
}

func buildMockorg(ctx context.Context, repo, dir string) (string, error) {
	out := filepath.Join(dir, "sfaccess-mockorg")
	if filepath.Ext(tfdev.ProviderBinary()) == ".exe" {
		out += ".exe"
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, "./internal/cmd/sfaccess-mockorg") //nolint:gosec // out is a path in our own scratch folder
	cmd.Dir = repo
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building sfaccess-mockorg: %w\n%s", err, b)
	}
	return out, nil
}

// copyConfig copies the configuration's .tf files (not any .terraform folder or state a user may
// have left there) so that Terraform's lock file and state are written to the scratch folder.
func copyConfig(from, to string) error {
	files, err := filepath.Glob(filepath.Join(from, "*.tf"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no .tf files in %s", from)
	}
	if err := os.MkdirAll(to, 0o750); err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // f is one of the checkout's example files
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, filepath.Base(f)), b, 0o600); err != nil { //nolint:gosec // a base name inside our scratch folder
			return err
		}
	}
	return nil
}

type terraformRunner struct {
	bin, dir string
	env      []string
	color    bool
}

func (t *terraformRunner) command(ctx context.Context, args ...string) *exec.Cmd {
	if !t.color {
		args = append(args, "-no-color")
	}
	cmd := exec.CommandContext(ctx, t.bin, args...) //nolint:gosec // the terraform binary the user put on PATH
	cmd.Dir = t.dir
	cmd.Env = t.env
	// On an interrupt Terraform gets the chance to stop cleanly, as it would from a terminal.
	cmd.Cancel = func() error { return interrupt(cmd.Process) }
	cmd.WaitDelay = 15 * time.Second
	return cmd
}

func (t *terraformRunner) run(ctx context.Context, stdout, stderr io.Writer, args ...string) error {
	cmd := t.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd.Run()
}

func (t *terraformRunner) output(ctx context.Context, stderr io.Writer, name string) ([]byte, error) {
	cmd := t.command(ctx, "output", "-json", name)
	cmd.Stderr = stderr
	return cmd.Output()
}

// showImpact runs terraform plan and prints the access impact warnings it reports, the way a
// person reads them before applying; the rest of the plan is shown by the apply that follows.
func showImpact(ctx context.Context, tf *terraformRunner, stdout, stderr io.Writer) error {
	plain := *tf
	plain.color = false
	var out bytes.Buffer
	if err := plain.run(ctx, &out, &out, "plan", "-input=false", "-lock=false"); err != nil {
		fmt.Fprintf(stderr, "\n--- terraform plan output ---\n%s--- end of terraform plan output ---\n", out.String())
		return fmt.Errorf("terraform plan: %w", err)
	}
	warnings := impactWarnings(out.String())
	if warnings == "" {
		warnings = "(the plan changes nobody's API access)\n"
	}
	_, err := io.WriteString(stdout, warnings)
	return err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
