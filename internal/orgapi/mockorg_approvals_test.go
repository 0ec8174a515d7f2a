package orgapi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// TestMockorgOAuthApprovals proves the prior approvals the usage restriction looks at: the seeded
// ones, and one recorded by the web server flow.
func TestMockorgOAuthApprovals(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	c := o.client(t, nil)
	ctx := context.Background()
	userID := func(username string) string {
		return must[*User](t, "UserByUsername")(c.UserByUsername(ctx, username)).ID
	}
	employee, readonly := userID("employee@acme.test"), userID("readonly@acme.test")

	check := func(user, label string, want bool) {
		t.Helper()
		got, err := c.HasOAuthApproval(ctx, user, label)
		if err != nil || got != want {
			t.Errorf("HasOAuthApproval(%s, %q) = %t, %v; want %t", user, label, got, err, want)
		}
	}
	check(employee, "Workbench", true)
	check(readonly, "Workbench", false)
	check(readonly, "Partner Portal Mobile", false)
	o.Session(t, map[string]string{"username": "readonly@acme.test", "connected_app": "Partner_Portal_Mobile"})
	check(readonly, "Partner Portal Mobile", true)
	// The API name is not what OauthToken records.
	check(readonly, "Partner_Portal_Mobile", false)

	if _, err := c.HasOAuthApproval(ctx, "not-an-id", "Workbench"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("a malformed user id: %v", err)
	}
}

// TestMockorgOAuthApprovalList reads the whole usage list and the records it points at in a few
// queries: every approval with its use count and last use, latest first, and the users, their
// assignments and the grants of the apps they use, each by id.
func TestMockorgOAuthApprovalList(t *testing.T) {
	o := startOrg(t, mockorg.Config{})
	c := o.client(t, nil)
	ctx := context.Background()
	o.Session(t, map[string]string{"username": "readonly@acme.test", "connected_app": "Partner_Portal_Mobile"})

	approvals := must[[]OAuthApproval](t, "OAuthApprovals")(c.OAuthApprovals(ctx))
	if len(approvals) < 3 {
		t.Fatalf("%d approvals, want the seeded ones and the new one", len(approvals))
	}
	if approvals[0].AppLabel != "Partner Portal Mobile" || approvals[0].UseCount != 1 {
		t.Errorf("the latest approval is %+v, want readonly's new one of Partner Portal Mobile", approvals[0])
	}
	for i := 1; i < len(approvals); i++ {
		if approvals[i].LastUsedDate > approvals[i-1].LastUsedDate {
			t.Errorf("approvals out of order: %s after %s", approvals[i].LastUsedDate, approvals[i-1].LastUsedDate)
		}
	}
	distinct := map[string]bool{}
	var ids []string
	for _, a := range approvals {
		ids = append(ids, a.UserID)
		distinct[a.UserID] = true
	}
	users := must[[]User](t, "UsersByID")(c.UsersByID(ctx, append(ids, "not-an-id")))
	if len(users) != len(distinct) {
		t.Errorf("UsersByID returned %d users for %d distinct ids", len(users), len(distinct))
	}
	for _, u := range users {
		if !distinct[u.ID] {
			t.Errorf("UsersByID returned %s, whose id was not asked for", u.Username)
		}
	}
	admin := must[*User](t, "UserByUsername")(c.UserByUsername(ctx, "admin@acme.test"))
	if as := must[[]PermissionSetAssignment](t, "PermissionSetAssignmentsOf")(c.PermissionSetAssignmentsOf(ctx, []string{admin.ID})); len(as) != 0 {
		t.Errorf("admin's assignments (profile-owned left out): %+v", as)
	}
	app := must[*ConnectedApplication](t, "ConnectedApplicationByName")(c.ConnectedApplicationByName(ctx, "Terraform_Admin"))
	grants := must[[]SetupEntityAccess](t, "SetupEntityAccessesOf")(c.SetupEntityAccessesOf(ctx, []string{app.ID}))
	if len(grants) != 1 || !strings.EqualFold(grants[0].SetupEntityID, app.ID) {
		t.Errorf("grants of Terraform_Admin: %+v", grants)
	}
}
