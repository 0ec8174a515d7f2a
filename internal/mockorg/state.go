package mockorg

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// permissionNames are the user permissions mockorg knows, by API name (PermissionSet fields are
// "Permissions" + name). orgapi keeps its own list; this one is mockorg's oracle of the columns a
// Salesforce org has, pinned against orgapi's by TestOracleUserPermissionsMatchOrgapi. A real
// org has some hundred more; permViewAllData stands for them.
var permissionNames = []string{
	"ApiEnabled", "ApiUserOnly", "UseAnyApiClient", "CustomizeApplication", "ModifyAllData",
	"ManageRemoteAccess", "ManageProfilesPermissionsets", "ClientSecretRotation", "InstallPackaging",
	"ManageUsers", "AssignPermissionSets", "ViewSetup", "ModifyMetadata", "CanApproveUninstalledApps",
	permViewAllData,
	"ExternalClientAppAdmin", "ExternalClientAppDeveloper", "ExternalClientAppViewer", "ViewClientSecret",
}

// permViewAllData ("View All Data") is a permission the provider does not manage and no access
// rule reads: it lets tests prove that writing a permission set leaves such permissions as they
// are.
const permViewAllData = "ViewAllData"

const permUseAnyAPIClient = "UseAnyApiClient"

// timeLayout is how Salesforce writes datetimes in REST and SOAP answers.
const timeLayout = "2006-01-02T15:04:05.000Z"

// state is the org's records. It is guarded by Server.mu; handlers never hold pointers into it
// after releasing the lock.
type state struct {
	org         organization
	settings    SeedSettings
	profiles    map[string]*profile
	permSets    map[string]*permSet
	users       map[string]*user
	assignments map[string]*assignment
	apps        map[string]*connectedApp
	grants      map[string]*grant
	approvals   map[string]*approval // by approvalKey
	ecas        map[string]*externalClientApp
	ecaSettings SeedECASettings
	ids         idAllocator
	idx         indexes
}

type organization struct {
	ID, Name, OrganizationType, InstanceName string
	Provisioned, IsSandbox                   bool
	ConnectedAppCreationAllowed              bool
	SetupExtensionDisabled                   bool
	DailyAPIRequests                         int
	SessionTimeoutMinutes                    int
}

// sessionTimeouts are the values Session Settings offers, in minutes.
var sessionTimeouts = []int{15, 30, 60, 120, 240, 480, 720, 1440}

func (o organization) sessionTimeout() time.Duration {
	return time.Duration(o.SessionTimeoutMinutes) * time.Minute
}

type profile struct {
	ID, Name, UserType, PermissionSetID string
}

type permSet struct {
	ID, Name, Label, Description string
	ProfileID                    string // set for a profile's owned permission set
	Permissions                  map[string]bool
}

type user struct {
	ID, Username, Name, Email, ProfileID, Password string
	Active                                         bool
}

type assignment struct {
	ID, PermissionSetID, AssigneeID string
}

// connectedApp reuses the seed's shape: it has no references that need resolving but the
// client-credentials username, which never changes identity.
type connectedApp = SeedConnectedApp

type grant struct {
	ID, ParentID, AppID string
}

// idAllocator hands out the next sequence number per key prefix, above every id already in use.
type idAllocator map[string]uint64

func (a idAllocator) reserve(id string) {
	if n := sequenceOf(id); n > a[id[:3]] {
		a[id[:3]] = n
	}
}

func (a idAllocator) next(prefix string) string {
	a[prefix]++
	return sfid.New(prefix, a[prefix])
}

// sequenceOf reads the base-62 sequence an 18-character id was built from.
func sequenceOf(id string) uint64 {
	const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	var n uint64
	for i := 5; i < 15; i++ {
		digit := strings.IndexByte(base62, id[i])
		if digit < 0 { // ids are normalised before they get here
			return 0
		}
		n = n*62 + uint64(digit)
	}
	return n
}

// newState validates a seed and builds the org from it, assigning ids to records that have none.
// Every explicit id is reserved before any record is built, so that generated ids never collide
// with them; the records are then built in dependency order (a user needs its profile, a grant
// its app and parent).
func newState(seed *Seed) (*state, error) {
	st := &state{
		settings:    seed.Settings,
		ecaSettings: seed.ExternalClientAppSettings,
		profiles:    map[string]*profile{},
		permSets:    map[string]*permSet{},
		users:       map[string]*user{},
		assignments: map[string]*assignment{},
		apps:        map[string]*connectedApp{},
		grants:      map[string]*grant{},
		approvals:   map[string]*approval{},
		ecas:        map[string]*externalClientApp{},
		ids:         idAllocator{},
		idx:         newIndexes(),
	}
	ids, err := st.reserveSeedIDs(seed)
	if err != nil {
		return nil, err
	}
	steps := []func(*Seed, *seedIDs) error{
		st.loadOrganization, st.loadProfiles, st.loadPermissionSets, st.loadUsers,
		st.loadAssignments, st.loadConnectedApps, st.loadGrants,
	}
	for _, step := range steps {
		if err := step(seed, ids); err != nil {
			return nil, err
		}
	}
	if err := st.loadExternalClientApps(seed); err != nil {
		return nil, err
	}
	if err := st.loadApprovals(seed.OAuthTokens); err != nil {
		return nil, err
	}
	return st, nil
}

// seedIDs are the seed's explicit ids, normalised, by record index; "" where the seed gave none.
type seedIDs struct {
	org                          string
	profiles, profilePermSets    []string
	permSets, users, assignments []string
	apps, grants                 []string
}

// orElse returns the explicit id, or the next generated one.
func (st *state) orElse(id, prefix string) string {
	if id != "" {
		return id
	}
	return st.ids.next(prefix)
}

// seedIDReserver checks explicit ids (form, key prefix, uniqueness) and reserves them in the allocator.
type seedIDReserver struct {
	st   *state
	seen map[string]string // id → the record that uses it
}

func (r seedIDReserver) claim(what, id, prefix string) (string, error) {
	if id == "" {
		return "", nil
	}
	n, err := sfid.Normalize(id)
	if err != nil {
		return "", fmt.Errorf("seed: %s: %w", what, err)
	}
	if n[:3] != prefix {
		return "", fmt.Errorf("seed: %s: id %s does not have the key prefix %s", what, id, prefix)
	}
	if other, dup := r.seen[n]; dup {
		return "", fmt.Errorf("seed: %s: id %s is already used by %s", what, id, other)
	}
	r.seen[n] = what
	r.st.ids.reserve(n)
	return n, nil
}

// seedIDClaims are the explicit ids of one record type: n records, describe names record i and
// gives its id, check (optional) refuses an id the type may not use.
type seedIDClaims struct {
	dst      *[]string
	n        int
	prefix   string
	describe func(i int) (what, id string)
	check    func(i int, id string) error
}

func (r seedIDReserver) claimAll(c seedIDClaims) error {
	*c.dst = make([]string, c.n)
	for i := range c.n {
		what, id := c.describe(i)
		n, err := r.claim(what, id, c.prefix)
		if err != nil {
			return err
		}
		if c.check != nil && n != "" {
			if err := c.check(i, n); err != nil {
				return err
			}
		}
		(*c.dst)[i] = n
	}
	return nil
}

func (st *state) reserveSeedIDs(seed *Seed) (*seedIDs, error) {
	r := seedIDReserver{st: st, seen: map[string]string{}}
	ids := &seedIDs{}
	var err error
	if ids.org, err = r.claim("organization", seed.Organization.ID, sfid.PrefixOrganization); err != nil {
		return nil, err
	}
	// A profile and its owned permission set are reserved together, as the seed lists them.
	ids.profiles = make([]string, len(seed.Profiles))
	ids.profilePermSets = make([]string, len(seed.Profiles))
	for i, p := range seed.Profiles {
		if ids.profiles[i], err = r.claim("profile "+p.Name, p.ID, sfid.PrefixProfile); err != nil {
			return nil, err
		}
		if ids.profilePermSets[i], err = r.claim("permission set of profile "+p.Name, p.PermissionSetID, sfid.PrefixPermissionSet); err != nil {
			return nil, err
		}
	}
	// Then each record type in the seed's order, so that the first clash reported is the seed's first.
	for _, c := range []seedIDClaims{
		{&ids.permSets, len(seed.PermissionSets), sfid.PrefixPermissionSet, func(i int) (string, string) {
			return "permission set " + seed.PermissionSets[i].Name, seed.PermissionSets[i].ID
		}, nil},
		{&ids.users, len(seed.Users), sfid.PrefixUser, func(i int) (string, string) {
			return "user " + seed.Users[i].Username, seed.Users[i].ID
		}, nil},
		{&ids.assignments, len(seed.PermissionSetAssignments), sfid.PrefixAssignment, func(i int) (string, string) {
			a := seed.PermissionSetAssignments[i]
			return "assignment of " + a.PermissionSet + " to " + a.Username, a.ID
		}, func(i int, id string) error {
			if a := seed.PermissionSetAssignments[i]; sequenceOf(id) >= profileAssignmentBase {
				return fmt.Errorf("seed: assignment of %s to %s: id %s is in the range kept for assignments to profiles' permission sets", a.PermissionSet, a.Username, a.ID)
			}
			return nil
		}},
		{&ids.apps, len(seed.ConnectedApps), sfid.PrefixConnectedApplication, func(i int) (string, string) {
			return "connected app " + seed.ConnectedApps[i].Name, seed.ConnectedApps[i].ID
		}, nil},
		{&ids.grants, len(seed.SetupEntityAccess), sfid.PrefixSetupEntityAccess, func(i int) (string, string) {
			return "grant of " + seed.SetupEntityAccess[i].ConnectedApp, seed.SetupEntityAccess[i].ID
		}, nil},
	} {
		if err := r.claimAll(c); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// loadOrganization checks the organization and fills in Salesforce's defaults for what the seed
// leaves out.
func (st *state) loadOrganization(seed *Seed, ids *seedIDs) error {
	o := seed.Organization
	if o.Name == "" {
		return fmt.Errorf("seed: organization.name is required")
	}
	if o.DailyAPIRequests < 0 {
		return fmt.Errorf("seed: organization.dailyApiRequests must not be negative")
	}
	st.org = organization{
		ID: st.orElse(ids.org, sfid.PrefixOrganization), Name: o.Name, OrganizationType: o.OrganizationType,
		Provisioned: o.APIAccessControlProvisioned, DailyAPIRequests: o.DailyAPIRequests,
		InstanceName: o.InstanceName, IsSandbox: o.IsSandbox, ConnectedAppCreationAllowed: o.ConnectedAppCreationAllowed,
		SetupExtensionDisabled: o.SetupExtensionDisabled,
		SessionTimeoutMinutes:  o.SessionTimeoutMinutes,
	}
	if st.org.SessionTimeoutMinutes == 0 {
		st.org.SessionTimeoutMinutes = 120
	}
	if !slices.Contains(sessionTimeouts, st.org.SessionTimeoutMinutes) {
		return fmt.Errorf("seed: organization.sessionTimeoutMinutes is one of %v, not %d", sessionTimeouts, o.SessionTimeoutMinutes)
	}
	if st.org.InstanceName == "" {
		st.org.InstanceName = "MOCK1"
	}
	if st.org.OrganizationType == "" {
		st.org.OrganizationType = "Enterprise Edition"
	}
	if st.org.DailyAPIRequests == 0 {
		st.org.DailyAPIRequests = 15000
	}
	if !st.org.Provisioned && (st.settings.EnableAdminApprovedAppsOnly || st.settings.EnableAdminApprovedAppsOnlyForExternalUser) {
		return fmt.Errorf("seed: the API Access Control limits can only be on when organization.apiAccessControlProvisioned is true")
	}
	return nil
}

// loadProfiles adds each profile with the permission set it owns, which holds its permissions.
func (st *state) loadProfiles(seed *Seed, ids *seedIDs) error {
	for i, p := range seed.Profiles {
		if p.Name == "" {
			return fmt.Errorf("seed: profiles[%d]: name is required", i)
		}
		if st.profileByName(p.Name) != nil {
			return fmt.Errorf("seed: profile %q is defined twice", p.Name)
		}
		if !validUserType(p.UserType) {
			return fmt.Errorf("seed: profile %q: userType %q is not one of %s", p.Name, p.UserType, userTypeList())
		}
		perms, err := permissionSetOf(p.Permissions)
		if err != nil {
			return fmt.Errorf("seed: profile %q: %w", p.Name, err)
		}
		pr := &profile{ID: st.orElse(ids.profiles[i], sfid.PrefixProfile), Name: p.Name, UserType: p.UserType}
		pr.PermissionSetID = st.orElse(ids.profilePermSets[i], sfid.PrefixPermissionSet)
		st.putProfile(pr)
		st.putPermSet(&permSet{
			ID: pr.PermissionSetID, Name: "X" + pr.ID[:15], Label: pr.Name, ProfileID: pr.ID, Permissions: perms,
		})
	}
	return nil
}

func (st *state) loadPermissionSets(seed *Seed, ids *seedIDs) error {
	for i, p := range seed.PermissionSets {
		if msg := developerNameProblem(p.Name); msg != "" {
			return fmt.Errorf("seed: permission set %q: %s", p.Name, msg)
		}
		if st.permSetByName(p.Name) != nil {
			return fmt.Errorf("seed: permission set %q is defined twice", p.Name)
		}
		perms, err := permissionSetOf(p.Permissions)
		if err != nil {
			return fmt.Errorf("seed: permission set %q: %w", p.Name, err)
		}
		label := p.Label
		if label == "" {
			label = p.Name
		}
		ps := &permSet{ID: st.orElse(ids.permSets[i], sfid.PrefixPermissionSet), Name: p.Name, Label: label, Description: p.Description, Permissions: perms}
		st.putPermSet(ps)
	}
	return nil
}

// loadUsers adds the users, then checks that their derived profile assignments get distinct ids.
func (st *state) loadUsers(seed *Seed, ids *seedIDs) error {
	for i, u := range seed.Users {
		if u.Username == "" {
			return fmt.Errorf("seed: users[%d]: username is required", i)
		}
		if st.userByUsername(u.Username) != nil {
			return fmt.Errorf("seed: user %q is defined twice", u.Username)
		}
		pr := st.profileByName(u.Profile)
		if pr == nil {
			return fmt.Errorf("seed: user %q: no profile named %q", u.Username, u.Profile)
		}
		us := &user{ID: st.orElse(ids.users[i], sfid.PrefixUser), Username: u.Username, Name: u.Name, Email: u.Email,
			ProfileID: pr.ID, Password: u.Password, Active: u.Active}
		if us.Name == "" {
			us.Name = u.Username
		}
		if us.Email == "" {
			us.Email = u.Username
		}
		st.putUser(us)
	}
	profileAssignments := map[string]string{}
	for _, u := range sorted(st.users) {
		id := profileAssignmentID(u.ID)
		if other, dup := profileAssignments[id]; dup {
			return fmt.Errorf("seed: users %q and %q have ids with the same sequence digits, so their profile assignments would share an id", other, u.Username)
		}
		profileAssignments[id] = u.Username
	}
	return nil
}

func (st *state) loadAssignments(seed *Seed, ids *seedIDs) error {
	for i, a := range seed.PermissionSetAssignments {
		ps := st.permSetByName(a.PermissionSet)
		if ps == nil || ps.ProfileID != "" {
			return fmt.Errorf("seed: permissionSetAssignments[%d]: no assignable permission set named %q", i, a.PermissionSet)
		}
		us := st.userByUsername(a.Username)
		if us == nil {
			return fmt.Errorf("seed: permissionSetAssignments[%d]: no user %q", i, a.Username)
		}
		if st.assignmentOf(ps.ID, us.ID) != nil {
			return fmt.Errorf("seed: permission set %q is assigned to %q twice", a.PermissionSet, a.Username)
		}
		asg := &assignment{ID: st.orElse(ids.assignments[i], sfid.PrefixAssignment), PermissionSetID: ps.ID, AssigneeID: us.ID}
		st.putAssignment(asg)
	}
	return nil
}

func (st *state) loadConnectedApps(seed *Seed, ids *seedIDs) error {
	keys := map[string]string{}
	for i, a := range seed.ConnectedApps {
		if err := st.checkSeedApp(a, keys); err != nil {
			return err
		}
		app := cloneApp(&seed.ConnectedApps[i])
		app.ID = st.orElse(ids.apps[i], sfid.PrefixConnectedApplication)
		if app.Label == "" { // Salesforce requires a label; ConnectedApplication.Name serves it
			app.Label = app.Name
		}
		if app.CreatedDate == "" {
			app.CreatedDate = "2026-01-01T00:00:00.000Z"
		}
		if app.LastModifiedDate == "" {
			app.LastModifiedDate = app.CreatedDate
		}
		if app.Local && app.Packaged {
			return fmt.Errorf("seed: connected app %q: an app is either local or packaged, not both", a.Name)
		}
		st.putApp(app)
	}
	return nil
}

// checkSeedApp checks one seed app against those loaded before it; keys maps each consumer key
// seen so far to its app.
func (st *state) checkSeedApp(a SeedConnectedApp, keys map[string]string) error {
	if msg := developerNameProblem(a.Name); msg != "" {
		return fmt.Errorf("seed: connected app %q: %s", a.Name, msg)
	}
	if st.appByName(a.Name) != nil {
		return fmt.Errorf("seed: connected app %q is defined twice", a.Name)
	}
	if a.ConsumerKey == "" || a.ConsumerSecret == "" {
		return fmt.Errorf("seed: connected app %q: consumerKey and consumerSecret are required", a.Name)
	}
	if other, dup := keys[a.ConsumerKey]; dup {
		return fmt.Errorf("seed: connected app %q: consumerKey is already used by %q", a.Name, other)
	}
	keys[a.ConsumerKey] = a.Name
	if a.ClientCredentialsUser != "" && st.userByUsername(a.ClientCredentialsUser) == nil {
		return fmt.Errorf("seed: connected app %q: clientCredentialsUser %q is not a user", a.Name, a.ClientCredentialsUser)
	}
	for _, date := range []string{a.CreatedDate, a.LastModifiedDate} {
		if err := checkSeedDate(date); err != nil {
			return fmt.Errorf("seed: connected app %q: %w", a.Name, err)
		}
	}
	return nil
}

func (st *state) loadGrants(seed *Seed, ids *seedIDs) error {
	for i, g := range seed.SetupEntityAccess {
		app := st.appByName(g.ConnectedApp)
		if app == nil {
			return fmt.Errorf("seed: setupEntityAccess[%d]: no connected app %q", i, g.ConnectedApp)
		}
		parent, err := st.seedGrantParent(i, g)
		if err != nil {
			return err
		}
		if st.grantOf(parent, app.ID) != nil {
			return fmt.Errorf("seed: setupEntityAccess[%d]: %q is granted to the same parent twice", i, g.ConnectedApp)
		}
		gr := &grant{ID: st.orElse(ids.grants[i], sfid.PrefixSetupEntityAccess), ParentID: parent, AppID: app.ID}
		st.putGrant(gr)
	}
	return nil
}

// seedGrantParent resolves a seed grant's permission set or profile to the permission set id a
// SetupEntityAccess row points at (a profile's is the one it owns).
func (st *state) seedGrantParent(i int, g SeedGrant) (string, error) {
	switch {
	case g.PermissionSet != "" && g.Profile == "":
		ps := st.permSetByName(g.PermissionSet)
		if ps == nil || ps.ProfileID != "" {
			return "", fmt.Errorf("seed: setupEntityAccess[%d]: no permission set %q", i, g.PermissionSet)
		}
		return ps.ID, nil
	case g.Profile != "" && g.PermissionSet == "":
		pr := st.profileByName(g.Profile)
		if pr == nil {
			return "", fmt.Errorf("seed: setupEntityAccess[%d]: no profile %q", i, g.Profile)
		}
		return pr.PermissionSetID, nil
	default:
		return "", fmt.Errorf("seed: setupEntityAccess[%d]: set exactly one of permissionSet and profile", i)
	}
}

// clone copies the org record by record, so that a write can be applied and then kept or dropped
// (a multi-component Metadata API call, a write whose persistence fails) at a cost linear in the
// org's size: rebuilding it through newState checks names pairwise and grows with its square.
func (st *state) clone() *state {
	c := *st
	c.profiles = cloneRecords(st.profiles)
	c.users = cloneRecords(st.users)
	c.assignments = cloneRecords(st.assignments)
	c.grants = cloneRecords(st.grants)
	c.approvals = cloneRecords(st.approvals)
	c.permSets = make(map[string]*permSet, len(st.permSets))
	for id, ps := range st.permSets {
		cp := *ps
		cp.Permissions = maps.Clone(ps.Permissions)
		c.permSets[id] = &cp
	}
	c.apps = make(map[string]*connectedApp, len(st.apps))
	for id, a := range st.apps {
		c.apps[id] = cloneApp(a)
	}
	c.ecas = make(map[string]*externalClientApp, len(st.ecas))
	for id, e := range st.ecas {
		c.ecas[id] = cloneECA(e)
	}
	c.ids = maps.Clone(st.ids)
	c.idx = buildIndexes(&c)
	return &c
}

// cloneRecords copies a map of records whose fields are all values.
func cloneRecords[T any](m map[string]*T) map[string]*T {
	out := make(map[string]*T, len(m))
	for k, v := range m {
		cp := *v
		out[k] = &cp
	}
	return out
}

// toSeed renders the org in the seed's shape, ids included, records in creation order.
func (st *state) toSeed(apiUsed int) *Seed {
	seed := &Seed{
		Organization: SeedOrganization{
			ID: st.org.ID, Name: st.org.Name, OrganizationType: st.org.OrganizationType,
			APIAccessControlProvisioned: st.org.Provisioned, DailyAPIRequests: st.org.DailyAPIRequests,
			APIRequestsUsed: apiUsed, InstanceName: st.org.InstanceName, IsSandbox: st.org.IsSandbox,
			ConnectedAppCreationAllowed: st.org.ConnectedAppCreationAllowed, SessionTimeoutMinutes: st.org.SessionTimeoutMinutes,
			SetupExtensionDisabled: st.org.SetupExtensionDisabled,
		},
		Settings:                  st.settings,
		Profiles:                  []SeedProfile{},
		PermissionSets:            []SeedPermissionSet{},
		Users:                     []SeedUser{},
		PermissionSetAssignments:  []SeedAssignment{},
		ConnectedApps:             []SeedConnectedApp{},
		SetupEntityAccess:         []SeedGrant{},
		OAuthTokens:               st.approvalSeeds(),
		ExternalClientApps:        st.ecaSeeds(),
		ExternalClientAppSettings: st.ecaSettings,
	}
	for _, p := range sorted(st.profiles) {
		seed.Profiles = append(seed.Profiles, SeedProfile{ID: p.ID, Name: p.Name, UserType: p.UserType,
			PermissionSetID: p.PermissionSetID, Permissions: st.permSets[p.PermissionSetID].permissionList()})
	}
	for _, ps := range sorted(st.permSets) {
		if ps.ProfileID == "" {
			seed.PermissionSets = append(seed.PermissionSets, SeedPermissionSet{ID: ps.ID, Name: ps.Name,
				Label: ps.Label, Description: ps.Description, Permissions: ps.permissionList()})
		}
	}
	for _, u := range sorted(st.users) {
		seed.Users = append(seed.Users, SeedUser{ID: u.ID, Username: u.Username, Name: u.Name, Email: u.Email,
			Profile: st.profiles[u.ProfileID].Name, Active: u.Active, Password: u.Password})
	}
	for _, a := range sorted(st.assignments) {
		seed.PermissionSetAssignments = append(seed.PermissionSetAssignments, SeedAssignment{ID: a.ID,
			PermissionSet: st.permSets[a.PermissionSetID].Name, Username: st.users[a.AssigneeID].Username})
	}
	for _, a := range sorted(st.apps) {
		seed.ConnectedApps = append(seed.ConnectedApps, *cloneApp(a))
	}
	for _, g := range sorted(st.grants) {
		sg := SeedGrant{ID: g.ID, ConnectedApp: st.apps[g.AppID].Name}
		if ps := st.permSets[g.ParentID]; ps.ProfileID != "" {
			sg.Profile = st.profiles[ps.ProfileID].Name
		} else {
			sg.PermissionSet = ps.Name
		}
		seed.SetupEntityAccess = append(seed.SetupEntityAccess, sg)
	}
	return seed
}

func cloneApp(a *connectedApp) *connectedApp {
	c := *a
	c.CallbackURLs = slices.Clone(a.CallbackURLs)
	c.Scopes = slices.Clone(a.Scopes)
	if a.ConsumerSecretOptional != nil {
		c.ConsumerSecretOptional = ptr(*a.ConsumerSecretOptional)
	}
	if a.SecretRequiredForRefreshToken != nil {
		c.SecretRequiredForRefreshToken = ptr(*a.SecretRequiredForRefreshToken)
	}
	return &c
}

// sorted returns a map's values ordered by id, which is creation order for sfid sequences.
func sorted[T any](m map[string]*T) []*T {
	out := make([]*T, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

func (ps *permSet) permissionList() []string {
	out := []string{}
	for _, name := range permissionNames {
		if ps.Permissions[name] {
			out = append(out, name)
		}
	}
	return out
}

func permissionSetOf(names []string) (map[string]bool, error) {
	perms := map[string]bool{}
	for _, n := range names {
		if !slices.Contains(permissionNames, n) {
			return nil, fmt.Errorf("unknown permission %q (known: %s)", n, strings.Join(permissionNames, ", "))
		}
		perms[n] = true
	}
	return perms, nil
}

func validUserType(t string) bool {
	return slices.Contains(access.UserTypes, access.UserType(t))
}

func userTypeList() string {
	names := make([]string, len(access.UserTypes))
	for i, t := range access.UserTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// developerNameProblem checks Salesforce's API name rule: letters, digits and single underscores,
// starting with a letter, not ending with an underscore, at most 80 characters.
func developerNameProblem(name string) string {
	const rule = "an API name must begin with a letter, contain only letters, digits and single underscores, not end with an underscore, and be at most 80 characters"
	if name == "" || len(name) > 80 || strings.Contains(name, "__") || strings.HasSuffix(name, "_") {
		return rule
	}
	for i, c := range name {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		digitOrUnderscore := c >= '0' && c <= '9' || c == '_'
		if !letter && (i == 0 || !digitOrUnderscore) {
			return rule
		}
	}
	return ""
}

// permissionSetsOf returns the ids of the user's profile-owned permission set and of every permission
// set assigned to the user: where the user's permissions and app grants come from.
func (st *state) permissionSetsOf(u *user) []string {
	ids := []string{st.profiles[u.ProfileID].PermissionSetID}
	for _, a := range st.assignmentsOfUser(u.ID) {
		ids = append(ids, a.PermissionSetID)
	}
	return ids
}

// holds reports whether the user has a permission through the profile or any assigned permission set.
func (st *state) holds(u *user, perm string) bool { return st.holdsIn(st.permissionSetsOf(u), perm) }

// holdsIn is holds over the user's permission sets, found once for several permissions.
func (st *state) holdsIn(sets []string, perm string) bool {
	if perm == permUseAnyAPIClient && !st.org.Provisioned {
		return false
	}
	for _, id := range sets {
		if st.permSets[id].Permissions[perm] {
			return true
		}
	}
	return false
}

func (st *state) userType(u *user) string { return st.profiles[u.ProfileID].UserType }

func (st *state) accessOrg() access.Org {
	return access.Org{
		LimitExternalUsersToInstalledApps: st.settings.EnableAdminApprovedAppsOnlyForExternalUser,
		LimitAllUsersToApprovedApps:       st.settings.EnableAdminApprovedAppsOnly,
		AllowVisualforceAPIAccess:         st.settings.AllowVisualforceAPIAccess,
	}
}

func (st *state) accessUser(u *user) access.User {
	sets := st.permissionSetsOf(u)
	return access.User{
		Type:                      access.UserType(st.userType(u)),
		Active:                    u.Active,
		APIEnabled:                st.holdsIn(sets, "ApiEnabled"),
		UseAnyAPIClient:           st.holdsIn(sets, permUseAnyAPIClient),
		CanApproveUninstalledApps: st.holdsIn(sets, "CanApproveUninstalledApps"),
		Grantees:                  sets,
	}
}

func (st *state) accessApp(a *connectedApp) access.App {
	app := access.App{Name: a.Name, Installed: a.Installed, Blocked: a.Blocked, OrgManaged: a.Local, AdminApprovedUsersOnly: a.AdminApproved}
	for _, g := range st.grantsOfApp(a.ID) {
		app.GrantedTo = append(app.GrantedTo, g.ParentID)
	}
	return app
}

// decide runs the access rules for a user through a channel: an app id and the OAuth flow the
// token comes from, or "" for Visualforce.
func (st *state) decide(u *user, appID string, flow access.Flow) access.Decision {
	if eca := st.ecas[appID]; eca != nil {
		return access.Decide(st.accessOrg(), st.accessUser(u), access.ViaExternalClientApp(st.accessECA(eca)))
	}
	via := access.ViaVisualforce()
	if appID != "" {
		via = access.ViaApp(st.accessApp(st.apps[appID]))
		via.Flow = flow
		via.PriorApproval = st.approvalOf(u.ID, appID) != nil
	}
	return access.Decide(st.accessOrg(), st.accessUser(u), via)
}
