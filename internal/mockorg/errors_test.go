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
