package orgapi

import (
	"context"
	"errors"
	"net/http"
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
	o.control(t, http.MethodPost, "sessions", map[string]string{"username": "readonly@acme.test", "connected_app": "Partner_Portal_Mobile"}, nil)
	check(readonly, "Partner Portal Mobile", true)
	// The API name is not what OauthToken records.
	check(readonly, "Partner_Portal_Mobile", false)

	if _, err := c.HasOAuthApproval(ctx, "not-an-id", "Workbench"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("a malformed user id: %v", err)
	}
}
