package impact

import (
	"context"
	"slices"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// relevantPermissions are the user permissions the access rules look at.
var relevantPermissions = []string{"ApiEnabled", orgapi.PermissionUseAnyAPIClient, orgapi.PermissionCanApproveUninstalledApps}

// app is a connected app of the usage list as the org has it now.
type app struct {
	access.App // GrantedTo left empty: grants live in Base.grants
	id         string
}

// Base is the org as read once: the settings and, of the usage list (OauthToken), the uses, their
// users and apps (connected apps and External Client Apps), and the permission sets, assignments
// and grants that decide them. Only these take part: the analysis predicts what happens to access
// people actually use.
type Base struct {
	org   access.Org
	uses  []access.Use
	users map[string]orgapi.User // by id
	apps  map[string]app         // by API name
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
	// permissionSetsOnly marks a base read from no more than the permission sets and profiles
	// (PermissionSetBase), whose org cannot say which apps are installed or blocked.
	permissionSetsOnly bool
}

func newBase() *Base {
	return &Base{users: map[string]orgapi.User{}, apps: map[string]app{},
		grants: map[string]map[string]bool{}, setIDs: map[string]string{}, permissions: map[string][]string{},
		profileSet: map[string]string{}, assigned: map[string]map[string]bool{}, userIDs: map[string]string{},
		ecas: map[string]access.ExternalClientApp{}, ecaGrants: map[string]map[string]bool{}}
}

// LoadPermissionSetBase reads a base holding no more than the permission sets and profiles (both
// lists the client keeps), for a check of one login (the provider's own) on an org whose usage
// cannot be read (no setup extension): AddUser and AddLoginApp add the login's user and app.
func LoadPermissionSetBase(ctx context.Context, r Reader) (*Base, error) {
	sets, err := r.PermissionSets(ctx)
	if err != nil {
		return nil, err
	}
	profiles, err := r.Profiles(ctx)
	if err != nil {
		return nil, err
	}
	b := newBase()
	b.permissionSetsOnly = true
	b.indexPermissionSets(sets, profiles)
	return b, nil
}

// normalizeID is the 18-character form of a Salesforce id, so that ids from different reads
// compare equal; what is not an id stays as it is.
func normalizeID(id string) string {
	if n, err := sfid.Normalize(id); err == nil {
		return n
	}
	return id
}

// indexECAs records the External Client Apps in use, their grants named by permission set id;
// the permission sets and profiles must be indexed first.
func (b *Base) indexECAs(policies map[string]*orgapi.ExternalClientApp) {
	for name, p := range policies {
		b.ecas[name] = access.ExternalClientApp{Name: name, Enabled: p.OAuthPluginEnabled, OAuthPluginEnabled: p.OAuthPluginEnabled,
			AdminApprovedUsersOnly: p.PermittedUsers == orgapi.PermittedUsersAdmin}
		granted := map[string]bool{}
		for _, set := range p.PermissionSets {
			granted[b.SetID(set)] = true
		}
		for _, profile := range p.Profiles {
			granted[b.SetID("profile:"+profile)] = true
		}
		b.ecaGrants[name] = granted
	}
}

// indexPermissionSets records each permission set's relevant permissions and its id by name, a
// profile's owned set under "profile:"+the profile's name.
func (b *Base) indexPermissionSets(sets []orgapi.PermissionSet, profiles []orgapi.Profile) {
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

// SetID is the id of a permission set by name ("profile:"+name for a profile's owned set); one
// the plan creates has no id yet and is known by its name.
func (b *Base) SetID(name string) string {
	if id, ok := b.setIDs[name]; ok {
		return id
	}
	return "planned:" + name
}

// UserID is the id of a user of the usage list by username. A user without approvals has no use a
// change could affect, and is not in the base.
func (b *Base) UserID(username string) (string, bool) {
	id, ok := b.userIDs[username]
	return id, ok
}

// AddUser puts a user outside the usage list (the provider's own) into the base with the ids of
// the permission sets assigned to them, and returns the user's id as the base knows it.
func (b *Base) AddUser(u orgapi.User, assigned []string) string {
	id := normalizeID(u.ID)
	b.users[id] = u
	b.userIDs[u.Username] = id
	b.assigned[id] = map[string]bool{}
	for _, set := range assigned {
		b.assigned[id][normalizeID(set)] = true
	}
	return id
}

// hasApp reports whether the base holds the connected app.
func (b *Base) hasApp(name string) bool {
	_, ok := b.apps[name]
	return ok
}

// addApp puts a connected app outside the usage list into the base, with its record id and the
// ids of the permission sets it is granted to.
func (b *Base) addApp(a access.App, id string, grantedTo []string) {
	granted := map[string]bool{}
	for _, set := range grantedTo {
		granted[normalizeID(set)] = true
	}
	b.apps[a.Name] = app{App: a, id: normalizeID(id)}
	b.grants[a.Name] = granted
}

// AddECA puts an External Client App into the base, unless it holds it already.
func (b *Base) AddECA(name string, eca *orgapi.ExternalClientApp) {
	if _, ok := b.ecas[name]; !ok {
		b.indexECAs(map[string]*orgapi.ExternalClientApp{name: eca})
	}
}

// approved reports whether the usage list holds the user's approval of the connected app.
func (b *Base) approved(userID, appName string) bool {
	for _, u := range b.uses {
		if u.UserID == userID && u.App == appName && !u.ExternalClientApp {
			return true
		}
	}
	return false
}
