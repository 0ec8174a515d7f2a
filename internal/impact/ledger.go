package impact

import "github.com/sfaccess/terraform-provider-sfaccess/internal/access"

// Ledger is one plan's record of what its resources change in access. Terraform plans each
// resource on its own, so each resource adds its change here and gets back, from all the changes
// added so far, the decisions that flip and that no earlier change has been answered with: every
// affected (user, app) pair is reported once in the plan, under the change that tipped it. A
// Ledger is not safe for concurrent use.
type Ledger struct {
	base    *Base
	changes Changes
	// reported holds the keys (access.Change.Key: user, app, lost or gained) of the flips already
	// returned.
	reported map[string]bool
}

// NewLedger is a ledger of changes to the org as base holds it.
func NewLedger(base *Base) *Ledger { return &Ledger{base: base, reported: map[string]bool{}} }

// Base is the org the ledger compares against.
func (l *Ledger) Base() *Base { return l.base }

// Add records a change and returns the flips, with every change added so far, not returned
// before.
func (l *Ledger) Add(change Change) []access.Change {
	change(l.base, &l.changes)
	var fresh []access.Change
	for _, c := range l.base.Compare(&l.changes) {
		if !l.reported[c.Key()] {
			fresh = append(fresh, c)
		}
	}
	for _, c := range fresh {
		l.reported[c.Key()] = true
	}
	return fresh
}
