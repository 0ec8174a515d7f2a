package orgapi

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// OAuthApproval is one user's use of one connected app as the OauthToken object reports it:
// Salesforce keeps a row per refresh token, and this folds the rows of a (user, app) pair into
// one, adding their use counts and keeping the latest use.
type OAuthApproval struct {
	UserID   string
	AppLabel string // OauthToken.AppName: the app's label, ConnectedApplication.Name
	// AppMenuItemIDs are the rows' non-null AppMenuItemId values (an App Launcher item; audit
	// guides read it as a sign of an installed app, which is undocumented, so nothing decides on it).
	AppMenuItemIDs []string
	UseCount       int
	LastUsedDate   string
}

// OAuthApprovals reads every approval of the org (OauthToken, one query with paging), sorted by
// last use, latest first. The provider's user needs Customize Application to see other users'
// rows; without it the org answers with the user's own only.
func (c *Client) OAuthApprovals(ctx context.Context) ([]OAuthApproval, error) {
	type record struct {
		UserID        string  `json:"UserId"`
		AppName       string  `json:"AppName"`
		AppMenuItemID *string `json:"AppMenuItemId"`
		UseCount      int     `json:"UseCount"`
		LastUsedDate  *string `json:"LastUsedDate"`
	}
	recs, err := QueryAll[record](ctx, c, "SELECT UserId, AppName, AppMenuItemId, UseCount, LastUsedDate FROM OauthToken")
	if err != nil {
		return nil, err
	}
	byPair := map[string]*OAuthApproval{}
	var out []*OAuthApproval
	for _, r := range recs {
		userID, err := sfid.Normalize(r.UserID)
		if err != nil {
			continue
		}
		key := userID + "\x00" + r.AppName
		a := byPair[key]
		if a == nil {
			a = &OAuthApproval{UserID: userID, AppLabel: r.AppName}
			byPair[key] = a
			out = append(out, a)
		}
		a.UseCount += r.UseCount
		if r.LastUsedDate != nil {
			a.LastUsedDate = max(a.LastUsedDate, *r.LastUsedDate)
		}
		if r.AppMenuItemID != nil && !slices.Contains(a.AppMenuItemIDs, *r.AppMenuItemID) {
			a.AppMenuItemIDs = append(a.AppMenuItemIDs, *r.AppMenuItemID)
		}
	}
	approvals := make([]OAuthApproval, len(out))
	for i, a := range out {
		approvals[i] = *a
	}
	slices.SortStableFunc(approvals, func(a, b OAuthApproval) int {
		return cmp.Or(cmp.Compare(b.LastUsedDate, a.LastUsedDate), cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.AppLabel, b.AppLabel))
	})
	return approvals, nil
}

// UsersByID reads the users with these ids, in queries of up to 200 ids, sorted by username; ids
// the org does not know are left out.
func (c *Client) UsersByID(ctx context.Context, ids []string) ([]User, error) {
	out, err := byIDChunks(ids, func(in string) ([]User, error) { return c.queryUsers(ctx, " WHERE Id"+in) })
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Username, b.Username) })
	return out, err
}

// PermissionSetAssignmentsOf reads the assignments (profile-owned sets left out, as in
// PermissionSetAssignments) of these users, in queries of up to 200 ids.
func (c *Client) PermissionSetAssignmentsOf(ctx context.Context, userIDs []string) ([]PermissionSetAssignment, error) {
	return byIDChunks(userIDs, func(in string) ([]PermissionSetAssignment, error) {
		return c.queryAssignments(ctx, " WHERE PermissionSet.IsOwnedByProfile = false AND AssigneeId"+in)
	})
}

// SetupEntityAccessesOf reads the grants of these connected apps (ConnectedApplication ids), in
// queries of up to 200 ids.
func (c *Client) SetupEntityAccessesOf(ctx context.Context, appIDs []string) ([]SetupEntityAccess, error) {
	return byIDChunks(appIDs, func(in string) ([]SetupEntityAccess, error) {
		return c.querySetupEntityAccesses(ctx, " AND SetupEntityId"+in)
	})
}

// byIDChunks runs query once per chunk of up to 200 of the valid ids, passing the chunk's
// " IN (…)" clause, and gathers the records.
func byIDChunks[T any](ids []string, query func(in string) ([]T, error)) ([]T, error) {
	var out []T
	for chunk := range slices.Chunk(normalizedIDs(ids), soqlIDChunk) {
		recs, err := query(idInClause(chunk))
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

// normalizedIDs returns the valid ids among ids in their 18-character form, each once, sorted.
func normalizedIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if n, err := sfid.Normalize(id); err == nil {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
