package mockorg

import (
	"net/http"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

const approvalsSOQL = "SELECT AppName, UserId, UseCount, LastUsedDate, CreatedDate, DeleteToken, AppMenuItemId, Id FROM OauthToken"

// approvalRows runs an OauthToken query as a user and returns its rows.
func (h *harness) approvalRows(t *testing.T, token, soql string) []map[string]any {
	t.Helper()
	r := h.query(token, soql)
	var a queryAnswer
	r.json(t, &a)
	if r.status != http.StatusOK || a.TotalSize != len(a.Records) {
		t.Fatalf("%s: %d %s", soql, r.status, r.body)
	}
	return a.Records
}

// TestOauthTokenQueryShowsApprovalsToWhomSalesforceDoes queries the approvals as an admin, as a
// user with Customize Application, as a user with an approval and as one without: the first two
// see every row, the others their own; AppName is the app's label and Id is null.
func TestOauthTokenQueryShowsApprovalsToWhomSalesforceDoes(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	partner := h.webServerSession("partner@acme.test", "Partner_Portal_Mobile").AccessToken
	employee := h.login("employee@acme.test", "Partner_Portal_Mobile")
	appManager := h.login("appmanager@acme.test", "Partner_Portal_Mobile")
	readOnly := h.login("readonly@acme.test", "Partner_Portal_Mobile")

	rows := h.approvalRows(t, admin, approvalsSOQL+" ORDER BY CreatedDate")
	if len(rows) != 3 {
		t.Fatalf("the admin sees %d approvals, want the two seeded and partner's: %v", len(rows), rows)
	}
	first := rows[0]
	if first["AppName"] != "Workbench" || first["UserId"] != h.userID("employee@acme.test") || first["UseCount"] != float64(212) ||
		first["CreatedDate"] != "2025-06-02T09:00:00.000Z" || first["LastUsedDate"] != "2026-11-20T08:00:00.000Z" ||
		first["DeleteToken"] != h.deleteToken("employee@acme.test", "Workbench") || first["AppMenuItemId"] != nil {
		t.Errorf("employee's approval: %v", first)
	}
	if id, ok := first["Id"]; !ok || id != nil {
		t.Errorf("Id is documented as always null: %v", first)
	}
	if attrs := first["attributes"].(map[string]any); attrs["type"] != "OauthToken" || attrs["url"] != nil {
		t.Errorf("attributes of a row without an Id: %v", attrs)
	}
	if last := rows[2]; last["AppName"] != "Partner Portal Mobile" || last["UseCount"] != float64(1) {
		t.Errorf("AppName is the app's label, and a new approval counts its first use: %v", last)
	}

	filtered := h.approvalRows(t, admin, approvalsSOQL+" WHERE UserId = '"+h.userID("customerplus@acme.test")+"' AND AppName = 'Workbench'")
	if len(filtered) != 1 || filtered[0]["UseCount"] != float64(57) {
		t.Errorf("filtered by user and label: %v", filtered)
	}
	if rows := h.approvalRows(t, admin, "SELECT AppName FROM OauthToken WHERE AppName = 'Partner_Portal_Mobile'"); len(rows) != 0 {
		t.Errorf("AppName matched an API name: %v", rows)
	}
	if rows := h.approvalRows(t, admin, "SELECT User.Username FROM OauthToken WHERE UseCount > 100"); len(rows) != 1 ||
		rows[0]["User"].(map[string]any)["Username"] != "employee@acme.test" {
		t.Errorf("UseCount compares as a number and User traverses: %v", rows)
	}

	for _, c := range []struct {
		who, token string
		want       int
	}{{"appmanager (Customize Application)", appManager, 3}, {"employee", employee, 1}, {"partner", partner, 1}, {"readonly", readOnly, 0}} {
		rows := h.approvalRows(t, c.token, approvalsSOQL)
		if len(rows) != c.want {
			t.Errorf("%s sees %d approvals, want %d: %v", c.who, len(rows), c.want, rows)
		}
	}
	if rows := h.approvalRows(t, employee, approvalsSOQL); len(rows) == 1 && rows[0]["UserId"] != h.userID("employee@acme.test") {
		t.Errorf("employee sees someone else's approval: %v", rows)
	}
}

// TestOauthTokenIsReadOnly tries every sObject write on OauthToken: each is refused as for any
// object without create, update or delete, and the approvals stay.
func TestOauthTokenIsReadOnly(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	before := h.snapshot()
	id := sfid.New(prefixOAuthToken, 1)
	for _, c := range []struct {
		method, path string
		body         any
		message      string
	}{
		{http.MethodPost, "/sobjects/OauthToken", map[string]any{"AppName": "Workbench"}, "entity type cannot be inserted: OauthToken"},
		{http.MethodPatch, "/sobjects/OauthToken/" + id, map[string]any{"UseCount": 1}, "entity type cannot be updated: OauthToken"},
		{http.MethodDelete, "/sobjects/OauthToken/" + id, nil, "entity type cannot be deleted: OauthToken"},
	} {
		r := h.rest(c.method, apiBase+c.path, admin, c.body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
			continue
		}
		if e := r.restError(t); e.ErrorCode != "INVALID_TYPE_FOR_OPERATION" || e.Message != c.message {
			t.Errorf("%s %s: %s", c.method, c.path, r.body)
		}
	}
	var desc struct {
		Createable, Updateable, Deletable, Queryable bool
		Fields                                       []struct{ Name, Type string }
	}
	h.rest(http.MethodGet, apiBase+"/sobjects/OauthToken/describe", admin, nil).json(t, &desc)
	if desc.Createable || desc.Updateable || desc.Deletable || !desc.Queryable || len(desc.Fields) != 8 {
		t.Errorf("describe: %+v", desc)
	}
	if mustJSON(t, h.snapshot()) != mustJSON(t, before) {
		t.Error("a refused write changed the org")
	}
}
