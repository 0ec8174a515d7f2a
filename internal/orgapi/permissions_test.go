package orgapi

import (
	"slices"
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
