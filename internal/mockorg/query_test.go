package mockorg

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func (h *harness) query(token, soql string) response {
	h.t.Helper()
	return h.rest(http.MethodGet, apiBase+"/query?q="+url.QueryEscape(soql), token, nil)
}

type queryAnswer struct {
	TotalSize      int              `json:"totalSize"`
	Done           bool             `json:"done"`
	NextRecordsURL string           `json:"nextRecordsUrl"`
	Records        []map[string]any `json:"records"`
}

func TestQueryWithRelationships(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	r := h.query(admin, "SELECT Id, Username, Profile.Name FROM User WHERE UserType = 'PowerPartner'")
	var a queryAnswer
	r.json(t, &a)
	if r.status != http.StatusOK || a.TotalSize != 1 || !a.Done || len(a.Records) != 1 {
		t.Fatalf("query: %d %s", r.status, r.body)
	}
	rec := a.Records[0]
	profile, _ := rec["Profile"].(map[string]any)
	attrs, _ := rec["attributes"].(map[string]any)
	if rec["Username"] != "partner@acme.test" || profile["Name"] != "Partner Community User" || attrs["type"] != "User" ||
		attrs["url"] != apiBase+"/sobjects/User/"+h.userID("partner@acme.test") {
		t.Errorf("record %v", rec)
	}
	if !strings.HasPrefix(string(r.body), `{"totalSize":1,"done":true,"records":[{"attributes":`) {
		t.Errorf("answer is not in Salesforce's key order: %s", r.body)
	}
	// A null lookup renders as null; case-insensitive names come back canonical.
	h.query(admin, "select id, profile.name from permissionset where isownedbyprofile = false").json(t, &a)
	if a.TotalSize != 0 {
		t.Errorf("seed has no unowned permission sets, got %d", a.TotalSize)
	}
	createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Loose")))
	r = h.query(admin, "select id, profile.name from permissionset where isownedbyprofile = false")
	if !strings.Contains(string(r.body), `"Id":`) || !strings.Contains(string(r.body), `"Profile":null`) {
		t.Errorf("null relationship: %s", r.body)
	}
	h.query(admin, "SELECT Id, ParentId, Parent.ProfileId, SetupEntityId FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication'").json(t, &a)
	if a.TotalSize != 1 {
		t.Errorf("grants: %+v", a)
	}
	h.query(admin, "SELECT Id, PermissionSetId, AssigneeId, PermissionSet.Name, Assignee.Username FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false").json(t, &a)
	if a.TotalSize != 0 || a.Records == nil {
		t.Errorf("assignments: %+v (records must be [] not null)", a)
	}
	h.query(admin, "SELECT Id, PermissionSet.Name, Assignee.Username FROM PermissionSetAssignment").json(t, &a)
	if a.TotalSize != 9 {
		t.Errorf("every user's assignment to their profile's permission set: %+v", a)
	}
	h.query(admin, "SELECT COUNT() FROM User WHERE IsActive = true").json(t, &a)
	if a.TotalSize != 8 || len(a.Records) != 0 {
		t.Errorf("COUNT(): %+v", a)
	}
	h.query(admin, "SELECT Username FROM User ORDER BY Username DESC LIMIT 2").json(t, &a)
	if len(a.Records) != 2 || a.Records[0]["Username"] != "readonly@acme.test" || a.Records[1]["Username"] != "partner@acme.test" {
		t.Errorf("ORDER BY DESC LIMIT 2: %+v", a.Records)
	}
	h.query(admin, "SELECT Id, Name, OrganizationType FROM Organization").json(t, &a)
	if a.TotalSize != 1 || a.Records[0]["Name"] != "Acme" {
		t.Errorf("Organization: %+v", a)
	}
}

func TestQueryPaging(t *testing.T) {
	h := newHarness(t, Config{QueryBatchSize: 2})
	admin := h.adminToken()
	var a queryAnswer
	h.query(admin, "SELECT Id FROM User").json(t, &a)
	seen := map[any]bool{}
	pages := 1
	for {
		for _, r := range a.Records {
			seen[r["Id"]] = true
		}
		if a.TotalSize != 9 || len(a.Records) > 2 {
			t.Fatalf("page %d: %+v", pages, a)
		}
		if a.Done {
			break
		}
		if !strings.HasPrefix(a.NextRecordsURL, apiBase+"/query/01g") {
			t.Fatalf("nextRecordsUrl %q", a.NextRecordsURL)
		}
		next := a.NextRecordsURL
		a = queryAnswer{}
		h.rest(http.MethodGet, next, admin, nil).json(t, &a)
		pages++
		// Another user cannot read someone else's cursor.
		other := h.login("employee@acme.test", "Workbench")
		if r := h.rest(http.MethodGet, next, other, nil); r.status != http.StatusBadRequest || r.restError(t).ErrorCode != "INVALID_QUERY_LOCATOR" {
			t.Errorf("foreign cursor: %d %s", r.status, r.body)
		}
	}
	if len(seen) != 9 || pages != 5 {
		t.Errorf("%d distinct users over %d pages", len(seen), pages)
	}
	for _, bad := range []string{"/query/nope", "/query/01gX-abc", "/query/01gXXXXXXXXXXXX-2"} {
		if r := h.rest(http.MethodGet, apiBase+bad, admin, nil); r.status != http.StatusBadRequest || r.restError(t).ErrorCode != "INVALID_QUERY_LOCATOR" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

// jsforce sends conn.query(soql, {scanAll: true}) to /queryAll and pages on through /query/.
func TestQueryAllAnswersAsQueryAndPagesThroughEitherResource(t *testing.T) {
	h := newHarness(t, Config{QueryBatchSize: 4})
	admin := h.adminToken()
	r := h.rest(http.MethodGet, apiBase+"/queryAll?q="+url.QueryEscape("SELECT Username FROM User ORDER BY Username"), admin, nil)
	if r.status != http.StatusOK {
		t.Fatalf("queryAll: %d %s", r.status, r.body)
	}
	var first queryAnswer
	r.json(t, &first)
	if first.TotalSize != 9 || first.Done || len(first.Records) != 4 || first.Records[0]["Username"] != "admin@acme.test" {
		t.Fatalf("queryAll: %d %s", r.status, r.body)
	}
	// Salesforce's queryAll pages point at /query/; /queryAll/ takes the same locator.
	locator, ok := strings.CutPrefix(first.NextRecordsURL, apiBase+"/query/")
	if !ok {
		t.Fatalf("nextRecordsUrl %q is not under %s/query/", first.NextRecordsURL, apiBase)
	}
	for _, next := range []string{apiBase + "/query/" + locator, apiBase + "/queryAll/" + locator} {
		r := h.rest(http.MethodGet, next, admin, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", next, r.status, r.body)
		}
		var page queryAnswer
		r.json(t, &page)
		if page.TotalSize != 9 || len(page.Records) != 4 || page.Records[0]["Username"] != "employee@acme.test" {
			t.Errorf("%s: %d %s", next, r.status, r.body)
		}
	}
	if e := h.rest(http.MethodGet, apiBase+"/queryAll?q="+url.QueryEscape("SELECT Foo FROM User"), admin, nil).restError(t); e.ErrorCode != "INVALID_FIELD" {
		t.Errorf("queryAll of an unknown field: %+v", e)
	}
	var resources map[string]string
	h.rest(http.MethodGet, apiBase, admin, nil).json(t, &resources)
	if resources["queryAll"] != apiBase+"/queryAll" {
		t.Errorf("resources do not list queryAll: %v", resources)
	}
	var stats struct {
		ByOperation map[string]int `json:"by_operation"`
	}
	h.control(http.MethodGet, "/__mockorg/stats", nil).json(t, &stats)
	if stats.ByOperation["rest:queryAll"] != 3 {
		t.Errorf("stats: %v, want 3 rest:queryAll", stats.ByOperation)
	}
}

// SetupEntityAccess → PermissionSet → Profile in one query, as Salesforce's SetupEntityAccess
// reference does (Parent.Profile.Name): each level nests under its relationship, a permission set
// no profile owns renders its Profile as null, and the path filters like any field.
func TestQueryThroughTwoRelationships(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	appID := h.appID("Workbench")
	looseID := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Loose")))
	var partnerPS queryAnswer
	h.query(admin, "SELECT Id FROM PermissionSet WHERE Profile.Name = 'Partner Community User'").json(t, &partnerPS)
	if len(partnerPS.Records) != 1 {
		t.Fatalf("the partner profile's permission set: %+v", partnerPS)
	}
	for _, parent := range []string{looseID, partnerPS.Records[0]["Id"].(string)} {
		createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/SetupEntityAccess", admin,
			map[string]any{"ParentId": parent, "SetupEntityId": appID}))
	}

	const soql = "SELECT Id, Parent.Name, Parent.Profile.Name, Parent.Profile.UserType FROM SetupEntityAccess WHERE SetupEntityId = '%s' ORDER BY Parent.Profile.Name NULLS FIRST"
	r := h.query(admin, fmt.Sprintf(soql, appID))
	var a queryAnswer
	r.json(t, &a)
	if r.status != http.StatusOK || len(a.Records) != 2 {
		t.Fatalf("query: %d %s", r.status, r.body)
	}
	loose, _ := a.Records[0]["Parent"].(map[string]any)
	if loose["Name"] != "Loose" || loose["Profile"] != nil {
		t.Errorf("grant of an unowned permission set: %v, want Profile null", a.Records[0])
	}
	if !strings.Contains(string(r.body), `"Profile":null`) {
		t.Errorf("a null lookup two levels down must render as null: %s", r.body)
	}
	owned, _ := a.Records[1]["Parent"].(map[string]any)
	profile, _ := owned["Profile"].(map[string]any)
	attrs, _ := profile["attributes"].(map[string]any)
	if profile["Name"] != "Partner Community User" || profile["UserType"] != "PowerPartner" || attrs["type"] != "Profile" {
		t.Errorf("grant of a profile's permission set: %v", a.Records[1])
	}
	if want := `"Parent":{"attributes":{"type":"PermissionSet"`; !strings.Contains(string(r.body), want) {
		t.Errorf("answer has no %s: %s", want, r.body)
	}

	h.query(admin, fmt.Sprintf("SELECT Id FROM SetupEntityAccess WHERE SetupEntityId = '%s' AND Parent.Profile.Name = 'Partner Community User'", appID)).json(t, &a)
	if a.TotalSize != 1 {
		t.Errorf("filter on Parent.Profile.Name: %+v, want the profile's grant only", a)
	}
}

func TestQueryErrors(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	cases := []struct {
		soql, code, message string
	}{
		{"", "MALFORMED_QUERY", ""},
		{"SELEC Id FROM User", "MALFORMED_QUERY", ""},
		{"SELECT Id FROM User WHERE", "MALFORMED_QUERY", ""},
		{"SELECT Id FROM User WHERE Username = 'unterminated", "MALFORMED_QUERY", ""},
		{"SELECT Foo FROM User", "INVALID_FIELD", "No such column 'Foo' on entity 'User'"},
		{"SELECT Id FROM User WHERE Foo = 1", "INVALID_FIELD", "No such column 'Foo' on entity 'User'"},
		{"SELECT Id FROM User ORDER BY Foo", "INVALID_FIELD", "No such column 'Foo' on entity 'User'"},
		{"SELECT Owner.Name FROM User", "INVALID_FIELD", "Didn't understand relationship 'Owner'"},
		{"SELECT Profile.Foo FROM User", "INVALID_FIELD", "No such column 'Foo' on entity 'Profile'"},
		{"SELECT Parent.Owner.Name FROM SetupEntityAccess", "INVALID_FIELD", "Didn't understand relationship 'Owner'"},
		{"SELECT Parent.Profile.Foo FROM SetupEntityAccess", "INVALID_FIELD", "No such column 'Foo' on entity 'Profile'"},
		{"SELECT Profile.Name.Foo FROM User", "INVALID_FIELD", "Didn't understand relationship 'Name'"},
		{"SELECT Id FROM Account", "INVALID_TYPE", "sObject type 'Account' is not supported"},
	}
	for _, tc := range cases {
		r := h.query(admin, tc.soql)
		e := r.restError(t)
		if r.status != http.StatusBadRequest || e.ErrorCode != tc.code || !strings.Contains(e.Message, tc.message) {
			t.Errorf("%q: %d %s, want %s %q", tc.soql, r.status, r.body, tc.code, tc.message)
		}
	}
}

func TestUseAnyAPIClientColumnOnlyWhenProvisioned(t *testing.T) {
	const probe = "SELECT Id, PermissionsUseAnyApiClient FROM PermissionSet LIMIT 1"
	h := newHarness(t, Config{})
	if r := h.query(h.adminToken(), probe); r.status != http.StatusOK {
		t.Errorf("provisioned org: %d %s", r.status, r.body)
	}
	seed := DefaultSeed()
	seed.Organization.APIAccessControlProvisioned = false
	u := newHarness(t, Config{Seed: seed})
	r := u.query(u.adminToken(), probe)
	if e := r.restError(t); r.status != http.StatusBadRequest || e.ErrorCode != "INVALID_FIELD" ||
		!strings.HasPrefix(e.Message, "No such column 'PermissionsUseAnyApiClient' on entity 'PermissionSet'") {
		t.Errorf("unprovisioned org: %d %s", r.status, r.body)
	}
}
