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

func (s *Server) serveSetup(c *restCall) {
	if s.cfg.DisableSetupExtension {
		note(c.r, "rest:notFound", false)
		writeRESTErr(c.w, errNotFound)
		return
	}
	segs := c.segs[1:]
	switch {
	case len(segs) == 0:
		note(c.r, "setup:discovery", false)
		if c.r.Method != http.MethodGet {
			writeRESTErr(c.w, methodNotAllowed(c.r, "GET"))
			return
		}
		writeJSON(c.w, http.StatusOK, map[string]int{"version": 1})
	case len(segs) == 1 && segs[0] == "api-access-control":
		s.setupAPIAccessControl(c)
	case len(segs) == 1 && segs[0] == "connected-apps":
		note(c.r, "setup:listConnectedApps", false)
		if c.r.Method != http.MethodGet {
			writeRESTErr(c.w, methodNotAllowed(c.r, "GET"))
			return
		}
		s.setupListApps(c)
	case len(segs) == 3 && segs[0] == "connected-apps" && segs[2] == "installation":
		s.setupInstallation(c, segs[1])
	default:
		note(c.r, "rest:notFound", false)
		writeRESTErr(c.w, errNotFound)
	}
}

func (s *Server) setupAPIAccessControl(c *restCall) {
	type body struct {
		AllowVisualforceAPIAccess bool `json:"allowVisualforceApiAccess"`
	}
	switch c.r.Method {
	case http.MethodGet:
		note(c.r, "setup:getApiAccessControl", false)
		var out body
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
	case http.MethodPatch:
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
		var out body
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
	default:
		note(c.r, "setup:apiAccessControl", false)
		writeRESTErr(c.w, methodNotAllowed(c.r, "GET", "PATCH"))
	}
}

// featureNotProvisionedMessage is what an org without API Access Control answers; Salesforce's exact
// text is not published (SALESFORCE.md, Assumptions).
const featureNotProvisionedMessage = "API Access Control isn't enabled for this org. Contact Salesforce Customer Support to enable it."

func errFeatureNotProvisioned(field string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "FEATURE_NOT_ENABLED", message: featureNotProvisionedMessage, fields: []string{field}}
}

func (s *Server) setupListApps(c *restCall) {
	out := []oauthUsageApp{}
	aerr := s.viewAs(c.caller, func(st *state, u *user) *apiError {
		if msg := st.denial(u, opReadApps); msg != "" {
			return insufficientAccess(msg)
		}
		for _, a := range sorted(st.apps) {
			out = append(out, oauthUsageApp{ID: a.ID, Name: a.Name, Label: a.Label, Installed: a.Installed,
				Blocked: a.Blocked, Packaged: a.Packaged, Local: a.Local, UserCount: s.usersWithTokensLocked(a.ID)})
		}
		return nil
	})
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"connectedApps": out})
}

func (s *Server) setupInstallation(c *restCall, rawID string) {
	id, err := sfid.Normalize(rawID)
	if err != nil || id[:3] != sfid.PrefixConnectedApplication {
		note(c.r, "setup:installation", false)
		writeRESTError(c.w, http.StatusNotFound, apiError{code: "NOT_FOUND", message: "No connected app with id " + rawID})
		return
	}
	notFound := func() *apiError {
		return &apiError{status: http.StatusNotFound, code: "NOT_FOUND", message: "No connected app with id " + rawID}
	}
	notInstalled := func(a *connectedApp) *apiError {
		return &apiError{status: http.StatusNotFound, code: "NOT_FOUND", message: "Connected app " + a.Name + " is not installed"}
	}
	switch c.r.Method {
	case http.MethodGet:
		note(c.r, "setup:getInstallation", false)
		var out installation
		aerr := s.viewAs(c.caller, func(st *state, u *user) *apiError {
			a := st.apps[id]
			if a == nil {
				return notFound()
			}
			if msg := st.denial(u, opReadApps); msg != "" {
				return insufficientAccess(msg)
			}
			if !a.Installed {
				return notInstalled(a)
			}
			out = installationOf(a)
			return nil
		})
		if aerr != nil {
			writeRESTErr(c.w, aerr)
			return
		}
		writeJSON(c.w, http.StatusOK, out)
	case http.MethodPut, http.MethodPatch:
		install := c.r.Method == http.MethodPut
		op := "setup:blockApp"
		if install {
			op = "setup:installApp"
		}
		note(c.r, op, true)
		raw, aerr := readBody(c.r)
		if aerr != nil {
			writeRESTErr(c.w, aerr)
			return
		}
		var blocked *bool
		if len(bytes.TrimSpace(raw)) > 0 || !install {
			if aerr := decodeStrictJSON(raw, map[string]any{"blocked": &blocked}); aerr != nil {
				writeRESTErr(c.w, aerr)
				return
			}
		}
		if !install && blocked == nil {
			writeRESTErr(c.w, &apiError{status: http.StatusBadRequest, code: "REQUIRED_FIELD_MISSING", fields: []string{"blocked"},
				message: "Required fields are missing: [blocked]"})
			return
		}
		var out installation
		err := s.mutateAs(c.caller, func(st *state, u *user) error {
			a := st.apps[id]
			if a == nil {
				return notFound()
			}
			need := opInstallApp
			if install && a.Packaged && !a.Installed {
				need = opInstallPackagedApp
			}
			if msg := st.denial(u, need); msg != "" {
				return insufficientAccess(msg)
			}
			if !install && !a.Installed {
				return notInstalled(a)
			}
			wasBlocked := a.Installed && a.Blocked
			a.Installed = true
			a.Blocked = blocked != nil && *blocked
			if a.Blocked && !wasBlocked {
				// Salesforce's Block "ends all current user sessions with the connected app": the
				// tokens are gone, so unblocking later does not bring them back.
				s.dropTokensOfAppLocked(a.ID)
			}
			out = installationOf(a)
			return nil
		})
		if err != nil {
			writeRESTErr(c.w, err)
			return
		}
		committed(c.r)
		s.log.Info("connected app installation changed", "app", id, "installed", out.Installed, "blocked", out.Blocked, "user", c.caller.username)
		writeJSON(c.w, http.StatusOK, out)
	case http.MethodDelete:
		note(c.r, "setup:uninstallApp", true)
		err := s.mutateAs(c.caller, func(st *state, u *user) error {
			a := st.apps[id]
			if a == nil {
				return notFound()
			}
			need := opInstallApp
			if a.Packaged {
				need = opInstallPackagedApp
			}
			if msg := st.denial(u, need); msg != "" {
				return insufficientAccess(msg)
			}
			if !a.Installed {
				return notInstalled(a)
			}
			// Uninstalling drops the app's OAuth Usage policies, the block included, and ends its
			// sessions: the users' approvals and tokens are gone, so an uninstalled app serves
			// only users the restriction on uninstalled apps spares.
			a.Installed, a.Blocked = false, false
			s.dropTokensOfAppLocked(a.ID)
			return nil
		})
		if err != nil {
			writeRESTErr(c.w, err)
			return
		}
		committed(c.r)
		s.log.Info("connected app uninstalled", "app", id, "user", c.caller.username)
		c.w.WriteHeader(http.StatusNoContent)
	default:
		note(c.r, "setup:installation", false)
		writeRESTErr(c.w, methodNotAllowed(c.r, "GET", "PUT", "PATCH", "DELETE"))
	}
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
