package mockorg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// fieldKind is the type of an sObject field as JSON sees it.
type fieldKind int

const (
	kindString fieldKind = iota
	kindBool
	kindID
	kindDateTime
	kindInt
)

func (k fieldKind) describe() string {
	return [...]string{"string", "boolean", "reference", "datetime", "int"}[k]
}

type fieldDef struct {
	name       string
	kind       fieldKind
	createable bool
	updateable bool
	required   bool // on create
	maxLength  int
}

// relationship is a lookup that SOQL can traverse, one level (Profile.Name on User) or more
// (Parent.Profile.Name on SetupEntityAccess).
type relationship struct {
	name, target, idField string
}

// follow returns the record rec's lookup points at, or nil when the lookup is empty or its record
// is gone.
func (r relationship) follow(st *state, rec record) record {
	id, _ := rec[r.idField].(string)
	if id == "" {
		return nil
	}
	return sobjectTypeNamed(r.target).find(st, id)
}

// sobjectType is the schema of one sObject and how to read its records from the state.
type sobjectType struct {
	name          string
	prefix        string
	fields        []fieldDef
	relationships []relationship
	// records returns each record's fields (not relationships), in creation order.
	records func(st *state) []record
	// fieldsFor hides fields that do not exist in this org (PermissionsUseAnyApiClient before
	// API Access Control is provisioned).
	hidden func(st *state, field string) bool
	// visibleTo hides records the querying user may not see; nil shows every record.
	visibleTo func(st *state, viewer *user, rec record) bool
	// lookup returns, in creation order, the records whose field equals value as SOQL compares
	// text (ignoring case), for the fields an index covers; ok is false for any other field, and
	// for every field of a type without indexes (nil), which a query then scans.
	lookup func(st *state, field, value string) (recs []record, ok bool)
}

// record is an sObject record's field values by canonical field name; nil is a null.
type record map[string]any

var sobjectTypes = map[string]*sobjectType{}

func init() {
	for _, t := range []*sobjectType{
		permissionSetSObject(), profileSObject(), userSObject(), assignmentSObject(),
		setupEntityAccessSObject(), connectedApplicationSObject(), organizationSObject(),
	} {
		register(t)
	}
}

// permissionFields are the Permissions<Name> columns PermissionSet and Profile share; only a
// permission set's can be written (a profile's permissions change through its owned set).
func permissionFields(writable bool) []fieldDef {
	var out []fieldDef
	for _, p := range permissionNames {
		out = append(out, fieldDef{name: "Permissions" + p, kind: kindBool, createable: writable, updateable: writable})
	}
	return out
}

// hideUseAnyAPIClient hides PermissionsUseAnyApiClient until Support provisions API Access Control.
func hideUseAnyAPIClient(st *state, field string) bool {
	return field == "Permissions"+permUseAnyAPIClient && !st.org.Provisioned
}

func permissionSetRecord(ps *permSet) record {
	rec := record{"Id": ps.ID, "Name": ps.Name, "Label": ps.Label, "Description": nullable(ps.Description),
		"IsOwnedByProfile": ps.ProfileID != "", "ProfileId": nullable(ps.ProfileID)}
	for _, p := range permissionNames {
		rec["Permissions"+p] = ps.Permissions[p]
	}
	return rec
}

func permissionSetSObject() *sobjectType {
	return &sobjectType{
		name: "PermissionSet", prefix: sfid.PrefixPermissionSet,
		fields: append([]fieldDef{
			{name: "Id", kind: kindID},
			{name: "Name", kind: kindString, createable: true, updateable: true, required: true, maxLength: 80},
			{name: "Label", kind: kindString, createable: true, updateable: true, required: true, maxLength: 80},
			{name: "Description", kind: kindString, createable: true, updateable: true, maxLength: 255},
			{name: "IsOwnedByProfile", kind: kindBool},
			{name: "ProfileId", kind: kindID},
		}, permissionFields(true)...),
		relationships: []relationship{{"Profile", "Profile", "ProfileId"}},
		records: func(st *state) []record {
			var out []record
			for _, ps := range sorted(st.permSets) {
				out = append(out, permissionSetRecord(ps))
			}
			return out
		},
		hidden: hideUseAnyAPIClient,
		lookup: func(st *state, field, value string) ([]record, bool) {
			switch {
			case strings.EqualFold(field, "Id"):
				return oneRecord(st.permSets[st.idMatching(value)], permissionSetRecord), true
			case strings.EqualFold(field, "Name"):
				return oneRecord(st.permSetByName(value), permissionSetRecord), true
			}
			return nil, false
		},
	}
}

func profileSObject() *sobjectType {
	return &sobjectType{
		name: "Profile", prefix: sfid.PrefixProfile,
		fields: append([]fieldDef{
			{name: "Id", kind: kindID}, {name: "Name", kind: kindString}, {name: "UserType", kind: kindString},
		}, permissionFields(false)...),
		records: func(st *state) []record { return recordsIn(sorted(st.profiles), st.profileRecord) },
		hidden:  hideUseAnyAPIClient,
		lookup: func(st *state, field, value string) ([]record, bool) {
			switch {
			case strings.EqualFold(field, "Id"):
				return oneRecord(st.profiles[st.idMatching(value)], st.profileRecord), true
			case strings.EqualFold(field, "Name"):
				return oneRecord(st.profileByName(value), st.profileRecord), true
			}
			return nil, false
		},
	}
}

func (st *state) profileRecord(p *profile) record {
	rec := record{"Id": p.ID, "Name": p.Name, "UserType": p.UserType}
	for _, perm := range permissionNames {
		rec["Permissions"+perm] = st.permSets[p.PermissionSetID].Permissions[perm]
	}
	return rec
}

// recordsIn renders each of a list of records.
func recordsIn[T any](list []*T, render func(*T) record) []record {
	out := make([]record, 0, len(list))
	for _, r := range list {
		out = append(out, render(r))
	}
	return out
}

// oneRecord renders r as a list of one record, or none when r is nil.
func oneRecord[T any](r *T, render func(*T) record) []record {
	if r == nil {
		return nil
	}
	return []record{render(r)}
}

// idMatching returns the id that value names when compared as SOQL compares text, ignoring case;
// "" when no record has it.
func (st *state) idMatching(value string) string { return st.idx.lowerID[strings.ToLower(value)] }

func userSObject() *sobjectType {
	return &sobjectType{
		name: "User", prefix: sfid.PrefixUser,
		fields: []fieldDef{
			{name: "Id", kind: kindID}, {name: "Username", kind: kindString}, {name: "Name", kind: kindString},
			{name: "Email", kind: kindString}, {name: "IsActive", kind: kindBool}, {name: "UserType", kind: kindString},
			{name: "ProfileId", kind: kindID},
		},
		relationships: []relationship{{"Profile", "Profile", "ProfileId"}},
		records:       func(st *state) []record { return recordsIn(sorted(st.users), st.userRecord) },
		lookup: func(st *state, field, value string) ([]record, bool) {
			switch {
			case strings.EqualFold(field, "Id"):
				return oneRecord(st.users[st.idMatching(value)], st.userRecord), true
			case strings.EqualFold(field, "Username"):
				return oneRecord(st.userByUsername(value), st.userRecord), true
			}
			return nil, false
		},
	}
}

func (st *state) userRecord(u *user) record {
	return record{"Id": u.ID, "Username": u.Username, "Name": u.Name, "Email": u.Email,
		"IsActive": u.Active, "UserType": st.userType(u), "ProfileId": u.ProfileID}
}

func assignmentSObject() *sobjectType {
	return &sobjectType{
		name: "PermissionSetAssignment", prefix: sfid.PrefixAssignment,
		fields: []fieldDef{
			{name: "Id", kind: kindID},
			{name: "PermissionSetId", kind: kindID, createable: true, required: true},
			{name: "AssigneeId", kind: kindID, createable: true, required: true},
		},
		relationships: []relationship{{"PermissionSet", "PermissionSet", "PermissionSetId"}, {"Assignee", "User", "AssigneeId"}},
		// Every user also has an assignment to their profile's permission set, as in Salesforce.
		// Those rows follow from the users' profiles, so they are derived here rather than stored.
		records: func(st *state) []record {
			return append(recordsIn(sorted(st.assignments), assignmentRecord), recordsIn(sorted(st.users), st.profileAssignmentRecord)...)
		},
		lookup: func(st *state, field, value string) ([]record, bool) {
			switch {
			case strings.EqualFold(field, "Id"):
				id := st.idMatching(value)
				if u := st.users[st.idx.profileAssignmentUser[id]]; u != nil {
					return []record{st.profileAssignmentRecord(u)}, true
				}
				return oneRecord(st.assignments[id], assignmentRecord), true
			case strings.EqualFold(field, "AssigneeId"):
				u := st.users[st.idMatching(value)]
				if u == nil {
					return nil, true
				}
				return append(recordsIn(st.assignmentsOfUser(u.ID), assignmentRecord), st.profileAssignmentRecord(u)), true
			}
			return nil, false
		},
	}
}

func assignmentRecord(a *assignment) record {
	return record{"Id": a.ID, "PermissionSetId": a.PermissionSetID, "AssigneeId": a.AssigneeID}
}

func (st *state) profileAssignmentRecord(u *user) record {
	return record{"Id": profileAssignmentID(u.ID), "PermissionSetId": st.profiles[u.ProfileID].PermissionSetID, "AssigneeId": u.ID}
}

func setupEntityAccessSObject() *sobjectType {
	return &sobjectType{
		name: "SetupEntityAccess", prefix: sfid.PrefixSetupEntityAccess,
		fields: []fieldDef{
			{name: "Id", kind: kindID},
			{name: "ParentId", kind: kindID, createable: true, required: true},
			{name: "SetupEntityId", kind: kindID, createable: true, required: true},
			{name: "SetupEntityType", kind: kindString},
		},
		relationships: []relationship{{"Parent", "PermissionSet", "ParentId"}},
		records:       func(st *state) []record { return recordsIn(sorted(st.grants), grantRecord) },
		lookup: func(st *state, field, value string) ([]record, bool) {
			switch {
			case strings.EqualFold(field, "Id"):
				return oneRecord(st.grants[st.idMatching(value)], grantRecord), true
			case strings.EqualFold(field, "ParentId"):
				return recordsIn(st.grantsOfPermSet(st.idMatching(value)), grantRecord), true
			case strings.EqualFold(field, "SetupEntityId"):
				return recordsIn(st.grantsOfApp(st.idMatching(value)), grantRecord), true
			}
			return nil, false
		},
	}
}

func grantRecord(g *grant) record {
	return record{"Id": g.ID, "ParentId": g.ParentID, "SetupEntityId": g.AppID, "SetupEntityType": "ConnectedApplication"}
}

func connectedApplicationSObject() *sobjectType {
	return &sobjectType{
		name: "ConnectedApplication", prefix: sfid.PrefixConnectedApplication,
		fields: []fieldDef{
			{name: "Id", kind: kindID}, {name: "Name", kind: kindString},
			{name: "OptionsAllowAdminApprovedUsersOnly", kind: kindBool},
			{name: "StartUrl", kind: kindString},
			{name: "CreatedDate", kind: kindDateTime}, {name: "LastModifiedDate", kind: kindDateTime},
		},
		// Name is the app's label ("Connected App Name" in Salesforce's field reference); the API
		// name is not a field of this object, only the Metadata API's fullName.
		records: func(st *state) []record { return recordsIn(sorted(st.apps), appRecord) },
		lookup: func(st *state, field, value string) ([]record, bool) {
			if strings.EqualFold(field, "Id") {
				return oneRecord(st.apps[st.idMatching(value)], appRecord), true
			}
			return nil, false
		},
	}
}

func appRecord(a *connectedApp) record {
	return record{"Id": a.ID, "Name": a.Label, "OptionsAllowAdminApprovedUsersOnly": a.AdminApproved,
		"StartUrl": nullable(a.StartURL), "CreatedDate": a.CreatedDate, "LastModifiedDate": a.LastModifiedDate}
}

func organizationSObject() *sobjectType {
	return &sobjectType{
		name: "Organization", prefix: sfid.PrefixOrganization,
		fields: []fieldDef{
			{name: "Id", kind: kindID}, {name: "Name", kind: kindString}, {name: "OrganizationType", kind: kindString},
			{name: "InstanceName", kind: kindString}, {name: "IsSandbox", kind: kindBool},
			{name: "NamespacePrefix", kind: kindString}, {name: "TrialExpirationDate", kind: kindDateTime},
		},
		// A mock org has no namespace and is never a trial, so those two fields are always null.
		records: func(st *state) []record {
			return []record{{"Id": st.org.ID, "Name": st.org.Name, "OrganizationType": st.org.OrganizationType,
				"InstanceName": st.org.InstanceName, "IsSandbox": st.org.IsSandbox, "NamespacePrefix": nil, "TrialExpirationDate": nil}}
		},
	}
}

// profileAssignmentBase is the first sequence number of the derived assignments to profile-owned
// permission sets: 61·62^9, a "z" as the first sequence digit. Seeds may not use the range and the
// allocator counts up from the seed's ids, so real assignment ids never reach it.
const profileAssignmentBase = 61 * profileAssignmentSpan

// profileAssignmentSpan is 62^9, the size of the range.
const profileAssignmentSpan uint64 = 62 * 62 * 62 * 62 * 62 * 62 * 62 * 62 * 62

// profileAssignmentID is the id of a user's assignment to their profile's permission set. It is
// derived from the user's id, so it survives a restart and a snapshot, which do not carry it.
func profileAssignmentID(userID string) string {
	return sfid.New(sfid.PrefixAssignment, profileAssignmentBase+sequenceOf(userID)%profileAssignmentSpan)
}

func register(t *sobjectType) { sobjectTypes[strings.ToLower(t.name)] = t }

func sobjectTypeNamed(name string) *sobjectType { return sobjectTypes[strings.ToLower(name)] }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// field returns the canonical definition of a field of this type in this org.
func (t *sobjectType) field(st *state, name string) (fieldDef, bool) {
	for _, f := range t.fields {
		if strings.EqualFold(f.name, name) && (t.hidden == nil || !t.hidden(st, f.name)) {
			return f, true
		}
	}
	return fieldDef{}, false
}

func (t *sobjectType) relationship(name string) (relationship, bool) {
	for _, r := range t.relationships {
		if strings.EqualFold(r.name, name) {
			return r, true
		}
	}
	return relationship{}, false
}

// visibleFields lists the fields that exist in this org, in schema order.
func (t *sobjectType) visibleFields(st *state) []fieldDef {
	var out []fieldDef
	for _, f := range t.fields {
		if t.hidden == nil || !t.hidden(st, f.name) {
			out = append(out, f)
		}
	}
	return out
}

// find returns one record by 18-character id.
func (t *sobjectType) find(st *state, id string) record {
	if t.lookup != nil {
		if recs, ok := t.lookup(st, "Id", id); ok {
			for _, rec := range recs {
				if rec["Id"] == id {
					return rec
				}
			}
			return nil
		}
	}
	for _, rec := range t.records(st) {
		if rec["Id"] == id {
			return rec
		}
	}
	return nil
}

// fieldPath is a resolved SOQL field reference: a field of the object, or one reached through a
// chain of relationships.
type fieldPath struct {
	canonical string         // "Parent.Profile.Name"
	rels      []relationship // the lookups followed, the object's own first; none for its own field
	field     fieldDef
}

// resolvePath resolves "parent.profile.name" to its canonical form, or explains why it does not
// exist.
func (t *sobjectType) resolvePath(st *state, path string) (fieldPath, *apiError) {
	segments := strings.Split(path, ".")
	var p fieldPath
	var canonical []string
	at := t
	for _, relName := range segments[:len(segments)-1] {
		rel, ok := at.relationship(relName)
		if !ok {
			return fieldPath{}, &apiError{status: http.StatusBadRequest, code: "INVALID_FIELD",
				message: fmt.Sprintf("Didn't understand relationship '%s' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.", relName)}
		}
		p.rels = append(p.rels, rel)
		canonical = append(canonical, rel.name)
		at = sobjectTypeNamed(rel.target)
	}
	fieldName := segments[len(segments)-1]
	f, ok := at.field(st, fieldName)
	if !ok {
		return fieldPath{}, noSuchColumn(at.name, fieldName)
	}
	p.field, p.canonical = f, strings.Join(append(canonical, f.name), ".")
	return p, nil
}

func noSuchColumn(object, field string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "INVALID_FIELD", fields: []string{field},
		message: fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", field, object)}
}

// value reads a resolved path from a record, following its relationships through the state.
func (p fieldPath) value(st *state, rec record) any {
	for _, rel := range p.rels {
		if rec = rel.follow(st, rec); rec == nil {
			return nil
		}
	}
	return rec[p.field.name]
}

func attributes(typ, version, id string) map[string]string {
	return map[string]string{"type": typ, "url": "/services/data/" + version + "/sobjects/" + typ + "/" + id}
}

// render builds the JSON object of a record with the selected paths, nesting relationship fields
// under their relationship, level by level, as Salesforce does.
func (t *sobjectType) render(st *state, version string, rec record, paths []fieldPath) *orderedObject {
	out := newOrderedObject()
	if id, ok := rec["Id"].(string); ok {
		out.set("attributes", attributes(t.name, version, id))
	} else {
		// A record without an Id (OauthToken's is always null) has no URL; Salesforce's
		// attributes for such rows are unverified, so mockorg sends the type alone, as for
		// aggregate rows.
		out.set("attributes", map[string]string{"type": t.name})
	}
	for _, p := range paths {
		obj, at := out, rec
		for _, rel := range p.rels {
			if obj, at = obj.nested(st, version, rel, at); obj == nil {
				break
			}
		}
		if obj != nil {
			obj.set(p.field.name, at[p.field.name])
		}
	}
	return out
}

// nested returns the object that rec's lookup rel renders as inside o, made on first use, and the
// record it shows (nil when that record is gone); an empty lookup renders as null, and nested
// returns nil.
func (o *orderedObject) nested(st *state, version string, rel relationship, rec record) (*orderedObject, record) {
	id, _ := rec[rel.idField].(string)
	if id == "" {
		o.set(rel.name, nil)
		return nil, nil
	}
	n, ok := o.get(rel.name).(*orderedObject)
	if !ok {
		n = newOrderedObject()
		n.set("attributes", attributes(rel.target, version, id))
		o.set(rel.name, n)
	}
	return n, rel.follow(st, rec)
}

// orderedObject is a JSON object that keeps its keys in insertion order, as Salesforce's answers do.
type orderedObject struct {
	keys   []string
	values map[string]any
}

func newOrderedObject() *orderedObject { return &orderedObject{values: map[string]any{}} }

func (o *orderedObject) set(k string, v any) {
	if _, ok := o.values[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.values[k] = v
}

func (o *orderedObject) get(k string) any { return o.values[k] }

func (o *orderedObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		vb, err := json.Marshal(o.values[k])
		if err != nil {
			return nil, err
		}
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// decodeRecordBody checks a create or update body against the schema: unknown fields, fields that
// cannot be written, wrong JSON types, malformed ids and, on create, missing required fields. It
// returns the values by canonical field name.
func (t *sobjectType) decodeRecordBody(st *state, body []byte, create bool) (record, *apiError) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil || raw == nil {
		msg := "The request body must be a JSON object"
		if err != nil {
			msg = "Malformed JSON: " + err.Error()
		}
		return nil, &apiError{status: http.StatusBadRequest, code: "JSON_PARSER_ERROR", message: msg}
	}
	if dec.More() {
		return nil, &apiError{status: http.StatusBadRequest, code: "JSON_PARSER_ERROR", message: "Malformed JSON: unexpected data after the JSON object"}
	}
	out := record{}
	var readOnly []string
	for name, value := range raw {
		if strings.EqualFold(name, "attributes") {
			continue
		}
		f, ok := t.field(st, name)
		if !ok {
			e := noSuchColumn(t.name, name)
			e.message = fmt.Sprintf("No such column '%s' on sobject of type %s", name, t.name)
			return nil, e
		}
		if create && !f.createable || !create && !f.updateable {
			readOnly = append(readOnly, f.name)
			continue
		}
		v, err := decodeFieldValue(f, value)
		if err != nil {
			return nil, err
		}
		out[f.name] = v
	}
	if len(readOnly) > 0 {
		return nil, &apiError{status: http.StatusBadRequest, code: "INVALID_FIELD_FOR_INSERT_UPDATE", fields: readOnly,
			message: fmt.Sprintf("Unable to create/update fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", strings.Join(readOnly, ", "))}
	}
	var missing []string
	for _, f := range t.fields {
		if v, set := out[f.name]; (create && f.required && !set) || (set && f.required && v == nil) {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, requiredFieldsMissing(missing...)
	}
	return out, nil
}

// requiredFieldsMissing is Salesforce's answer to a body without fields it requires.
func requiredFieldsMissing(fields ...string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "REQUIRED_FIELD_MISSING", fields: fields,
		message: fmt.Sprintf("Required fields are missing: [%s]", strings.Join(fields, ", "))}
}

func decodeFieldValue(f fieldDef, raw json.RawMessage) (any, *apiError) {
	trimmed := bytes.TrimSpace(raw)
	if string(trimmed) == "null" {
		if f.kind == kindBool {
			return nil, wrongType(f, raw)
		}
		return nil, nil
	}
	switch f.kind {
	case kindBool:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return nil, wrongType(f, raw)
		}
		return b, nil
	case kindID:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, wrongType(f, raw)
		}
		id, err := sfid.Normalize(s)
		if err != nil {
			return nil, &apiError{status: http.StatusBadRequest, code: "MALFORMED_ID", fields: []string{f.name},
				message: fmt.Sprintf("%s: id value of incorrect type: %s", f.name, s)}
		}
		return id, nil
	default:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, wrongType(f, raw)
		}
		if f.maxLength > 0 && len([]rune(s)) > f.maxLength {
			return nil, &apiError{status: http.StatusBadRequest, code: "STRING_TOO_LONG", fields: []string{f.name},
				message: fmt.Sprintf("%s: data value too large: %.40s (max length=%d)", f.name, s, f.maxLength)}
		}
		return s, nil
	}
}

func wrongType(f fieldDef, raw json.RawMessage) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "JSON_PARSER_ERROR", fields: []string{f.name},
		message: fmt.Sprintf("Cannot deserialize instance of %s from value %.40s for field %s", f.kind.describe(), string(raw), f.name)}
}
