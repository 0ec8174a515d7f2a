package orgapi

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

// TestMockorgConnectedAppAPINameAndLabel proves that apps are found by API name where the label
// differs (DataLoader is labelled "Dataloader Partner"), as on a real org.
func TestMockorgConnectedAppAPINameAndLabel(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	c := o.client(t, nil)
	ctx := context.Background()

	app := must[*ConnectedApplication](t, "ConnectedApplicationByName")(c.ConnectedApplicationByName(ctx, "DataLoader"))
	if app.Name != "DataLoader" || app.Label != "Dataloader Partner" || !strings.HasPrefix(app.ID, "0H4") {
		t.Errorf("DataLoader = %+v", app)
	}
	if _, err := c.ConnectedApplicationByName(ctx, "Dataloader Partner"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a label is not an API name: %v", err)
	}
	all := must[[]ConnectedApplication](t, "ConnectedApplications")(c.ConnectedApplications(ctx))
	var names []string
	for _, a := range all {
		names = append(names, a.Name+"="+a.Label)
		if a.Name == "DataLoader" && a.ID != app.ID {
			t.Errorf("ConnectedApplications gives DataLoader the id %s, ConnectedApplicationByName %s", a.ID, app.ID)
		}
	}
	want := []string{"DataLoader=Dataloader Partner", "Partner_Portal_Mobile=Partner Portal Mobile", "Terraform_Admin=Terraform Admin", "Workbench=Workbench"}
	if !slices.Equal(names, want) {
		t.Errorf("ConnectedApplications = %v, want %v", names, want)
	}
}

// TestMockorgProfileOwnedPermissionSets proves that the org serves an assignment to every user's
// profile-owned permission set, and that the client keeps those apart from real assignments and
// from manageable permission sets.
func TestMockorgProfileOwnedPermissionSets(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	c := o.client(t, nil)
	ctx := context.Background()

	type row struct {
		PermissionSet struct {
			Name string `json:"Name"`
		} `json:"PermissionSet"`
	}
	profileRows := must[[]row](t, "profile-owned assignments")(QueryAll[row](ctx, c,
		"SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = true"))
	if len(profileRows) == 0 {
		t.Fatal("the org serves no assignment of a profile-owned permission set; the filter below would prove nothing")
	}
	sets := must[[]PermissionSet](t, "PermissionSets")(c.PermissionSets(ctx))
	owned := map[string]PermissionSet{}
	for _, ps := range sets {
		if ps.IsOwnedByProfile {
			owned[ps.ID] = ps
		}
	}
	for _, a := range must[[]PermissionSetAssignment](t, "PermissionSetAssignments")(c.PermissionSetAssignments(ctx)) {
		if _, ok := owned[a.PermissionSetID]; ok {
			t.Errorf("PermissionSetAssignments returned the profile-owned assignment %+v", a)
		}
	}

	name := profileRows[0].PermissionSet.Name
	_, err := c.PermissionSetByName(ctx, name)
	e := mustKind(t, err, KindProfileOwned)
	if !errors.Is(err, ErrProfileOwned) || !strings.Contains(e.Message, "through that profile") {
		t.Errorf("PermissionSetByName(%s): %v", name, err)
	}
	for id, ps := range owned {
		got := must[*PermissionSet](t, "PermissionSetByID")(c.PermissionSetByID(ctx, id))
		if !got.IsOwnedByProfile || got.ProfileID != ps.ProfileID {
			t.Errorf("PermissionSetByID(%s) = %+v", id, got)
		}
		break
	}
}

// TestMockorgConnectedAppCreationRestricted proves that the embedded org refuses to create a
// connected app as a 2026 org does, with the error kind of its own, while its existing apps can
// still be updated and deleted.
func TestMockorgConnectedAppCreationRestricted(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	c := o.client(t, nil)
	ctx := context.Background()

	err := c.CreateConnectedApp(ctx, &ConnectedApp{FullName: "Orgapi_New", Label: "New", ContactEmail: "admin@acme.test",
		CallbackURLs: []string{"https://localhost/cb"}, Scopes: []string{"Api"}})
	if !errors.Is(err, ErrConnectedAppCreationRestricted) || !strings.Contains(err.Error(), "External Client App") {
		t.Fatalf("create in an org that restricts creation: %v", err)
	}
	if _, err := c.ReadConnectedApp(ctx, "Orgapi_New"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the refused app exists: %v", err)
	}

	app := must[*ConnectedApp](t, "ReadConnectedApp")(c.ReadConnectedApp(ctx, "Partner_Portal_Mobile"))
	app.Description = "updated after Spring '26"
	ok(t, "UpdateConnectedApp", c.UpdateConnectedApp(ctx, app))
	if got := must[*ConnectedApp](t, "ReadConnectedApp")(c.ReadConnectedApp(ctx, "Partner_Portal_Mobile")); got.Description != app.Description {
		t.Errorf("description after update %q", got.Description)
	}
	ok(t, "DeleteConnectedApp", c.DeleteConnectedApp(ctx, "Partner_Portal_Mobile"))
}

// TestMockorgRefreshTokenRequiresSecret round-trips isSecretRequiredForRefreshToken.
func TestMockorgRefreshTokenRequiresSecret(t *testing.T) {
	o := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	c := o.client(t, nil)
	ctx := context.Background()

	if got := must[*ConnectedApp](t, "ReadConnectedApp")(c.ReadConnectedApp(ctx, "Workbench")); got.RefreshTokenRequiresSecret == nil || !*got.RefreshTokenRequiresSecret {
		t.Errorf("an app that never set it reads %v, want Salesforce's default true", got.RefreshTokenRequiresSecret)
	}
	no, yes := false, true
	app := &ConnectedApp{FullName: "Orgapi_Refresh", Label: "Refresh", ContactEmail: "admin@acme.test",
		CallbackURLs: []string{"https://localhost/cb"}, Scopes: []string{"Api", "RefreshToken"}, RefreshTokenRequiresSecret: &no}
	ok(t, "CreateConnectedApp", c.CreateConnectedApp(ctx, app))
	if got := must[*ConnectedApp](t, "ReadConnectedApp")(c.ReadConnectedApp(ctx, app.FullName)); *got.RefreshTokenRequiresSecret {
		t.Error("created with false, read back true")
	}
	app.RefreshTokenRequiresSecret = &yes
	ok(t, "UpdateConnectedApp", c.UpdateConnectedApp(ctx, app))
	if got := must[*ConnectedApp](t, "ReadConnectedApp")(c.ReadConnectedApp(ctx, app.FullName)); !*got.RefreshTokenRequiresSecret {
		t.Error("updated to true, read back false")
	}
}
