package provider

import (
	"fmt"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
)

// The text of an access impact report (ARCHITECTURE.md, Access impact): the engine
// (internal/impact) says who loses and gains access through what, under which rule; this is how a
// plan's warning and sfaccess_api_access_impact's summary put it.

// describeChange is one line of a report: who, through which app, by which rule, and their use.
func describeChange(c access.Change) string {
	last := c.LastUsed
	if len(last) >= 10 {
		last = last[:10]
	}
	return fmt.Sprintf("%s (last used %s, %d uses)", c.Username, last, c.UseCount)
}

// renderImpact writes a summary for a person: losses first, grouped by app and rule with the
// rule's condition, each group listing its most recently used users, then the totals.
func renderImpact(s access.Summary) string {
	var b strings.Builder
	for _, g := range s.Groups {
		verb := "LOSE access"
		if !g.Lost {
			verb = "GAIN access"
		}
		app := g.App
		if g.ExternalClientApp {
			app = "External Client App " + app
		}
		fmt.Fprintf(&b, "%s through %s: %d user%s, %d uses in all (rule %s: %s)\n",
			verb, app, g.Users, plural(g.Users, "", "s"), g.Uses, g.Rule, ruleCondition(g.Rule))
		for _, c := range g.Shown {
			fmt.Fprintf(&b, "  - %s\n", describeChange(c))
		}
		if hidden := g.Users - len(g.Shown); hidden > 0 {
			fmt.Fprintf(&b, "  - and %d more\n", hidden)
		}
	}
	fmt.Fprintf(&b, "In all: %d user%s lose%s access to %d (user, app) pair%s; %d user%s gain%s access to %d.",
		s.LostUsers, plural(s.LostUsers, "", "s"), plural(s.LostUsers, "s", ""), s.Losses, plural(s.Losses, "", "s"),
		s.GainedUsers, plural(s.GainedUsers, "", "s"), plural(s.GainedUsers, "s", ""), s.Gains)
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
