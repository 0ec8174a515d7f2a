package impact

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// fakeOrg is a Reader over a small org held in memory: an employee and a partner, each through
// their profile; Workbench (org-managed, not installed) and Portal (installed, admin approved,
// granted to both profiles), two apps that share the label "Shared", and the Sync External Client
// App (admin approved, granted to the Standard profile and the Api_Users set). It records the
// reads it answers; fail makes a read return an error.
type fakeOrg struct {
	extension   bool
	noECAs      bool // the client talks to the org below API 60.0
	settings    orgapi.ConnectedAppSettings
	approvals   []orgapi.OAuthApproval
	records     []orgapi.ConnectedApplication
	usage       []orgapi.OAuthUsageApp
	ecaUsage    []orgapi.ECAUsage
	sets        []orgapi.PermissionSet
	profiles    []orgapi.Profile
	users       []orgapi.User
	assignments []orgapi.PermissionSetAssignment
	grants      []orgapi.SetupEntityAccess
	ecas        map[string]*orgapi.ExternalClientApp
	metadata    map[string]*orgapi.ConnectedApp // the connected apps' Metadata, with consumer keys
	fail        map[string]error

	mu    sync.Mutex
	calls map[string][]string // read → the ids or names it was asked for, sorted
}

const (
	employee = "u-emp"
	partner  = "u-partner"
)

func newFakeOrg() *fakeOrg {
	f := &fakeOrg{extension: true, fail: map[string]error{}, calls: map[string][]string{}}
	f.profiles = []orgapi.Profile{{ID: "pr-std", Name: "Standard"}, {ID: "pr-partner", Name: "Partner"}}
	f.sets = []orgapi.PermissionSet{
		{ID: "ps-std", Name: "X00ex1", IsOwnedByProfile: true, ProfileID: "pr-std", Permissions: []string{"ApiEnabled", "ViewSetup"}},
		{ID: "ps-partner", Name: "X00ex2", IsOwnedByProfile: true, ProfileID: "pr-partner", Permissions: []string{"ApiEnabled"}},
		{ID: "ps-bypass", Name: "Bypass", Permissions: []string{orgapi.PermissionUseAnyAPIClient}},
		{ID: "ps-api", Name: "Api_Users", Permissions: []string{"ApiEnabled"}},
	}
	f.users = []orgapi.User{
		{ID: employee, Username: "employee@acme.test", UserType: "Standard", ProfileID: "pr-std", IsActive: true},
		{ID: partner, Username: "partner@acme.test", UserType: "PowerPartner", ProfileID: "pr-partner", IsActive: true},
	}
	f.records = []orgapi.ConnectedApplication{
		{ID: "ca-wb", Name: "Workbench", Label: "Workbench"},
		{ID: "ca-portal", Name: "Portal", Label: "Portal", AdminApprovedUsersOnly: true},
		{ID: "ca-a", Name: "Shared_A", Label: "Shared"}, {ID: "ca-b", Name: "Shared_B", Label: "Shared"},
	}
	f.usage = []orgapi.OAuthUsageApp{{Name: "Workbench", Local: true}, {Name: "Portal", Installed: true, Local: true},
		{Name: "Shared_A", Installed: true, Local: true}, {Name: "Shared_B", Installed: true, Local: true}}
	f.grants = []orgapi.SetupEntityAccess{{ParentID: "ps-std", SetupEntityID: "ca-portal"}, {ParentID: "ps-partner", SetupEntityID: "ca-portal"}}
	f.ecaUsage = []orgapi.ECAUsage{{Name: "Sync", Label: "Sync"}, {Name: "Unused", Label: "Unused"}}
	f.ecas = map[string]*orgapi.ExternalClientApp{
		"Sync": {Name: "Sync", OAuthPluginEnabled: true, PermittedUsers: orgapi.PermittedUsersAdmin,
			Profiles: []string{"Standard"}, PermissionSets: []string{"Api_Users"}, ConsumerKey: "sync-key"},
	}
	f.metadata = map[string]*orgapi.ConnectedApp{
		"Workbench": {FullName: "Workbench", ConsumerKey: "wb-key"},
		"Portal":    {FullName: "Portal", ConsumerKey: "portal-key", IsAdminApproved: true},
	}
	f.approvals = []orgapi.OAuthApproval{
		{UserID: employee, AppLabel: "Workbench", UseCount: 10, LastUsedDate: "2026-11-20T08:00:00.000Z"},
		{UserID: partner, AppLabel: "Workbench", UseCount: 30, LastUsedDate: "2026-11-28T08:00:00.000Z"},
		{UserID: employee, AppLabel: "Portal", UseCount: 5, LastUsedDate: "2026-11-21T08:00:00.000Z"},
		{UserID: partner, AppLabel: "Portal", UseCount: 6, LastUsedDate: "2026-11-22T08:00:00.000Z"},
		{UserID: employee, AppLabel: "Sync", UseCount: 7, LastUsedDate: "2026-11-23T08:00:00.000Z"},
		{UserID: partner, AppLabel: "Sync", UseCount: 8, LastUsedDate: "2026-11-24T08:00:00.000Z"},
		{UserID: partner, AppLabel: "Shared", UseCount: 9, LastUsedDate: "2026-11-25T08:00:00.000Z"},
	}
	return f
}

func (f *fakeOrg) answer(read string, args []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[read] = slices.Sorted(slices.Values(args))
	return f.fail[read]
}

func (f *fakeOrg) called(read string) ([]string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	args, ok := f.calls[read]
	return args, ok
}

func (f *fakeOrg) ExtensionAvailable(context.Context) (bool, error) {
	return f.extension, f.answer("ExtensionAvailable", nil)
}

func (f *fakeOrg) ReadConnectedAppSettings(context.Context) (orgapi.ConnectedAppSettings, error) {
	return f.settings, f.answer("ReadConnectedAppSettings", nil)
}

func (f *fakeOrg) AllowVisualforceAPIAccess(context.Context) (bool, error) {
	return false, f.answer("AllowVisualforceAPIAccess", nil)
}

func (f *fakeOrg) OAuthApprovals(context.Context) ([]orgapi.OAuthApproval, error) {
	return f.approvals, f.answer("OAuthApprovals", nil)
}

func (f *fakeOrg) ConnectedApplications(context.Context) ([]orgapi.ConnectedApplication, error) {
	return f.records, f.answer("ConnectedApplications", nil)
}

func (f *fakeOrg) OAuthUsage(context.Context) ([]orgapi.OAuthUsageApp, error) {
	return f.usage, f.answer("OAuthUsage", nil)
}

func (f *fakeOrg) SupportsExternalClientApps() bool { return !f.noECAs }

func (f *fakeOrg) ExternalClientAppUsage(context.Context) ([]orgapi.ECAUsage, error) {
	return f.ecaUsage, f.answer("ExternalClientAppUsage", nil)
}

func (f *fakeOrg) PermissionSets(context.Context) ([]orgapi.PermissionSet, error) {
	return f.sets, f.answer("PermissionSets", nil)
}

func (f *fakeOrg) PermissionSetAssignments(context.Context) ([]orgapi.PermissionSetAssignment, error) {
	return f.assignments, f.answer("PermissionSetAssignments", nil)
}

func (f *fakeOrg) Profiles(context.Context) ([]orgapi.Profile, error) {
	return f.profiles, f.answer("Profiles", nil)
}

func (f *fakeOrg) UsersByID(_ context.Context, ids []string) ([]orgapi.User, error) {
	var out []orgapi.User
	for _, u := range f.users {
		if slices.Contains(ids, u.ID) {
			out = append(out, u)
		}
	}
	return out, f.answer("UsersByID", ids)
}

func (f *fakeOrg) PermissionSetAssignmentsOf(_ context.Context, userIDs []string) ([]orgapi.PermissionSetAssignment, error) {
	var out []orgapi.PermissionSetAssignment
	for _, a := range f.assignments {
		if slices.Contains(userIDs, a.AssigneeID) {
			out = append(out, a)
		}
	}
	return out, f.answer("PermissionSetAssignmentsOf", userIDs)
}

func (f *fakeOrg) SetupEntityAccessesOf(_ context.Context, appIDs []string) ([]orgapi.SetupEntityAccess, error) {
	var out []orgapi.SetupEntityAccess
	for _, g := range f.grants {
		if slices.Contains(appIDs, g.SetupEntityID) {
			out = append(out, g)
		}
	}
	return out, f.answer("SetupEntityAccessesOf", appIDs)
}

func (f *fakeOrg) ReadExternalClientApps(_ context.Context, names []string) (map[string]*orgapi.ExternalClientApp, error) {
	out := map[string]*orgapi.ExternalClientApp{}
	for _, n := range names {
		if eca, ok := f.ecas[n]; ok {
			out[n] = eca
		}
	}
	return out, f.answer("ReadExternalClientApps", names)
}

func (f *fakeOrg) ListConnectedApps(context.Context) ([]orgapi.MetadataFile, error) {
	var out []orgapi.MetadataFile
	for name := range f.metadata {
		out = append(out, orgapi.MetadataFile{FullName: name})
	}
	return out, f.answer("ListConnectedApps", nil)
}

func (f *fakeOrg) ReadConnectedApps(_ context.Context, names []string) (map[string]*orgapi.ConnectedApp, error) {
	out := map[string]*orgapi.ConnectedApp{}
	for _, n := range names {
		out[n] = f.metadata[n]
	}
	return out, f.answer("ReadConnectedApps", names)
}

func (f *fakeOrg) ConnectedAppID(_ context.Context, name string) (string, error) {
	for _, r := range f.records {
		if r.Name == name {
			return r.ID, f.answer("ConnectedAppID", []string{name})
		}
	}
	return "", errors.New("no such app")
}

func (f *fakeOrg) OAuthUsageApp(_ context.Context, name string) (*orgapi.OAuthUsageApp, error) {
	for _, u := range f.usage {
		if u.Name == name {
			return &u, f.answer("OAuthUsageApp", []string{name})
		}
	}
	return nil, errors.New("no such app")
}
