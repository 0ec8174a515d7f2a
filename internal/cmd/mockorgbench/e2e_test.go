package main

import (
	"testing"
	"time"
)

// Rounds must not flatter the budgets: time comes from the best round, calls and memory from the
// worst.
func TestMergeRoundKeepsTheFastestTimeAndTheMostCalls(t *testing.T) {
	var kept phase
	for _, p := range []phase{
		{elapsed: 5 * time.Second, cpu: 8 * time.Second, calls: 120, rssKB: 50_000},
		{elapsed: 4 * time.Second, cpu: 7 * time.Second, calls: 110, rssKB: 61_000},
		{elapsed: 6 * time.Second, cpu: 9 * time.Second, calls: 140, rssKB: 55_000},
	} {
		kept = mergeRound(kept, p)
	}
	if kept.elapsed != 4*time.Second || kept.cpu != 7*time.Second {
		t.Errorf("kept %v and %v of CPU, want the fastest round's 4s and 7s", kept.elapsed, kept.cpu)
	}
	if kept.calls != 140 || kept.rssKB != 61_000 {
		t.Errorf("kept %d calls and %d kB, want the most of any round: 140 and 61000", kept.calls, kept.rssKB)
	}
}
