package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// The access impact of a plan (ARCHITECTURE.md, Access impact): the org as it is (impactBase, read
// once per provider instance), the changes planned so far (impactChanges), and the facts the rules
// see with those changes applied. Only the users and apps (connected apps and External Client Apps)
// of the usage list (OauthToken) take part: the analysis predicts what happens to access people
// actually use.

// relevantPermissions are the user permissions the access rules look at.
var relevantPermissions = []string{"ApiEnabled", orgapi.PermissionUseAnyAPIClient, orgapi.PermissionCanApproveUninstalledApps}

// impactApp is a connected app of the usage list as the org has it now.
type impactApp struct {
	access.App // GrantedTo left empty: grants live in impactBase.grants
	id         string
}

type impactBase struct {
	org   access.Org
	uses  []access.Use
	users map[string]orgapi.User // by id
	apps  map[string]impactApp   // by API name
	// grants holds, per app name, the ids of the permission sets (a profile's owned one included)
	// the app is granted to.
	grants map[string]map[string]bool
	// ecas are the External Client Apps of the usage list by API name, GrantedTo left empty: their
	// grants, by permission set id as for connected apps, live in ecaGrants.
	ecas      map[string]access.ExternalClientApp
	ecaGrants map[string]map[string]bool
	// setIDs maps permission set names and "profile:"+profile names to permission set ids.
	setIDs map[string]string
	// permissions are the relevant permissions of each permission set, by id.
	permissions map[string][]string
	profileSet  map[string]string          // profile id → its owned permission set's id
	assigned    map[string]map[string]bool // user id → ids of the permission sets assigned
	userIDs     map[string]string          // username → id
}

func newImpactBase() *impactBase {
	return &impactBase{users: map[string]orgapi.User{}, apps: map[string]impactApp{},
		grants: map[string]map[string]bool{}, setIDs: map[string]string{}, permissions: map[string][]string{},
		profileSet: map[string]string{}, assigned: map[string]map[string]bool{}, userIDs: map[string]string{},
		ecas: map[string]access.ExternalClientApp{}, ecaGrants: map[string]map[string]bool{}}
}

// loadImpactBase reads what the analysis needs besides the settings (the caller reads those into
// org) in a fixed number of queries, whatever the size of the org: the usage list (one OauthToken
// query), the apps (ConnectedApplication, listMetadata, OAuth Usage list), the permission sets and
// profiles, and, by id in chunks of 200, the users of the list, their assignments and the apps'
// grants.
func loadImpactBase(ctx context.Context, c *orgapi.Client) (*impactBase, error) {
	b := newImpactBase()
	// Two rounds of reads, each read of a round sent at once: on a real org every call is a round
	// trip, and one after the other they made the first plan of a run wait seconds.
	var (
		approvals []orgapi.OAuthApproval
		records   []orgapi.ConnectedApplication
		usage     []orgapi.OAuthUsageApp
		ecaUsage  []orgapi.ECAUsage
		sets      []orgapi.PermissionSet
		profiles  []orgapi.Profile
	)
	first, firstCtx := errgroup.WithContext(ctx)
	first.Go(func() (err error) { approvals, err = c.OAuthApprovals(firstCtx); return err })
	first.Go(func() (err error) { records, err = c.ConnectedApplications(firstCtx); return err })
	first.Go(func() (err error) { usage, err = c.OAuthUsage(firstCtx); return err })
	first.Go(func() (err error) { ecaUsage, err = externalClientAppsOfUsage(firstCtx, c); return err })
	first.Go(func() (err error) { sets, err = c.PermissionSets(firstCtx); return err })
	first.Go(func() (err error) { profiles, err = c.Profiles(firstCtx); return err })
	if err := first.Wait(); err != nil {
		return nil, err
	}
	b.indexPermissionSets(sets, profiles)
	// OauthToken names an app by its label, which is not unique: a label two apps share (connected
	// apps and External Client Apps alike) is ambiguous, and its approvals are left out rather than
	// guessed.
	byLabel := map[string][]orgapi.ConnectedApplication{}
	for _, r := range records {
		if r.Name != "" {
			byLabel[r.Label] = append(byLabel[r.Label], r)
		}
	}
	ecaByLabel := map[string][]string{}
	for _, e := range ecaUsage {
		ecaByLabel[e.Label] = append(ecaByLabel[e.Label], e.Name)
	}
	state := map[string]orgapi.OAuthUsageApp{}
	for _, u := range usage {
		state[u.Name] = u
	}
	var userIDs, appIDs []string
	usedECAs := map[string]bool{}
	for _, a := range approvals {
		if names := ecaByLabel[a.AppLabel]; len(names) == 1 && len(byLabel[a.AppLabel]) == 0 {
			usedECAs[names[0]] = true
			b.uses = append(b.uses, access.Use{UserID: a.UserID, App: names[0], UseCount: a.UseCount,
				LastUsed: a.LastUsedDate, ExternalClientApp: true})
			userIDs = append(userIDs, a.UserID)
			continue
		}
		if len(byLabel[a.AppLabel]) != 1 || len(ecaByLabel[a.AppLabel]) != 0 {
			continue
		}
		r := byLabel[a.AppLabel][0]
		s, ok := state[r.Name]
		if !ok {
			continue
		}
		if _, seen := b.apps[r.Name]; !seen {
			b.apps[r.Name] = impactApp{App: access.App{Name: r.Name, Installed: s.Installed, Blocked: s.Blocked,
				OrgManaged: s.Local, AdminApprovedUsersOnly: r.AdminApprovedUsersOnly}, id: normalizeID(r.ID)}
			appIDs = append(appIDs, r.ID)
		}
		b.uses = append(b.uses, access.Use{UserID: a.UserID, App: r.Name, UseCount: a.UseCount, LastUsed: a.LastUsedDate})
		userIDs = append(userIDs, a.UserID)
	}

	var (
		users       []orgapi.User
		assignments []orgapi.PermissionSetAssignment
		grants      []orgapi.SetupEntityAccess
		policies    map[string]*orgapi.ExternalClientApp
	)
	second, secondCtx := errgroup.WithContext(ctx)
	second.Go(func() (err error) { users, err = c.UsersByID(secondCtx, userIDs); return err })
	second.Go(func() (err error) { assignments, err = c.PermissionSetAssignmentsOf(secondCtx, userIDs); return err })
	second.Go(func() (err error) { grants, err = c.SetupEntityAccessesOf(secondCtx, appIDs); return err })
	if len(usedECAs) > 0 {
		second.Go(func() (err error) {
			policies, err = c.ReadExternalClientApps(secondCtx, slices.Sorted(maps.Keys(usedECAs)))
			return err
		})
	}
	if err := second.Wait(); err != nil {
		return nil, err
	}
	for _, u := range users {
		id := normalizeID(u.ID)
		b.users[id] = u
		b.userIDs[u.Username] = id
	}
	for i := range b.uses {
		b.uses[i].Username = b.users[b.uses[i].UserID].Username
	}
	for _, a := range assignments {
		user := normalizeID(a.AssigneeID)
		if b.assigned[user] == nil {
			b.assigned[user] = map[string]bool{}
		}
		b.assigned[user][normalizeID(a.PermissionSetID)] = true
	}
	b.indexECAs(policies)
	appNames := map[string]string{}
	for name, a := range b.apps {
		appNames[a.id] = name
	}
	for _, g := range grants {
		name := appNames[normalizeID(g.SetupEntityID)]
		if b.grants[name] == nil {
			b.grants[name] = map[string]bool{}
		}
		b.grants[name][normalizeID(g.ParentID)] = true
	}
	return b, nil
}

// externalClientAppsOfUsage lists the org's External Client Apps (Connect REST OAuth usage, one
// call). An org the client talks to below API 60.0 has none the client can see, and none to
// analyse.
func externalClientAppsOfUsage(ctx context.Context, c *orgapi.Client) ([]orgapi.ECAUsage, error) {
	if !c.SupportsExternalClientApps() {
		return nil, nil
	}
	return c.ExternalClientAppUsage(ctx)
}

// indexECAs records the External Client Apps in use, their grants named by permission set id;
// the permission sets and profiles must be indexed first.
func (b *impactBase) indexECAs(policies map[string]*orgapi.ExternalClientApp) {
	for name, p := range policies {
		b.ecas[name] = access.ExternalClientApp{Name: name, Enabled: p.OAuthPluginEnabled, OAuthPluginEnabled: p.OAuthPluginEnabled,
			AdminApprovedUsersOnly: p.PermittedUsers == orgapi.PermittedUsersAdmin}
		granted := map[string]bool{}
		for _, set := range p.PermissionSets {
			granted[b.setID(set)] = true
		}
		for _, profile := range p.Profiles {
			granted[b.setID("profile:"+profile)] = true
		}
		b.ecaGrants[name] = granted
	}
}

// indexPermissionSets records each permission set's relevant permissions and its id by name, a
// profile's owned set under "profile:"+the profile's name.
func (b *impactBase) indexPermissionSets(sets []orgapi.PermissionSet, profiles []orgapi.Profile) {
	for _, ps := range sets {
		id := normalizeID(ps.ID)
		b.permissions[id] = relevant(ps.Permissions)
		if ps.IsOwnedByProfile {
			b.profileSet[normalizeID(ps.ProfileID)] = id
		} else {
			b.setIDs[ps.Name] = id
		}
	}
	for _, p := range profiles {
		if id, ok := b.profileSet[normalizeID(p.ID)]; ok {
			b.setIDs["profile:"+p.Name] = id
		}
	}
}

func relevant(permissions []string) []string {
	var out []string
	for _, p := range permissions {
		if slices.Contains(relevantPermissions, p) {
			out = append(out, p)
		}
	}
	return out
}

// setID is the id of a permission set by name ("profile:"+name for a profile's owned set); one
// the plan creates has no id yet and is known by its name.
func (b *impactBase) setID(name string) string {
	if id, ok := b.setIDs[name]; ok {
		return id
	}
	return "planned:" + name
}

// impactChanges are the planned changes of the settings and records the rules look at. A nil map
// or pointer means no change.
type impactChanges struct {
	limitExternal, limitAll *bool
	installed, blocked      map[string]bool            // app name → planned state
	adminApproved           map[string]bool            // app name → planned Permitted Users policy
	grants                  map[string]map[string]bool // app name → set id → granted
	permissions             map[string][]string        // set id → planned relevant permissions
	assignments             map[string]map[string]bool // user id → set id → assigned
	// The same for External Client Apps, by ECA name: the plugin switch, the Permitted Users
	// policy and the grants.
	ecaPluginEnabled, ecaAdminApproved map[string]bool
	ecaGrants                          map[string]map[string]bool
}

func (ch *impactChanges) grant(app, setID string, granted bool) {
	setIn(&ch.grants, app, setID, granted)
}

func (ch *impactChanges) grantECA(eca, setID string, granted bool) {
	setIn(&ch.ecaGrants, eca, setID, granted)
}

// setIn sets (*m)[outer][inner], making the maps on the way.
func setIn(m *map[string]map[string]bool, outer, inner string, v bool) {
	if *m == nil {
		*m = map[string]map[string]bool{}
	}
	if (*m)[outer] == nil {
		(*m)[outer] = map[string]bool{}
	}
	(*m)[outer][inner] = v
}

func (ch *impactChanges) assign(userID, setID string, assigned bool) {
	setIn(&ch.assignments, userID, setID, assigned)
}

// facts are the inputs of the rules for every user and app of the usage list, with the changes
// applied.
func (b *impactBase) facts(ch *impactChanges) access.Facts {
	f := access.Facts{Org: b.org, Users: make(map[string]access.User, len(b.users)), Apps: make(map[string]access.App, len(b.apps)),
		ECAs: make(map[string]access.ExternalClientApp, len(b.ecas))}
	if ch.limitExternal != nil {
		f.Org.LimitExternalUsersToInstalledApps = *ch.limitExternal
	}
	if ch.limitAll != nil {
		f.Org.LimitAllUsersToApprovedApps = *ch.limitAll
	}
	for name, a := range b.apps {
		app := a.App
		if v, ok := ch.installed[name]; ok {
			app.Installed = v
		}
		if v, ok := ch.blocked[name]; ok {
			app.Blocked = v
		}
		if v, ok := ch.adminApproved[name]; ok {
			app.AdminApprovedUsersOnly = v
		}
		app.GrantedTo = withChanges(b.grants[name], ch.grants[name])
		f.Apps[name] = app
	}
	for name, eca := range b.ecas {
		if v, ok := ch.ecaPluginEnabled[name]; ok {
			eca.Enabled, eca.OAuthPluginEnabled = v, v
		}
		if v, ok := ch.ecaAdminApproved[name]; ok {
			eca.AdminApprovedUsersOnly = v
		}
		eca.GrantedTo = withChanges(b.ecaGrants[name], ch.ecaGrants[name])
		f.ECAs[name] = eca
	}
	for id, u := range b.users {
		var grantees []string
		if set, ok := b.profileSet[normalizeID(u.ProfileID)]; ok {
			grantees = append(grantees, set)
		}
		grantees = append(grantees, withChanges(b.assigned[id], ch.assignments[id])...)
		held := map[string]bool{}
		for _, set := range grantees {
			perms, changed := ch.permissions[set]
			if !changed {
				perms = b.permissions[set]
			}
			for _, p := range perms {
				held[p] = true
			}
		}
		f.Users[id] = access.User{Type: access.UserType(u.UserType), Active: u.IsActive, APIEnabled: held["ApiEnabled"],
			UseAnyAPIClient:           held[orgapi.PermissionUseAnyAPIClient],
			CanApproveUninstalledApps: held[orgapi.PermissionCanApproveUninstalledApps], Grantees: grantees}
	}
	return f
}

// withChanges are the keys that are on in base with the planned changes applied.
func withChanges(base, changes map[string]bool) []string {
	on := maps.Clone(base)
	if on == nil {
		on = map[string]bool{}
	}
	maps.Copy(on, changes)
	var out []string
	for k, v := range on {
		if v {
			out = append(out, k)
		}
	}
	return out
}

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
