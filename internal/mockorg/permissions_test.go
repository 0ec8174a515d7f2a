package mockorg

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// mgmtRoute is one management call, with what it needs and how to set it up.
type mgmtRoute struct {
	name string
	ops  []operation
	soap bool
	// prepare creates, as the admin, what the call works on, and returns the call.
	prepare func(t *testing.T, h *harness, admin string, n int) func(token string) response
}

func psBody(name string) map[string]any { return map[string]any{"Name": name, "Label": name} }

func createdID(t *testing.T, resp response) string {
	t.Helper()
	if resp.status != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.status, resp.body)
	}
	var c struct {
		ID string `json:"id"`
	}
	resp.json(t, &c)
	return c.ID
}

func appXML(name string, extra string) string {
	return `<metadata xsi:type="ConnectedApp"><fullName>` + name + `</fullName><label>` + name + `</label><contactEmail>x@acme.test</contactEmail>
<oauthConfig><callbackUrl>https://x.test/cb</callbackUrl><isAdminApproved>true</isAdminApproved><scopes>Api</scopes></oauthConfig>` + extra + `</metadata>`
}

var mgmtRoutes = []mgmtRoute{
	{"create permission set", []operation{opManagePermissionSets}, false, func(t *testing.T, h *harness, _ string, n int) func(string) response {
		return func(tok string) response {
			return h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", tok, psBody(fmt.Sprintf("New_%d", n)))
		}
	}},
	{"update permission set", []operation{opManagePermissionSets}, false, func(t *testing.T, h *harness, admin string, n int) func(string) response {
		id := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody(fmt.Sprintf("Upd_%d", n))))
		return func(tok string) response {
			return h.rest(http.MethodPatch, apiBase+"/sobjects/PermissionSet/"+id, tok, map[string]any{"PermissionsUseAnyApiClient": true})
		}
	}},
	{"delete permission set", []operation{opManagePermissionSets}, false, func(t *testing.T, h *harness, admin string, n int) func(string) response {
		id := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody(fmt.Sprintf("Del_%d", n))))
		return func(tok string) response {
			return h.rest(http.MethodDelete, apiBase+"/sobjects/PermissionSet/"+id, tok, nil)
		}
	}},
	{"assign permission set", []operation{opAssignPermissionSets}, false, func(t *testing.T, h *harness, admin string, n int) func(string) response {
		id := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody(fmt.Sprintf("Asg_%d", n))))
		user := h.userID("employee@acme.test")
		return func(tok string) response {
			return h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSetAssignment", tok, map[string]string{"PermissionSetId": id, "AssigneeId": user})
		}
	}},
	{"unassign permission set", []operation{opAssignPermissionSets}, false, func(t *testing.T, h *harness, admin string, n int) func(string) response {
		ps := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody(fmt.Sprintf("Una_%d", n))))
		id := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSetAssignment", admin,
			map[string]string{"PermissionSetId": ps, "AssigneeId": h.userID("employee@acme.test")}))
		return func(tok string) response {
			return h.rest(http.MethodDelete, apiBase+"/sobjects/PermissionSetAssignment/"+id, tok, nil)
		}
	}},
	{"grant an app", []operation{opChangeAppGrants}, false, func(t *testing.T, h *harness, admin string, n int) func(string) response {
		ps := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody(fmt.Sprintf("Grt_%d", n))))
		app := h.appID("Partner_Portal_Mobile")
		return func(tok string) response {
			return h.rest(http.MethodPost, apiBase+"/sobjects/SetupEntityAccess", tok, map[string]string{"ParentId": ps, "SetupEntityId": app})
		}
	}},
	{"revoke an app grant", []operation{opChangeAppGrants}, false, func(t *testing.T, h *harness, admin string, n int) func(string) response {
		ps := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/PermissionSet", admin, psBody(fmt.Sprintf("Rvk_%d", n))))
		id := createdID(t, h.rest(http.MethodPost, apiBase+"/sobjects/SetupEntityAccess", admin,
			map[string]string{"ParentId": ps, "SetupEntityId": h.appID("Partner_Portal_Mobile")}))
		return func(tok string) response {
			return h.rest(http.MethodDelete, apiBase+"/sobjects/SetupEntityAccess/"+id, tok, nil)
		}
	}},
	{"read the Visualforce option", []operation{opReadSettings}, false, func(t *testing.T, h *harness, _ string, _ int) func(string) response {
		return func(tok string) response {
			return h.rest(http.MethodGet, apiBase+"/sfaccess/api-access-control", tok, nil)
		}
	}},
	{"change the Visualforce option", []operation{opUpdateSettings}, false, func(t *testing.T, h *harness, _ string, n int) func(string) response {
		return func(tok string) response {
			return h.rest(http.MethodPatch, apiBase+"/sfaccess/api-access-control", tok, map[string]bool{"allowVisualforceApiAccess": n%2 == 0})
		}
	}},
	{"list the OAuth Usage page", []operation{opReadApps}, false, func(t *testing.T, h *harness, _ string, _ int) func(string) response {
		return func(tok string) response { return h.rest(http.MethodGet, apiBase+"/sfaccess/connected-apps", tok, nil) }
	}},
	{"read an installation", []operation{opReadApps}, false, func(t *testing.T, h *harness, _ string, _ int) func(string) response {
		app := h.appID("Terraform_Admin")
		return func(tok string) response { return h.rest(http.MethodGet, setupInstallation(app), tok, nil) }
	}},
	{"install an app", []operation{opInstallApp}, false, func(t *testing.T, h *harness, admin string, _ int) func(string) response {
		app := h.appID("Partner_Portal_Mobile")
		if r := h.rest(http.MethodGet, setupInstallation(app), admin, nil); r.status == http.StatusOK {
			h.mustStatus(t, h.rest(http.MethodDelete, setupInstallation(app), admin, nil), http.StatusNoContent)
		}
		return func(tok string) response {
			return h.rest(http.MethodPut, setupInstallation(app), tok, map[string]bool{"blocked": false})
		}
	}},
	{"install a packaged app", []operation{opInstallPackagedApp}, false, func(t *testing.T, h *harness, admin string, _ int) func(string) response {
		app := h.appID("DataLoader")
		if r := h.rest(http.MethodGet, setupInstallation(app), admin, nil); r.status == http.StatusOK {
			h.mustStatus(t, h.rest(http.MethodDelete, setupInstallation(app), admin, nil), http.StatusNoContent)
		}
		return func(tok string) response { return h.rest(http.MethodPut, setupInstallation(app), tok, nil) }
	}},
	{"block an app", []operation{opInstallApp}, false, func(t *testing.T, h *harness, admin string, n int) func(string) response {
		app := h.appID("Workbench")
		h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(app), admin, nil), http.StatusOK)
		return func(tok string) response {
			// Blocking Workbench would cut off the caller's own token; toggling it is checked by the
			// decision tests, here the permission is.
			return h.rest(http.MethodPatch, setupInstallation(app), tok, map[string]bool{"blocked": false})
		}
	}},
	{"uninstall an app", []operation{opInstallApp}, false, func(t *testing.T, h *harness, admin string, _ int) func(string) response {
		app := h.appID("Partner_Portal_Mobile")
		h.mustStatus(t, h.rest(http.MethodPut, setupInstallation(app), admin, nil), http.StatusOK)
		return func(tok string) response { return h.rest(http.MethodDelete, setupInstallation(app), tok, nil) }
	}},
	{"read ConnectedAppSettings", []operation{opReadSettings}, true, func(t *testing.T, h *harness, _ string, _ int) func(string) response {
		return func(tok string) response { return h.soap(tok, readSettings()) }
	}},
	{"update ConnectedAppSettings", []operation{opUpdateSettings}, true, func(t *testing.T, h *harness, _ string, n int) func(string) response {
		return func(tok string) response {
			return h.soap(tok, updateSettings(map[string]bool{"enableSkipUserProvisioningWizardWelcomePage": n%2 == 0}))
		}
	}},
	{"read a ConnectedApp", []operation{opReadApps}, true, func(t *testing.T, h *harness, _ string, _ int) func(string) response {
		return func(tok string) response {
			return h.soap(tok, `<readMetadata><type>ConnectedApp</type><fullNames>Workbench</fullNames></readMetadata>`)
		}
	}},
	{"list ConnectedApps", []operation{opReadApps}, true, func(t *testing.T, h *harness, _ string, _ int) func(string) response {
		return func(tok string) response {
			return h.soap(tok, `<listMetadata><queries><type>ConnectedApp</type></queries></listMetadata>`)
		}
	}},
	{"create a ConnectedApp", []operation{opWriteApps}, true, func(t *testing.T, h *harness, _ string, n int) func(string) response {
		return func(tok string) response {
			return h.soap(tok, `<createMetadata>`+appXML(fmt.Sprintf("Created_%d", n), "")+`</createMetadata>`)
		}
	}},
	{"upsert a ConnectedApp", []operation{opWriteApps}, true, func(t *testing.T, h *harness, _ string, n int) func(string) response {
		return func(tok string) response {
			return h.soap(tok, `<upsertMetadata>`+appXML(fmt.Sprintf("Upserted_%d", n), "")+`</upsertMetadata>`)
		}
	}},
	{"update a ConnectedApp's grants", []operation{opWriteApps, opChangeAppGrants}, true, func(t *testing.T, h *harness, admin string, n int) func(string) response {
		name := fmt.Sprintf("Granted_%d", n)
		h.mustSOAPSuccess(t, admin, `<createMetadata>`+appXML(name, "")+`</createMetadata>`)
		return func(tok string) response {
			return h.soap(tok, `<updateMetadata>`+appXML(name, "<profileName>Standard User</profileName>")+`</updateMetadata>`)
		}
	}},
	{"delete a ConnectedApp", []operation{opWriteApps}, true, func(t *testing.T, h *harness, admin string, n int) func(string) response {
		name := fmt.Sprintf("Deleted_%d", n)
		h.mustSOAPSuccess(t, admin, `<createMetadata>`+appXML(name, "")+`</createMetadata>`)
		return func(tok string) response {
			return h.soap(tok, `<deleteMetadata><type>ConnectedApp</type><fullNames>`+name+`</fullNames></deleteMetadata>`)
		}
	}},
	{"deploy ConnectedAppSettings", []operation{opUpdateSettings}, true, func(t *testing.T, h *harness, _ string, n int) func(string) response {
		zip := zipOf(t, map[string]string{
			"package.xml":                    `<Package ` + nsMeta + `><types><members>ConnectedApp</members><name>Settings</name></types></Package>`,
			"settings/ConnectedApp.settings": fmt.Sprintf(`<ConnectedAppSettings `+nsMeta+`><enableSkipUserProvisioningWizardWelcomePage>%t</enableSkipUserProvisioningWizardWelcomePage></ConnectedAppSettings>`, n%2 == 0),
		})
		return func(tok string) response { return h.soap(tok, deployOf(zip, false, true)) }
	}},
	{"retrieve connected apps", []operation{opReadApps}, true, func(t *testing.T, h *harness, _ string, _ int) func(string) response {
		return func(tok string) response {
			return h.soap(tok, `<retrieve><request><unpackaged><types><members>*</members><name>ConnectedApp</name></types></unpackaged></request></retrieve>`)
		}
	}},
}

// clausesOf is the union of the requirement clauses of a route's operations.
func clausesOf(ops []operation) [][]string {
	var out [][]string
	for _, op := range ops {
		for _, c := range requirements[op].clauses {
			if !slices.ContainsFunc(out, func(o []string) bool { return slices.Equal(o, c) }) {
				out = append(out, c)
			}
		}
	}
	return out
}

func satisfies(perms []string, clauses [][]string) bool {
	for _, c := range clauses {
		if !slices.ContainsFunc(c, func(p string) bool { return slices.Contains(perms, p) }) {
			return false
		}
	}
	return true
}

// permissionMatrixSeed adds, to the embedded org allowed to create connected apps (some routes
// create them), one user per requirement clause holding every permission but that clause's, and
// one user per route holding only what the route needs (the last alternative of each clause, so
// that the "or" is exercised).
func permissionMatrixSeed() (*Seed, map[string][]string) {
	seed := creatingOrg()
	// Workbench is every user's login app; installed, it serves users who never approved it.
	for i := range seed.ConnectedApps {
		if seed.ConnectedApps[i].Name == "Workbench" {
			seed.ConnectedApps[i].Installed = true
		}
	}
	perms := map[string][]string{}
	add := func(username string, p []string) {
		name := "Profile " + username
		seed.Profiles = append(seed.Profiles, SeedProfile{Name: name, UserType: "Standard", Permissions: append([]string{"ApiEnabled"}, p...)})
		seed.Users = append(seed.Users, SeedUser{Username: username, Profile: name, Active: true, Password: DefaultPassword})
		perms[username] = append([]string{"ApiEnabled"}, p...)
	}
	for _, clause := range clausesOf([]operation{opReadApps, opWriteApps, opChangeAppGrants, opInstallApp, opInstallPackagedApp,
		opReadSettings, opUpdateSettings, opManagePermissionSets, opAssignPermissionSets}) {
		var p []string
		for _, name := range permissionNames {
			if name != "ApiEnabled" && !slices.Contains(clause, name) {
				p = append(p, name)
			}
		}
		add("lacks-"+strings.ToLower(strings.Join(clause, "-"))+"@acme.test", p)
	}
	for i, r := range mgmtRoutes {
		var p []string
		for _, c := range clausesOf(r.ops) {
			if !satisfies(p, [][]string{c}) {
				p = append(p, c[len(c)-1])
			}
		}
		add(fmt.Sprintf("minimal-%d@acme.test", i), p)
	}
	for _, u := range seed.Users {
		if _, ok := perms[u.Username]; !ok {
			for _, p := range seed.Profiles {
				if p.Name == u.Profile {
					perms[u.Username] = p.Permissions
				}
			}
		}
	}
	return seed, perms
}

// TestPermissionMatrix calls every management route as every user lacking one requirement clause
// (and as the seeded appmanager and readonly users): each gets INSUFFICIENT_ACCESS in the route's
// protocol, naming the permissions, and the org does not change. A user holding exactly what the
// route needs succeeds.
func TestPermissionMatrix(t *testing.T) {
	seed, perms := permissionMatrixSeed()
	h := newHarness(t, Config{Seed: seed})
	admin := h.adminToken()
	tokens := map[string]string{}
	for username := range perms {
		if username != "inactive@acme.test" {
			tokens[username] = h.login(username, "Workbench")
		}
	}
	denials := 0
	serial := 0
	prepare := func(t *testing.T, r mgmtRoute) func(string) response {
		serial++
		return r.prepare(t, h, admin, serial)
	}
	for i, route := range mgmtRoutes {
		t.Run(route.name, func(t *testing.T) {
			clauses := clausesOf(route.ops)
			var callers []string
			for username := range tokens {
				if strings.HasPrefix(username, "lacks-") || username == "appmanager@acme.test" || username == "readonly@acme.test" {
					callers = append(callers, username)
				}
			}
			slices.Sort(callers)
			for _, username := range callers {
				if satisfies(perms[username], clauses) {
					continue
				}
				call := prepare(t, route)
				before := h.snapshot()
				resp := call(tokens[username])
				var message string
				if route.soap {
					code, msg := resp.fault(t, http.StatusInternalServerError)
					if code != "sf:INSUFFICIENT_ACCESS" {
						t.Errorf("%s: faultcode %s", username, code)
					}
					message = msg
				} else {
					if resp.status != http.StatusForbidden {
						t.Errorf("%s: status %d %s, want 403", username, resp.status, resp.body)
						continue
					}
					e := resp.restError(t)
					if e.ErrorCode != "INSUFFICIENT_ACCESS" {
						t.Errorf("%s: errorCode %s", username, e.ErrorCode)
					}
					message = e.Message
				}
				for _, c := range clauses {
					if !satisfies(perms[username], [][]string{c}) {
						for _, p := range c {
							if !strings.Contains(message, p) {
								t.Errorf("%s: the message %q does not name the missing %s", username, message, p)
							}
						}
						break // the first requirement that fails is the one reported
					}
				}
				if after := h.snapshot(); mustJSON(t, after) != mustJSON(t, before) {
					t.Errorf("%s: a denied call changed the org", username)
				}
				denials++
			}
			minimal := fmt.Sprintf("minimal-%d@acme.test", i)
			call := prepare(t, route)
			resp := call(tokens[minimal])
			ok := resp.status/100 == 2
			if route.soap {
				ok = resp.status == http.StatusOK && resp.soapAnswer(t).Body.Fault == nil &&
					!strings.Contains(string(resp.body), "<success>false</success>")
			}
			if !ok {
				t.Errorf("%s holding only %v: %d %s", minimal, perms[minimal], resp.status, resp.body)
			}
		})
	}
	if denials < 3*len(mgmtRoutes) {
		t.Errorf("only %d denials were exercised", denials)
	}
}
