package mockorg

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
)

// expectedDecision computes, from a snapshot alone, what internal/access decides for a user through
// an app and an OAuth flow (app "" for Visualforce): the test's own reading of the org, independent
// of the server's.
func expectedDecision(t *testing.T, seed Seed, username, appName string, flow access.Flow) access.Decision {
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
		UseAnyAPIClient:           seed.Organization.APIAccessControlProvisioned && slices.Contains(perms, "UseAnyApiClient"),
		CanApproveUninstalledApps: slices.Contains(perms, "CanApproveUninstalledApps"),
		Grantees:                  grantees,
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
			app = access.App{Name: a.Name, Installed: a.Installed, Blocked: a.Blocked, OrgManaged: a.Local, AdminApprovedUsersOnly: a.AdminApproved}
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
	via := access.ViaApp(app)
	via.Flow = flow
	for _, a := range seed.OAuthTokens {
		via.PriorApproval = via.PriorApproval || a.Username == username && a.ConnectedApp == appName
	}
	return access.Decide(org, au, via)
}

var seededUsers = []string{"admin@acme.test", "appmanager@acme.test", "readonly@acme.test", "employee@acme.test",
	"partner@acme.test", "customer@acme.test", "customerplus@acme.test", "highvolume@acme.test", "inactive@acme.test"}

var seededApps = []string{"Terraform_Admin", "Partner_Portal_Mobile", "Workbench", "DataLoader"}

// Short names for the pinned tables.
const (
	inactive   = access.RuleUserInactive
	blocked    = access.RuleAppBlocked
	naa        = access.RuleNotAdminApproved
	extNotInst = access.RuleExternalAppNotInstalled
	restricted = access.RuleUninstalledAppRestricted
	bypass     = access.RuleBypassUseAnyAPIClient
	vfDenied   = access.RuleVisualforceDenied
	allowed    = access.RuleAllowed
)

// pinnedDecisions are the rule ids that decide each seeded user through Terraform_Admin,
// Partner_Portal_Mobile, Workbench, DataLoader and Visualforce (any flow but the device flow), by
// step: written by hand from the rule table, so that a regression in a rule, in the seed or in the
// test's own prediction shows.
var pinnedDecisions = map[string]map[string][5]string{
	// No limit is on: the restriction on uninstalled apps alone refuses Workbench and DataLoader to
	// users who neither approved them before nor hold Approve Uninstalled Connected Apps (employee,
	// customerplus and partner approved Workbench).
	"the embedded org": {
		"admin@acme.test":        {bypass, bypass, bypass, bypass, bypass},
		"appmanager@acme.test":   {naa, allowed, restricted, restricted, allowed},
		"readonly@acme.test":     {naa, allowed, restricted, restricted, allowed},
		"employee@acme.test":     {naa, allowed, allowed, restricted, allowed},
		"partner@acme.test":      {naa, allowed, allowed, restricted, allowed},
		"customer@acme.test":     {naa, allowed, restricted, restricted, allowed},
		"customerplus@acme.test": {naa, allowed, allowed, restricted, allowed},
		"highvolume@acme.test":   {naa, allowed, restricted, restricted, allowed},
		"inactive@acme.test":     {inactive, inactive, inactive, inactive, inactive},
	},
	// The external-user limit keeps its reason where it decides, prior approval or not.
	"external-user limit on": {
		"admin@acme.test":        {bypass, bypass, bypass, bypass, bypass},
		"appmanager@acme.test":   {naa, allowed, restricted, restricted, allowed},
		"readonly@acme.test":     {naa, allowed, restricted, restricted, allowed},
		"employee@acme.test":     {naa, allowed, allowed, restricted, allowed},
		"partner@acme.test":      {naa, extNotInst, extNotInst, extNotInst, vfDenied},
		"customer@acme.test":     {naa, extNotInst, extNotInst, extNotInst, vfDenied},
		"customerplus@acme.test": {naa, extNotInst, extNotInst, extNotInst, vfDenied},
		"highvolume@acme.test":   {naa, extNotInst, extNotInst, extNotInst, vfDenied},
		"inactive@acme.test":     {inactive, inactive, inactive, inactive, inactive},
	},
	// At the end: Partner_Portal_Mobile is installed, DataLoader blocked, Terraform_Admin granted to
	// partners, customer holds Use Any API Client (which no longer lifts the restriction),
	// employee's approval of Workbench is revoked, and readonly's new permission lifts the
	// restriction; customerplus's and partner's approvals outlived the limits.
	"readonly given Approve Uninstalled Connected Apps": {
		"admin@acme.test":        {bypass, bypass, bypass, blocked, bypass},
		"appmanager@acme.test":   {naa, allowed, restricted, blocked, allowed},
		"readonly@acme.test":     {naa, allowed, allowed, blocked, allowed},
		"employee@acme.test":     {naa, allowed, restricted, blocked, allowed},
		"partner@acme.test":      {allowed, allowed, allowed, blocked, allowed},
		"customer@acme.test":     {naa, bypass, restricted, blocked, bypass},
		"customerplus@acme.test": {naa, allowed, allowed, blocked, allowed},
		"highvolume@acme.test":   {naa, allowed, restricted, blocked, allowed},
		"inactive@acme.test":     {inactive, inactive, inactive, inactive, inactive},
	},
}

// TestEveryDecisionMatchesTheRules walks the org through a sequence of settings changes made the way
// a person in Setup would make them, and after each one checks every seeded user through every
// seeded app and through Visualforce: the token endpoint's answer, the fate of tokens issued before
// the change, and the control API's decide for the web server and the device flow, all against
// access.Decide on the snapshot, and against the pinned rule ids where a step has them.
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
		// ends names the (user, app) pairs whose sessions the step ends for good: Block ends an
		// app's, revoking an approval the pair's.
		ends func(username, app string) bool
	}{
		{"the embedded org", func(*testing.T) {}, nil},
		{"external-user limit on", func(t *testing.T) {
			h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnlyForExternalUser": true}))
		}, nil},
		{"Partner_Portal_Mobile installed", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(h.appID("Partner_Portal_Mobile")), admin, map[string]bool{"blocked": false}), http.StatusOK)
		}, nil},
		{"Partner_Portal_Mobile blocked", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPatch, setupInstallation(h.appID("Partner_Portal_Mobile")), admin, map[string]bool{"blocked": true}), http.StatusOK)
		}, throughApp("Partner_Portal_Mobile")},
		{"unblocked, all-users limit on", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPatch, setupInstallation(h.appID("Partner_Portal_Mobile")), admin, map[string]bool{"blocked": false}), http.StatusOK)
			h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": true}))
		}, nil},
		{"Visualforce option on", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPatch, apiBase+"/sfaccess/api-access-control", admin, map[string]bool{"allowVisualforceApiAccess": true}), http.StatusOK)
		}, nil},
		{"Terraform_Admin granted to the partner profile", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPost, apiBase+"/sobjects/SetupEntityAccess", admin,
				map[string]string{"ParentId": partnerProfilePS, "SetupEntityId": h.appID("Terraform_Admin")}), http.StatusCreated)
		}, nil},
		{"customer given Use Any API Client", func(t *testing.T) {
			resp := h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin,
				map[string]any{"Name": "Bypass", "Label": "Bypass", "PermissionsUseAnyApiClient": true, "PermissionsApiEnabled": true})
			h.mustStatus(t, resp, http.StatusCreated)
			var created struct{ ID string }
			resp.json(t, &created)
			bypassPS = created.ID
			h.mustStatus(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSetAssignment", admin,
				map[string]string{"PermissionSetId": bypassPS, "AssigneeId": h.userID("customer@acme.test")}), http.StatusCreated)
		}, nil},
		{"DataLoader installed and blocked", func(t *testing.T) {
			h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(h.appID("DataLoader")), admin, map[string]bool{"blocked": true}), http.StatusOK)
		}, throughApp("DataLoader")},
		{"both limits off again", func(t *testing.T) {
			h.mustSOAPSuccess(t, admin, updateSettings(map[string]bool{"enableAdminApprovedAppsOnly": false, "enableAdminApprovedAppsOnlyForExternalUser": false}))
		}, nil},
		{"employee's approval of Workbench revoked", func(t *testing.T) {
			h.mustStatus(t, h.revoke(h.deleteToken("employee@acme.test", "Workbench")), http.StatusOK)
		}, func(u, app string) bool { return u == "employee@acme.test" && app == "Workbench" }},
		{"readonly given Approve Uninstalled Connected Apps", func(t *testing.T) {
			ps := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin,
				map[string]any{"Name": "Approve_Uninstalled", "Label": "Approve Uninstalled", "PermissionsCanApproveUninstalledApps": true}))
			h.mustStatus(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSetAssignment", admin,
				map[string]string{"PermissionSetId": ps, "AssigneeId": h.userID("readonly@acme.test")}), http.StatusCreated)
		}, nil},
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
	checked, pinnedSteps := 0, 0
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.change(t)
			for key, token := range early {
				u, app, _ := strings.Cut(key, "|")
				if step.ends != nil && step.ends(u, app) {
					ended[u+" through "+app] = token
					delete(early, key)
				}
			}
			for label, token := range ended {
				resp := h.rest(http.MethodGet, apiBase+"/limits", token, nil)
				if resp.status != http.StatusUnauthorized || resp.restError(t).Message != "Session expired or invalid" {
					t.Errorf("%s: a token ended by a block got %d %s", label, resp.status, resp.body)
				}
			}
			snap := h.snapshot()
			pinned, isPinned := pinnedDecisions[step.name]
			if isPinned {
				pinnedSteps++
			}
			for _, u := range seededUsers {
				for i, app := range append(slices.Clone(seededApps), "") {
					want := expectedDecision(t, snap, u, app, access.FlowPassword) // the password grant's; Visualforce has no flow
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
					if isPinned && want.Rule != pinned[u][i] {
						t.Errorf("%s: the rules say %s, pinned %s", label, want.Rule, pinned[u][i])
					}
					if app == "" {
						h.checkDecide(t, label, map[string]string{"username": u, "channel": "visualforce"}, want)
						checked++
						continue
					}
					for _, flow := range []access.Flow{access.FlowWebServer, access.FlowDevice} {
						want := expectedDecision(t, snap, u, app, flow)
						h.checkDecide(t, label+" ("+string(flow)+")", map[string]string{"username": u, "connected_app": app, "flow": string(flow)}, want)
					}
					checked++
				}
			}
		})
	}
	if want := len(steps) * len(seededUsers) * (len(seededApps) + 1); checked != want {
		t.Errorf("checked %d decisions, want %d", checked, want)
	}
	if pinnedSteps != len(pinnedDecisions) {
		t.Errorf("%d of %d pinned tables name a step", pinnedSteps, len(pinnedDecisions))
	}
}

// checkDecide asks the control API's decide and compares it with the rules' decision.
func (h *harness) checkDecide(t *testing.T, label string, req map[string]string, want access.Decision) {
	t.Helper()
	var got struct {
		Allowed        bool
		Rule           string
		Error, Message string
	}
	h.control(http.MethodPost, "/__mockorg/decide", req).json(t, &got)
	if got.Allowed != want.Allowed || got.Rule != want.Rule || got.Error != want.ErrorCode || got.Message != want.Message {
		t.Errorf("%s: decide %+v, rules say %+v", label, got, want)
	}
}

func throughApp(name string) func(string, string) bool {
	return func(_, app string) bool { return app == name }
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
