package examples_test

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/tfdev"
)

// exampleRun is a scratch copy of one example that Terraform runs, with the locally built
// provider, against an in-process mockorg authenticated as the seed's admin client.
type exampleRun struct {
	// URL is the mock org's.
	URL string
	tf  string
	dir string
	env []string
}

// runExample copies examples/<example> to a scratch folder and starts a mock org serving seed (the
// embedded org when nil) for the life of the test.
func runExample(t *testing.T, tf, plugins, example string, seed *mockorg.Seed) *exampleRun {
	t.Helper()
	org, err := mockorg.New(mockorg.Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	t.Cleanup(func() {
		srv.Close()
		_ = org.Close()
	})
	clientID, clientSecret, _, _ := org.AdminClient()
	work := t.TempDir()
	dir := filepath.Join(work, filepath.Base(example))
	for name, body := range readConfig(t, example).files {
		writeFile(t, filepath.Join(dir, name), body)
	}
	ws, err := tfdev.NewWorkspace(filepath.Join(work, "tf"), plugins)
	if err != nil {
		t.Fatal(err)
	}
	return &exampleRun{URL: srv.URL, tf: tf, dir: dir, env: ws.Env(os.Environ(),
		"SFACCESS_INSTANCE_URL="+srv.URL,
		"SFACCESS_CLIENT_ID="+clientID,
		"SFACCESS_CLIENT_SECRET="+clientSecret,
	)}
}

// terraform runs one command (never prompting, without colour) and returns what it printed.
func (r *exampleRun) terraform(args ...string) (string, error) {
	out, err := r.command(args).CombinedOutput()
	return string(out), err
}

// decode runs a command that prints JSON (show -json, output -json) into v, failing the test when
// the command fails.
func (r *exampleRun) decode(t *testing.T, v any, args ...string) {
	t.Helper()
	cmd := r.command(args)
	var stderr []byte
	out, err := cmd.Output()
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		stderr = exit.Stderr
	}
	if err == nil {
		err = json.Unmarshal(out, v)
	}
	if err != nil {
		t.Fatalf("terraform %v: %v\n%s%s", args, err, out, stderr)
	}
}

func (r *exampleRun) command(args []string) *exec.Cmd {
	cmd := exec.Command(r.tf, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = r.dir, r.env
	return cmd
}
