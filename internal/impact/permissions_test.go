package impact

import (
	"context"
	"slices"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// TestPermissionIndex: a user holds what their profile's owned set and their assigned sets hold;
// the sources name the profile first, then the sets by name.
func TestPermissionIndex(t *testing.T) {
	f := newFakeOrg()
	f.sets = append(f.sets, orgapi.PermissionSet{ID: "ps-also", Name: "Also_Api", Permissions: []string{"ApiEnabled"}})
	f.assignments = []orgapi.PermissionSetAssignment{
		{AssigneeID: employee, PermissionSetID: "ps-bypass"}, {AssigneeID: employee, PermissionSetID: "ps-api"},
		{AssigneeID: employee, PermissionSetID: "ps-also"},
	}
	ix, err := LoadPermissionIndex(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	emp := orgapi.User{ID: employee, ProfileID: "pr-std", ProfileName: "Standard"}
	held := ix.PermissionsOf(emp)
	if !held["ApiEnabled"] || !held["ViewSetup"] || !held[orgapi.PermissionUseAnyAPIClient] || len(held) != 3 {
		t.Errorf("PermissionsOf: %v", held)
	}
	if got, want := ix.Grantees(emp), []string{"ps-std", "ps-bypass", "ps-api", "ps-also"}; !slices.Equal(got, want) {
		t.Errorf("Grantees %v, want %v", got, want)
	}
	if got, want := ix.Assigned(employee), []string{"ps-bypass", "ps-api", "ps-also"}; !slices.Equal(got, want) {
		t.Errorf("Assigned %v, want %v", got, want)
	}
	want := []PermissionSource{{Kind: "profile", Name: "Standard"}, {Kind: "permission_set", Name: "Also_Api"}, {Kind: "permission_set", Name: "Api_Users"}}
	if got := ix.SourcesOf(emp, "ApiEnabled"); !slices.Equal(got, want) {
		t.Errorf("SourcesOf ApiEnabled: %v, want %v", got, want)
	}
	partnerUser := orgapi.User{ID: partner, ProfileID: "pr-partner", ProfileName: "Partner"}
	if got := ix.SourcesOf(partnerUser, orgapi.PermissionUseAnyAPIClient); len(got) != 0 || ix.PermissionsOf(partnerUser)[orgapi.PermissionUseAnyAPIClient] {
		t.Errorf("the partner holds Use Any API Client from %v", got)
	}
}
