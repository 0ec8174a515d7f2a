package mockorg

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// The setup extension serves what Salesforce has no public API for: Install/Uninstall and
// Block/Unblock on the Connected Apps OAuth Usage page, and the "Allow Visualforce pages to access
// APIs" option (ARCHITECTURE.md, Setup extension).

// oauthUsageApp and installation are the extension's JSON as mockorg serves it. orgapi decodes
// into types of its own (extension.go), so that neither side's Go types define the wire;
// TestOracleSetupExtensionShapesMatchOrgapi pins the two.
type oauthUsageApp struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Label     string `json:"label"`
	Installed bool   `json:"installed"`
	Blocked   bool   `json:"blocked"`
	Packaged  bool   `json:"packaged"`
	Local     bool   `json:"local"`
	UserCount int    `json:"userCount"`
}

type installation struct {
	ConnectedAppID string `json:"connectedAppId"`
	Installed      bool   `json:"installed"`
	Blocked        bool   `json:"blocked"`
	Packaged       bool   `json:"packaged"`
}

func installationOf(a *connectedApp) installation {
	return installation{ConnectedAppID: a.ID, Installed: a.Installed, Blocked: a.Blocked, Packaged: a.Packaged}
}

// setupExtensionServed reports whether this org serves the setup extension: neither the server's
// configuration nor the org's seed has switched it off.
func (s *Server) setupExtensionServed() bool {
	served := !s.cfg.DisableSetupExtension
	s.view(func(st *state) { served = served && !st.org.SetupExtensionDisabled })
	return served
}

// setupRoutes serves the extension below /sfaccess; the router answers NOT_FOUND for all of it
// when the extension is not served.
func (s *Server) setupRoutes(rt *restRouter) {
	rt.get("/sfaccess", func(c *restCall) {
		note(c.r, "setup:discovery", false)
		writeJSON(c.w, http.StatusOK, map[string]int{"version": 1})
	})
	rt.otherwise("/sfaccess", refuse("setup:discovery", false, "GET"))
	rt.get("/sfaccess/api-access-control", s.getAPIAccessControl)
	rt.handle(http.MethodPatch, "/sfaccess/api-access-control", s.updateAPIAccessControl)
	rt.otherwise("/sfaccess/api-access-control", refuse("setup:apiAccessControl", false, "GET", "PATCH"))
	rt.get("/sfaccess/connected-apps", s.setupListApps)
	rt.otherwise("/sfaccess/connected-apps", refuse("setup:listConnectedApps", false, "GET"))
	rt.handle(http.MethodPost, "/sfaccess/connected-apps/installations", s.installApps)
	rt.handle(http.MethodDelete, "/sfaccess/connected-apps/installations", s.uninstallApps)
	rt.otherwise("/sfaccess/connected-apps/installations", refuse("setup:installations", false, "POST", "DELETE"))
	rt.any("/sfaccess/connected-apps/{id}/installation", s.setupInstallation)
}

// apiAccessControl is the extension's answer about Visualforce API access.
type apiAccessControl struct {
	AllowVisualforceAPIAccess bool `json:"allowVisualforceApiAccess"`
}

func (s *Server) getAPIAccessControl(c *restCall) {
	note(c.r, "setup:getApiAccessControl", false)
	var out apiAccessControl
	aerr := s.viewAs(c.caller, func(st *state, u *user) *apiError {
		if msg := st.denial(u, opReadSettings); msg != "" {
			return insufficientAccess(msg)
		}
		out.AllowVisualforceAPIAccess = st.settings.AllowVisualforceAPIAccess
		return nil
	})
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	writeJSON(c.w, http.StatusOK, out)
}

func (s *Server) updateAPIAccessControl(c *restCall) {
	note(c.r, "setup:updateApiAccessControl", true)
	raw, aerr := readBody(c.r)
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	var allow *bool
	if aerr := decodeStrictJSON(raw, map[string]any{"allowVisualforceApiAccess": &allow}); aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	var out apiAccessControl
	err := s.mutateAs(c.caller, func(st *state, u *user) error {
		if msg := st.denial(u, opUpdateSettings); msg != "" {
			return insufficientAccess(msg)
		}
		if allow != nil {
			if *allow && !st.org.Provisioned {
				return errFeatureNotProvisioned("allowVisualforceApiAccess")
			}
			st.settings.AllowVisualforceAPIAccess = *allow
		}
		out.AllowVisualforceAPIAccess = st.settings.AllowVisualforceAPIAccess
		return nil
	})
	if err != nil {
		writeRESTErr(c.w, err)
		return
	}
	committed(c.r)
	s.log.Info("Visualforce API access changed", "allow", out.AllowVisualforceAPIAccess, "user", c.caller.username)
	writeJSON(c.w, http.StatusOK, out)
}

// featureNotProvisionedMessage is what an org without API Access Control answers; Salesforce's exact
// text is not published (SALESFORCE.md, Assumptions).
const featureNotProvisionedMessage = "API Access Control isn't enabled for this org. Contact Salesforce Customer Support to enable it."

func errFeatureNotProvisioned(field string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "FEATURE_NOT_ENABLED", message: featureNotProvisionedMessage, fields: []string{field}}
}

func (s *Server) setupListApps(c *restCall) {
	note(c.r, "setup:listConnectedApps", false)
	out := []oauthUsageApp{}
	aerr := s.viewAs(c.caller, func(st *state, u *user) *apiError {
		if msg := st.denial(u, opReadApps); msg != "" {
			return insufficientAccess(msg)
		}
		for _, a := range sorted(st.apps) {
			out = append(out, oauthUsageApp{ID: a.ID, Name: a.Name, Label: a.Label, Installed: a.Installed,
				Blocked: a.Blocked, Packaged: a.Packaged, Local: a.Local, UserCount: s.usersOfAppLocked(a.ID)})
		}
		return nil
	})
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"connectedApps": out})
}

// setupInstallation serves /connected-apps/{id}/installation; a malformed id or one of another
// kind is refused whatever the method.
func (s *Server) setupInstallation(c *restCall) {
	rawID := c.r.PathValue("id")
	id, err := sfid.Normalize(rawID)
	if err != nil || id[:3] != sfid.PrefixConnectedApplication {
		note(c.r, "setup:installation", false)
		writeRESTErr(c.w, noConnectedApp(rawID))
		return
	}
	in := installationCall{restCall: c, appRef: appRef{id: id, rawID: rawID}}
	switch c.r.Method {
	case http.MethodGet:
		s.getInstallation(in)
	case http.MethodPut, http.MethodPatch:
		s.putInstallation(in, c.r.Method == http.MethodPut)
	case http.MethodDelete:
		s.deleteInstallation(in)
	default:
		note(c.r, "setup:installation", false)
		writeRESTErr(c.w, methodNotAllowed(c.r, "GET", "PUT", "PATCH", "DELETE"))
	}
}

// installationCall is a call to /connected-apps/{id}/installation whose id is a well-formed 0H4 id.
type installationCall struct {
	*restCall
	appRef
}

// appRef is a well-formed 0H4 id an installation call names.
type appRef struct {
	id    string // normalised
	rawID string // as the caller wrote it, for messages
}

func noConnectedApp(rawID string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "NOT_FOUND", message: "No connected app with id " + rawID}
}

func notInstalled(a *connectedApp) *apiError {
	return &apiError{status: http.StatusNotFound, code: "NOT_FOUND", message: "Connected app " + a.Name + " is not installed"}
}

// installedApp finds the app and checks the caller's permission for op, in that order: a caller
// without the permission learns no more than that the app exists. requireInstalled then refuses
// an app that is not installed.
func (in appRef) installedApp(st *state, u *user, op func(*connectedApp) operation, requireInstalled bool) (*connectedApp, *apiError) {
	a := st.apps[in.id]
	if a == nil {
		return nil, noConnectedApp(in.rawID)
	}
	if msg := st.denial(u, op(a)); msg != "" {
		return nil, insufficientAccess(msg)
	}
	if requireInstalled && !a.Installed {
		return nil, notInstalled(a)
	}
	return a, nil
}

// installOp is what a change to a's installation needs: installing or uninstalling a packaged app
// also needs InstallPackaging; blocking an installed app, or installing one again, does not.
func installOp(a *connectedApp, changesInstallation bool) operation {
	if changesInstallation && a.Packaged {
		return opInstallPackagedApp
	}
	return opInstallApp
}

func (s *Server) getInstallation(in installationCall) {
	note(in.r, "setup:getInstallation", false)
	var out installation
	aerr := s.viewAs(in.caller, func(st *state, u *user) *apiError {
		a, aerr := in.installedApp(st, u, func(*connectedApp) operation { return opReadApps }, true)
		if aerr != nil {
			return aerr
		}
		out = installationOf(a)
		return nil
	})
	if aerr != nil {
		writeRESTErr(in.w, aerr)
		return
	}
	writeJSON(in.w, http.StatusOK, out)
}

// putInstallation serves PUT (install, optionally blocked; idempotent) and PATCH (block or
// unblock an installed app).
func (s *Server) putInstallation(in installationCall, install bool) {
	op := "setup:blockApp"
	if install {
		op = "setup:installApp"
	}
	note(in.r, op, true)
	blocked, aerr := readBlocked(in.r, install)
	if aerr != nil {
		writeRESTErr(in.w, aerr)
		return
	}
	var out installation
	err := s.mutateAs(in.caller, func(st *state, u *user) error {
		var aerr *apiError
		out, aerr = s.installLocked(st, u, in.appRef, install, blocked != nil && *blocked)
		if aerr != nil {
			return aerr
		}
		return nil
	})
	if err != nil {
		writeRESTErr(in.w, err)
		return
	}
	committed(in.r)
	s.log.Info("connected app installation changed", "app", in.id, "installed", out.Installed, "blocked", out.Blocked, "user", in.caller.username)
	writeJSON(in.w, http.StatusOK, out)
}

// installLocked installs the app (install; idempotent) or blocks or unblocks it (an installed app
// only): PUT's and PATCH's rule, for one app.
func (s *Server) installLocked(st *state, u *user, ref appRef, install, blocked bool) (installation, *apiError) {
	need := func(a *connectedApp) operation { return installOp(a, install && !a.Installed) }
	a, aerr := ref.installedApp(st, u, need, !install)
	if aerr != nil {
		return installation{}, aerr
	}
	wasBlocked := a.Installed && a.Blocked
	a.Installed = true
	a.Blocked = blocked
	if a.Blocked && !wasBlocked {
		// Salesforce's Block "ends all current user sessions with the connected app": the
		// tokens are gone, so unblocking later does not bring them back.
		s.dropTokensOfAppLocked(a.ID)
	}
	return installationOf(a), nil
}

// uninstallLocked uninstalls an installed app: DELETE's rule, for one app.
func (s *Server) uninstallLocked(st *state, u *user, ref appRef) *apiError {
	a, aerr := ref.installedApp(st, u, func(a *connectedApp) operation { return installOp(a, true) }, true)
	if aerr != nil {
		return aerr
	}
	// Uninstalling drops the app's OAuth Usage policies, the block included, and ends its
	// sessions: the users' approvals and tokens are gone, so an uninstalled app serves
	// only users the restriction on uninstalled apps spares.
	a.Installed, a.Blocked = false, false
	s.dropTokensOfAppLocked(a.ID)
	return nil
}

// readBlocked reads {"blocked":bool}: optional (an empty body) on install, required on PATCH.
func readBlocked(r *http.Request, install bool) (*bool, *apiError) {
	raw, aerr := readBody(r)
	if aerr != nil {
		return nil, aerr
	}
	var blocked *bool
	if len(bytes.TrimSpace(raw)) > 0 || !install {
		if aerr := decodeStrictJSON(raw, map[string]any{"blocked": &blocked}); aerr != nil {
			return nil, aerr
		}
	}
	if !install && blocked == nil {
		return nil, requiredFieldsMissing("blocked")
	}
	return blocked, nil
}

func (s *Server) deleteInstallation(in installationCall) {
	note(in.r, "setup:uninstallApp", true)
	err := s.mutateAs(in.caller, func(st *state, u *user) error {
		if aerr := s.uninstallLocked(st, u, in.appRef); aerr != nil {
			return aerr
		}
		return nil
	})
	if err != nil {
		writeRESTErr(in.w, err)
		return
	}
	committed(in.r)
	s.log.Info("connected app uninstalled", "app", in.id, "user", in.caller.username)
	in.w.WriteHeader(http.StatusNoContent)
}

// decodeStrictJSON decodes a JSON object whose only allowed keys are those of fields (each a pointer
// to a pointer, so that absent stays nil), answering in the REST error shape.
func decodeStrictJSON(raw []byte, fields map[string]any) *apiError {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&obj); err != nil || obj == nil || dec.More() {
		msg := "The request body must be a JSON object"
		if err != nil {
			msg = "Malformed JSON: " + err.Error()
		}
		return &apiError{status: http.StatusBadRequest, code: "JSON_PARSER_ERROR", message: msg}
	}
	for key, value := range obj {
		target, ok := fields[key]
		if !ok {
			known := make([]string, 0, len(fields))
			for k := range fields {
				known = append(known, k)
			}
			return &apiError{status: http.StatusBadRequest, code: "INVALID_FIELD", fields: []string{key},
				message: "No such field '" + key + "'; this resource accepts " + strings.Join(known, ", ")}
		}
		if string(bytes.TrimSpace(value)) == "null" {
			return &apiError{status: http.StatusBadRequest, code: "JSON_PARSER_ERROR", fields: []string{key},
				message: "Field '" + key + "' must not be null"}
		}
		if err := json.Unmarshal(value, target); err != nil {
			return &apiError{status: http.StatusBadRequest, code: "JSON_PARSER_ERROR", fields: []string{key},
				message: "Field '" + key + "' has the wrong type: " + err.Error()}
		}
	}
	return nil
}
