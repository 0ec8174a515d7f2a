package mockorg

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// parseAPIVersion reads "v60.0" from a REST path. It serves the versions the Metadata API does
// (metadata.ParseVersion); REST alone refuses a leading zero ("v047.0").
func parseAPIVersion(seg string) (int, bool) {
	num, ok := strings.CutPrefix(seg, "v")
	if !ok {
		return 0, false
	}
	v, err := metadata.ParseVersion(num)
	if err != nil || v.String() != num {
		return 0, false
	}
	return int(v), true
}

// releaseName is the Salesforce release of an API version: 47.0 is Winter '20, three a year.
func releaseName(v int) string {
	k := v - int(metadata.MinVersion)
	return fmt.Sprintf("%s '%02d", [...]string{"Winter", "Spring", "Summer"}[k%3], 20+k/3)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type restErrorBody struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields,omitempty"`
}

// writeRESTErr answers err in the REST error shape; an error that is not an *apiError is a bug
// and answers 500 UNKNOWN_EXCEPTION, as Salesforce does for its own.
func writeRESTErr(w http.ResponseWriter, err error) {
	e := asAPIError(err)
	writeJSON(w, e.status, []restErrorBody{{Message: e.message, ErrorCode: e.code, Fields: e.fields}})
}

var errNotFound = &apiError{status: http.StatusNotFound, code: "NOT_FOUND", message: "The requested resource does not exist"}

// handleVersions answers GET /services/data: the versions list, which needs no session.
func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request) {
	note(r, "rest:versions", false)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeRESTErr(w, methodNotAllowed(r, "GET", "HEAD"))
		return
	}
	type version struct {
		Label   string `json:"label"`
		URL     string `json:"url"`
		Version string `json:"version"`
	}
	var out []version
	for v := int(metadata.MinVersion); v <= int(metadata.LatestVersion); v++ {
		out = append(out, version{Label: releaseName(v), URL: fmt.Sprintf("/services/data/v%d.0", v), Version: fmt.Sprintf("%d.0", v)})
	}
	writeJSON(w, http.StatusOK, out)
}

func methodNotAllowed(r *http.Request, allowed ...string) *apiError {
	return errorf(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "HTTP Method '%s' not allowed. Allowed are %s", r.Method, strings.Join(allowed, ","))
}

// restCall is an authenticated REST request.
type restCall struct {
	w       http.ResponseWriter
	r       *http.Request
	caller  *caller
	version string // "v60.0"
	v       int
}

func (s *Server) restResources(c *restCall) {
	note(c.r, "rest:resources", false)
	base := "/services/data/" + c.version
	out := map[string]string{
		"composite": base + "/composite", "limits": base + "/limits", "query": base + "/query", "queryAll": base + "/queryAll", "sobjects": base + "/sobjects",
	}
	if s.setupExtensionServed() {
		out["sfaccess"] = base + "/sfaccess"
	}
	writeJSON(c.w, http.StatusOK, out)
}

func (s *Server) restLimits(c *restCall) {
	note(c.r, "rest:limits", false)
	type lim struct {
		Max       int `json:"Max"`
		Remaining int `json:"Remaining"`
	}
	limit := c.caller.usage.limit
	remaining := max(limit-c.caller.usage.used, 0)
	writeJSON(c.w, http.StatusOK, map[string]lim{
		"DailyApiRequests":           {limit, remaining},
		"DailyAsyncApexExecutions":   {250000, 250000},
		"DailyBulkApiBatches":        {15000, 15000},
		"ConcurrentSyncApexRequests": {10, 10},
	})
}

// readBody reads a request body within the size cap, answering 413 when it is exceeded.
func readBody(r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if tooLarge(err) {
			return nil, errorf(http.StatusRequestEntityTooLarge, "REQUEST_ENTITY_TOO_LARGE",
				"The request body exceeds the maximum size of %d bytes", maxBodyBytes)
		}
		return nil, errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", "The request body could not be read: %v", err)
	}
	return body, nil
}

// sobjectRoutes serves /sobjects, /sobjects/{type}, /sobjects/{type}/describe and
// /sobjects/{type}/{id}. An unknown type, or an id that is malformed or of another type, is
// NOT_FOUND whatever the method, so those routes check the path before the method.
func (s *Server) sobjectRoutes(rt *restRouter) {
	rt.any("/sobjects", func(c *restCall) {
		note(c.r, "rest:describeGlobal", false)
		s.describeGlobal(c)
	})
	rt.any("/sobjects/{type}", withType(func(c *restCall, t *sobjectType) {
		switch c.r.Method {
		case http.MethodPost:
			note(c.r, "rest:create", true)
			s.createSObject(c, t)
		case http.MethodGet:
			note(c.r, "rest:describe", false)
			s.describeSObject(c, t)
		default:
			refuse("rest:sobject", false, "GET", "HEAD", "POST")(c)
		}
	}))
	rt.any("/sobjects/{type}/describe", withType(func(c *restCall, t *sobjectType) {
		note(c.r, "rest:describe", false)
		s.describeSObject(c, t)
	}))
	rt.any("/sobjects/{type}/{id}", withType(s.sobjectRecord))
}

// withType resolves the path's sObject type, answering NOT_FOUND for one mockorg does not serve.
func withType(h func(*restCall, *sobjectType)) func(*restCall) {
	return func(c *restCall) {
		t := sobjectTypeNamed(c.r.PathValue("type"))
		if t == nil {
			restNotFound(c)
			return
		}
		h(c, t)
	}
}

// sobjectRecord serves /sobjects/{type}/{id}.
func (s *Server) sobjectRecord(c *restCall, t *sobjectType) {
	raw := c.r.PathValue("id")
	id, err := sfid.Normalize(raw)
	if err != nil || id[:3] != t.prefix {
		note(c.r, "rest:notFound", false)
		writeRESTErr(c.w, &apiError{status: http.StatusNotFound, code: "NOT_FOUND",
			message: "Provided external ID field does not exist or is not accessible: " + raw})
		return
	}
	switch c.r.Method {
	case http.MethodGet, http.MethodHead:
		note(c.r, "rest:get", false)
		s.getSObject(c, t, id)
	case http.MethodPatch:
		note(c.r, "rest:update", true)
		s.updateSObject(c, t, id)
	case http.MethodDelete:
		note(c.r, "rest:delete", true)
		s.deleteSObject(c, t, id)
	default:
		refuse("rest:sobject", false, "GET", "HEAD", "PATCH", "DELETE")(c)
	}
}

func (s *Server) describeGlobal(c *restCall) {
	type entry struct {
		Name       string            `json:"name"`
		KeyPrefix  string            `json:"keyPrefix"`
		Createable bool              `json:"createable"`
		Updateable bool              `json:"updateable"`
		Deletable  bool              `json:"deletable"`
		Queryable  bool              `json:"queryable"`
		URLs       map[string]string `json:"urls"`
	}
	var out []entry
	base := "/services/data/" + c.version + "/sobjects/"
	for _, name := range []string{"ConnectedApplication", "OauthToken", "Organization", "PermissionSet", "PermissionSetAssignment", "Profile", "SetupEntityAccess", "User"} {
		t := sobjectTypeNamed(name)
		out = append(out, entry{Name: t.name, KeyPrefix: t.prefix, Createable: t.writable(), Updateable: t.updatable(),
			Deletable: t.writable(), Queryable: true, URLs: map[string]string{"sobject": base + t.name, "describe": base + t.name + "/describe"}})
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": out})
}

func (t *sobjectType) writable() bool {
	for _, f := range t.fields {
		if f.createable {
			return true
		}
	}
	return false
}

func (t *sobjectType) updatable() bool {
	for _, f := range t.fields {
		if f.updateable {
			return true
		}
	}
	return false
}

func (s *Server) describeSObject(c *restCall, t *sobjectType) {
	type field struct {
		Name       string `json:"name"`
		Type       string `json:"type"`
		Createable bool   `json:"createable"`
		Updateable bool   `json:"updateable"`
		Nillable   bool   `json:"nillable"`
		Length     int    `json:"length"`
	}
	var fields []field
	s.view(func(st *state) {
		for _, f := range t.visibleFields(st) {
			typ := f.kind.describe()
			if f.name == "Id" {
				typ = "id"
			}
			fields = append(fields, field{Name: f.name, Type: typ, Createable: f.createable, Updateable: f.updateable,
				Nillable: !f.required && f.kind != kindBool && f.name != "Id", Length: f.maxLength})
		}
	})
	writeJSON(c.w, http.StatusOK, map[string]any{
		"name": t.name, "keyPrefix": t.prefix, "createable": t.writable(), "updateable": t.updatable(),
		"deletable": t.writable(), "queryable": true, "fields": fields,
	})
}

func (s *Server) getSObject(c *restCall, t *sobjectType, id string) {
	var out *orderedObject
	var aerr *apiError
	s.view(func(st *state) { out, aerr = readRecord(st, t, c.version, id, c.r.URL.Query().Get("fields")) })
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	writeJSON(c.w, http.StatusOK, out)
}

// readRecord renders one record with the fields listed (comma-separated), or all of them.
func readRecord(st *state, t *sobjectType, version, id, fields string) (*orderedObject, *apiError) {
	rec := t.find(st, id)
	if rec == nil {
		return nil, errNotFound
	}
	var paths []fieldPath
	if fields != "" {
		for name := range strings.SplitSeq(fields, ",") {
			p, err := t.resolvePath(st, strings.TrimSpace(name))
			if err != nil || len(p.rels) > 0 {
				if err == nil {
					err = noSuchColumn(t.name, name)
				}
				return nil, err
			}
			paths = append(paths, p)
		}
	} else {
		for _, f := range t.visibleFields(st) {
			paths = append(paths, fieldPath{canonical: f.name, field: f})
		}
	}
	return t.render(st, version, rec, paths), nil
}

func (s *Server) createSObject(c *restCall, t *sobjectType) {
	body, aerr := readBody(c.r)
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	var id string
	err := s.mutateAs(c.caller, func(st *state, u *user) error {
		var err *apiError
		id, err = createRecord(st, u, t, body)
		return errOrNil(err)
	})
	if err != nil {
		writeRESTErr(c.w, err)
		return
	}
	committed(c.r)
	s.log.Info("record created", "sobject", t.name, "id", id, "user", c.caller.username)
	writeJSON(c.w, http.StatusCreated, map[string]any{"id": id, "success": true, "errors": []any{}})
}

func (s *Server) updateSObject(c *restCall, t *sobjectType, id string) {
	body, aerr := readBody(c.r)
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	err := s.mutateAs(c.caller, func(st *state, u *user) error { return errOrNil(updateRecord(st, u, t, id, body)) })
	if err != nil {
		writeRESTErr(c.w, err)
		return
	}
	committed(c.r)
	s.log.Info("record updated", "sobject", t.name, "id", id, "user", c.caller.username)
	c.w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteSObject(c *restCall, t *sobjectType, id string) {
	err := s.mutateAs(c.caller, func(st *state, u *user) error { return errOrNil(deleteRecord(st, u, t, id)) })
	if err != nil {
		writeRESTErr(c.w, err)
		return
	}
	committed(c.r)
	s.log.Info("record deleted", "sobject", t.name, "id", id, "user", c.caller.username)
	c.w.WriteHeader(http.StatusNoContent)
}

// createRecord, updateRecord and deleteRecord are the sObject writes a single REST call, a
// Composite subrequest and an sObject Collections record share. Each checks everything before it
// changes anything, so that a refused write leaves the org as it was.

func createRecord(st *state, u *user, t *sobjectType, body []byte) (string, *apiError) {
	if !t.writable() {
		return "", errorf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be inserted: %s", t.name)
	}
	vals, aerr := t.decodeRecordBody(st, body, true)
	if aerr != nil {
		return "", aerr
	}
	switch t.name {
	case "PermissionSet":
		return createPermissionSet(st, u, vals)
	case "PermissionSetAssignment":
		return createAssignment(st, u, vals)
	default: // SetupEntityAccess, the last writable type
		return createGrant(st, u, vals)
	}
}

func updateRecord(st *state, u *user, t *sobjectType, id string, body []byte) *apiError {
	if !t.updatable() {
		return errorf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be updated: %s", t.name)
	}
	vals, aerr := t.decodeRecordBody(st, body, false)
	if aerr != nil {
		return aerr
	}
	if t.find(st, id) == nil {
		return errNotFound
	}
	return updatePermissionSet(st, u, id, vals)
}

func deleteRecord(st *state, u *user, t *sobjectType, id string) *apiError {
	if !t.writable() {
		return errorf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be deleted: %s", t.name)
	}
	if t.find(st, id) == nil {
		return errNotFound
	}
	switch t.name {
	case "PermissionSet":
		return deletePermissionSet(st, u, id)
	case "PermissionSetAssignment":
		if msg := st.denial(u, opAssignPermissionSets); msg != "" {
			return insufficientAccess(msg)
		}
		a := st.assignments[id]
		if a == nil {
			return errProfileAssignment
		}
		st.removeAssignment(a)
	default: // SetupEntityAccess
		if msg := st.denial(u, opChangeAppGrants); msg != "" {
			return insufficientAccess(msg)
		}
		st.removeGrant(st.grants[id])
	}
	return nil
}

func insufficientAccess(msg string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "INSUFFICIENT_ACCESS", message: msg}
}

func duplicateValue(field, existingID string) *apiError {
	return errorf(http.StatusBadRequest, "DUPLICATE_VALUE", "duplicate value found: %s duplicates value on record with id: %s", field, existingID)
}

func invalidCrossReference(field, id string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "INVALID_CROSS_REFERENCE_KEY", fields: []string{field},
		message: fmt.Sprintf("invalid cross reference id: %s does not name a record that %s can refer to", id, field)}
}

// errProfilePermissionSet refuses to update or delete a profile's permission set, which Salesforce
// documents as "can be queried but not modified". The code and text are unverified: no capture of
// Salesforce's answer was found.
var errProfilePermissionSet = &apiError{status: http.StatusBadRequest, code: "FIELD_INTEGRITY_EXCEPTION",
	message: "This permission set is owned by a profile: change the profile instead"}

// errProfileAssignment refuses to create or delete an assignment to a profile's permission set; a
// user leaves it only by changing profile. The code and text are unverified; the same answer is
// assumed for create and delete because the text speaks of both.
var errProfileAssignment = &apiError{status: http.StatusBadRequest, code: "FIELD_INTEGRITY_EXCEPTION", fields: []string{"PermissionSetId"},
	message: "You can't assign or unassign this permission set because it's associated with a profile."}

func createPermissionSet(st *state, u *user, vals record) (string, *apiError) {
	if msg := st.denial(u, opManagePermissionSets); msg != "" {
		return "", insufficientAccess(msg)
	}
	name, _ := vals["Name"].(string)
	if err := checkPermissionSetName(st, name, ""); err != nil {
		return "", err
	}
	ps := &permSet{ID: st.ids.next(sfid.PrefixPermissionSet), Permissions: map[string]bool{}}
	applyPermissionSetFields(ps, vals)
	st.putPermSet(ps)
	return ps.ID, nil
}

func checkPermissionSetName(st *state, name, selfID string) *apiError {
	if developerNameProblem(name) != "" {
		return &apiError{status: http.StatusBadRequest, code: "FIELD_INTEGRITY_EXCEPTION", fields: []string{"Name"},
			message: "The API Name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores."}
	}
	if other := st.permSetByName(name); other != nil && other.ID != selfID {
		return duplicateValue("Name", other.ID)
	}
	return nil
}

func applyPermissionSetFields(ps *permSet, vals record) {
	for field, v := range vals {
		switch {
		case field == "Name":
			ps.Name = v.(string)
		case field == "Label":
			ps.Label = v.(string)
		case field == "Description":
			ps.Description, _ = v.(string)
		case strings.HasPrefix(field, "Permissions"):
			ps.Permissions[strings.TrimPrefix(field, "Permissions")] = v.(bool)
		}
	}
}

func updatePermissionSet(st *state, u *user, id string, vals record) *apiError {
	if msg := st.denial(u, opManagePermissionSets); msg != "" {
		return insufficientAccess(msg)
	}
	ps := st.permSets[id]
	if ps.ProfileID != "" {
		return errProfilePermissionSet
	}
	if name, ok := vals["Name"].(string); ok {
		if err := checkPermissionSetName(st, name, id); err != nil {
			return err
		}
	}
	st.changePermSet(ps, func() { applyPermissionSetFields(ps, vals) })
	return nil
}

func deletePermissionSet(st *state, u *user, id string) *apiError {
	if msg := st.denial(u, opManagePermissionSets); msg != "" {
		return insufficientAccess(msg)
	}
	ps := st.permSets[id]
	if ps.ProfileID != "" {
		return errProfilePermissionSet
	}
	if assigned := st.assignmentsOfPermSet(id); len(assigned) > 0 {
		return errorf(http.StatusBadRequest, "DELETE_FAILED", "This permission set is assigned to users (assignment %s); remove the assignments first", assigned[0].ID)
	}
	for _, g := range st.grantsOfPermSet(id) {
		st.removeGrant(g)
	}
	st.removePermSet(ps)
	return nil
}

func createAssignment(st *state, u *user, vals record) (string, *apiError) {
	if msg := st.denial(u, opAssignPermissionSets); msg != "" {
		return "", insufficientAccess(msg)
	}
	psID, userID := vals["PermissionSetId"].(string), vals["AssigneeId"].(string)
	ps := st.permSets[psID]
	if ps == nil {
		return "", invalidCrossReference("PermissionSetId", psID)
	}
	if ps.ProfileID != "" {
		return "", errProfileAssignment
	}
	if st.users[userID] == nil {
		return "", invalidCrossReference("AssigneeId", userID)
	}
	if existing := st.assignmentOf(psID, userID); existing != nil {
		return "", duplicateValue("Assignee", existing.ID)
	}
	a := &assignment{ID: st.ids.next(sfid.PrefixAssignment), PermissionSetID: psID, AssigneeID: userID}
	st.putAssignment(a)
	return a.ID, nil
}

func createGrant(st *state, u *user, vals record) (string, *apiError) {
	if msg := st.denial(u, opChangeAppGrants); msg != "" {
		return "", insufficientAccess(msg)
	}
	parentID, appID := vals["ParentId"].(string), vals["SetupEntityId"].(string)
	if st.permSets[parentID] == nil {
		return "", invalidCrossReference("ParentId", parentID)
	}
	if st.apps[appID] == nil {
		return "", invalidCrossReference("SetupEntityId", appID)
	}
	if existing := st.grantOf(parentID, appID); existing != nil {
		return "", duplicateValue("SetupEntityId", existing.ID)
	}
	g := &grant{ID: st.ids.next(sfid.PrefixSetupEntityAccess), ParentID: parentID, AppID: appID}
	st.putGrant(g)
	return g.ID, nil
}
