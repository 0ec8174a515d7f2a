package mockorg

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
)

// expectedDecision computes, from a snapshot alone, what internal/access decides for a user through
// an app ("" for Visualforce): the test's own reading of the org, independent of the server's.
func expectedDecision(t *testing.T, seed Seed, username, appName string) access.Decision {
	t.Helper()
	profiles := map[string]SeedProfile{}
	for _, p := range seed.Profiles {
		profiles[p.Name] = p
	}
	permSets := map[string]SeedPermissionSet{}
	for _, ps := range seed.PermissionSets {
		permSets[ps.Name] = ps
	}
	var u SeedUser
	for _, cand := range seed.Users {
		if cand.Username == username {
			u = cand
		}
	}
	prof := profiles[u.Profile]
	perms := slices.Clone(prof.Permissions)
	grantees := []string{prof.PermissionSetID}
	for _, a := range seed.PermissionSetAssignments {
		if a.Username == username {
			perms = append(perms, permSets[a.PermissionSet].Permissions...)
			grantees = append(grantees, permSets[a.PermissionSet].ID)
		}
	}
	au := access.User{
		Type: access.UserType(prof.UserType), Active: u.Active, APIEnabled: slices.Contains(perms, "ApiEnabled"),
		UseAnyAPIClient: seed.Organization.APIAccessControlProvisioned && slices.Contains(perms, "UseAnyApiClient"),
		Grantees:        grantees,
	}
	org := access.Org{
		LimitExternalUsersToInstalledApps: seed.Settings.EnableAdminApprovedAppsOnlyForExternalUser,
		LimitAllUsersToApprovedApps:       seed.Settings.EnableAdminApprovedAppsOnly,
		AllowVisualforceAPIAccess:         seed.Settings.AllowVisualforceAPIAccess,
	}
	if appName == "" {
		return access.Decide(org, au, access.ViaVisualforce())
	}
	var app access.App
	for _, a := range seed.ConnectedApps {
		if a.Name == appName {
			app = access.App{Name: a.Name, Installed: a.Installed, Blocked: a.Blocked, AdminApprovedUsersOnly: a.AdminApproved}
		}
	}
	for _, g := range seed.SetupEntityAccess {
		if g.ConnectedApp != appName {
			continue
		}
		if g.Profile != "" {
			app.GrantedTo = append(app.GrantedTo, profiles[g.Profile].PermissionSetID)
		} else {
			app.GrantedTo = append(app.GrantedTo, permSets[g.PermissionSet].ID)
		}
	}
	return access.Decide(org, au, access.ViaApp(app))
}

var seededUsers = []string{"admin@acme.test", "appmanager@acme.test", "readonly@acme.test", "employee@acme.test",
	"partner@acme.test", "customer@acme.test", "customerplus@acme.test", "highvolume@acme.test", "inactive@acme.test"}

var seededApps = []string{"Terraform_Admin", "Partner_Portal_Mobile", "Workbench", "DataLoader"}

// TestEveryDecisionMatchesTheRules walks the org through a sequence of settings changes made the way
// a person in Setup would make them, and after each one checks every seeded user through every
// seeded app and through Visualforce: the token endpoint's answer, the fate of tokens issued before
// the change, and the control API's decide, all against access.Decide on the snapshot.
func TestEveryDecisionMatchesTheRules(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	partnerProfilePS := ""
	for _, p := range h.snapshot().Profiles {
		if p.Name == "Partner Community User" {
			partnerProfilePS = p.PermissionSetID
		}
	}
	var bypassPS string
	steps := []struct {
		name   string
		change func(t *testing.T)
		// blocks names the app the step blocks; Block ends its sessions for good.
		blocks string
	}{
		{"the embedded org", func(*testing.T) {}, ""},
		{"external-user limit on", func(t *testing.T) {
			h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": true}))
		}, ""},
		{"Partner_Portal_Mobile installed", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(h.appID("Partner_Portal_Mobile")), admin, map[string]bool{"blocked": false}), http.StatusOK)
		}, ""},
		{"Partner_Portal_Mobile blocked", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPatch, setupInstallation(h.appID("Partner_Portal_Mobile")), admin, map[string]bool{"blocked": true}), http.StatusOK)
		}, "Partner_Portal_Mobile"},
		{"unblocked, all-users limit on", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPatch, setupInstallation(h.appID("Partner_Portal_Mobile")), admin, map[string]bool{"blocked": false}), http.StatusOK)
			h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": true}))
		}, ""},
		{"Visualforce option on", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPatch, apiBase+"/sfaccess/api-access-control", admin, map[string]bool{"allowVisualforceApiAccess": true}), http.StatusOK)
		}, ""},
		{"Terraform_Admin granted to the partner profile", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPost, apiBase+"/sobjects/SetupEntityAccess", admin,
				map[string]string{"ParentId": partnerProfilePS, "SetupEntityId": h.appID("Terraform_Admin")}), http.StatusCreated)
		}, ""},
		{"customer given Use Any API Client", func(t *testing.T) {
			resp := h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin,
				map[string]any{"Name": "Bypass", "Label": "Bypass", "PermissionsUseAnyApiClient": true, "PermissionsApiEnabled": true})
			h.mustStatus(t, resp, http.StatusCreated)
			var created struct{ ID string }
			resp.json(t, &created)
			bypassPS = created.ID
			h.mustStatus(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSetAssignment", admin,
				map[string]string{"PermissionSetId": bypassPS, "AssigneeId": h.userID("customer@acme.test")}), http.StatusCreated)
		}, ""},
		{"DataLoader installed and blocked", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(h.appID("DataLoader")), admin, map[string]bool{"blocked": true}), http.StatusOK)
		}, "DataLoader"},
		{"both limits off again", func(t *testing.T) {
			h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": false, "enableAdminApprovedAppsOnlyForExternalUser": false}))
		}, ""},
	}

	// Tokens issued at the start, by user and app, to check that later changes apply to them at once.
	// The admin's own management token is exempt from nothing: it goes through the rules too.
	early := map[string]string{}
	vfSessions := map[string]string{}
	for _, u := range seededUsers {
		for _, app := range seededApps {
			if resp := h.passwordGrant(u, app); resp.status == http.StatusOK {
				var tok tokenAnswer
				resp.json(t, &tok)
				early[u+"|"+app] = tok.AccessToken
			}
		}
		resp := h.control(http.MethodPost, "/__mockorg/sessions", map[string]string{"username": u, "channel": "visualforce"})
		var sess map[string]string
		resp.json(t, &sess)
		vfSessions[u] = sess["session_id"]
	}
	ended := map[string]string{}
	checked := 0
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.change(t)
			for _, u := range seededUsers {
				if token, ok := early[u+"|"+step.blocks]; ok {
					ended[u+" through "+step.blocks] = token
					delete(early, u+"|"+step.blocks)
				}
			}
			for label, token := range ended {
				resp := h.rest(http.MethodGet, apiBase+"/limits", token, nil)
				if resp.status != http.StatusUnauthorized || resp.restError(t).Message != "Session expired or invalid" {
					t.Errorf("%s: a token ended by a block got %d %s", label, resp.status, resp.body)
				}
			}
			snap := h.snapshot()
			for _, u := range seededUsers {
				for _, app := range append(slices.Clone(seededApps), "") {
					want := expectedDecision(t, snap, u, app)
					label := fmt.Sprintf("%s through %s", u, app)
					if app == "" {
						label = u + " through Visualforce"
					} else {
						resp := h.passwordGrant(u, app)
						if want.Allowed != (resp.status == http.StatusOK) {
							t.Errorf("%s: token endpoint %d %s, rules say %+v", label, resp.status, resp.body, want)
						} else if !want.Allowed {
							var body map[string]string
							resp.json(t, &body)
							if body["error"] != want.ErrorCode || body["error_description"] != want.Message {
								t.Errorf("%s: token endpoint %s, rules say %s/%s", label, resp.body, want.ErrorCode, want.Message)
							}
						}
					}
					token := early[u+"|"+app]
					if app == "" {
						token = vfSessions[u]
					}
					if token != "" {
						resp := h.rest(http.MethodGet, apiBase+"/limits", token, nil)
						switch {
						case want.Allowed && resp.status != http.StatusOK:
							t.Errorf("%s: an existing token is refused (%d %s) though the rules allow", label, resp.status, resp.body)
						case !want.Allowed && (resp.status != http.StatusUnauthorized || resp.restError(t).Message != want.Message):
							t.Errorf("%s: an existing token got %d %s, rules deny with %q", label, resp.status, resp.body, want.Message)
						}
					}
					req := map[string]string{"username": u, "channel": "visualforce"}
					if app != "" {
						req = map[string]string{"username": u, "connected_app": app}
					}
					var got struct {
						Allowed        bool
						Rule           string
						Error, Message string
					}
					h.control(http.MethodPost, "/__mockorg/decide", req).json(t, &got)
					if got.Allowed != want.Allowed || got.Rule != want.Rule || got.Error != want.ErrorCode || got.Message != want.Message {
						t.Errorf("%s: decide %+v, rules say %+v", label, got, want)
					}
					checked++
				}
			}
		})
	}
	if want := len(steps) * len(seededUsers) * (len(seededApps) + 1); checked != want {
		t.Errorf("checked %d decisions, want %d", checked, want)
	}
}

func setupInstallation(appID string) string {
	return apiBase + "/sfaccess/connected-apps/" + appID + "/installation"
}

func (h *harness) mustStatus(t *testing.T, resp response, status int) {
	t.Helper()
	if resp.status != status {
		t.Fatalf("got %d %s, want %d", resp.status, resp.body, status)
	}
}

func (h *harness) userID(username string) string {
	h.t.Helper()
	for _, u := range h.snapshot().Users {
		if u.Username == username {
			return u.ID
		}
	}
	h.t.Fatalf("no user %s", username)
	return ""
}
