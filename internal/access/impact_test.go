package access

import (
	"fmt"
	"testing"
)

const (
	partnerID  = "0055g0000000001AAA"
	employeeID = "0055g0000000002AAA"
	adminID    = "0055g0000000003AAA"
)

// demoFacts is a small org: a partner and an employee who use the uninstalled Workbench, and an
// admin (Use Any API Client) who uses the installed Terraform app.
func demoFacts() Facts {
	return Facts{
		Users: map[string]User{
			partnerID:  {Type: PowerPartner, Active: true, APIEnabled: true, Grantees: []string{"p"}},
			employeeID: {Type: Standard, Active: true, APIEnabled: true, Grantees: []string{"e"}},
			adminID:    {Type: Standard, Active: true, APIEnabled: true, UseAnyAPIClient: true, Grantees: []string{"a"}},
		},
		Apps: map[string]App{
			"Workbench": {Name: "Workbench"},
			"Terraform": {Name: "Terraform", Installed: true, OrgManaged: true},
		},
	}
}

func demoUses() []Use {
	return []Use{
		{UserID: employeeID, Username: "employee@acme.test", App: "Workbench", UseCount: 212, LastUsed: "2026-11-20T08:00:00.000Z"},
		{UserID: partnerID, Username: "partner@acme.test", App: "Workbench", UseCount: 400, LastUsed: "2026-11-28T08:00:00.000Z"},
		{UserID: adminID, Username: "admin@acme.test", App: "Terraform", UseCount: 9, LastUsed: "2026-11-29T08:00:00.000Z"},
	}
}

func users(changes []Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, fmt.Sprintf("%s/%s:%s", c.Username, c.App, c.After.Rule))
	}
	return out
}

func TestCompareReportsWhoLosesAndWhy(t *testing.T) {
	before := demoFacts()
	for _, tc := range []struct {
		name   string
		change func(f *Facts)
		want   []string
	}{
		{"external limit cuts off the partner only", func(f *Facts) { f.Org.LimitExternalUsersToInstalledApps = true },
			[]string{"partner@acme.test/Workbench:external_app_not_installed"}},
		{"all-users limit cuts off both Workbench users, most recent first", func(f *Facts) { f.Org.LimitAllUsersToApprovedApps = true },
			[]string{"partner@acme.test/Workbench:app_not_approved", "employee@acme.test/Workbench:app_not_approved"}},
		{"blocking an app stops Use Any API Client too", func(f *Facts) {
			f.Apps["Terraform"] = App{Name: "Terraform", Installed: true, OrgManaged: true, Blocked: true}
		},
			[]string{"admin@acme.test/Terraform:app_blocked"}},
		{"admin-approved policy without a grant", func(f *Facts) {
			f.Apps["Terraform"] = App{Name: "Terraform", Installed: true, OrgManaged: true, AdminApprovedUsersOnly: true, GrantedTo: []string{"x"}}
		}, []string{"admin@acme.test/Terraform:not_admin_approved"}},
		{"losing API Enabled", func(f *Facts) {
			u := f.Users[employeeID]
			u.APIEnabled = false
			f.Users[employeeID] = u
		}, []string{"employee@acme.test/Workbench:api_not_enabled"}},
		{"no change, no report", func(*Facts) {}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after := demoFacts()
			tc.change(&after)
			got := users(Compare(before, after, demoUses()))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCompareReportsGains(t *testing.T) {
	before := demoFacts()
	before.Org.LimitAllUsersToApprovedApps = true
	after := demoFacts()
	after.Apps["Workbench"] = App{Name: "Workbench", Installed: true}
	changes := Compare(before, after, demoUses())
	if got := fmt.Sprint(users(changes)); got != "[partner@acme.test/Workbench:allowed employee@acme.test/Workbench:allowed]" {
		t.Fatalf("gains: %s", got)
	}
	if changes[0].Lost() || changes[0].Before.Rule != RuleAppNotApproved {
		t.Errorf("first change: %+v", changes[0])
	}
}

// Uninstalling an installed app deletes its approvals, so the users who relied on an approval
// lose the app even though nothing else changed.
func TestUninstallingDropsTheApprovalsItReliedOn(t *testing.T) {
	before := demoFacts()
	before.Apps["Workbench"] = App{Name: "Workbench", Installed: true}
	after := demoFacts()
	got := users(Compare(before, after, demoUses()))
	want := []string{"partner@acme.test/Workbench:uninstalled_app_restricted", "employee@acme.test/Workbench:uninstalled_app_restricted"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestCompareSkipsUsesItKnowsNothingAbout(t *testing.T) {
	after := demoFacts()
	after.Org.LimitAllUsersToApprovedApps = true
	uses := append(demoUses(), Use{UserID: "0055g0000000009AAA", App: "Workbench"}, Use{UserID: partnerID, App: "Gone"})
	if got := len(Compare(demoFacts(), after, uses)); got != 2 {
		t.Errorf("%d changes, want the 2 of known users and apps", got)
	}
}

// largeOrg has users external users of apps external-0 … external-(apps-1), none installed,
// each used by every user, with distinct last-use dates.
func largeOrg(users, apps int) (Facts, []Use) {
	f := Facts{Users: map[string]User{}, Apps: map[string]App{}}
	for a := range apps {
		name := fmt.Sprintf("external-%d", a)
		f.Apps[name] = App{Name: name}
	}
	var uses []Use
	for u := range users {
		id := fmt.Sprintf("005%015d", u)
		typ := CustomerSuccess
		if u%4 == 0 {
			typ = Standard
		}
		f.Users[id] = User{Type: typ, Active: true, APIEnabled: true}
		for a := range apps {
			uses = append(uses, Use{UserID: id, Username: fmt.Sprintf("u%d@big.test", u), App: fmt.Sprintf("external-%d", a),
				UseCount: u, LastUsed: fmt.Sprintf("2026-%02d-%02dT00:00:00.000Z", 1+u%12, 1+u%28)})
		}
	}
	return f, uses
}

func TestSummarizeCapsALargeOrg(t *testing.T) {
	const nUsers, nApps, limit = 20000, 5, 10
	before, uses := largeOrg(nUsers, nApps)
	after, _ := largeOrg(nUsers, nApps)
	after.Org.LimitExternalUsersToInstalledApps = true
	changes := Compare(before, after, uses)
	external := nUsers * 3 / 4
	if len(changes) != external*nApps {
		t.Fatalf("%d changes, want %d", len(changes), external*nApps)
	}
	s := Summarize(changes, limit)
	if s.LostUsers != external || s.Losses != external*nApps || s.GainedUsers != 0 {
		t.Errorf("totals: %d users, %d losses, %d gainers", s.LostUsers, s.Losses, s.GainedUsers)
	}
	if len(s.Groups) != nApps {
		t.Errorf("%d groups, want one per app", len(s.Groups))
	}
	shown := 0
	for _, g := range s.Groups {
		shown += len(g.Shown)
		if g.Users != external || g.Rule != RuleExternalAppNotInstalled || !g.Lost {
			t.Errorf("group %+v", g)
		}
		for _, c := range g.Shown {
			if c.LastUsed < changes[limit-1].LastUsed {
				t.Errorf("listed %s (%s), older than the %d most recent", c.Username, c.LastUsed, limit)
			}
		}
	}
	if shown != limit || s.Hidden != len(changes)-limit {
		t.Errorf("shown %d, hidden %d", shown, s.Hidden)
	}
}

func TestSummarizePutsLossesFirst(t *testing.T) {
	before := demoFacts()
	before.Org.LimitExternalUsersToInstalledApps = true
	after := demoFacts()
	after.Org.LimitAllUsersToApprovedApps = true
	// The partner regains nothing (the all-users limit denies), the employee loses Workbench.
	s := Summarize(Compare(before, after, demoUses()), 10)
	if len(s.Groups) != 1 || !s.Groups[0].Lost || s.Groups[0].Shown[0].Username != "employee@acme.test" {
		t.Fatalf("groups: %+v", s.Groups)
	}
	after.Apps["Workbench"] = App{Name: "Workbench", Installed: true}
	after.Apps["Terraform"] = App{Name: "Terraform", Installed: true, Blocked: true}
	s = Summarize(Compare(before, after, demoUses()), 10)
	if len(s.Groups) != 2 || !s.Groups[0].Lost || s.Groups[1].Lost || s.Gains != 1 || s.Losses != 1 {
		t.Fatalf("groups: %+v", s.Groups)
	}
}

func BenchmarkCompareLargeOrg(b *testing.B) {
	before, uses := largeOrg(20000, 5)
	after, _ := largeOrg(20000, 5)
	after.Org.LimitAllUsersToApprovedApps = true
	for b.Loop() {
		Summarize(Compare(before, after, uses), 20)
	}
}
