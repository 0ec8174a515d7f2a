package impact

import (
	"context"
	"slices"
	"sort"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// PermissionIndex answers "which permissions does this user hold, and from where" from one read of
// the org's permission sets (profile-owned ones included) and assignments. A profile's
// permissions live on its owned permission set, so profiles and permission sets are handled alike.
type PermissionIndex struct {
	byID         map[string]orgapi.PermissionSet
	profileSet   map[string]string   // profile id → id of the permission set it owns
	assignedSets map[string][]string // user id → ids of the permission sets assigned to the user
}

// LoadPermissionIndex reads every permission set and assignment of the org.
func LoadPermissionIndex(ctx context.Context, r PermissionReader) (*PermissionIndex, error) {
	sets, err := r.PermissionSets(ctx)
	if err != nil {
		return nil, err
	}
	assignments, err := r.PermissionSetAssignments(ctx)
	if err != nil {
		return nil, err
	}
	return NewPermissionIndex(sets, assignments), nil
}

// NewPermissionIndex indexes permission sets and the assignments of the users it will be asked
// about.
func NewPermissionIndex(sets []orgapi.PermissionSet, assignments []orgapi.PermissionSetAssignment) *PermissionIndex {
	ix := &PermissionIndex{
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

// Assigned returns the ids of the permission sets assigned to the user (by id), the profile's
// owned one left out.
func (ix *PermissionIndex) Assigned(userID string) []string { return ix.assignedSets[userID] }

// Grantees returns the ids a connected app can be granted to on the user's behalf: the permission
// set owned by the user's profile and every permission set assigned to the user. These are the
// ParentIds of SetupEntityAccess rows.
func (ix *PermissionIndex) Grantees(u orgapi.User) []string {
	var ids []string
	if id, ok := ix.profileSet[u.ProfileID]; ok {
		ids = append(ids, id)
	}
	return append(ids, ix.assignedSets[u.ID]...)
}

// PermissionsOf returns every permission the user holds.
func (ix *PermissionIndex) PermissionsOf(u orgapi.User) map[string]bool {
	held := map[string]bool{}
	for _, id := range ix.Grantees(u) {
		for _, p := range ix.byID[id].Permissions {
			held[p] = true
		}
	}
	return held
}

// PermissionSource is where a user gets a permission from.
type PermissionSource struct {
	// Kind is "profile" or "permission_set".
	Kind string
	Name string
}

// SourcesOf returns where the user gets permission from, profile first, then permission sets by
// name; empty when the user does not hold it.
func (ix *PermissionIndex) SourcesOf(u orgapi.User, permission string) []PermissionSource {
	var sources []PermissionSource
	if id, ok := ix.profileSet[u.ProfileID]; ok && slices.Contains(ix.byID[id].Permissions, permission) {
		sources = append(sources, PermissionSource{Kind: "profile", Name: u.ProfileName})
	}
	var sets []string
	for _, id := range ix.assignedSets[u.ID] {
		if ps := ix.byID[id]; slices.Contains(ps.Permissions, permission) {
			sets = append(sets, ps.Name)
		}
	}
	sort.Strings(sets)
	for _, name := range sets {
		sources = append(sources, PermissionSource{Kind: "permission_set", Name: name})
	}
	return sources
}
