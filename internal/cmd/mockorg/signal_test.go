//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStopsCleanlyOnSIGTERM builds the real binary, starts it, and stops it with SIGTERM as a
// process supervisor would: it exits 0 and leaves its state file behind.
func TestStopsCleanlyOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sfaccess-mockorg")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	stateFile := filepath.Join(dir, "org.json")
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0", "-state-file", stateFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	base := ""
	for sc.Scan() {
		if u, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "instance URL"); ok {
			base = strings.TrimSpace(u)
			break
		}
	}
	if base == "" {
		_ = cmd.Process.Kill()
		t.Fatal("no banner")
	}
	if status := clientCredentials(t, base); status != 200 {
		t.Errorf("client credentials: %d", status)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the command did not stop on SIGTERM")
	}
	if info, err := os.Stat(stateFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("state file after SIGTERM: %v %v", info, err)
	}
}
