package mockorg

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// TestConnectedApplicationNameIsTheLabel: Name is the "Connected App Name" (the label) in SOQL and
// on the record, and the way from an API name to the 0H4 id is listMetadata's fullName and id.
func TestConnectedApplicationNameIsTheLabel(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	dataLoader := h.appID("DataLoader")
	var a queryAnswer
	h.query(admin, "SELECT Id, Name FROM ConnectedApplication WHERE Name = 'Dataloader Partner'").json(t, &a)
	if a.TotalSize != 1 || a.Records[0]["Id"] != dataLoader {
		t.Errorf("query by label: %+v", a)
	}
	h.query(admin, "SELECT Id FROM ConnectedApplication WHERE Name = 'DataLoader'").json(t, &a)
	if a.TotalSize != 0 {
		t.Errorf("the API name matched Name: %+v", a)
	}
	var rec map[string]any
	h.rest(http.MethodGet, apiBase+"/sobjects/ConnectedApplication/"+h.appID("Partner_Portal_Mobile"), admin, nil).json(t, &rec)
	if rec["Name"] != "Partner Portal Mobile" {
		t.Errorf("record Name %v, want the label", rec["Name"])
	}

	resp := h.soap(admin, `<listMetadata><queries><type>ConnectedApp</type></queries><asOfVersion>66.0</asOfVersion></listMetadata>`)
	var list struct {
		Results []struct {
			FullName string `xml:"fullName"`
			ID       string `xml:"id"`
		} `xml:"Body>listMetadataResponse>result"`
	}
	if err := xml.Unmarshal(resp.body, &list); err != nil || resp.status != http.StatusOK {
		t.Fatalf("listMetadata: %d %s %v", resp.status, resp.body, err)
	}
	got := map[string]string{}
	for _, r := range list.Results {
		got[r.FullName] = r.ID
	}
	for _, app := range h.snapshot().ConnectedApps {
		if got[app.Name] != app.ID {
			t.Errorf("listMetadata gives %s the id %q, want its ConnectedApplication id %s", app.Name, got[app.Name], app.ID)
		}
		var byID map[string]any
		h.rest(http.MethodGet, apiBase+"/sobjects/ConnectedApplication/"+got[app.Name], admin, nil).json(t, &byID)
		if byID["Name"] != app.Label {
			t.Errorf("the listMetadata id of %s reads back as %v", app.Name, byID["Name"])
		}
	}
}

// TestOrganizationFields: what clients read at login, from a query and from the record.
func TestOrganizationFields(t *testing.T) {
	seed := DefaultSeed()
	seed.Organization.IsSandbox = true
	seed.Organization.InstanceName = "USA1S"
	h := newHarness(t, Config{Seed: seed})
	admin := h.adminToken()
	var a queryAnswer
	h.query(admin, "SELECT Id, Name, OrganizationType, InstanceName, IsSandbox, NamespacePrefix, TrialExpirationDate FROM Organization").json(t, &a)
	var rec map[string]any
	h.rest(http.MethodGet, apiBase+"/sobjects/Organization/"+h.snapshot().Organization.ID, admin, nil).json(t, &rec)
	if a.TotalSize != 1 {
		t.Fatalf("query: %+v", a)
	}
	for name, got := range map[string]map[string]any{"query": a.Records[0], "record": rec} {
		want := map[string]any{"Id": h.snapshot().Organization.ID, "Name": "Acme", "OrganizationType": "Enterprise Edition",
			"InstanceName": "USA1S", "IsSandbox": true, "NamespacePrefix": nil, "TrialExpirationDate": nil}
		for field, v := range want {
			if value, present := got[field]; !present || value != v {
				t.Errorf("%s: %s = %v (present %t), want %v", name, field, value, present, v)
			}
		}
	}
	h = newHarness(t, Config{})
	h.query(h.adminToken(), "SELECT InstanceName, IsSandbox FROM Organization").json(t, &a)
	if a.Records[0]["InstanceName"] != "MOCK1" || a.Records[0]["IsSandbox"] != false {
		t.Errorf("embedded org: %+v", a.Records[0])
	}
}

// TestProfileAssignments: every user has one assignment to their profile's permission set, served by
// SOQL with the PermissionSet relationship usable in SELECT and WHERE, refused to sObject writes,
// left out of snapshots, and with the same ids after a snapshot round trip and a restart.
func TestProfileAssignments(t *testing.T) {
	state := filepath.Join(t.TempDir(), "org.json")
	h := newHarness(t, Config{StateFile: state})
	admin := h.adminToken()
	snap := h.snapshot()
	profilePS := map[string]string{}
	for _, p := range snap.Profiles {
		profilePS[p.Name] = p.PermissionSetID
	}
	loose := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Loose")))
	employee := h.userID("employee@acme.test")
	own := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSetAssignment", admin,
		map[string]string{"PermissionSetId": loose, "AssigneeId": employee}))

	const all = "SELECT Id, AssigneeId, PermissionSetId, PermissionSet.IsOwnedByProfile, PermissionSet.ProfileId FROM PermissionSetAssignment"
	var a queryAnswer
	h.query(admin, all+" WHERE PermissionSet.IsOwnedByProfile = true ORDER BY Id").json(t, &a)
	if a.TotalSize != len(snap.Users) {
		t.Fatalf("profile assignments: %d, want one per user (%d): %+v", a.TotalSize, len(snap.Users), a.Records)
	}
	profileRows := map[string]string{}
	for _, rec := range a.Records {
		ps, _ := rec["PermissionSet"].(map[string]any)
		user := snapUser(t, snap, rec["AssigneeId"].(string))
		want := profilePS[user.Profile]
		var profileID string
		for _, p := range snap.Profiles {
			if p.Name == user.Profile {
				profileID = p.ID
			}
		}
		if rec["PermissionSetId"] != want || ps["IsOwnedByProfile"] != true || ps["ProfileId"] != profileID {
			t.Errorf("profile assignment of %s: %v", user.Username, rec)
		}
		id := rec["Id"].(string)
		if !sfid.HasPrefix(id, sfid.PrefixAssignment) || id == own {
			t.Errorf("profile assignment id %s", id)
		}
		profileRows[user.Username] = id
	}
	if len(profileRows) != len(snap.Users) {
		t.Errorf("profile assignment ids are not one per user: %v", profileRows)
	}
	h.query(admin, "SELECT Id, PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '"+employee+"' AND PermissionSet.IsOwnedByProfile = false").json(t, &a)
	if a.TotalSize != 1 || a.Records[0]["Id"] != own {
		t.Errorf("the employee's own assignments: %+v", a)
	}
	h.query(admin, "SELECT COUNT() FROM PermissionSetAssignment WHERE PermissionSet.ProfileId != null").json(t, &a)
	if a.TotalSize != len(snap.Users) {
		t.Errorf("COUNT() of profile assignments: %d", a.TotalSize)
	}

	// Neither the rows nor the profiles' permission sets can be written through sObjects.
	before := h.snapshot()
	adminPS := profilePS["System Administrator"]
	writes := []struct {
		name, method, path string
		body               any
		code               string
	}{
		{"create", http.MethodPost, "/sobjects/PermissionSetAssignment", map[string]string{"PermissionSetId": profilePS["Read Only"], "AssigneeId": employee}, "FIELD_INTEGRITY_EXCEPTION"},
		{"delete", http.MethodDelete, "/sobjects/PermissionSetAssignment/" + profileRows["employee@acme.test"], nil, "FIELD_INTEGRITY_EXCEPTION"},
		{"update", http.MethodPatch, "/sobjects/PermissionSetAssignment/" + profileRows["employee@acme.test"], map[string]string{"AssigneeId": employee}, "INVALID_TYPE_FOR_OPERATION"},
		{"update profile permission set", http.MethodPatch, "/sobjects/PermissionSet/" + adminPS, map[string]any{"Label": "x"}, "FIELD_INTEGRITY_EXCEPTION"},
		{"delete profile permission set", http.MethodDelete, "/sobjects/PermissionSet/" + adminPS, nil, "FIELD_INTEGRITY_EXCEPTION"},
	}
	for _, w := range writes {
		resp := h.rest(w.method, apiBase+w.path, admin, w.body)
		if resp.status != http.StatusBadRequest || resp.restError(t).ErrorCode != w.code {
			t.Errorf("%s: %d %s, want 400 %s", w.name, resp.status, resp.body, w.code)
		}
	}
	var rec map[string]any
	h.rest(http.MethodGet, apiBase+"/sobjects/PermissionSetAssignment/"+profileRows["admin@acme.test"], admin, nil).json(t, &rec)
	if rec["PermissionSetId"] != adminPS {
		t.Errorf("GET of a profile assignment: %v", rec)
	}

	// Snapshots leave the rows out; putting one back and restarting keep their ids.
	after := h.snapshot()
	if mustJSON(t, after) != mustJSON(t, before) {
		t.Error("refused writes changed the org")
	}
	if len(after.PermissionSetAssignments) != 1 || after.PermissionSetAssignments[0].ID != own {
		t.Errorf("snapshot assignments: %+v", after.PermissionSetAssignments)
	}
	h.mustStatus(t, h.control(http.MethodPut, "/__mockorg/snapshot", after), http.StatusNoContent)
	if again := h.snapshot(); mustJSON(t, again) != mustJSON(t, after) {
		t.Errorf("snapshot round trip changed the org:\n%s\n%s", mustJSON(t, after), mustJSON(t, again))
	}
	if err := h.org.Close(); err != nil {
		t.Fatal(err)
	}
	restarted := &harness{t: t, org: mustNew(t, Config{StateFile: state})}
	restarted.ts = newTestServer(t, restarted.org)
	restarted.query(restarted.adminToken(), all+" WHERE PermissionSet.IsOwnedByProfile = true").json(t, &a)
	for _, rec := range a.Records {
		user := snapUser(t, snap, rec["AssigneeId"].(string))
		if rec["Id"] != profileRows[user.Username] {
			t.Errorf("after a restart %s's profile assignment is %v, was %s", user.Username, rec["Id"], profileRows[user.Username])
		}
	}

	// A seed may not take an id from the derived range.
	seed := DefaultSeed()
	seed.PermissionSets = []SeedPermissionSet{{Name: "P", Label: "P"}}
	seed.PermissionSetAssignments = []SeedAssignment{{ID: profileAssignmentID(sfid.New(sfid.PrefixUser, 1)), PermissionSet: "P", Username: "admin@acme.test"}}
	if _, err := New(Config{Seed: seed}); err == nil || !strings.Contains(err.Error(), "range kept for assignments to profiles") {
		t.Errorf("a seed assignment id in the derived range: %v", err)
	}
}

func snapUser(t *testing.T, snap Seed, id string) SeedUser {
	t.Helper()
	for _, u := range snap.Users {
		if u.ID == id {
			return u
		}
	}
	t.Fatalf("no user %s", id)
	return SeedUser{}
}

func mustNew(t *testing.T, cfg Config) *Server {
	t.Helper()
	org, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = org.Close() })
	return org
}

// TestDoubledSlashesAreServedWithoutRedirects: "//services/..." and other unclean API paths are
// served like the clean path, for REST, SOAP and OAuth, and never answered with a redirect.
func TestDoubledSlashesAreServedWithoutRedirects(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	call := func(method, path, contentType, body string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(method, h.ts.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+admin)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := noRedirects.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(data)
	}
	token := url.Values{"grant_type": {"client_credentials"}, "client_id": {"MockorgAdminKey0001"}, "client_secret": {"MockorgAdminSecret0001"}}.Encode()
	cases := []struct{ name, method, path, contentType, body, want string }{
		{"REST query", http.MethodGet, "//services/data/v66.0/query?q=SELECT+Name+FROM+Organization", "", "", `"Name":"Acme"`},
		{"REST doubled inside", http.MethodGet, "/services//data/v66.0//limits", "", "", "DailyApiRequests"},
		{"REST versions", http.MethodGet, "//services/data/", "", "", `"version":"66.0"`},
		{"SOAP", http.MethodPost, "//services/Soap/m/66.0", "text/xml", soapEnvelope(admin, readSettings()), "enableAdminApprovedAppsOnly"},
		{"OAuth token", http.MethodPost, "//services/oauth2/token", "application/x-www-form-urlencoded", token, `"access_token"`},
		{"dot segments", http.MethodGet, "/services/data/./v66.0/x/../limits", "", "", "DailyApiRequests"},
	}
	for _, tc := range cases {
		status, header, body := call(tc.method, tc.path, tc.contentType, tc.body)
		if status != http.StatusOK || header.Get("Location") != "" || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s: %d Location=%q %s", tc.name, tc.path, status, header.Get("Location"), body)
		}
	}
	if status, header, _ := call(http.MethodGet, "//nowhere", "", ""); status != http.StatusNotFound || header.Get("Location") != "" {
		t.Errorf("unknown unclean path: %d %v", status, header)
	}
}
