package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// crashCounts are how many times TestNoAcknowledgedWriteIsLostToSIGKILL kills the binary and how
// many creates it acknowledges before each kill; SFACCESS_SOAK (make soak) raises them.
func crashCounts() (kills, writes int) {
	if os.Getenv("SFACCESS_SOAK") != "" {
		return 5, 1000
	}
	return 2, 100
}

// TestNoAcknowledgedWriteIsLostToSIGKILL streams permission set creates from several clients into
// the real binary with a state file, kills it with SIGKILL mid-stream, restarts it on the same
// file, and repeats: every create that was answered 201 is in the org at the end.
func TestNoAcknowledgedWriteIsLostToSIGKILL(t *testing.T) {
	bin := buildBinary(t)
	stateFile := filepath.Join(t.TempDir(), "org.json")
	args := []string{"-listen", "127.0.0.1:0", "-state-file", stateFile, "-control-token", "ctl", "-log-level", "error"}
	kills, perRound := crashCounts()
	acked := map[string]string{} // id → name
	attempted := 0
	for round := range kills {
		base, cmd := startBinary(t, bin, args...)
		token := mockorgtest.Remote{URL: base, HTTP: http.DefaultClient}.AdminToken(t)
		var mu sync.Mutex
		roundAcked := 0
		var kill sync.Once
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 10 * time.Second}
		for w := range 4 {
			wg.Go(func() {
				for i := 0; ; i++ {
					name := fmt.Sprintf("Crash_r%d_w%d_%d", round, w, i)
					mu.Lock()
					attempted++
					mu.Unlock()
					id, err := createPermissionSet(client, base, token, name)
					if err != nil {
						return // the process is gone
					}
					mu.Lock()
					acked[id] = name
					roundAcked++
					done := roundAcked >= perRound
					mu.Unlock()
					if done {
						kill.Do(func() { _ = cmd.Process.Kill() })
					}
				}
			})
		}
		wg.Wait()
		_ = cmd.Wait()
	}

	base, _ := startBinary(t, bin, args...)
	present := map[string]string{}
	for _, ps := range snapshotPermissionSets(t, base) {
		present[ps.ID] = ps.Name
	}
	missing := 0
	for id, name := range acked {
		if present[id] != name {
			missing++
			if missing <= 5 {
				t.Errorf("acknowledged create %s (%s) is missing after SIGKILL", name, id)
			}
		}
	}
	t.Logf("%d SIGKILLs: %d creates sent, %d answered 201, %d present after restart, %d missing",
		kills, attempted, len(acked), len(present), missing)
	if len(acked) < kills*perRound {
		t.Errorf("only %d creates were acknowledged; the stream did not run", len(acked))
	}
}

// createPermissionSet returns the id of a create answered 201, or an error for anything else.
func createPermissionSet(client *http.Client, base, token, name string) (string, error) {
	body := fmt.Sprintf(`{"Name":%q,"Label":%q}`, name, name)
	req, err := http.NewRequest(http.MethodPost, base+"/services/data/v66.0/sobjects/PermissionSet", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		ID string `json:"id"`
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("create %s: %d", name, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", fmt.Errorf("create %s: %w", name, err)
	}
	return out.ID, nil
}

// snapshotPermissionSets reads the permission sets the org at base holds, through the control
// API the test started it with.
func snapshotPermissionSets(t *testing.T, base string) []mockorg.SeedPermissionSet {
	t.Helper()
	var seed mockorg.Seed
	mockorgtest.Remote{URL: base, ControlToken: "ctl", HTTP: http.DefaultClient}.Snapshot(t, &seed)
	return seed.PermissionSets
}
