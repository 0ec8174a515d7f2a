package impact

import (
	"cmp"
	"context"
	"maps"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// Load reads the base: the settings and the rest of the org at the same time. An org without the
// setup extension (a real org) cannot say which apps are installed or blocked, so nothing is
// analysed: Load returns neither a base nor an error.
func Load(ctx context.Context, r Reader) (*Base, error) {
	if available, err := r.ExtensionAvailable(ctx); err != nil || !available {
		return nil, err
	}
	var org access.Org
	var orgErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		org, _, orgErr = ReadSettings(ctx, r)
	}()
	b, err := loadUsage(ctx, r)
	<-read
	// The settings' error, when both fail, is the one returned, as when they were read in turn.
	if err = cmp.Or(orgErr, err); err != nil {
		return nil, err
	}
	b.org = org
	return b, nil
}

// LoadWithSettings reads the base of an org whose settings the caller has read (ReadSettings) and
// whose setup extension it has found.
func LoadWithSettings(ctx context.Context, r Reader, org access.Org) (*Base, error) {
	b, err := loadUsage(ctx, r)
	if err != nil {
		return nil, err
	}
	b.org = org
	return b, nil
}

// ReadSettings reads the org-wide options the rules take; on failure it says which read failed,
// and returns the org's error as it is, so a caller can tell a missing permission from the rest.
func ReadSettings(ctx context.Context, r SettingsReader) (access.Org, string, error) {
	// Both at once: on a real org each is a round trip.
	var allowVF bool
	var vfErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		allowVF, vfErr = r.AllowVisualforceAPIAccess(ctx)
	}()
	settings, err := r.ReadConnectedAppSettings(ctx)
	<-read
	if err != nil {
		return access.Org{}, "reading the API Access Control settings", err
	}
	if vfErr != nil {
		return access.Org{}, "reading \"Allow Visualforce pages to access APIs\"", vfErr
	}
	return access.Org{
		LimitExternalUsersToInstalledApps: deref(settings.EnableAdminApprovedAppsOnlyForExternalUser),
		LimitAllUsersToApprovedApps:       deref(settings.EnableAdminApprovedAppsOnly),
		AllowVisualforceAPIAccess:         allowVF,
	}, "", nil
}

func deref(b *bool) bool { return b != nil && *b }

// firstRead is what the first round of reads finds: the usage list and what names its apps, and
// the permission sets and profiles.
type firstRead struct {
	approvals []orgapi.OAuthApproval
	records   []orgapi.ConnectedApplication
	usage     []orgapi.OAuthUsageApp
	ecaUsage  []orgapi.ECAUsage
	sets      []orgapi.PermissionSet
	profiles  []orgapi.Profile
}

// secondRead is what the second round finds, by the ids and names the first one named.
type secondRead struct {
	users       []orgapi.User
	assignments []orgapi.PermissionSetAssignment
	grants      []orgapi.SetupEntityAccess
	policies    map[string]*orgapi.ExternalClientApp
}

// loadUsage reads what the analysis needs besides the settings in a fixed number of queries,
// whatever the size of the org: the usage list (one OauthToken query), the apps
// (ConnectedApplication, listMetadata, OAuth Usage list), the permission sets and profiles, and,
// by id in chunks of 200, the users of the list, their assignments and the apps' grants. Two
// rounds of reads, each read of a round sent at once: on a real org every call is a round trip,
// and one after the other they made the first plan of a run wait seconds.
func loadUsage(ctx context.Context, r Reader) (*Base, error) {
	first, err := readFirst(ctx, r)
	if err != nil {
		return nil, err
	}
	b := newBase()
	b.indexPermissionSets(first.sets, first.profiles)
	userIDs, appIDs, usedECAs := b.indexUses(first)
	second, err := readSecond(ctx, r, userIDs, appIDs, usedECAs)
	if err != nil {
		return nil, err
	}
	b.indexUsers(second.users, second.assignments)
	b.indexECAs(second.policies)
	b.indexGrants(second.grants)
	return b, nil
}

func readFirst(ctx context.Context, r Reader) (firstRead, error) {
	var f firstRead
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { f.approvals, err = r.OAuthApprovals(gctx); return err })
	g.Go(func() (err error) { f.records, err = r.ConnectedApplications(gctx); return err })
	g.Go(func() (err error) { f.usage, err = r.OAuthUsage(gctx); return err })
	g.Go(func() (err error) { f.ecaUsage, err = externalClientAppsOfUsage(gctx, r); return err })
	g.Go(func() (err error) { f.sets, err = r.PermissionSets(gctx); return err })
	g.Go(func() (err error) { f.profiles, err = r.Profiles(gctx); return err })
	return f, g.Wait()
}

// externalClientAppsOfUsage lists the org's External Client Apps (Connect REST OAuth usage, one
// call). An org the client talks to below API 60.0 has none the client can see, and none to
// analyse.
func externalClientAppsOfUsage(ctx context.Context, r Reader) ([]orgapi.ECAUsage, error) {
	if !r.SupportsExternalClientApps() {
		return nil, nil
	}
	return r.ExternalClientAppUsage(ctx)
}

func readSecond(ctx context.Context, r Reader, userIDs, appIDs []string, usedECAs map[string]bool) (secondRead, error) {
	var s secondRead
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { s.users, err = r.UsersByID(gctx, userIDs); return err })
	g.Go(func() (err error) { s.assignments, err = r.PermissionSetAssignmentsOf(gctx, userIDs); return err })
	g.Go(func() (err error) { s.grants, err = r.SetupEntityAccessesOf(gctx, appIDs); return err })
	if len(usedECAs) > 0 {
		g.Go(func() (err error) {
			s.policies, err = r.ReadExternalClientApps(gctx, slices.Sorted(maps.Keys(usedECAs)))
			return err
		})
	}
	return s, g.Wait()
}

// indexUses turns the usage list into uses of the apps it names, and returns the ids of their
// users and connected apps and the names of the External Client Apps in use, for the second
// round of reads. OauthToken names an app by its label, which is not unique: a label two apps
// share (connected apps and External Client Apps alike) is ambiguous, and its approvals are left
// out rather than guessed.
func (b *Base) indexUses(f firstRead) (userIDs, appIDs []string, usedECAs map[string]bool) {
	byLabel := map[string][]orgapi.ConnectedApplication{}
	for _, r := range f.records {
		if r.Name != "" {
			byLabel[r.Label] = append(byLabel[r.Label], r)
		}
	}
	ecaByLabel := map[string][]string{}
	for _, e := range f.ecaUsage {
		ecaByLabel[e.Label] = append(ecaByLabel[e.Label], e.Name)
	}
	state := map[string]orgapi.OAuthUsageApp{}
	for _, u := range f.usage {
		state[u.Name] = u
	}
	usedECAs = map[string]bool{}
	for _, a := range f.approvals {
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
			b.apps[r.Name] = app{App: access.App{Name: r.Name, Installed: s.Installed, Blocked: s.Blocked,
				OrgManaged: s.Local, AdminApprovedUsersOnly: r.AdminApprovedUsersOnly}, id: normalizeID(r.ID)}
			appIDs = append(appIDs, r.ID)
		}
		b.uses = append(b.uses, access.Use{UserID: a.UserID, App: r.Name, UseCount: a.UseCount, LastUsed: a.LastUsedDate})
		userIDs = append(userIDs, a.UserID)
	}
	return userIDs, appIDs, usedECAs
}

// indexUsers records the users of the usage list, names the uses by username, and records the
// users' assignments.
func (b *Base) indexUsers(users []orgapi.User, assignments []orgapi.PermissionSetAssignment) {
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
}

// indexGrants records the connected apps' grants by app name.
func (b *Base) indexGrants(grants []orgapi.SetupEntityAccess) {
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
}
