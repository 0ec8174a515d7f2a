package mockorg

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
)

// TestInjectedMetadataFaults: a fault injected on the Metadata API is a SOAP fault with HTTP 500,
// the code once at the head of the faultstring, and Retry-After kept; REST and OAuth keep the status.
func TestInjectedMetadataFaults(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	cases := []struct {
		status int
		code   string
	}{{429, "REQUEST_LIMIT_EXCEEDED"}, {403, "REQUEST_LIMIT_EXCEEDED"}, {503, "SERVER_UNAVAILABLE"}, {502, "SERVER_UNAVAILABLE"}, {500, "UNKNOWN_EXCEPTION"}}
	for _, tc := range cases {
		h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/faults",
			map[string]any{"rate": 1, "statuses": []int{tc.status}, "retry_after_seconds": 3}), http.StatusOK)
		resp := h.soap(admin, readSettings())
		code, message := resp.fault(t, http.StatusInternalServerError)
		if code != "sf:"+tc.code || !strings.HasPrefix(message, tc.code+": ") || strings.Count(message, tc.code) != 1 ||
			resp.header.Get("Retry-After") != "3" {
			t.Errorf("injected %d on SOAP: %s %q Retry-After=%q", tc.status, code, message, resp.header.Get("Retry-After"))
		}
		rest := h.rest(http.MethodGet, apiBase+"/limits", admin, nil)
		if rest.status != tc.status || rest.restError(t).ErrorCode != tc.code || rest.header.Get("Retry-After") != "3" {
			t.Errorf("injected %d on REST: %d %s", tc.status, rest.status, rest.body)
		}
		var oauth map[string]string
		tr := h.tokenRequest(nil)
		tr.json(t, &oauth)
		if tr.status != tc.status || oauth["error"] == "" {
			t.Errorf("injected %d on OAuth: %d %s", tc.status, tr.status, tr.body)
		}
	}
	// A write that commits and is then answered with a fault: SOAP's shape too.
	h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/faults", map[string]any{"rate": 0, "after_commit_rate": 1}), http.StatusOK)
	resp := h.soap(admin, updateSettings(map[string]bool{"enableSkipUserProvisioningWizardWelcomePage": true}))
	if code, message := resp.fault(t, http.StatusInternalServerError); code != "sf:SERVER_UNAVAILABLE" || strings.Count(message, "SERVER_UNAVAILABLE") != 1 {
		t.Errorf("after-commit fault: %s %q", code, message)
	}
	if !h.snapshot().Settings.EnableSkipUserProvisioningWizardWelcomePage {
		t.Error("the after-commit fault's write was not kept")
	}
}

// TestVisualforceSessionRefusedOnEachAPI: the Metadata API words the refusal of a Visualforce
// session without "REST"; the REST API keeps its own text.
func TestVisualforceSessionRefusedOnEachAPI(t *testing.T) {
	seed := DefaultSeed()
	seed.Settings.EnableAdminApprovedAppsOnly = true
	h := newHarness(t, Config{Seed: seed})
	var vf struct {
		SessionID string `json:"session_id"`
	}
	h.control(http.MethodPost, "/__mockorg/sessions", map[string]string{"username": "employee@acme.test", "channel": "visualforce"}).json(t, &vf)
	code, message := h.soap(vf.SessionID, readSettings()).fault(t, http.StatusInternalServerError)
	if code != "sf:INVALID_SESSION_ID" || message != "INVALID_SESSION_ID: "+access.MessageSessionNotValidSOAP {
		t.Errorf("SOAP: %s %q", code, message)
	}
	rest := h.rest(http.MethodGet, apiBase+"/limits", vf.SessionID, nil)
	if e := rest.restError(t); rest.status != http.StatusUnauthorized || e.ErrorCode != "INVALID_SESSION_ID" || e.Message != access.MessageSessionNotValid {
		t.Errorf("REST: %d %s", rest.status, rest.body)
	}
}

// TestConnectedAppCreationRestricted: an org that may no longer create connected apps refuses
// createMetadata and a creating upsertMetadata with a SaveResult/UpsertResult error, and nothing
// else; PUT /__mockorg/snapshot switches the restriction both ways.
func TestConnectedAppCreationRestricted(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	refused := func(t *testing.T, resp response, wantCreated bool) {
		t.Helper()
		res := resp.soapAnswer(t).Body.Response.Results
		if resp.status != http.StatusOK || len(res) != 1 || res[0].Success || res[0].Created != wantCreated || len(res[0].Errors) != 1 ||
			res[0].Errors[0].StatusCode != "INSUFFICIENT_ACCESS" || res[0].Errors[0].Message != connectedAppCreationRestricted ||
			!strings.HasPrefix(res[0].Errors[0].Message, "Connected app creation is restricted") {
			t.Errorf("want the creation refusal, got %d %s", resp.status, resp.body)
		}
	}
	before := h.snapshot()
	if before.Organization.ConnectedAppCreationAllowed {
		t.Fatal("the embedded org allows connected app creation")
	}
	refused(t, h.soap(admin, `<createMetadata>`+appXML("Brand_New", "")+`</createMetadata>`), false)
	refused(t, h.soap(admin, `<upsertMetadata>`+appXML("Brand_New", "")+`</upsertMetadata>`), false)
	if mustJSON(t, h.snapshot()) != mustJSON(t, before) {
		t.Error("a refused creation changed the org")
	}

	// Existing apps are still read, updated (also by upsert), installed, blocked and deleted.
	if body := string(h.soap(admin, `<readMetadata><type>ConnectedApp</type><fullNames>Partner_Portal_Mobile</fullNames></readMetadata>`).body); !strings.Contains(body, "<fullName>Partner_Portal_Mobile</fullName>") {
		t.Errorf("read: %s", body)
	}
	h.mustSOAPSuccess(t, admin, `<updateMetadata>`+appXML("Partner_Portal_Mobile", "")+`</updateMetadata>`)
	if up := h.mustSOAPSuccess(t, admin, `<upsertMetadata>`+appXML("Partner_Portal_Mobile", "")+`</upsertMetadata>`); up[0].Created {
		t.Errorf("upsert of an existing app: %+v", up)
	}
	workbench := h.appID("Workbench")
	h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(workbench), admin, map[string]bool{"blocked": true}), http.StatusOK)
	h.mustSOAPSuccess(t, admin, `<deleteMetadata><type>ConnectedApp</type><fullNames>Partner_Portal_Mobile</fullNames></deleteMetadata>`)

	// The snapshot carries the property and flips it.
	snap := h.snapshot()
	snap.Organization.ConnectedAppCreationAllowed = true
	h.mustStatus(t, h.control(http.MethodPut, "/__mockorg/snapshot", snap), http.StatusNoContent)
	if !h.snapshot().Organization.ConnectedAppCreationAllowed {
		t.Fatal("PUT /__mockorg/snapshot did not allow creation")
	}
	if created := h.mustSOAPSuccess(t, admin, `<upsertMetadata>`+appXML("Brand_New", "")+`</upsertMetadata>`); !created[0].Created {
		t.Errorf("upsert in an org that allows creation: %+v", created)
	}
	snap = h.snapshot()
	snap.Organization.ConnectedAppCreationAllowed = false
	h.mustStatus(t, h.control(http.MethodPut, "/__mockorg/snapshot", snap), http.StatusNoContent)
	refused(t, h.soap(admin, `<createMetadata>`+appXML("Another_One", "")+`</createMetadata>`), false)
}
