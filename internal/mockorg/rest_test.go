package mockorg

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

func TestVersionsAndResources(t *testing.T) {
	h := newHarness(t, Config{})
	resp := h.send(http.MethodGet, "/services/data", nil, nil)
	var versions []struct{ Label, URL, Version string }
	resp.json(t, &versions)
	if resp.status != http.StatusOK || len(versions) != int(metadata.LatestVersion-metadata.MinVersion)+1 {
		t.Fatalf("versions: %d %s", resp.status, resp.body)
	}
	first, summer, last := versions[0], versions[len(versions)-2], versions[len(versions)-1]
	if first.Version != "47.0" || first.Label != "Winter '20" || first.URL != "/services/data/v47.0" ||
		summer.Version != "67.0" || summer.Label != "Summer '26" ||
		last.Version != "68.0" || last.Label != "Winter '27" || last.URL != "/services/data/v68.0" {
		t.Errorf("versions list ends: %+v %+v %+v", first, summer, last)
	}
	admin := h.adminToken()
	res := h.rest(http.MethodGet, apiBase, admin, nil)
	var resources map[string]string
	res.json(t, &resources)
	if res.status != http.StatusOK || resources["query"] != apiBase+"/query" || resources["sfaccess"] != apiBase+"/sfaccess" {
		t.Errorf("resources: %d %s", res.status, res.body)
	}
	if r := h.rest(http.MethodGet, "/services/data/v68.0/limits", admin, nil); r.status != http.StatusOK {
		t.Errorf("limits at Winter '27: %d %s", r.status, r.body)
	}
	for _, bad := range []string{"/services/data/v46.0/limits", "/services/data/v69.0/limits", "/services/data/v60/limits", "/services/data/v047.0/limits", "/services/data/latest/limits"} {
		if r := h.rest(http.MethodGet, bad, admin, nil); r.status != http.StatusNotFound || r.restError(t).ErrorCode != "NOT_FOUND" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

var limitInfo = regexp.MustCompile(`^api-usage=(\d+)/15000$`)

func TestLimitsAndSforceLimitInfo(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	first := h.rest(http.MethodGet, apiBase+"/limits", admin, nil)
	second := h.rest(http.MethodGet, apiBase+"/limits", admin, nil)
	m1, m2 := limitInfo.FindStringSubmatch(first.header.Get("Sforce-Limit-Info")), limitInfo.FindStringSubmatch(second.header.Get("Sforce-Limit-Info"))
	if m1 == nil || m2 == nil || m1[1] == m2[1] {
		t.Fatalf("Sforce-Limit-Info %q then %q", first.header.Get("Sforce-Limit-Info"), second.header.Get("Sforce-Limit-Info"))
	}
	var limits map[string]struct{ Max, Remaining int }
	second.json(t, &limits)
	if l := limits["DailyApiRequests"]; l.Max != 15000 || l.Remaining != 15000-2 {
		t.Errorf("DailyApiRequests %+v after two calls", l)
	}
	// Errors carry the header too.
	if bad := h.rest(http.MethodGet, apiBase+"/limits", "nope", nil); bad.header.Get("Sforce-Limit-Info") == "" {
		t.Error("a 401 lacks Sforce-Limit-Info")
	}
}

func TestRequestLimitExceeded(t *testing.T) {
	seed := DefaultSeed()
	seed.Organization.DailyAPIRequests = 3
	h := newHarness(t, Config{Seed: seed})
	admin := h.adminToken()
	for i := 0; i < 3; i++ {
		h.mustStatus(t, h.rest(http.MethodGet, apiBase+"/limits", admin, nil), http.StatusOK)
	}
	over := h.rest(http.MethodGet, apiBase+"/limits", admin, nil)
	if over.status != http.StatusForbidden || over.restError(t).ErrorCode != "REQUEST_LIMIT_EXCEEDED" {
		t.Errorf("over the limit: %d %s", over.status, over.body)
	}
	code, _ := h.soap(admin, readSettings()).fault(t, http.StatusInternalServerError)
	if code != "sf:REQUEST_LIMIT_EXCEEDED" {
		t.Errorf("SOAP over the limit: %s", code)
	}
}

func TestUnauthenticatedREST(t *testing.T) {
	h := newHarness(t, Config{})
	for _, tok := range []string{"", "garbage", "00D5g0000000001!AQnotatoken"} {
		r := h.rest(http.MethodGet, apiBase+"/sobjects/User", tok, nil)
		e := r.restError(t)
		if r.status != http.StatusUnauthorized || e.ErrorCode != "INVALID_SESSION_ID" || e.Message != "Session expired or invalid" {
			t.Errorf("token %q: %d %s", tok, r.status, r.body)
		}
	}
}

func TestPermissionSetCRUD(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	id := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin,
		map[string]any{"Name": "Portal_API_Access", "Label": "Portal API Access", "PermissionsApiEnabled": true}))
	get := h.rest(http.MethodGet, apiBase+"/sobjects/PermissionSet/"+id[:15], admin, nil)
	var ps map[string]any
	get.json(t, &ps)
	attrs, _ := ps["attributes"].(map[string]any)
	if get.status != http.StatusOK || ps["Id"] != id || ps["Name"] != "Portal_API_Access" || ps["PermissionsApiEnabled"] != true ||
		ps["PermissionsUseAnyApiClient"] != false || ps["IsOwnedByProfile"] != false || attrs["type"] != "PermissionSet" {
		t.Fatalf("GET by 15-character id: %d %s", get.status, get.body)
	}
	h.mustStatus(t, h.rest(http.MethodPatch, apiBase+"/sobjects/PermissionSet/"+id, admin,
		map[string]any{"Label": "Renamed", "Description": "why", "PermissionsApiEnabled": false}), http.StatusNoContent)
	ps = nil
	h.rest(http.MethodGet, apiBase+"/sobjects/PermissionSet/"+id+"?fields=Label,Description,PermissionsApiEnabled", admin, nil).json(t, &ps)
	if ps["Label"] != "Renamed" || ps["Description"] != "why" || ps["PermissionsApiEnabled"] != false || ps["Name"] != nil {
		t.Errorf("after PATCH with ?fields: %v", ps)
	}
	// Errors, none of which changes anything.
	before := h.snapshot()
	other := h.snapshot().Profiles[0].PermissionSetID
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"duplicate name", "POST", "/sobjects/PermissionSet", map[string]any{"Name": "portal_api_access", "Label": "x"}, 400, "DUPLICATE_VALUE"},
		{"missing label", "POST", "/sobjects/PermissionSet", map[string]any{"Name": "X1"}, 400, "REQUIRED_FIELD_MISSING"},
		{"bad API name", "POST", "/sobjects/PermissionSet", map[string]any{"Name": "1 bad", "Label": "x"}, 400, "FIELD_INTEGRITY_EXCEPTION"},
		{"unknown field", "POST", "/sobjects/PermissionSet", map[string]any{"Name": "X2", "Label": "x", "Foo": 1}, 400, "INVALID_FIELD"},
		{"unknown permission", "POST", "/sobjects/PermissionSet", map[string]any{"Name": "X3", "Label": "x", "PermissionsFlyToMars": true}, 400, "INVALID_FIELD"},
		{"wrong type", "POST", "/sobjects/PermissionSet", map[string]any{"Name": "X4", "Label": 5}, 400, "JSON_PARSER_ERROR"},
		{"wrong boolean", "POST", "/sobjects/PermissionSet", map[string]any{"Name": "X5", "Label": "x", "PermissionsApiEnabled": "yes"}, 400, "JSON_PARSER_ERROR"},
		{"read-only field", "POST", "/sobjects/PermissionSet", map[string]any{"Name": "X6", "Label": "x", "IsOwnedByProfile": true}, 400, "INVALID_FIELD_FOR_INSERT_UPDATE"},
		{"malformed JSON", "POST", "/sobjects/PermissionSet", `{"Name":`, 400, "JSON_PARSER_ERROR"},
		{"not an object", "POST", "/sobjects/PermissionSet", `[1,2]`, 400, "JSON_PARSER_ERROR"},
		{"too long", "POST", "/sobjects/PermissionSet", map[string]any{"Name": "X7", "Label": strings.Repeat("x", 81)}, 400, "STRING_TOO_LONG"},
		{"null required field", "PATCH", "/sobjects/PermissionSet/" + id, map[string]any{"Label": nil}, 400, "REQUIRED_FIELD_MISSING"},
		{"profile-owned", "PATCH", "/sobjects/PermissionSet/" + other, map[string]any{"Label": "x"}, 400, "FIELD_INTEGRITY_EXCEPTION"},
		{"delete profile-owned", "DELETE", "/sobjects/PermissionSet/" + other, nil, 400, "FIELD_INTEGRITY_EXCEPTION"},
		{"missing record", "GET", "/sobjects/PermissionSet/" + sfid.New(sfid.PrefixPermissionSet, 999999), nil, 404, "NOT_FOUND"},
		{"wrong prefix", "GET", "/sobjects/PermissionSet/" + h.userID("admin@acme.test"), nil, 404, "NOT_FOUND"},
		{"malformed id", "DELETE", "/sobjects/PermissionSet/abc", nil, 404, "NOT_FOUND"},
		{"unknown sobject", "GET", "/sobjects/Account/001000000000001", nil, 404, "NOT_FOUND"},
		{"read-only sobject", "POST", "/sobjects/User", map[string]any{"Username": "x"}, 400, "INVALID_TYPE_FOR_OPERATION"},
		{"read-only sobject update", "PATCH", "/sobjects/ConnectedApplication/" + h.appID("Workbench"), map[string]any{"Name": "x"}, 400, "INVALID_TYPE_FOR_OPERATION"},
		{"assignment of a profile's set", "POST", "/sobjects/PermissionSetAssignment", map[string]string{"PermissionSetId": other, "AssigneeId": h.userID("employee@acme.test")}, 400, "FIELD_INTEGRITY_EXCEPTION"},
		{"assignment to nobody", "POST", "/sobjects/PermissionSetAssignment", map[string]string{"PermissionSetId": id, "AssigneeId": sfid.New(sfid.PrefixUser, 999999)}, 400, "INVALID_CROSS_REFERENCE_KEY"},
		{"assignment with a malformed id", "POST", "/sobjects/PermissionSetAssignment", map[string]string{"PermissionSetId": "nope", "AssigneeId": "x"}, 400, "MALFORMED_ID"},
		{"grant of a missing app", "POST", "/sobjects/SetupEntityAccess", map[string]string{"ParentId": id, "SetupEntityId": sfid.New(sfid.PrefixConnectedApplication, 999999)}, 400, "INVALID_CROSS_REFERENCE_KEY"},
		{"grant without parent", "POST", "/sobjects/SetupEntityAccess", map[string]string{"SetupEntityId": h.appID("Workbench")}, 400, "REQUIRED_FIELD_MISSING"},
		{"method", "PUT", "/sobjects/PermissionSet/" + id, map[string]any{}, 405, "METHOD_NOT_ALLOWED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.rest(tc.method, apiBase+tc.path, admin, tc.body)
			if r.status != tc.status || r.restError(t).ErrorCode != tc.code {
				t.Errorf("got %d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
		})
	}
	if mustJSON(t, h.snapshot()) != mustJSON(t, before) {
		t.Error("refused calls changed the org")
	}
	// Assign, see the duplicate refused with the existing id, delete; the set cannot go while assigned.
	asg := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSetAssignment", admin,
		map[string]string{"PermissionSetId": id, "AssigneeId": h.userID("partner@acme.test")}))
	dup := h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSetAssignment", admin,
		map[string]string{"PermissionSetId": id, "AssigneeId": h.userID("partner@acme.test")})
	if e := dup.restError(t); e.ErrorCode != "DUPLICATE_VALUE" || !strings.Contains(e.Message, asg) {
		t.Errorf("duplicate assignment: %s", dup.body)
	}
	if r := h.rest(http.MethodDelete, apiBase+"/sobjects/PermissionSet/"+id, admin, nil); r.status != 400 || r.restError(t).ErrorCode != "DELETE_FAILED" {
		t.Errorf("deleting an assigned set: %d %s", r.status, r.body)
	}
	h.mustStatus(t, h.rest(http.MethodDelete, apiBase+"/sobjects/PermissionSetAssignment/"+asg, admin, nil), http.StatusNoContent)
	h.mustStatus(t, h.rest(http.MethodDelete, apiBase+"/sobjects/PermissionSetAssignment/"+asg, admin, nil), http.StatusNotFound)
	// Deleting the set takes its app grants with it.
	createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/SetupEntityAccess", admin, map[string]string{"ParentId": id, "SetupEntityId": h.appID("Workbench")}))
	h.mustStatus(t, h.rest(http.MethodDelete, apiBase+"/sobjects/PermissionSet/"+id, admin, nil), http.StatusNoContent)
	if n := len(h.snapshot().SetupEntityAccess); n != 1 {
		t.Errorf("%d grants after deleting the granted set, want only the seed's", n)
	}
}

func TestReadOnlyObjects(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	snap := h.snapshot()
	var user map[string]any
	h.rest(http.MethodGet, apiBase+"/sobjects/User/"+h.userID("partner@acme.test"), admin, nil).json(t, &user)
	if user["UserType"] != "PowerPartner" || user["IsActive"] != true || user["Username"] != "partner@acme.test" {
		t.Errorf("User: %v", user)
	}
	var org map[string]any
	h.rest(http.MethodGet, apiBase+"/sobjects/Organization/"+snap.Organization.ID, admin, nil).json(t, &org)
	if org["Name"] != "Acme" || org["OrganizationType"] != "Enterprise Edition" {
		t.Errorf("Organization: %v", org)
	}
	var app map[string]any
	h.rest(http.MethodGet, apiBase+"/sobjects/ConnectedApplication/"+h.appID("Terraform_Admin"), admin, nil).json(t, &app)
	if app["Name"] != "Terraform Admin" || app["OptionsAllowAdminApprovedUsersOnly"] != true || app["CreatedDate"] != "2026-01-05T09:00:00.000Z" {
		t.Errorf("ConnectedApplication: %v", app)
	}
	var desc struct {
		Name   string
		Fields []struct{ Name string }
	}
	h.rest(http.MethodGet, apiBase+"/sobjects/PermissionSet/describe", admin, nil).json(t, &desc)
	if desc.Name != "PermissionSet" || len(desc.Fields) != 6+len(permissionNames) {
		t.Errorf("describe: %+v", desc)
	}
	var global struct{ Sobjects []struct{ Name string } }
	h.rest(http.MethodGet, apiBase+"/sobjects", admin, nil).json(t, &global)
	if len(global.Sobjects) != 8 {
		t.Errorf("describeGlobal: %+v", global)
	}
}

func TestOversizeRESTBody(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	big := `{"Name":"Big","Label":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	r := h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, big)
	if r.status != http.StatusRequestEntityTooLarge || r.restError(t).ErrorCode != "REQUEST_ENTITY_TOO_LARGE" {
		t.Errorf("oversize: %d %.200s", r.status, r.body)
	}
}

// TestMalformedBodiesNeverChangeState throws malformed and mistyped JSON at every writing REST route.
func TestMalformedBodiesNeverChangeState(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	psID := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Target")))
	appID := h.appID("Partner_Portal_Mobile")
	before := h.snapshot()
	bodies := []string{"", "null", "[]", "{", "}", `"x"`, "1", "true", `{"a":1}`, `{"Name":null}`, `{"Name":{}}`, `{"blocked":"yes"}`,
		`{"blocked":null}`, `{"allowVisualforceApiAccess":1}`, `{"PermissionSetId":5}`, `{"ParentId":[]}`, "\x00\xff", `{"Name":"A"}{"Name":"B"}`,
		`{"Label":"\ud800"}`, strings.Repeat("[", 10000)}
	routes := []struct{ method, path string }{
		{"POST", "/sobjects/PermissionSet"}, {"PATCH", "/sobjects/PermissionSet/" + psID},
		{"POST", "/sobjects/PermissionSetAssignment"}, {"POST", "/sobjects/SetupEntityAccess"},
		{"PATCH", "/sfaccess/api-access-control"}, {"PATCH", setupInstallation(appID)[len(apiBase):]},
	}
	for _, route := range routes {
		for _, body := range bodies {
			r := h.rest(route.method, apiBase+route.path, admin, body)
			if r.status != http.StatusBadRequest {
				// A few bodies are valid for some routes (e.g. {"Label":...} on PATCH); those must not be 5xx.
				if r.status >= 500 {
					t.Errorf("%s %s with %q: %d %s", route.method, route.path, body, r.status, r.body)
				}
				continue
			}
			var errs []restErrorBody
			if err := json.Unmarshal(r.body, &errs); err != nil || len(errs) != 1 || errs[0].ErrorCode == "" {
				t.Errorf("%s %s with %q: not a REST error body: %s", route.method, route.path, body, r.body)
			}
		}
	}
	after := h.snapshot()
	// The only valid-for-some-route bodies above are harmless no-ops or rejected; the org is unchanged
	// except that nothing at all may have been created.
	if len(after.PermissionSets) != len(before.PermissionSets) || len(after.PermissionSetAssignments) != len(before.PermissionSetAssignments) ||
		len(after.SetupEntityAccess) != len(before.SetupEntityAccess) {
		t.Error("malformed bodies created records")
	}
}

// TestSforceLimitInfoAgreesWithLimitsAndTheCounter sends concurrent /limits calls and a write the
// disk refuses: each answer's Sforce-Limit-Info names its own call's count, its DailyApiRequests
// says the same, the counts are consecutive, and the counter ends at the last of them.
func TestSforceLimitInfoAgreesWithLimitsAndTheCounter(t *testing.T) {
	h, d := persistedHarness(t, filepath.Join(t.TempDir(), "org.json"))
	admin := h.adminToken()
	start := int(h.org.apiUsed.Load())
	d.set(true, false)
	mustFailToSave(t, "create", protoREST, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody("Unsaved")))
	d.set(false, false)
	const calls = 16
	seen := make(chan int, calls)
	var wg sync.WaitGroup
	for range calls {
		wg.Go(func() {
			r := h.rest(http.MethodGet, apiBase+"/limits", admin, nil)
			m := limitInfo.FindStringSubmatch(r.header.Get("Sforce-Limit-Info"))
			var limits map[string]struct{ Max, Remaining int }
			r.json(t, &limits)
			if m == nil {
				t.Errorf("Sforce-Limit-Info %q", r.header.Get("Sforce-Limit-Info"))
				return
			}
			used, _ := strconv.Atoi(m[1])
			if l := limits["DailyApiRequests"]; l.Max != 15000 || l.Remaining != 15000-used {
				t.Errorf("header says %d used, body %+v", used, l)
			}
			seen <- used
		})
	}
	wg.Wait()
	close(seen)
	var counts []int
	for n := range seen {
		counts = append(counts, n)
	}
	slices.Sort(counts)
	for i, n := range counts {
		if n != start+2+i { // the refused write counted as one call
			t.Fatalf("counts %v, want %d..%d", counts, start+2, start+1+calls)
		}
	}
	if got := int(h.org.apiUsed.Load()); got != start+1+calls {
		t.Errorf("counter %d, want %d", got, start+1+calls)
	}
}
