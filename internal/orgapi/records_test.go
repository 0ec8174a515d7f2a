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

const permissionSetColumns = "Id, Name, Label, Description, IsOwnedByProfile, ProfileId, PermissionsApiEnabled, PermissionsApiUserOnly, PermissionsUseAnyApiClient, PermissionsCustomizeApplication, PermissionsModifyAllData, PermissionsManageRemoteAccess, PermissionsManageProfilesPermissionsets, PermissionsClientSecretRotation, PermissionsInstallPackaging, PermissionsManageUsers, PermissionsAssignPermissionSets, PermissionsViewSetup, PermissionsModifyMetadata, PermissionsCanApproveUninstalledApps"

func TestTypedRecordQueries(t *testing.T) {
	s := &soqlServer{t: t, answers: map[string][]any{
		"SELECT Id, Username, Name, UserType, IsActive, ProfileId, Profile.Name FROM User": {
			map[string]any{"Id": "0055g0000000002AAA", "Username": "b@x", "Name": "B", "UserType": "Standard", "IsActive": true, "ProfileId": "00e5g0000000001AAA", "Profile": map[string]any{"Name": "Standard User"}},
			map[string]any{"Id": "0055g0000000001AAA", "Username": "a@x", "Name": "A", "UserType": "PowerPartner", "IsActive": false, "ProfileId": "00e5g0000000002AAA", "Profile": nil},
		},
		"SELECT Id, Name, UserType FROM Profile WHERE Name = 'Partner Community User'": {
			map[string]any{"Id": "00e5g0000000002AAA", "Name": "Partner Community User", "UserType": "PowerPartner"},
		},
		"SELECT Id, ProfileId FROM PermissionSet WHERE IsOwnedByProfile = true": {
			map[string]any{"Id": "0PS5g0000000009GAA", "ProfileId": "00e5g0000000002AAA"},
		},
		"SELECT Id, PermissionsUseAnyApiClient FROM PermissionSet LIMIT 1": {},
		"SELECT " + permissionSetColumns + " FROM PermissionSet WHERE Name = 'Bypass'": {
			map[string]any{"Id": "0PS5g0000000001GAA", "Name": "Bypass", "Label": "Bypass", "Description": nil, "IsOwnedByProfile": false, "ProfileId": nil,
				"PermissionsUseAnyApiClient": true, "PermissionsApiEnabled": true, "PermissionsModifyAllData": false},
		},
		"SELECT Id, PermissionSetId, AssigneeId, PermissionSet.Name, Assignee.Username FROM PermissionSetAssignment": {
			map[string]any{"Id": "0Pa5g0000000001CAA", "PermissionSetId": "0PS5g0000000001GAA", "AssigneeId": "0055g0000000001AAA", "PermissionSet": map[string]any{"Name": "Bypass"}, "Assignee": map[string]any{"Username": "a@x"}},
		},
		"SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication WHERE Name = 'Portal'": {
			map[string]any{"Id": "0H45g0000000001CAA", "Name": "Portal", "OptionsAllowAdminApprovedUsersOnly": true},
		},
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
	app, err := c.ConnectedApplicationByName(ctx, "Portal")
	if err != nil || *app != (ConnectedApplication{ID: "0H45g0000000001CAA", Name: "Portal", AdminApprovedUsersOnly: true}) {
		t.Errorf("ConnectedApplicationByName = %+v %v", app, err)
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
