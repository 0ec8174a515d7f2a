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
// "Permissions" + name).
var permissionNames = []string{
	"ApiEnabled", "ApiUserOnly", "UseAnyApiClient", "CustomizeApplication", "ModifyAllData",
	"ManageRemoteAccess", "ManageProfilesPermissionsets", "ClientSecretRotation", "InstallPackaging",
	"ManageUsers", "AssignPermissionSets", "ViewSetup", "ModifyMetadata", "CanApproveUninstalledApps",
}

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
	ids         idAllocator
}

type organization struct {
	ID, Name, OrganizationType, InstanceName string
	Provisioned, IsSandbox                   bool
	ConnectedAppCreationAllowed              bool
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
func newState(seed *Seed) (*state, error) {
	st := &state{
		settings:    seed.Settings,
		profiles:    map[string]*profile{},
		permSets:    map[string]*permSet{},
		users:       map[string]*user{},
		assignments: map[string]*assignment{},
		apps:        map[string]*connectedApp{},
		grants:      map[string]*grant{},
		approvals:   map[string]*approval{},
		ids:         idAllocator{},
	}
	// First pass: every explicit id, so that generated ids never collide with them.
	seen := map[string]string{}
	explicit := func(what, id, prefix string) (string, error) {
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
		if other, dup := seen[n]; dup {
			return "", fmt.Errorf("seed: %s: id %s is already used by %s", what, id, other)
		}
		seen[n] = what
		st.ids.reserve(n)
		return n, nil
	}
	var err error
	o := seed.Organization
	if st.org.ID, err = explicit("organization", o.ID, sfid.PrefixOrganization); err != nil {
		return nil, err
	}
	profileIDs := make([]string, len(seed.Profiles))
	profilePSIDs := make([]string, len(seed.Profiles))
	for i, p := range seed.Profiles {
		if profileIDs[i], err = explicit("profile "+p.Name, p.ID, sfid.PrefixProfile); err != nil {
			return nil, err
		}
		if profilePSIDs[i], err = explicit("permission set of profile "+p.Name, p.PermissionSetID, sfid.PrefixPermissionSet); err != nil {
			return nil, err
		}
	}
	psIDs := make([]string, len(seed.PermissionSets))
	for i, p := range seed.PermissionSets {
		if psIDs[i], err = explicit("permission set "+p.Name, p.ID, sfid.PrefixPermissionSet); err != nil {
			return nil, err
		}
	}
	userIDs := make([]string, len(seed.Users))
	for i, u := range seed.Users {
		if userIDs[i], err = explicit("user "+u.Username, u.ID, sfid.PrefixUser); err != nil {
			return nil, err
		}
	}
	asgIDs := make([]string, len(seed.PermissionSetAssignments))
	for i, a := range seed.PermissionSetAssignments {
		if asgIDs[i], err = explicit("assignment of "+a.PermissionSet+" to "+a.Username, a.ID, sfid.PrefixAssignment); err != nil {
			return nil, err
		}
		if asgIDs[i] != "" && sequenceOf(asgIDs[i]) >= profileAssignmentBase {
			return nil, fmt.Errorf("seed: assignment of %s to %s: id %s is in the range kept for assignments to profiles' permission sets", a.PermissionSet, a.Username, a.ID)
		}
	}
	appIDs := make([]string, len(seed.ConnectedApps))
	for i, a := range seed.ConnectedApps {
		if appIDs[i], err = explicit("connected app "+a.Name, a.ID, sfid.PrefixConnectedApplication); err != nil {
			return nil, err
		}
	}
	grantIDs := make([]string, len(seed.SetupEntityAccess))
	for i, g := range seed.SetupEntityAccess {
		if grantIDs[i], err = explicit("grant of "+g.ConnectedApp, g.ID, sfid.PrefixSetupEntityAccess); err != nil {
			return nil, err
		}
	}
	orElse := func(id, prefix string) string {
		if id != "" {
			return id
		}
		return st.ids.next(prefix)
	}

	// Second pass: build and check the records.
	if o.Name == "" {
		return nil, fmt.Errorf("seed: organization.name is required")
	}
	if o.DailyAPIRequests < 0 {
		return nil, fmt.Errorf("seed: organization.dailyApiRequests must not be negative")
	}
	st.org = organization{
		ID: orElse(st.org.ID, sfid.PrefixOrganization), Name: o.Name, OrganizationType: o.OrganizationType,
		Provisioned: o.APIAccessControlProvisioned, DailyAPIRequests: o.DailyAPIRequests,
		InstanceName: o.InstanceName, IsSandbox: o.IsSandbox, ConnectedAppCreationAllowed: o.ConnectedAppCreationAllowed,
		SessionTimeoutMinutes: o.SessionTimeoutMinutes,
	}
	if st.org.SessionTimeoutMinutes == 0 {
		st.org.SessionTimeoutMinutes = 120
	}
	if !slices.Contains(sessionTimeouts, st.org.SessionTimeoutMinutes) {
		return nil, fmt.Errorf("seed: organization.sessionTimeoutMinutes is one of %v, not %d", sessionTimeouts, o.SessionTimeoutMinutes)
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
		return nil, fmt.Errorf("seed: the API Access Control limits can only be on when organization.apiAccessControlProvisioned is true")
	}
	for i, p := range seed.Profiles {
		if p.Name == "" {
			return nil, fmt.Errorf("seed: profiles[%d]: name is required", i)
		}
		if st.profileByName(p.Name) != nil {
			return nil, fmt.Errorf("seed: profile %q is defined twice", p.Name)
		}
		if !validUserType(p.UserType) {
			return nil, fmt.Errorf("seed: profile %q: userType %q is not one of %s", p.Name, p.UserType, userTypeList())
		}
		perms, err := permissionSetOf(p.Permissions)
		if err != nil {
			return nil, fmt.Errorf("seed: profile %q: %w", p.Name, err)
		}
		pr := &profile{ID: orElse(profileIDs[i], sfid.PrefixProfile), Name: p.Name, UserType: p.UserType}
		pr.PermissionSetID = orElse(profilePSIDs[i], sfid.PrefixPermissionSet)
		st.profiles[pr.ID] = pr
		st.permSets[pr.PermissionSetID] = &permSet{
			ID: pr.PermissionSetID, Name: "X" + pr.ID[:15], Label: pr.Name, ProfileID: pr.ID, Permissions: perms,
		}
	}
	for i, p := range seed.PermissionSets {
		if msg := developerNameProblem(p.Name); msg != "" {
			return nil, fmt.Errorf("seed: permission set %q: %s", p.Name, msg)
		}
		if st.permSetByName(p.Name) != nil {
			return nil, fmt.Errorf("seed: permission set %q is defined twice", p.Name)
		}
		perms, err := permissionSetOf(p.Permissions)
		if err != nil {
			return nil, fmt.Errorf("seed: permission set %q: %w", p.Name, err)
		}
		label := p.Label
		if label == "" {
			label = p.Name
		}
		ps := &permSet{ID: orElse(psIDs[i], sfid.PrefixPermissionSet), Name: p.Name, Label: label, Description: p.Description, Permissions: perms}
		st.permSets[ps.ID] = ps
	}
	for i, u := range seed.Users {
		if u.Username == "" {
			return nil, fmt.Errorf("seed: users[%d]: username is required", i)
		}
		if st.userByUsername(u.Username) != nil {
			return nil, fmt.Errorf("seed: user %q is defined twice", u.Username)
		}
		pr := st.profileByName(u.Profile)
		if pr == nil {
			return nil, fmt.Errorf("seed: user %q: no profile named %q", u.Username, u.Profile)
		}
		us := &user{ID: orElse(userIDs[i], sfid.PrefixUser), Username: u.Username, Name: u.Name, Email: u.Email,
			ProfileID: pr.ID, Password: u.Password, Active: u.Active}
		if us.Name == "" {
			us.Name = u.Username
		}
		if us.Email == "" {
			us.Email = u.Username
		}
		st.users[us.ID] = us
	}
	profileAssignments := map[string]string{}
	for _, u := range sorted(st.users) {
		id := profileAssignmentID(u.ID)
		if other, dup := profileAssignments[id]; dup {
			return nil, fmt.Errorf("seed: users %q and %q have ids with the same sequence digits, so their profile assignments would share an id", other, u.Username)
		}
		profileAssignments[id] = u.Username
	}
	for i, a := range seed.PermissionSetAssignments {
		ps := st.permSetByName(a.PermissionSet)
		if ps == nil || ps.ProfileID != "" {
			return nil, fmt.Errorf("seed: permissionSetAssignments[%d]: no assignable permission set named %q", i, a.PermissionSet)
		}
		us := st.userByUsername(a.Username)
		if us == nil {
			return nil, fmt.Errorf("seed: permissionSetAssignments[%d]: no user %q", i, a.Username)
		}
		if st.assignmentOf(ps.ID, us.ID) != nil {
			return nil, fmt.Errorf("seed: permission set %q is assigned to %q twice", a.PermissionSet, a.Username)
		}
		asg := &assignment{ID: orElse(asgIDs[i], sfid.PrefixAssignment), PermissionSetID: ps.ID, AssigneeID: us.ID}
		st.assignments[asg.ID] = asg
	}
	keys := map[string]string{}
	for i, a := range seed.ConnectedApps {
		if msg := developerNameProblem(a.Name); msg != "" {
			return nil, fmt.Errorf("seed: connected app %q: %s", a.Name, msg)
		}
		if st.appByName(a.Name) != nil {
			return nil, fmt.Errorf("seed: connected app %q is defined twice", a.Name)
		}
		if a.ConsumerKey == "" || a.ConsumerSecret == "" {
			return nil, fmt.Errorf("seed: connected app %q: consumerKey and consumerSecret are required", a.Name)
		}
		if other, dup := keys[a.ConsumerKey]; dup {
			return nil, fmt.Errorf("seed: connected app %q: consumerKey is already used by %q", a.Name, other)
		}
		keys[a.ConsumerKey] = a.Name
		if a.ClientCredentialsUser != "" && st.userByUsername(a.ClientCredentialsUser) == nil {
			return nil, fmt.Errorf("seed: connected app %q: clientCredentialsUser %q is not a user", a.Name, a.ClientCredentialsUser)
		}
		for _, date := range []string{a.CreatedDate, a.LastModifiedDate} {
			if err := checkSeedDate(date); err != nil {
				return nil, fmt.Errorf("seed: connected app %q: %w", a.Name, err)
			}
		}
		app := cloneApp(&seed.ConnectedApps[i])
		app.ID = orElse(appIDs[i], sfid.PrefixConnectedApplication)
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
			return nil, fmt.Errorf("seed: connected app %q: an app is either local or packaged, not both", a.Name)
		}
		st.apps[app.ID] = app
	}
	for i, g := range seed.SetupEntityAccess {
		app := st.appByName(g.ConnectedApp)
		if app == nil {
			return nil, fmt.Errorf("seed: setupEntityAccess[%d]: no connected app %q", i, g.ConnectedApp)
		}
		var parent string
		switch {
		case g.PermissionSet != "" && g.Profile == "":
			ps := st.permSetByName(g.PermissionSet)
			if ps == nil || ps.ProfileID != "" {
				return nil, fmt.Errorf("seed: setupEntityAccess[%d]: no permission set %q", i, g.PermissionSet)
			}
			parent = ps.ID
		case g.Profile != "" && g.PermissionSet == "":
			pr := st.profileByName(g.Profile)
			if pr == nil {
				return nil, fmt.Errorf("seed: setupEntityAccess[%d]: no profile %q", i, g.Profile)
			}
			parent = pr.PermissionSetID
		default:
			return nil, fmt.Errorf("seed: setupEntityAccess[%d]: set exactly one of permissionSet and profile", i)
		}
		if st.grantOf(parent, app.ID) != nil {
			return nil, fmt.Errorf("seed: setupEntityAccess[%d]: %q is granted to the same parent twice", i, g.ConnectedApp)
		}
		gr := &grant{ID: orElse(grantIDs[i], sfid.PrefixSetupEntityAccess), ParentID: parent, AppID: app.ID}
		st.grants[gr.ID] = gr
	}
	if err := st.loadApprovals(seed.OAuthTokens); err != nil {
		return nil, err
	}
	return st, nil
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
	c.ids = maps.Clone(st.ids)
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
		},
		Settings:                 st.settings,
		Profiles:                 []SeedProfile{},
		PermissionSets:           []SeedPermissionSet{},
		Users:                    []SeedUser{},
		PermissionSetAssignments: []SeedAssignment{},
		ConnectedApps:            []SeedConnectedApp{},
		SetupEntityAccess:        []SeedGrant{},
		OAuthTokens:              st.approvalSeeds(),
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

func (st *state) profileByName(name string) *profile {
	for _, p := range st.profiles {
		if strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

func (st *state) permSetByName(name string) *permSet {
	for _, p := range st.permSets {
		if strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

func (st *state) userByUsername(username string) *user {
	for _, u := range st.users {
		if strings.EqualFold(u.Username, username) {
			return u
		}
	}
	return nil
}

func (st *state) appByName(name string) *connectedApp {
	for _, a := range st.apps {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

func (st *state) appByConsumerKey(key string) *connectedApp {
	for _, a := range st.apps {
		if a.ConsumerKey == key {
			return a
		}
	}
	return nil
}

func (st *state) assignmentOf(permSetID, userID string) *assignment {
	for _, a := range st.assignments {
		if a.PermissionSetID == permSetID && a.AssigneeID == userID {
			return a
		}
	}
	return nil
}

func (st *state) grantOf(parentID, appID string) *grant {
	for _, g := range st.grants {
		if g.ParentID == parentID && g.AppID == appID {
			return g
		}
	}
	return nil
}

// permissionSetsOf returns the ids of the user's profile-owned permission set and of every permission
// set assigned to the user: where the user's permissions and app grants come from.
func (st *state) permissionSetsOf(u *user) []string {
	ids := []string{st.profiles[u.ProfileID].PermissionSetID}
	for _, a := range sorted(st.assignments) {
		if a.AssigneeID == u.ID {
			ids = append(ids, a.PermissionSetID)
		}
	}
	return ids
}

// holds reports whether the user has a permission through the profile or any assigned permission set.
func (st *state) holds(u *user, perm string) bool {
	if perm == permUseAnyAPIClient && !st.org.Provisioned {
		return false
	}
	for _, id := range st.permissionSetsOf(u) {
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
	return access.User{
		Type:                      access.UserType(st.userType(u)),
		Active:                    u.Active,
		APIEnabled:                st.holds(u, "ApiEnabled"),
		UseAnyAPIClient:           st.holds(u, permUseAnyAPIClient),
		CanApproveUninstalledApps: st.holds(u, "CanApproveUninstalledApps"),
		Grantees:                  st.permissionSetsOf(u),
	}
}

func (st *state) accessApp(a *connectedApp) access.App {
	app := access.App{Name: a.Name, Installed: a.Installed, Blocked: a.Blocked, OrgManaged: a.Local, AdminApprovedUsersOnly: a.AdminApproved}
	for _, g := range sorted(st.grants) {
		if g.AppID == a.ID {
			app.GrantedTo = append(app.GrantedTo, g.ParentID)
		}
	}
	return app
}

// decide runs the access rules for a user through a channel: an app id and the OAuth flow the
// token comes from, or "" for Visualforce.
func (st *state) decide(u *user, appID string, flow access.Flow) access.Decision {
	via := access.ViaVisualforce()
	if appID != "" {
		via = access.ViaApp(st.accessApp(st.apps[appID]))
		via.Flow = flow
		via.PriorApproval = st.approvalOf(u.ID, appID) != nil
	}
	return access.Decide(st.accessOrg(), st.accessUser(u), via)
}
