package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPlannedObjectsAreScopedToOneConfiguration(t *testing.T) {
	t.Parallel()
	a, b := &providerData{}, &providerData{}
	a.planConnectedApp("Planned_App", types.BoolValue(true), false)
	a.planConnectedApp("New_App", types.BoolValue(false), true)
	a.planPermissionSet("Planned_Set")
	if approved, ok := a.plannedConnectedApp("Planned_App"); !ok || !approved.ValueBool() {
		t.Error("an app planned under a configuration is not remembered with its policy")
	}
	if a.isNewConnectedApp("Planned_App") || !a.isNewConnectedApp("New_App") || b.isNewConnectedApp("New_App") {
		t.Error("only the app the plan creates, under its own configuration, is new")
	}
	if !a.isPlannedPermissionSet("Planned_Set") {
		t.Error("a permission set planned under a configuration is not remembered")
	}
	if b.isPlannedConnectedApp("Planned_App") || a.isPlannedConnectedApp("Other_App") || b.isPlannedPermissionSet("Planned_Set") {
		t.Error("a planned object leaked to another configuration or name")
	}
	if a.countAccessControl() != 1 || a.countAccessControl() != 2 || b.countAccessControl() != 1 {
		t.Error("planned sfaccess_api_access_control creations are not counted per configuration")
	}
}
