package access

import (
	"cmp"
	"slices"
)

// Facts are the org as the impact analysis sees it: the settings, and every user and connected
// app that appears in the usage list, keyed by user id and app API name.
type Facts struct {
	Org   Org
	Users map[string]User
	Apps  map[string]App
}

// Use is one approval on the OAuth usage list (Salesforce's OauthToken): a user who authorized a
// connected app, how many tokens it issued, and when it was last used. LastUsed is in Salesforce's
// date layout (2026-01-05T09:00:00.000Z), which sorts as text.
type Use struct {
	UserID   string
	Username string
	App      string
	UseCount int
	LastUsed string
}

// Change is a use whose decision differs between two sets of facts.
type Change struct {
	Use
	Before, After Decision
}

// Lost reports whether the change cuts the user off.
func (c Change) Lost() bool { return c.Before.Allowed && !c.After.Allowed }

// Key names the (user, app) pair and the outcome of the change, so that a pair whose outcome
// changes again (lost, then regained by a later change in the same plan) is told apart.
func (c Change) Key() string { return c.UserID + "|" + c.App + "|" + c.outcome() }

func (c Change) outcome() string {
	if c.Lost() {
		return "loss"
	}
	return "gain"
}

// Compare decides every use with the facts before and after a change and returns the uses whose
// access flips, most recently used first. A use whose user or app is missing from either set of
// facts is left out: the analysis predicts only what it knows.
//
// The rules see each use as a web server or user-agent token of an approved pair (PriorApproval,
// not the device flow). An approval does not survive blocking its app, or uninstalling an app that
// was installed: the org deletes the app's approvals with its tokens then, so the decision after
// such a change is made without it.
func Compare(before, after Facts, uses []Use) []Change {
	var changes []Change
	for _, u := range uses {
		userBefore, ok1 := before.Users[u.UserID]
		userAfter, ok2 := after.Users[u.UserID]
		appBefore, ok3 := before.Apps[u.App]
		appAfter, ok4 := after.Apps[u.App]
		if !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		viaBefore := Channel{App: appBefore, PriorApproval: true}
		viaAfter := Channel{App: appAfter, PriorApproval: approvalSurvives(appBefore, appAfter)}
		b := Decide(before.Org, userBefore, viaBefore)
		a := Decide(after.Org, userAfter, viaAfter)
		if a.Allowed != b.Allowed {
			changes = append(changes, Change{Use: u, Before: b, After: a})
		}
	}
	slices.SortStableFunc(changes, func(x, y Change) int {
		return cmp.Or(cmp.Compare(y.LastUsed, x.LastUsed), cmp.Compare(y.UseCount, x.UseCount),
			cmp.Compare(x.Username, y.Username), cmp.Compare(x.App, y.App))
	})
	return changes
}

func approvalSurvives(before, after App) bool {
	return !after.Blocked && (!before.Installed || after.Installed)
}

// Group is the changes of one kind (loss or gain) through one app by one rule.
type Group struct {
	App string
	// Rule is the rule that decides after the change: the denying rule of a loss, the allowing
	// rule of a gain.
	Rule     string
	Lost     bool
	Users    int    // (user, app) pairs in the group; one app per group, so one per user
	Uses     int    // the pairs' use counts added up
	LastUsed string // the group's most recent use
	Shown    []Change
}

// Summary is a report of changes sized for a person: groups by app and rule, listing only the
// most recently used changes, with totals.
type Summary struct {
	Groups                 []Group
	LostUsers, GainedUsers int // distinct users
	Losses, Gains          int // (user, app) pairs
	Hidden                 int // pairs counted in their group but not listed
}

// Summarize groups changes (ordered as Compare orders them) by loss or gain, app and rule, losses
// first, then by each group's most recent use. It lists the limit most recently used changes of
// all, in their groups, and only counts the others.
func Summarize(changes []Change, limit int) Summary {
	var s Summary
	index := map[string]int{}
	lost, gained := map[string]bool{}, map[string]bool{}
	for n, c := range changes {
		key := c.outcome() + "|" + c.App + "|" + c.After.Rule
		i, ok := index[key]
		if !ok {
			i = len(s.Groups)
			index[key] = i
			s.Groups = append(s.Groups, Group{App: c.App, Rule: c.After.Rule, Lost: c.Lost(), LastUsed: c.LastUsed})
		}
		g := &s.Groups[i]
		g.Users++
		g.Uses += c.UseCount
		g.LastUsed = max(g.LastUsed, c.LastUsed)
		if n < limit {
			g.Shown = append(g.Shown, c)
		} else {
			s.Hidden++
		}
		if c.Lost() {
			s.Losses++
			lost[c.UserID] = true
		} else {
			s.Gains++
			gained[c.UserID] = true
		}
	}
	s.LostUsers, s.GainedUsers = len(lost), len(gained)
	slices.SortStableFunc(s.Groups, func(x, y Group) int {
		if x.Lost != y.Lost {
			if x.Lost {
				return -1
			}
			return 1
		}
		return cmp.Compare(y.LastUsed, x.LastUsed)
	})
	return s
}
