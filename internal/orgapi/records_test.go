package orgapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// soqlServer answers queries by their exact text, so that the tests pin the SOQL the client sends
// (mockorg's SOQL subset must understand each of these).
type soqlServer struct {
	t       *testing.T
	answers map[string][]any
	writes  []string
}

func (s *soqlServer) handler(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/services/data/v66.0/query" {
		q := r.URL.Query().Get("q")
		recs, ok := s.answers[q]
		if !ok {
			s.t.Errorf("unexpected SOQL %q", q)
			restErr(w, http.StatusBadRequest, "MALFORMED_QUERY", "unexpected")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"totalSize": len(recs), "done": true, "records": recs})
		return
	}
	body, _ := io.ReadAll(r.Body)
	s.writes = append(s.writes, r.Method+" "+r.URL.Path+" "+string(body))
	switch r.Method {
	case http.MethodPost:
		writeJSON(w, http.StatusCreated, map[string]any{"id": "0PS5g0000000001GAA", "success": true})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

const permissionSetColumns = "Id, Name, Label, Description, IsOwnedByProfile, ProfileId, PermissionsApiEnabled, PermissionsApiUserOnly, PermissionsUseAnyApiClient, PermissionsCustomizeApplication, PermissionsModifyAllData, PermissionsManageRemoteAccess, PermissionsManageProfilesPermissionsets, PermissionsClientSecretRotation, PermissionsInstallPackaging, PermissionsManageUsers, PermissionsAssignPermissionSets, PermissionsViewSetup, PermissionsModifyMetadata, PermissionsCanApproveUninstalledApps, PermissionsExternalClientAppAdmin, PermissionsExternalClientAppDeveloper, PermissionsExternalClientAppViewer, PermissionsViewClientSecret"

func TestTypedRecordQueries(t *testing.T) {
	s := &soqlServer{t: t, answers: map[string][]any{
		"SELECT Id, Username, Name, UserType, IsActive, ProfileId, Profile.Name FROM User": {
			map[string]any{"Id": "0055g0000000002AAA", "Username": "b@x", "Name": "B", "UserType": "Standard", "IsActive": true, "ProfileId": "00e5g0000000001AAA", "Profile": map[string]any{"Name": "Standard User"}},
			map[string]any{"Id": "0055g0000000001AAA", "Username": "a@x", "Name": "A", "UserType": "PowerPartner", "IsActive": false, "ProfileId": "00e5g0000000002AAA", "Profile": nil},
		},
		"SELECT Id, Name, UserType FROM Profile WHERE Name IN ('Partner Community User')": {
			map[string]any{"Id": "00e5g0000000002AAA", "Name": "Partner Community User", "UserType": "PowerPartner"},
		},
		"SELECT Id, ProfileId FROM PermissionSet WHERE IsOwnedByProfile = true": {
			map[string]any{"Id": "0PS5g0000000009GAA", "ProfileId": "00e5g0000000002AAA"},
		},
		"SELECT Id, ProfileId FROM PermissionSet WHERE IsOwnedByProfile = true AND Profile.Name IN ('Partner Community User')": {
			map[string]any{"Id": "0PS5g0000000009GAA", "ProfileId": "00e5g0000000002AAA"},
		},
		"SELECT Id, PermissionsUseAnyApiClient FROM PermissionSet LIMIT 1": {},
		"SELECT " + permissionSetColumns + " FROM PermissionSet WHERE Name = 'Bypass'": {
			map[string]any{"Id": "0PS5g0000000001GAA", "Name": "Bypass", "Label": "Bypass", "Description": nil, "IsOwnedByProfile": false, "ProfileId": nil,
				"PermissionsUseAnyApiClient": true, "PermissionsApiEnabled": true, "PermissionsModifyAllData": false},
		},
		// A user's own assignments only: not the row of the permission set the profile owns.
		"SELECT Id, PermissionSetId, AssigneeId, PermissionSet.Name, Assignee.Username FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false": {
			map[string]any{"Id": "0Pa5g0000000001CAA", "PermissionSetId": "0PS5g0000000001GAA", "AssigneeId": "0055g0000000001AAA", "PermissionSet": map[string]any{"Name": "Bypass"}, "Assignee": map[string]any{"Username": "a@x"}},
		},
		"SELECT " + permissionSetColumns + " FROM PermissionSet WHERE Name = 'X00e5g0000000002'": {
			map[string]any{"Id": "0PS5g0000000009GAA", "Name": "X00e5g0000000002", "Label": "00e5g0000000002", "IsOwnedByProfile": true, "ProfileId": "00e5g0000000002AAA"},
		},
		"SELECT UserId, AppName FROM OauthToken WHERE UserId = '0055g0000000001AAA' AND AppName = 'Portal Mobile'": {
			map[string]any{"UserId": "0055g0000000001AAA", "AppName": "Portal Mobile", "Id": nil},
		},
		"SELECT UserId, AppName FROM OauthToken WHERE UserId = '0055g0000000001AAA' AND AppName = 'Workbench'": {},
		"SELECT Id, ParentId, SetupEntityId FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication'": {
			map[string]any{"Id": "0J05g0000000001CAA", "ParentId": "0PS5g0000000001GAA", "SetupEntityId": "0H45g0000000001CAA"},
		},
	}}
	ts := newServer(t, s.handler)
	c := newTestClient(t, ts.URL, Config{})
	ctx := context.Background()

	users, err := c.Users(ctx)
	if err != nil || len(users) != 2 || users[0] != (User{ID: "0055g0000000001AAA", Username: "a@x", Name: "A", UserType: "PowerPartner", ProfileID: "00e5g0000000002AAA"}) ||
		users[1].ProfileName != "Standard User" || !users[1].IsActive {
		t.Errorf("Users = %+v %v", users, err)
	}
	p, err := c.ProfileByName(ctx, "Partner Community User")
	if err != nil || *p != (Profile{ID: "00e5g0000000002AAA", Name: "Partner Community User", UserType: "PowerPartner", PermissionSetID: "0PS5g0000000009GAA"}) {
		t.Errorf("ProfileByName = %+v %v", p, err)
	}
	ps, err := c.PermissionSetByName(ctx, "Bypass")
	if err != nil || !reflect.DeepEqual(*ps, PermissionSet{ID: "0PS5g0000000001GAA", Name: "Bypass", Label: "Bypass", Permissions: []string{"ApiEnabled", "UseAnyApiClient"}}) {
		t.Errorf("PermissionSetByName = %+v %v", ps, err)
	}
	asgs, err := c.PermissionSetAssignments(ctx)
	if err != nil || asgs[0] != (PermissionSetAssignment{ID: "0Pa5g0000000001CAA", PermissionSetID: "0PS5g0000000001GAA", PermissionSetName: "Bypass", AssigneeID: "0055g0000000001AAA", Username: "a@x"}) {
		t.Errorf("PermissionSetAssignments = %+v %v", asgs, err)
	}
	_, err = c.PermissionSetByName(ctx, "X00e5g0000000002")
	if e := mustKind(t, err, KindProfileOwned); !strings.Contains(e.Message, "00e5g0000000002AAA") {
		t.Errorf("profile-owned PermissionSetByName: %v", err)
	}
	if approved, err := c.HasOAuthApproval(ctx, "0055g0000000001", "Portal Mobile"); err != nil || !approved {
		t.Errorf("HasOAuthApproval with an approval = %t %v", approved, err)
	}
	if approved, err := c.HasOAuthApproval(ctx, "0055g0000000001AAA", "Workbench"); err != nil || approved {
		t.Errorf("HasOAuthApproval without one = %t %v", approved, err)
	}
	grants, err := c.SetupEntityAccesses(ctx)
	if err != nil || grants[0] != (SetupEntityAccess{ID: "0J05g0000000001CAA", ParentID: "0PS5g0000000001GAA", SetupEntityID: "0H45g0000000001CAA"}) {
		t.Errorf("SetupEntityAccesses = %+v %v", grants, err)
	}

	// Writes: every permission column is sent, so that an update also takes permissions away.
	if err := c.UpdatePermissionSet(ctx, PermissionSet{ID: "0PS5g0000000001GAA", Label: "L", Permissions: []string{"ApiEnabled"}}); err != nil {
		t.Fatal(err)
	}
	last := s.writes[len(s.writes)-1]
	var sent map[string]any
	if err := json.Unmarshal([]byte(last[strings.Index(last, "{"):]), &sent); err != nil {
		t.Fatal(err)
	}
	if sent["PermissionsApiEnabled"] != true || sent["PermissionsUseAnyApiClient"] != false || sent["Label"] != "L" || len(sent) != 2+len(userPermissions) {
		t.Errorf("update body %v", sent)
	}
	if _, ok := sent["Name"]; ok {
		t.Error("an update without a name must not rename")
	}
	_, err = c.CreatePermissionSet(ctx, PermissionSet{Name: "Bad Name", Label: "x"})
	requireKind(t, err, KindInvalidInput)
	_, err = c.CreatePermissionSet(ctx, PermissionSet{Name: "Good", Label: "x", Permissions: []string{"Api Enabled"}})
	requireKind(t, err, KindInvalidInput)
	if _, err := c.AssignPermissionSet(ctx, "0PS5g0000000001GAA", "nope"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("AssignPermissionSet with a bad user id: %v", err)
	}
}

// TestConnectedApplicationByNameUsesListMetadata pins the route from API name to record:
// listMetadata(ConnectedApp) for the id, then the record by id; never a query by Name, which is
// the label on a real org.
func TestConnectedApplicationByNameUsesListMetadata(t *testing.T) {
	const byID = "SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication WHERE Id IN ('0H45g0000000002CAA')"
	const all = "SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication"
	var lists int
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/services/data/v66.0/query" {
			switch q := r.URL.Query().Get("q"); q {
			case byID:
				writeJSON(w, http.StatusOK, map[string]any{"totalSize": 1, "done": true, "records": []any{
					map[string]any{"Id": "0H45g0000000002CAA", "Name": "Portal Mobile", "OptionsAllowAdminApprovedUsersOnly": true}}})
			case all:
				writeJSON(w, http.StatusOK, map[string]any{"totalSize": 3, "done": true, "records": []any{
					map[string]any{"Id": "0H45g0000000002CAA", "Name": "Portal Mobile", "OptionsAllowAdminApprovedUsersOnly": true},
					map[string]any{"Id": "0H45g0000000001CAA", "Name": "Alpha Label", "OptionsAllowAdminApprovedUsersOnly": false},
					map[string]any{"Id": "0H45g0000000003CAA", "Name": "Unlisted", "OptionsAllowAdminApprovedUsersOnly": false}}})
			default:
				t.Errorf("unexpected SOQL %q", q)
				restErr(w, http.StatusBadRequest, "MALFORMED_QUERY", "unexpected")
			}
			return
		}
		req, raw := readSOAP(t, r)
		if req.Body.Call.XMLName.Local != "listMetadata" || !strings.Contains(raw, "<met:type>ConnectedApp</met:type>") {
			t.Errorf("request %s", raw)
		}
		lists++
		// listMetadata gives 15-character ids as often as 18-character ones.
		soapAnswer(w, 200, `<listMetadataResponse><result><fullName>Portal</fullName><id>0H45g0000000002</id></result><result><fullName>Alpha</fullName><id>0H45g0000000001CAA</id></result></listMetadataResponse>`)
	})
	// Coalescing off: each look-up lists (with it on, look-ups in a row share one list).
	c := newTestClient(t, ts.URL, Config{CoalesceWindow: -1})
	ctx := context.Background()

	for _, name := range []string{"Portal", "portal"} {
		app, err := c.ConnectedApplicationByName(ctx, name)
		if err != nil || *app != (ConnectedApplication{ID: "0H45g0000000002CAA", Name: "Portal", Label: "Portal Mobile", AdminApprovedUsersOnly: true}) {
			t.Errorf("ConnectedApplicationByName(%s) = %+v %v", name, app, err)
		}
	}
	if _, err := c.ConnectedApplicationByName(ctx, "Portal Mobile"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the label found an app: %v", err)
	}
	apps, err := c.ConnectedApplications(ctx)
	want := []ConnectedApplication{
		{ID: "0H45g0000000003CAA", Label: "Unlisted"},
		{ID: "0H45g0000000001CAA", Name: "Alpha", Label: "Alpha Label"},
		{ID: "0H45g0000000002CAA", Name: "Portal", Label: "Portal Mobile", AdminApprovedUsersOnly: true},
	}
	if err != nil || !reflect.DeepEqual(apps, want) {
		t.Errorf("ConnectedApplications = %+v %v", apps, err)
	}
	if lists != 4 {
		t.Errorf("%d listMetadata calls, want one per look-up (4)", lists)
	}
}
