package mockorg

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// maxInstallationBatch is the most apps one call to /connected-apps/installations names, as
// sObject Collections takes at most 200 records.
const maxInstallationBatch = 200

// installationResult is one app's answer in a batch: sObject Collections' SaveResult shape, keyed
// by the app's id, with the installation a successful install leaves.
type installationResult struct {
	ID           string        `json:"id"`
	Success      bool          `json:"success"`
	Errors       []saveError   `json:"errors"`
	Installation *installation `json:"installation,omitempty"`
}

// installationMember is one app a call to /connected-apps/installations names.
type installationMember struct {
	ref     appRef
	blocked bool
	refused *apiError // malformed id
}

// installApps serves POST /connected-apps/installations, which installs several apps (each as
// PUT …/installation does).
func (s *Server) installApps(c *restCall) {
	note(c.r, "setup:installApps", true)
	raw, aerr := readBody(c.r)
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	var items *[]json.RawMessage
	if aerr := decodeStrictJSON(raw, map[string]any{"installations": &items}); aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	if items == nil {
		writeRESTErr(c.w, requiredFieldsMissing("installations"))
		return
	}
	var members []installationMember
	for _, item := range *items {
		var id *string
		var blocked *bool
		if aerr := decodeStrictJSON(item, map[string]any{"connectedAppId": &id, "blocked": &blocked}); aerr != nil {
			writeRESTErr(c.w, aerr)
			return
		}
		if id == nil {
			writeRESTErr(c.w, requiredFieldsMissing("connectedAppId"))
			return
		}
		members = append(members, installationMember{ref: appRef{rawID: *id}, blocked: blocked != nil && *blocked})
	}
	s.setupInstallations(c, true, members)
}

// uninstallApps serves DELETE /connected-apps/installations?ids=a,b, which uninstalls several
// apps (each as DELETE …/installation does).
func (s *Server) uninstallApps(c *restCall) {
	note(c.r, "setup:uninstallApps", true)
	raw := c.r.URL.Query().Get("ids")
	if raw == "" {
		writeRESTErr(c.w, errorf(http.StatusBadRequest, "MISSING_ARGUMENT", "ids parameter is required"))
		return
	}
	var members []installationMember
	for _, id := range strings.Split(raw, ",") {
		members = append(members, installationMember{ref: appRef{rawID: strings.TrimSpace(id)}})
	}
	s.setupInstallations(c, false, members)
}

// setupInstallations installs or uninstalls members. Each app succeeds or fails on its own, in
// one transaction, and the answer is 200 with one result per app in the order asked, as sObject
// Collections answers without allOrNone.
func (s *Server) setupInstallations(c *restCall, install bool, members []installationMember) {
	if len(members) == 0 || len(members) > maxInstallationBatch {
		writeRESTErr(c.w, errorf(http.StatusBadRequest, "EXCEEDED_ID_LIMIT",
			"a call names between 1 and %d connected apps; this one names %d", maxInstallationBatch, len(members)))
		return
	}
	for i := range members {
		id, err := sfid.Normalize(members[i].ref.rawID)
		if err != nil || id[:3] != sfid.PrefixConnectedApplication {
			members[i].refused = noConnectedApp(members[i].ref.rawID)
			continue
		}
		members[i].ref.id = id
	}

	results := make([]installationResult, len(members))
	changed := 0
	err := s.mutateAs(c.caller, func(st *state, u *user) error {
		for i, m := range members {
			results[i] = installationResult{ID: cmp.Or(m.ref.id, m.ref.rawID), Errors: []saveError{}}
			aerr := m.refused
			if aerr == nil && install {
				var out installation
				if out, aerr = s.installLocked(st, u, m.ref, true, m.blocked); aerr == nil {
					results[i].Installation = &out
				}
			} else if aerr == nil {
				aerr = s.uninstallLocked(st, u, m.ref)
			}
			if aerr != nil {
				results[i].Errors = failedSave("", aerr).Errors
				continue
			}
			results[i].Success = true
			changed++
		}
		return nil
	})
	if err != nil {
		writeRESTErr(c.w, err)
		return
	}
	if changed > 0 {
		committed(c.r)
	}
	s.log.Info("connected app installations changed", "install", install, "apps", len(members), "changed", changed, "user", c.caller.username)
	writeJSON(c.w, http.StatusOK, results)
}
