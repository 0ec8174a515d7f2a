package access

import (
	"cmp"
	"slices"
)

// Facts are the org as the impact analysis sees it: the settings, and every user, connected app
// and External Client App that appears in the usage list, keyed by user id and app API name.
type Facts struct {
	Org   Org
	Users map[string]User
	Apps  map[string]App
	ECAs  map[string]ExternalClientApp
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
	// ExternalClientApp says App names an External Client App (Facts.ECAs), not a connected app:
	// the two kinds have separate namespaces.
	ExternalClientApp bool
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
func (c Change) Key() string { return c.UserID + "|" + c.appKey() + "|" + c.outcome() }

func (u Use) appKey() string {
	if u.ExternalClientApp {
		return "eca:" + u.App
	}
	return u.App
}

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
// such a change is made without it. An External Client App's use is decided through the ECA, whose
// rules know no approvals.
func Compare(before, after Facts, uses []Use) []Change {
	var changes []Change
	for _, u := range uses {
		userBefore, ok1 := before.Users[u.UserID]
		userAfter, ok2 := after.Users[u.UserID]
		viaBefore, viaAfter, ok3 := channels(before, after, u)
		if !ok1 || !ok2 || !ok3 {
			continue
		}
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

// channels are the channels of a use before and after, if both sets of facts know its app.
func channels(before, after Facts, u Use) (Channel, Channel, bool) {
	if u.ExternalClientApp {
		ecaBefore, ok1 := before.ECAs[u.App]
		ecaAfter, ok2 := after.ECAs[u.App]
		return ViaExternalClientApp(ecaBefore), ViaExternalClientApp(ecaAfter), ok1 && ok2
	}
	appBefore, ok1 := before.Apps[u.App]
	appAfter, ok2 := after.Apps[u.App]
	return Channel{App: appBefore, PriorApproval: true},
		Channel{App: appAfter, PriorApproval: approvalSurvives(appBefore, appAfter)}, ok1 && ok2
}

// Login is how a client of the org logs in: its user, the app it logs in through (a connected app,
// or an External Client App when ExternalClientApp is set; "" when unknown, as for a pre-issued
// access token), the OAuth flow, and whether the user held an approval (OauthToken) of the app
// before the change.
type Login struct {
	UserID            string
	App               string
	ExternalClientApp bool
	Flow              Flow
	PriorApproval     bool
}

// DecideLogin decides a login with the facts before and after a change; ok is false when either
// set of facts lacks its user or app. Unlike Compare it takes the flow and the approval as they
// are: a client credentials or JWT bearer login needs no approval and usually has none. An
// approval does not survive blocking the app or uninstalling it, as in Compare. Without an app
// only the rules about the user alone can deny: the app is taken as one no app rule refuses
// (installed, created in the org, not blocked, open to every user).
func DecideLogin(before, after Facts, l Login) (b, a Decision, ok bool) {
	userBefore, ok1 := before.Users[l.UserID]
	userAfter, ok2 := after.Users[l.UserID]
	viaBefore, viaAfter, ok3 := loginChannels(before, after, l)
	if !ok1 || !ok2 || !ok3 {
		return Decision{}, Decision{}, false
	}
	return Decide(before.Org, userBefore, viaBefore), Decide(after.Org, userAfter, viaAfter), true
}

// loginChannels are the channels of a login before and after, if both sets of facts know its app.
func loginChannels(before, after Facts, l Login) (Channel, Channel, bool) {
	switch {
	case l.App == "":
		neutral := Channel{App: App{Installed: true, OrgManaged: true}, Flow: l.Flow}
		return neutral, neutral, true
	case l.ExternalClientApp:
		ecaBefore, ok1 := before.ECAs[l.App]
		ecaAfter, ok2 := after.ECAs[l.App]
		return ViaExternalClientApp(ecaBefore), ViaExternalClientApp(ecaAfter), ok1 && ok2
	}
	appBefore, ok1 := before.Apps[l.App]
	appAfter, ok2 := after.Apps[l.App]
	return Channel{App: appBefore, Flow: l.Flow, PriorApproval: l.PriorApproval},
		Channel{App: appAfter, Flow: l.Flow, PriorApproval: l.PriorApproval && approvalSurvives(appBefore, appAfter)}, ok1 && ok2
}

func approvalSurvives(before, after App) bool {
	return !after.Blocked && (!before.Installed || after.Installed)
}

// Group is the changes of one kind (loss or gain) through one app by one rule.
type Group struct {
	App string
	// ExternalClientApp says App is an External Client App.
	ExternalClientApp bool
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
		key := c.outcome() + "|" + c.appKey() + "|" + c.After.Rule
		i, ok := index[key]
		if !ok {
			i = len(s.Groups)
			index[key] = i
			s.Groups = append(s.Groups, Group{App: c.App, ExternalClientApp: c.ExternalClientApp, Rule: c.After.Rule,
				Lost: c.Lost(), LastUsed: c.LastUsed})
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
