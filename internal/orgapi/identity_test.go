package orgapi

import (
	"context"
	"net/http"
	"testing"
)

func TestIdentityOfAPreIssuedToken(t *testing.T) {
	t.Run("from userinfo", func(t *testing.T) {
		ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/services/oauth2/userinfo" {
				t.Errorf("unexpected %s", r.URL)
			}
			writeJSON(w, http.StatusOK, map[string]string{"user_id": "0055g0000000001", "organization_id": "00D5g0000000001", "preferred_username": "admin@acme.test"})
		})
		id, err := newTestClient(t, ts.URL, Config{}).Identity(context.Background())
		if err != nil || id != (Identity{OrgID: "00D5g0000000001EAA", UserID: "0055g0000000001AAA", Username: "admin@acme.test"}) {
			t.Errorf("%+v %v", id, err)
		}
	})
	t.Run("org only where userinfo is not served", func(t *testing.T) {
		ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/services/oauth2/userinfo" {
				restErr(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
				return
			}
			if q := r.URL.Query().Get("q"); q != "SELECT Id FROM Organization" {
				t.Errorf("q = %q", q)
			}
			writeJSON(w, http.StatusOK, map[string]any{"done": true, "records": []any{map[string]string{"Id": "00D5g0000000001EAA"}}})
		})
		c := newTestClient(t, ts.URL, Config{})
		id, err := c.Identity(context.Background())
		if err != nil || id != (Identity{OrgID: "00D5g0000000001EAA"}) {
			t.Errorf("%+v %v", id, err)
		}
	})
}
