package orgapi

import (
	"slices"
	"strings"
	"testing"
)

func TestRequirement(t *testing.T) {
	held := map[string]bool{"CustomizeApplication": true, "ManageRemoteAccess": true}
	if m := NeedConnectedApps.Missing(held); m != "" {
		t.Errorf("app manager should manage connected apps, missing %q", m)
	}
	if m := NeedSettings.Missing(held); m != "ModifyAllData" {
		t.Errorf("missing = %q, want ModifyAllData", m)
	}
	if m := NeedInstallPackagedApps.Missing(held); m != "InstallPackaging" {
		t.Errorf("missing = %q, want InstallPackaging", m)
	}
	if m := NeedAssignments.Missing(map[string]bool{}); m != "ManageProfilesPermissionsets and one of ManageUsers or AssignPermissionSets" {
		t.Errorf("missing = %q", m)
	}
	for r, want := range map[*Requirement]string{
		&NeedConnectedApps:       "CustomizeApplication and (ModifyAllData or ManageRemoteAccess)",
		&NeedAppGrants:           "CustomizeApplication and ModifyAllData and ManageProfilesPermissionsets",
		&NeedInstallPackagedApps: "CustomizeApplication and InstallPackaging and (ModifyAllData or ManageRemoteAccess)",
		&NeedSettings:            "CustomizeApplication and ModifyAllData",
		&NeedPermissionSets:      "ManageProfilesPermissionsets",
		&NeedAssignments:         "ManageProfilesPermissionsets and (ManageUsers or AssignPermissionSets)",
	} {
		if s := r.String(); s != want {
			t.Errorf("String() = %q, want %q", s, want)
		}
	}
}

func TestUserPermissionsIsTheCallersCopy(t *testing.T) {
	got := UserPermissions()
	slices.Sort(got)
	if !slices.Equal(UserPermissions(), userPermissions) || slices.Equal(userPermissions, got) {
		t.Error("sorting the returned slice changed the client's list")
	}
}

func TestParseAPIVersion(t *testing.T) {
	for v, want := range map[string]int{"47.0": 47, "66.0": 66, "100.0": 100} {
		if major, ok := ParseAPIVersion(v); !ok || major != want {
			t.Errorf("ParseAPIVersion(%q) = %d, %v; want %d", v, major, ok, want)
		}
	}
	// A leading zero is refused as the org's REST paths refuse it.
	for _, v := range []string{"047.0", "060.0", "6.0", "1000.0", "66", "66.00", "v66.0", "+66.0", ""} {
		if major, ok := ParseAPIVersion(v); ok {
			t.Errorf("ParseAPIVersion(%q) = %d, accepted", v, major)
		}
	}
}

// Every permission the client reads and writes has its Setup label, so no message names one by
// its API name only.
func TestEveryUserPermissionHasItsSetupLabel(t *testing.T) {
	for _, name := range UserPermissions() {
		if PermissionLabel(name) == "" {
			t.Errorf("%s has no Setup label", name)
		}
	}
}

func TestWithPermissionLabels(t *testing.T) {
	for in, want := range map[string]string{
		"CustomizeApplication and (ModifyAllData or ManageRemoteAccess)": `CustomizeApplication ("Customize Application") and (ModifyAllData ("Modify All Data") or ManageRemoteAccess ("Manage Connected Apps"))`,
		"one of ManageUsers or AssignPermissionSets":                     `one of ManageUsers ("Manage Users") or AssignPermissionSets ("Assign Permission Sets")`,
		"SomeFuturePermission":                                           "SomeFuturePermission",
	} {
		if got := WithPermissionLabels(in); got != want {
			t.Errorf("WithPermissionLabels(%q) = %q, want %q", in, got, want)
		}
	}
}

// An INSUFFICIENT_ACCESS answer that names the permission by its API name comes back with the
// label a person finds in Setup beside it.
func TestInsufficientAccessNamesTheSetupLabel(t *testing.T) {
	e := classify(op{name: "reading ConnectedAppSettings", perm: NeedSettings}, 403, "INSUFFICIENT_ACCESS",
		"insufficient access rights; admin@acme.test lacks ModifyAllData", nil)
	want := `Give the API user ModifyAllData ("Modify All Data") through a permission set or its profile`
	if !strings.Contains(e.Error(), want) {
		t.Errorf("message %q lacks %q", e.Error(), want)
	}
}
