package provider

import (
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// planObject records what claimObject records for a plan of resourceType with the given string
// arguments (nil for null), under claim, and returns the instance that planned it first, if any.
func planObject(d *providerData, resourceType, claim string, created bool, args map[string]any) *plannedObject {
	values := map[string]tftypes.Value{}
	for name, v := range args {
		switch v := v.(type) {
		case bool:
			values[name] = tftypes.NewValue(tftypes.Bool, v)
		case nil:
			values[name] = tftypes.NewValue(tftypes.String, nil)
		default:
			values[name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	key, _ := keyOf(resourceType, objectKinds[resourceType], values)
	var shown []string
	for name := range args {
		shown = append(shown, name)
	}
	sort.Strings(shown)
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.planned.record(key, &plannedObject{claim: claim, values: values, shown: shown, created: created})
}

func TestPlannedObjectsAreScopedToOneConfiguration(t *testing.T) {
	t.Parallel()
	a, b := &providerData{}, &providerData{}
	planObject(a, connectedAppType, "app1", false, map[string]any{"name": "Planned_App", "admin_approved_users_only": true})
	planObject(a, connectedAppType, "app2", true, map[string]any{"name": "New_App", "admin_approved_users_only": false})
	planObject(a, permissionSetType, "set1", true, map[string]any{"name": "Planned_Set"})
	if approved, ok := a.plannedConnectedApp("planned_app"); !ok || !approved.ValueBool() {
		t.Error("an app planned under a configuration is not remembered with its policy, whatever the case of its name")
	}
	if a.isNewConnectedApp("Planned_App") || !a.isNewConnectedApp("New_App") || b.isNewConnectedApp("New_App") {
		t.Error("only the app the plan creates, under its own configuration, is new")
	}
	if !a.isPlannedPermissionSet("PLANNED_SET") {
		t.Error("a permission set planned under a configuration is not remembered, whatever the case of its name")
	}
	if b.isPlannedConnectedApp("Planned_App") || a.isPlannedConnectedApp("Other_App") || b.isPlannedPermissionSet("Planned_Set") {
		t.Error("a planned object leaked to another configuration or name")
	}
}

func TestPlannedObjectsRefuseASecondInstanceOfOneObject(t *testing.T) {
	t.Parallel()
	d := &providerData{}
	install := func(claim, app string, blocked bool) *plannedObject {
		return planObject(d, installationType, claim, true, map[string]any{"connected_app_name": app, "blocked": blocked})
	}
	if other := install("first", "Workbench", true); other != nil {
		t.Fatal("the first instance of an object collided")
	}
	// A replacement is planned twice; its second planning brings the claim of the first.
	if other := install("first", "Workbench", true); other != nil {
		t.Error("a replacement planned again collided with itself")
	}
	other := install("second", "workbench", false)
	if other == nil || other.claim != "first" {
		t.Fatalf("a second instance of one installation, its name in another case, was not refused: %+v", other)
	}
	if other := install("third", "DataLoader", false); other != nil {
		t.Error("an installation of another app collided")
	}
	// Grants of one app to a permission set and to a profile of one name are different objects.
	grant := func(claim string, args map[string]any) *plannedObject {
		return planObject(d, connectedAppAccessType, claim, true, args)
	}
	grant("g1", map[string]any{"connected_app_name": "Workbench", "permission_set_name": "Sync", "profile_name": nil})
	if grant("g2", map[string]any{"connected_app_name": "Workbench", "permission_set_name": nil, "profile_name": "Sync"}) != nil {
		t.Error("a grant to a profile collided with a grant to a permission set of the same name")
	}
	if grant("g3", map[string]any{"connected_app_name": "WORKBENCH", "permission_set_name": "sync", "profile_name": nil}) == nil {
		t.Error("a second grant of one app to one permission set was not refused")
	}
	// Singletons have one object per org.
	planObject(d, apiAccessControlType, "s1", false, nil)
	if planObject(d, apiAccessControlType, "s2", true, nil) == nil {
		t.Error("a second sfaccess_api_access_control was not refused")
	}
	if planObject(d, externalClientAppSettingsType, "s3", true, nil) != nil {
		t.Error("the External Client App settings collided with the API Access Control settings")
	}
}

func TestKeyOfUnknownArgumentClaimsNothing(t *testing.T) {
	t.Parallel()
	values := map[string]tftypes.Value{
		"permission_set_name": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"username":            tftypes.NewValue(tftypes.String, "employee@acme.test"),
	}
	if _, known := keyOf(assignmentType, objectKinds[assignmentType], values); known {
		t.Error("an assignment whose permission set is known only at apply has a key")
	}
}

func TestDuplicateObjectDiagNamesBothInstances(t *testing.T) {
	t.Parallel()
	d := &providerData{}
	args := func(app string, blocked bool) map[string]any {
		return map[string]any{"connected_app_name": app, "blocked": blocked}
	}
	planObject(d, installationType, "a", false, args("Workbench", true))
	first := d.planned.find(installationType, "Workbench")
	second := &plannedObject{claim: "b", created: true, values: map[string]tftypes.Value{
		"connected_app_name": tftypes.NewValue(tftypes.String, "workbench"),
		"blocked":            tftypes.NewValue(tftypes.Bool, false),
	}}
	got := duplicateObjectDiag(installationType, objectKinds[installationType], first, second)
	for _, want := range []string{
		`manage the installation of one connected app (connected_app_name = "Workbench")`,
		`one with blocked = true, connected_app_name = "Workbench" (already in state), the other with blocked = false, connected_app_name = "workbench" (to be created)`,
		`they are the two sfaccess_connected_app_installation resources of this configuration with connected_app_name = "Workbench" and connected_app_name = "workbench"`,
		"Keep exactly one of them",
		"removed block",
	} {
		if !strings.Contains(got.Detail(), want) {
			t.Errorf("the message does not say %q:\n%s", want, got.Detail())
		}
	}
	if got.Summary() != "More Than One sfaccess_connected_app_installation" {
		t.Errorf("summary %q", got.Summary())
	}
}
