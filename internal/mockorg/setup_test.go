package mockorg

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSetupExtension(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	var disc map[string]int
	h.rest(http.MethodGet, apiBase+"/sfaccess/", admin, nil).json(t, &disc)
	if disc["version"] != 1 {
		t.Errorf("discovery: %v", disc)
	}
	var usage struct{ ConnectedApps []oauthUsageApp }
	h.rest(http.MethodGet, apiBase+"/sfaccess/connected-apps", admin, nil).json(t, &usage)
	want := map[string]oauthUsageApp{
		"Terraform_Admin":       {Label: "Terraform Admin", Installed: true, Local: true, UserCount: 1},
		"Partner_Portal_Mobile": {Label: "Partner Portal Mobile", Local: true, UserCount: 2}, // customer's and highvolume's approvals
		"Workbench":             {Label: "Workbench", UserCount: 3},                          // employee's, customerplus's and partner's
		"DataLoader":            {Label: "Dataloader Partner", Packaged: true, UserCount: 1}, // admin's dormant approval
	}
	if len(usage.ConnectedApps) != len(want) {
		t.Fatalf("OAuth Usage list: %+v", usage)
	}
	for _, a := range usage.ConnectedApps {
		w := want[a.Name]
		w.ID, w.Name = a.ID, a.Name
		if a != w || a.ID != h.appID(a.Name) {
			t.Errorf("OAuth Usage row %+v, want %+v", a, w)
		}
	}

	ppm := h.appID("Partner_Portal_Mobile")
	if r := h.rest(http.MethodGet, setupInstallation(ppm), admin, nil); r.status != http.StatusNotFound || r.restError(t).ErrorCode != "NOT_FOUND" {
		t.Errorf("installation of an uninstalled app: %d %s", r.status, r.body)
	}
	if r := h.rest(http.MethodPatch, setupInstallation(ppm), admin, map[string]bool{"blocked": true}); r.status != http.StatusNotFound {
		t.Errorf("blocking an uninstalled app: %d %s", r.status, r.body)
	}
	var inst installation
	put := h.rest(http.MethodPut, setupInstallation(ppm[:15]), admin, map[string]bool{"blocked": true})
	put.json(t, &inst)
	if put.status != http.StatusOK || inst != (installation{ConnectedAppID: ppm, Installed: true, Blocked: true}) {
		t.Fatalf("install blocked (15-character id): %d %s", put.status, put.body)
	}
	// PUT again is idempotent and sets the block as given.
	h.rest(http.MethodPut, setupInstallation(ppm), admin, nil).json(t, &inst)
	if !inst.Installed || inst.Blocked {
		t.Errorf("second PUT without body: %+v", inst)
	}
	h.rest(http.MethodPatch, setupInstallation(ppm), admin, map[string]bool{"blocked": true}).json(t, &inst)
	h.rest(http.MethodGet, setupInstallation(ppm), admin, nil).json(t, &inst)
	if !inst.Blocked {
		t.Errorf("after PATCH blocked: %+v", inst)
	}
	if r := h.rest(http.MethodPatch, setupInstallation(ppm), admin, map[string]any{}); r.status != 400 || r.restError(t).ErrorCode != "REQUIRED_FIELD_MISSING" {
		t.Errorf("PATCH without blocked: %d %s", r.status, r.body)
	}
	h.mustStatus(t, h.rest(http.MethodDelete, setupInstallation(ppm), admin, nil), http.StatusNoContent)
	h.mustStatus(t, h.rest(http.MethodDelete, setupInstallation(ppm), admin, nil), http.StatusNotFound)
	for _, a := range h.snapshot().ConnectedApps {
		if a.Name == "Partner_Portal_Mobile" && (a.Installed || a.Blocked) {
			t.Errorf("after uninstall: %+v", a)
		}
	}
	if r := h.rest(http.MethodGet, setupInstallation("0H4000000000000"), admin, nil); r.status != http.StatusNotFound {
		t.Errorf("unknown app: %d %s", r.status, r.body)
	}
	if r := h.rest(http.MethodPost, setupInstallation(ppm), admin, nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d %s", r.status, r.body)
	}

	var vf map[string]bool
	h.rest(http.MethodPatch, apiBase+"/sfaccess/api-access-control", admin, map[string]bool{"allowVisualforceApiAccess": true}).json(t, &vf)
	if !vf["allowVisualforceApiAccess"] || !h.snapshot().Settings.AllowVisualforceAPIAccess {
		t.Errorf("Visualforce option: %v", vf)
	}
	if r := h.rest(http.MethodPatch, apiBase+"/sfaccess/api-access-control", admin, map[string]any{"allowVisualforce": true}); r.status != 400 || r.restError(t).ErrorCode != "INVALID_FIELD" {
		t.Errorf("unknown field: %d %s", r.status, r.body)
	}
}

func TestSetupExtensionCanBeDisabled(t *testing.T) {
	withoutExtension := DefaultSeed()
	withoutExtension.Organization.SetupExtensionDisabled = true
	for name, cfg := range map[string]Config{
		"by the server's configuration (--without-setup-extension)": {DisableSetupExtension: true},
		"by the org's seed (organization.setupExtensionDisabled)":   {Seed: withoutExtension},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, cfg)
			assertNoSetupExtension(t, h, h.adminToken())
		})
	}
}

// TestSetupExtensionFollowsTheSnapshot switches the extension off and on again through the org's
// snapshot, as a pipeline that rehearses for a real org would.
func TestSetupExtensionFollowsTheSnapshot(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	var seed Seed
	h.control(http.MethodGet, "/__mockorg/snapshot", nil).json(t, &seed)
	seed.Organization.SetupExtensionDisabled = true
	h.mustStatus(t, h.control(http.MethodPut, "/__mockorg/snapshot", seed), http.StatusNoContent)
	assertNoSetupExtension(t, h, admin)
	seed.Organization.SetupExtensionDisabled = false
	h.mustStatus(t, h.control(http.MethodPut, "/__mockorg/snapshot", seed), http.StatusNoContent)
	h.mustStatus(t, h.rest(http.MethodGet, apiBase+"/sfaccess/", admin, nil), http.StatusOK)
}

func assertNoSetupExtension(t *testing.T, h *harness, admin string) {
	t.Helper()
	for _, path := range []string{"/sfaccess/", "/sfaccess/connected-apps", "/sfaccess/api-access-control"} {
		r := h.rest(http.MethodGet, apiBase+path, admin, nil)
		if r.status != http.StatusNotFound || r.restError(t).ErrorCode != "NOT_FOUND" {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	var resources map[string]string
	h.rest(http.MethodGet, apiBase, admin, nil).json(t, &resources)
	if _, ok := resources["sfaccess"]; ok {
		t.Error("resources list the disabled extension")
	}
}

func TestBlockingKillsExistingTokensAtOnce(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	tok := h.webServerSession("partner@acme.test", "Partner_Portal_Mobile")
	partner := tok.AccessToken
	ppm := h.appID("Partner_Portal_Mobile")
	h.mustStatus(t, h.rest(http.MethodGet, apiBase+"/limits", partner, nil), http.StatusOK)
	h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(ppm), admin, map[string]bool{"blocked": true}), http.StatusOK)
	r := h.rest(http.MethodGet, apiBase+"/limits", partner, nil)
	if e := r.restError(t); r.status != http.StatusUnauthorized || e.ErrorCode != "INVALID_SESSION_ID" {
		t.Errorf("blocked app's token: %d %s", r.status, r.body)
	}
	if code, _ := h.soap(partner, readSettings()).fault(t, http.StatusInternalServerError); code != "sf:INVALID_SESSION_ID" {
		t.Errorf("blocked app's token on SOAP: %s", code)
	}
	// A new login through the blocked app is refused with Salesforce's words.
	if r := h.passwordGrant("partner@acme.test", "Partner_Portal_Mobile"); !strings.Contains(string(r.body), "this app is blocked by admin") {
		t.Errorf("login through a blocked app: %d %s", r.status, r.body)
	}
	// Block ended the sessions: unblocking lets the partner log in again but does not revive them.
	h.mustStatus(t, h.rest(http.MethodPatch, setupInstallation(ppm), admin, map[string]bool{"blocked": false}), http.StatusOK)
	if r := h.rest(http.MethodGet, apiBase+"/limits", partner, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a token from before the block works after unblocking: %d %s", r.status, r.body)
	}
	refresh := h.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken},
		"client_id": {"PartnerPortalMobileKey01"}, "client_secret": {"PartnerPortalMobileSecret01"}})
	if refresh.status != http.StatusBadRequest {
		t.Errorf("a refresh token from before the block works after unblocking: %d %s", refresh.status, refresh.body)
	}
	partner = h.login("partner@acme.test", "Partner_Portal_Mobile")
	h.mustStatus(t, h.rest(http.MethodGet, apiBase+"/limits", partner, nil), http.StatusOK)
	// Deleting the app kills its tokens for good.
	h.mustSOAPSuccess(t, admin, `<deleteMetadata><type>ConnectedApp</type><fullNames>Partner_Portal_Mobile</fullNames></deleteMetadata>`)
	if r := h.rest(http.MethodGet, apiBase+"/limits", partner, nil); r.status != http.StatusUnauthorized {
		t.Errorf("deleted app's token: %d %s", r.status, r.body)
	}
}

// /connected-apps/installations installs and uninstalls several apps in one call, each on its own:
// an app that does not exist, or a packaged one without InstallPackaging, fails alone.
func TestSetupExtensionBatchedInstallations(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	ppm, wb, dl := h.appID("Partner_Portal_Mobile"), h.appID("Workbench"), h.appID("DataLoader")
	missing := "0H4000000000999AAA"
	batch := apiBase + "/sfaccess/connected-apps/installations"
	type result struct {
		ID           string
		Success      bool
		Errors       []struct{ StatusCode string }
		Installation *installation
	}
	var results []result
	post := h.rest(http.MethodPost, batch, admin, map[string]any{"installations": []map[string]any{
		{"connectedAppId": ppm, "blocked": true}, {"connectedAppId": missing}, {"connectedAppId": wb[:15]},
	}})
	post.json(t, &results)
	if post.status != http.StatusOK || len(results) != 3 {
		t.Fatalf("batched install: %d %s", post.status, post.body)
	}
	if r := results[0]; !r.Success || r.Installation == nil || *r.Installation != (installation{ConnectedAppID: ppm, Installed: true, Blocked: true}) {
		t.Errorf("Partner_Portal_Mobile: %+v", r)
	}
	if r := results[1]; r.Success || len(r.Errors) != 1 || r.Errors[0].StatusCode != "NOT_FOUND" {
		t.Errorf("an app that does not exist: %+v", r)
	}
	if r := results[2]; !r.Success || r.ID != wb || r.Installation == nil || !r.Installation.Installed {
		t.Errorf("Workbench by its 15-character id: %+v", r)
	}

	del := h.rest(http.MethodDelete, batch+"?ids="+url.QueryEscape(ppm+","+dl), admin, nil)
	del.json(t, &results)
	if del.status != http.StatusOK || len(results) != 2 || !results[0].Success || results[1].Success || results[1].Errors[0].StatusCode != "NOT_FOUND" {
		t.Errorf("batched uninstall of an installed and an uninstalled app: %d %s", del.status, del.body)
	}
	var inst installation
	if r := h.rest(http.MethodGet, setupInstallation(ppm), admin, nil); r.status != http.StatusNotFound {
		t.Errorf("Partner_Portal_Mobile after the batched uninstall: %d %s", r.status, r.body)
	}
	h.rest(http.MethodGet, setupInstallation(wb), admin, nil).json(t, &inst)
	if !inst.Installed {
		t.Errorf("Workbench, which no uninstall named: %+v", inst)
	}
	if r := h.rest(http.MethodPost, batch, admin, map[string]any{"installations": []any{}}); r.status != http.StatusBadRequest {
		t.Errorf("an empty batch: %d %s", r.status, r.body)
	}
}
