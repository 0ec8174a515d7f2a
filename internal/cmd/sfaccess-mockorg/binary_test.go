package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// buildBinary builds the real sfaccess-mockorg into the test's temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "sfaccess-mockorg")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs the binary and returns the banner's instance URL; the process is killed at the
// end of the test if it still runs.
func startBinary(t *testing.T, bin string, args ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	banner, _ := mockorgtest.ReadBanner(stdout)
	if banner["instance URL"] == "" {
		t.Fatal("the binary printed no banner")
	}
	return banner["instance URL"], cmd
}

func TestHelpExitsZero(t *testing.T) {
	out, err := exec.Command(buildBinary(t), "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("--help: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "-healthcheck") {
		t.Errorf("--help does not list the flags:\n%s", out)
	}
	// Every flag is documented where users look: the project's README and the archive's.
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(string(out), -1)
	for _, doc := range []string{"../../../README.md", "README.md"} {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range flags {
			if f[1] != "h" && f[1] != "help" && !strings.Contains(string(text), "`--"+f[1]) {
				t.Errorf("%s does not document --%s", doc, f[1])
			}
		}
	}
}

// TestMakeMockorgStopsCleanlyOnCtrlC runs `make mockorg` as a terminal would, and sends Ctrl-C to
// its whole process group, make included: the mock stops cleanly and make prints no error. (make
// itself ends by the signal, as every interrupted make does; the shell prints nothing for that.)
func TestMakeMockorgStopsCleanlyOnCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary through make")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not on PATH")
	}
	cmd := exec.Command("make", "-s", "mockorg", "BIN="+t.TempDir(), "MOCKORG_ARGS=--listen 127.0.0.1:0")
	cmd.Dir = "../../.."
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	output := &mockorgtest.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = output, output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(output.String(), "Press Ctrl-C to stop"); {
		if time.Now().After(deadline) {
			t.Fatalf("make mockorg printed no banner:\n%s", output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		interrupted := err != nil && err.Error() == "signal: interrupt"
		// GNU make sometimes loses a race with its own SIGCHLD handling when it is interrupted
		// with its child and reports "*** wait: No child processes", whatever the child did;
		// every other "***" line is make telling of a recipe that failed.
		makeOwnRace := regexp.MustCompile(`(?m)^g?make(\[\d+\])?: \*\*\* wait: No child processes\..*$`)
		if err != nil && !interrupted && !makeOwnRace.MatchString(output.String()) ||
			strings.Contains(makeOwnRace.ReplaceAllString(output.String(), ""), "***") {
			t.Errorf("make mockorg after Ctrl-C: %v\n%s", err, output.String())
		}
		if !strings.Contains(output.String(), "shutting down") {
			t.Errorf("the mock did not stop cleanly:\n%s", output.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("make mockorg did not stop within 30 s of Ctrl-C\n%s", output.String())
	}
}
