//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// TestStopsCleanlyOnSIGTERM builds the real binary, starts it, and stops it with SIGTERM as a
// process supervisor would: it exits 0 and leaves its state file behind.
func TestStopsCleanlyOnSIGTERM(t *testing.T) {
	bin := buildBinary(t)
	stateFile := filepath.Join(t.TempDir(), "org.json")
	base, cmd := startBinary(t, bin, "-listen", "127.0.0.1:0", "-state-file", stateFile)
	if status, _ := admin(base).Grant(t, mockorgtest.AdminClientCredentials()); status != 200 {
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
