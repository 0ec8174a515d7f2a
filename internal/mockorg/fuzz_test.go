package mockorg

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// fuzzOrg is one org and an admin token for in-process fuzzing (no network: ServeHTTP directly).
// Targets that write call restoreSeed before each input, so that an input's outcome does not hang
// on what earlier inputs created (a failure must replay from its corpus file alone) and the org
// does not grow without bound over a long run.
func fuzzOrg(f *testing.F) (*Server, string) {
	f.Helper()
	seed := DefaultSeed()
	seed.Organization.DailyAPIRequests = 1 << 30         // fuzzing makes millions of calls
	seed.Organization.ConnectedAppCreationAllowed = true // so that fuzzed creates reach validation
	org, err := New(Config{Seed: seed})
	if err != nil {
		f.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/services/oauth2/token", strings.NewReader(url.Values{
		"grant_type": {"client_credentials"}, "client_id": {"MockorgAdminKey0001"}, "client_secret": {"MockorgAdminSecret0001"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	org.ServeHTTP(rec, req)
	var tok tokenAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		f.Fatalf("token: %s", rec.Body.Bytes())
	}
	return org, tok.AccessToken
}

// restoreSeed puts the org back to its seed, keeping the issued tokens (unlike the control API's
// reset) so the admin token stays valid.
func restoreSeed(t *testing.T, org *Server) {
	st, err := newState(org.seed)
	if err != nil {
		t.Fatal(err)
	}
	_ = org.mutate(func(*state) error {
		org.st = st
		return nil
	})
}

func orgJSON(t *testing.T, org *Server) string {
	var seed *Seed
	org.view(func(st *state) { seed = st.toSeed(0) })
	return mustJSON(t, seed)
}

// FuzzRESTWrites sends arbitrary bodies to the writing REST routes: no panic, no 5xx, and a
// refused request leaves the org as it was.
func FuzzRESTWrites(f *testing.F) {
	org, token := fuzzOrg(f)
	for _, seed := range []string{`{"Name":"A","Label":"B"}`, `{"PermissionsApiEnabled":true}`, `{"blocked":true}`,
		`{"allowVisualforceApiAccess":false}`, `{"ParentId":"` + sfid.New(sfid.PrefixPermissionSet, 1) + `","SetupEntityId":"` + sfid.New(sfid.PrefixConnectedApplication, 2) + `"}`,
		`{"Name":null}`, `[`, `{"a":{"b":[1,2,{"c":null}]}}`, "\xff\xfe"} {
		for route := range 6 {
			f.Add(route, seed)
		}
	}
	routes := []struct{ method, path string }{
		{"POST", apiBase + "/sobjects/PermissionSet"}, {"PATCH", apiBase + "/sobjects/PermissionSet/" + sfid.New(sfid.PrefixPermissionSet, 1)},
		{"POST", apiBase + "/sobjects/PermissionSetAssignment"}, {"POST", apiBase + "/sobjects/SetupEntityAccess"},
		{"PATCH", apiBase + "/sfaccess/api-access-control"}, {"PUT", apiBase + "/sfaccess/connected-apps/" + sfid.New(sfid.PrefixConnectedApplication, 2) + "/installation"},
	}
	f.Fuzz(func(t *testing.T, route int, body string) {
		if route < 0 {
			route = -route
		}
		r := routes[route%len(routes)]
		restoreSeed(t, org)
		before := orgJSON(t, org)
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		org.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s with %q: %d %s", r.method, r.path, body, rec.Code, rec.Body.Bytes())
		}
		if rec.Code >= 300 && orgJSON(t, org) != before {
			t.Fatalf("%s %s with %q was refused (%d) but changed the org", r.method, r.path, body, rec.Code)
		}
	})
}

// FuzzSOAP sends arbitrary envelopes to the Metadata API: no panic, and a fault changes nothing.
func FuzzSOAP(f *testing.F) {
	org, token := fuzzOrg(f)
	for _, op := range []string{readSettings(), updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": true}),
		`<createMetadata>` + appXML("Fuzzed", "") + `</createMetadata>`, `<deleteMetadata><type>ConnectedApp</type><fullNames>Workbench</fullNames></deleteMetadata>`,
		`<listMetadata><queries><type>ConnectedApp</type></queries></listMetadata>`} {
		f.Add(soapEnvelope(token, op))
		f.Add(prefixedEnvelope(token, op))
	}
	f.Add("<")
	f.Add(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`)
	f.Fuzz(func(t *testing.T, envelope string) {
		restoreSeed(t, org)
		before := orgJSON(t, org)
		rec := httptest.NewRecorder()
		org.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/services/Soap/m/66.0", strings.NewReader(envelope)))
		switch rec.Code {
		case http.StatusOK:
		case http.StatusInternalServerError, http.StatusRequestEntityTooLarge:
			if !strings.Contains(rec.Body.String(), "<soapenv:Fault>") {
				t.Fatalf("a %d that is not a fault: %s", rec.Code, rec.Body.Bytes())
			}
			if orgJSON(t, org) != before {
				t.Fatal("a faulted call changed the org")
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	})
}

// FuzzTokenEndpoint sends arbitrary forms to the token endpoint: always an OAuth answer.
func FuzzTokenEndpoint(f *testing.F) {
	org, _ := fuzzOrg(f)
	f.Add("grant_type=password&client_id=WorkbenchKey0001&client_secret=WorkbenchSecret0001&username=admin%40acme.test&password=Mockorg-Pass-1")
	f.Add("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJhbGciOiJSUzI1NiJ9.e30.AAAA")
	f.Add("grant_type=refresh_token&refresh_token=%00")
	f.Add("%zz")
	f.Fuzz(func(t *testing.T, form string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/services/oauth2/token", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		org.ServeHTTP(rec, req)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("not JSON: %s", rec.Body.Bytes())
		}
		if rec.Code != http.StatusOK && (rec.Code != http.StatusBadRequest || body["error"] == nil) {
			t.Fatalf("%d %s", rec.Code, rec.Body.Bytes())
		}
	})
}

// FuzzQuery sends arbitrary SOQL to the query route: always 200 or a REST error, never a panic.
func FuzzQuery(f *testing.F) {
	org, token := fuzzOrg(f)
	for _, q := range []string{"SELECT Id, Username, Profile.Name FROM User WHERE UserType IN ('PowerPartner','Standard') ORDER BY Profile.Name DESC NULLS LAST LIMIT 3 OFFSET 1",
		"SELECT COUNT() FROM PermissionSet WHERE IsOwnedByProfile = true", "SELECT Id FROM SetupEntityAccess WHERE Parent.ProfileId = null",
		"SELECT Name FROM ConnectedApplication WHERE Name LIKE 'T%' AND NOT (OptionsAllowAdminApprovedUsersOnly = false)",
		"SELECT Id FROM User WHERE IsActive = 'yes'", "SELECT Id FROM User WHERE CreatedDate > 5"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, apiBase+"/query?q="+url.QueryEscape(q), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		org.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("%q: %d %s", q, rec.Code, rec.Body.Bytes())
		}
		if rec.Code == http.StatusBadRequest {
			var errs []restErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &errs); err != nil || len(errs) != 1 || errs[0].ErrorCode == "" {
				t.Fatalf("%q: not a REST error: %s", q, rec.Body.Bytes())
			}
		}
	})
}
