package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// The test binary doubles as a fake sfaccess-mockorg, so startMockorg and Stop are exercised on a
// real child process without building the mock.
func TestMain(m *testing.M) {
	switch os.Getenv("DEMO_FAKE_MOCKORG") {
	case "serve":
		fakeMockorgServe()
	case "crash":
		token := ""
		for i, a := range os.Args {
			if a == "--control-token" && i+1 < len(os.Args) {
				token = os.Args[i+1]
			}
		}
		fmt.Fprintf(os.Stderr, "control token %s\nerror: --seed: no such file\n", token)
		os.Exit(2)
	default:
		os.Exit(m.Run())
	}
}

func fakeMockorgServe() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(3)
	}
	// Printed in two writes, the way a buffered banner may arrive.
	fmt.Printf("sfaccess-mockorg serving the org \"Acme\" on http://%s", ln.Addr())
	fmt.Printf("\nadmin client id: MockorgAdminKey0001\n")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	}), ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(ln) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
	os.Exit(0)
}

func fakeMockorg(t *testing.T, mode string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake mock relies on os.Interrupt, which Windows cannot send")
	}
	t.Setenv("DEMO_FAKE_MOCKORG", mode)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

func TestStartMockorgReadsPortFromBannerAndStops(t *testing.T) {
	m, err := startMockorg(context.Background(), fakeMockorg(t, "serve"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.URL, "http://127.0.0.1:") || strings.HasSuffix(m.URL, ":0") {
		t.Fatalf("URL = %q, want the port the mock really listens on", m.URL)
	}
	resp, err := http.Get(m.URL + "/services/data/")
	if err != nil {
		t.Fatalf("the mock at %s does not answer: %v", m.URL, err)
	}
	resp.Body.Close()

	if err := m.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-m.done:
	default:
		t.Fatal("Stop returned while the process still runs")
	}
	if resp, err := http.Get(m.URL + "/services/data/"); err == nil {
		resp.Body.Close()
		t.Fatal("the mock still answers after Stop")
	}
	if err := m.Stop(); err != nil {
		t.Fatalf("a second Stop: %v", err)
	}
}

func TestStartMockorgReportsEarlyExitWithoutTheControlToken(t *testing.T) {
	_, err := startMockorg(context.Background(), fakeMockorg(t, "crash"))
	if err == nil {
		t.Fatal("startMockorg succeeded for a mock that exited")
	}
	msg := err.Error()
	if !strings.Contains(msg, "exited before it served") || !strings.Contains(msg, "--seed: no such file") {
		t.Errorf("error does not say what happened: %s", msg)
	}
	if !strings.Contains(msg, "control token [control token]") {
		t.Errorf("the control token was not redacted: %s", msg)
	}
}

func TestBannerLogFindsURLOnlyInCompleteLines(t *testing.T) {
	l := newBannerLog()
	_, _ = l.Write([]byte("listening on http://127.0.0.1:41"))
	select {
	case u := <-l.url:
		t.Fatalf("reported %q before the line was complete", u)
	default:
	}
	_, _ = l.Write([]byte("234 (control token: x)\nsecond http://127.0.0.1:9\n"))
	if u := <-l.url; u != "http://127.0.0.1:41234" {
		t.Fatalf("url = %q", u)
	}
	_, _ = l.Write([]byte("later http://localhost:1\n"))
	select {
	case u := <-l.url:
		t.Fatalf("reported a second URL %q", u)
	default:
	}
}

const sampleOutput = `[
 {"username":"employee@acme.test","user":"employee","client":"Workbench","allowed":true,"rule":"allowed","message":""},
 {"username":"partner@acme.test","user":"partner","client":"Partner_Portal_Mobile","allowed":true,"rule":"allowed","message":""},
 {"username":"partner@acme.test","user":"partner","client":"Workbench","allowed":false,"rule":"external_app_not_installed","message":"app must be installed into org"},
 {"username":"partner@acme.test","user":"partner","client":"visualforce","allowed":false,"rule":"visualforce_denied","message":"This session is not valid for use with the REST API"},
 {"username":"partner@acme.test","user":"partner","client":"Acme_Sync","channel":"external_client_app","allowed":false,"rule":"eca_not_admin_approved","message":"user is not admin approved to access this app"},
 {"username":"customer@acme.test","user":"customer","client":"Workbench","allowed":false,"rule":"external_app_not_installed","message":"app must be installed into org"}
]`

func TestRenderChecks(t *testing.T) {
	checks, err := parseChecks([]byte(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := renderChecks(&b, checks); err != nil {
		t.Fatal(err)
	}
	want := `USER                WHO       CLIENT                 ACCESS   RULE
employee@acme.test  employee  Workbench              allowed  allowed
partner@acme.test   partner   Partner_Portal_Mobile  allowed  allowed
                              Workbench              DENIED   external_app_not_installed
                              Visualforce session    DENIED   visualforce_denied
                              Acme_Sync (ECA)        DENIED   eca_not_admin_approved
customer@acme.test  customer  Workbench              DENIED   external_app_not_installed

What a denied client is told:
  external_app_not_installed  app must be installed into org
  visualforce_denied          This session is not valid for use with the REST API
  eca_not_admin_approved      user is not admin approved to access this app
`
	if got := b.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseChecksRejectsWhatCannotBeATable(t *testing.T) {
	for name, in := range map[string]string{
		"not json":     `Error: Output "access_checks" not found`,
		"empty":        `[]`,
		"missing rule": `[{"username":"a@b.test","client":"Workbench","allowed":true}]`,
		"wrong shape":  `{"username":"a@b.test"}`,
	} {
		if _, err := parseChecks([]byte(in)); err == nil {
			t.Errorf("%s: parseChecks accepted %s", name, in)
		}
	}
}

func TestCopyConfigTakesOnlyTerraformFiles(t *testing.T) {
	from, to := t.TempDir(), t.TempDir()+"/cfg"
	for name, body := range map[string]string{
		"main.tf": "# main", "outputs.tf": "# out", "terraform.tfstate": "{}", ".terraform.lock.hcl": "#",
	} {
		if err := os.WriteFile(from+"/"+name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := copyConfig(from, to); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(to)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, ","); got != "main.tf,outputs.tf" {
		t.Errorf("copied %s, want main.tf,outputs.tf", got)
	}
	if err := copyConfig(t.TempDir(), to); err == nil {
		t.Error("copyConfig accepted a folder without .tf files")
	}
}

func TestProgressFilterKeepsTheStoryOfAnApply(t *testing.T) {
	applyOutput := "\nWarnings:\n\n- Provider development overrides are in effect\n- Check block assertion failed\n\n" +
		"Terraform will perform the following actions:\n\n" +
		"  # sfaccess_api_access_control.this will be created\n  + resource \"sfaccess_api_access_control\" \"this\" {\n" +
		"      - removed = true\n    }\n\n" +
		"Plan: 4 to add, 0 to change, 0 to destroy.\n" +
		"\x1b[0m\x1b[1msfaccess_permission_set.api_any_client: Creating...\x1b[0m\x1b[0m\n" +
		"sfaccess_permission_set.api_any_client: Creation complete after 0s [id=0PS5g0000000009GAA]\n" +
		"sfaccess_permission_set_assignment.x[\"a b\"]: Destroying... [id=0Pa5g0000000001CAA]\n" +
		"data.sfaccess_api_access_check.matrix[\"partner@acme.test via Workbench\"]: Reading...\n" +
		"data.sfaccess_api_access_check.matrix[\"partner@acme.test via Workbench\"]: Read complete after 0s\n" +
		"\nApply complete! Resources: 4 added, 0 changed, 0 destroyed.\n\nOutputs:\n\naccess_checks = [\n]\n"

	var shown bytes.Buffer
	f := &progressFilter{out: &shown}
	for rest := applyOutput; rest != ""; { // arrive in uneven pieces, lines split across writes
		n := min(7, len(rest))
		if _, err := f.Write([]byte(rest[:n])); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	want := "- Check block assertion failed\n" +
		"Plan: 4 to add, 0 to change, 0 to destroy.\n" +
		"\x1b[0m\x1b[1msfaccess_permission_set.api_any_client: Creating...\x1b[0m\x1b[0m\n" +
		"sfaccess_permission_set.api_any_client: Creation complete after 0s [id=0PS5g0000000009GAA]\n" +
		"sfaccess_permission_set_assignment.x[\"a b\"]: Destroying... [id=0Pa5g0000000001CAA]\n" +
		"Apply complete! Resources: 4 added, 0 changed, 0 destroyed.\n"
	if got := shown.String(); got != want {
		t.Errorf("shown:\n%q\nwant:\n%q", got, want)
	}
	if f.Full() != applyOutput {
		t.Error("Full() does not return everything terraform printed")
	}
}

var sampleEnding = ending{
	consoleURL: "http://127.0.0.1:41234/__mockorg/console/",
	scratch:    "/tmp/sfaccess-demo-1",
	config:     "/tmp/sfaccess-demo-1/quickstart",
	env:        []string{"TF_CLI_CONFIG_FILE=/tmp/sfaccess-demo-1/terraform/terraform.rc", "SFACCESS_INSTANCE_URL=http://127.0.0.1:41234"},
}

func TestTheDemoEndsWithTheConsoleURL(t *testing.T) {
	var b bytes.Buffer
	sampleEnding.stop(&b, false)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if last := lines[len(lines)-2:]; !strings.Contains(last[0], sampleEnding.consoleURL) || !strings.Contains(last[1], "DEMO_ARGS=-keep") {
		t.Errorf("the demo ends with:\n%s\nwant the console's URL and how to keep it", strings.Join(last, "\n"))
	}
	b.Reset()
	sampleEnding.stop(&b, true)
	if strings.Contains(b.String(), "-keep") || !strings.Contains(b.String(), sampleEnding.consoleURL) {
		t.Errorf("after -keep the demo ends with:\n%s", b.String())
	}
}

func TestKeepServingWaitsForCtrlC(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var b mockorgtest.SyncBuffer
	done := make(chan error, 1)
	go func() { done <- sampleEnding.keepServing(ctx, &b, make(chan struct{})) }()
	select {
	case err := <-done:
		t.Fatalf("keepServing returned before Ctrl-C: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("keepServing after Ctrl-C: %v", err)
	}
	out := b.String()
	for _, want := range []string{sampleEnding.consoleURL, "cd " + sampleEnding.config, "export SFACCESS_INSTANCE_URL=http://127.0.0.1:41234",
		"export TF_CLI_CONFIG_FILE=", "terraform apply", "Ctrl-C"} {
		if !strings.Contains(out, want) {
			t.Errorf("keepServing does not print %q:\n%s", want, out)
		}
	}
}

func TestKeepServingEndsWhenTheMockExits(t *testing.T) {
	exited := make(chan struct{})
	close(exited)
	if err := sampleEnding.keepServing(context.Background(), io.Discard, exited); err == nil || !strings.Contains(err.Error(), "exited") {
		t.Errorf("keepServing with a dead mock: %v", err)
	}
}
