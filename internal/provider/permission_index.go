package provider

import (
	"context"
	"sort"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// permissionIndex answers "which permissions does this user hold, and from where" from one read of
// the org's permission sets (profile-owned ones included) and assignments. A profile's
// permissions live on its owned permission set, so profiles and permission sets are handled alike.
type permissionIndex struct {
	byID         map[string]orgapi.PermissionSet
	profileSet   map[string]string   // profile id → id of the permission set it owns
	assignedSets map[string][]string // user id → ids of the permission sets assigned to the user
}

func loadPermissionIndex(ctx context.Context, c *orgapi.Client) (*permissionIndex, error) {
	sets, err := c.PermissionSets(ctx)
	if err != nil {
		return nil, err
	}
	assignments, err := c.PermissionSetAssignments(ctx)
	if err != nil {
		return nil, err
	}
	return newPermissionIndex(sets, assignments), nil
}

// newPermissionIndex indexes permission sets and the assignments of the users it will be asked
// about.
func newPermissionIndex(sets []orgapi.PermissionSet, assignments []orgapi.PermissionSetAssignment) *permissionIndex {
	ix := &permissionIndex{
		byID:         make(map[string]orgapi.PermissionSet, len(sets)),
		profileSet:   map[string]string{},
		assignedSets: map[string][]string{},
	}
	for _, ps := range sets {
		ix.byID[ps.ID] = ps
		if ps.IsOwnedByProfile && ps.ProfileID != "" {
			ix.profileSet[ps.ProfileID] = ps.ID
		}
	}
	// The assignments leave out the row Salesforce lists for each user's profile-owned set, so
	// that set is counted once, through the profile.
	for _, a := range assignments {
		ix.assignedSets[a.AssigneeID] = append(ix.assignedSets[a.AssigneeID], a.PermissionSetID)
	}
	return ix
}

// grantees returns the ids a connected app can be granted to on the user's behalf: the permission
// set owned by the user's profile and every permission set assigned to the user. These are the
// ParentIds of SetupEntityAccess rows.
func (ix *permissionIndex) grantees(u orgapi.User) []string {
	var ids []string
	if id, ok := ix.profileSet[u.ProfileID]; ok {
		ids = append(ids, id)
	}
	return append(ids, ix.assignedSets[u.ID]...)
}

// permissionsOf returns every permission the user holds.
func (ix *permissionIndex) permissionsOf(u orgapi.User) map[string]bool {
	held := map[string]bool{}
	for _, id := range ix.grantees(u) {
		for _, p := range ix.byID[id].Permissions {
			held[p] = true
		}
	}
	return held
}

// permissionSource is where a user gets a permission from.
type permissionSource struct {
	// Kind is "profile" or "permission_set".
	Kind string
	Name string
}

// sourcesOf returns where the user gets permission from, profile first, then permission sets by
// name; empty when the user does not hold it.
func (ix *permissionIndex) sourcesOf(u orgapi.User, permission string) []permissionSource {
	var sources []permissionSource
	if id, ok := ix.profileSet[u.ProfileID]; ok && hasPermission(ix.byID[id], permission) {
		sources = append(sources, permissionSource{Kind: "profile", Name: u.ProfileName})
	}
	var sets []string
	for _, id := range ix.assignedSets[u.ID] {
		if ps := ix.byID[id]; hasPermission(ps, permission) {
			sets = append(sets, ps.Name)
		}
	}
	sort.Strings(sets)
	for _, name := range sets {
		sources = append(sources, permissionSource{Kind: "permission_set", Name: name})
	}
	return sources
}

func hasPermission(ps orgapi.PermissionSet, permission string) bool {
	for _, p := range ps.Permissions {
		if p == permission {
			return true
		}
	}
	return false
}
