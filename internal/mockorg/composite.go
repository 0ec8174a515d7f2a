package mockorg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// Composite (/composite) and sObject Collections (/composite/sobjects) run several writes in one
// API call. Their members go through the same permission checks, validation and write functions
// as single calls (createRecord, updateRecord, deleteRecord), on a copy of the org that replaces
// it, with one state file write, unless allOrNone asked for all or nothing and a member failed.
// SALESFORCE.md, Composite and sObject Collections, has the shapes and their sources.

// maxSubrequests and maxCollectionRecords are Salesforce's documented limits per call.
const (
	maxSubrequests       = 25
	maxCollectionRecords = 200
)

// errRolledBack ends a mutation whose allOrNone call failed: nothing is kept or saved.
var errRolledBack = &apiError{status: http.StatusOK, code: "ROLLED_BACK"}

// compositeRoutes serves /composite and /composite/sobjects.
func (s *Server) compositeRoutes(rt *restRouter) {
	rt.handle(http.MethodPost, "/composite", func(c *restCall) {
		note(c.r, "rest:composite", true)
		s.composite(c)
	})
	rt.otherwise("/composite", refuse("rest:composite", true, "POST"))
	rt.any("/composite/sobjects", func(c *restCall) {
		note(c.r, "rest:compositeSObjects", true)
		s.collections(c)
	})
}

// transact runs fn on a copy of the org as the caller, and keeps the copy (saved once) unless fn
// says to roll back. changed reports whether a kept copy differs from the org it replaced.
func (s *Server) transact(c *restCall, fn func(work *state, u *user) (keep bool)) error {
	err := s.mutateAs(c.caller, func(st *state, u *user) error {
		work := st.clone()
		if !fn(work, work.users[u.ID]) {
			return errRolledBack
		}
		s.st = work
		return nil
	})
	if errors.Is(err, errRolledBack) {
		return nil
	}
	return err
}

// subResult is one member's answer inside a Composite response.
type subResult struct {
	Body        any               `json:"body"`
	HTTPHeaders map[string]string `json:"httpHeaders"`
	Status      int               `json:"httpStatusCode"`
	ReferenceID string            `json:"referenceId"`
	// failure marks an error answer, and a Collections answer with a failed record when the
	// Composite request is allOrNone (which then applies to the collection too).
	failure bool
}

func (r subResult) failed() bool { return r.failure }

func errorResult(e *apiError) subResult {
	return subResult{Body: []restErrorBody{{Message: e.message, ErrorCode: e.code, Fields: e.fields}},
		HTTPHeaders: map[string]string{}, Status: e.status, failure: true}
}

type subrequest struct {
	Method      string          `json:"method"`
	URL         string          `json:"url"`
	ReferenceID string          `json:"referenceId"`
	Body        json.RawMessage `json:"body"`
	HTTPHeaders json.RawMessage `json:"httpHeaders"`
}

type compositeRequest struct {
	AllOrNone bool `json:"allOrNone"`
	// CollateSubrequests lets Salesforce run independent subrequests in parallel; mockorg runs
	// them in order, which is one of the orders Salesforce may choose.
	CollateSubrequests bool         `json:"collateSubrequests"`
	Requests           []subrequest `json:"compositeRequest"`
}

var referenceIDPattern = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// referencePattern is "@{refId.path}", path being fields and [n] indexes of an earlier response body.
var referencePattern = regexp.MustCompile(`@\{([A-Za-z0-9_]+)\.([^}]*)\}`)

func jsonParserError(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", format, args...)
}

func decodeComposite(body []byte) (*compositeRequest, *apiError) {
	var req compositeRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, jsonParserError("Malformed JSON: %v", err)
	}
	switch {
	case len(req.Requests) == 0:
		return nil, jsonParserError("'compositeRequest' is a required field.")
	case len(req.Requests) > maxSubrequests:
		return nil, errorf(http.StatusBadRequest, "LIMIT_EXCEEDED", "Max number of subrequests exceeded: %d", maxSubrequests)
	}
	seen := map[string]bool{}
	for _, sub := range req.Requests {
		switch {
		case sub.ReferenceID == "":
			return nil, jsonParserError("'referenceId' is a required field.")
		case !referenceIDPattern.MatchString(sub.ReferenceID):
			return nil, jsonParserError("Invalid reference id: %s. Reference ids can only contain alphanumeric characters and underscores.", sub.ReferenceID)
		case seen[strings.ToLower(sub.ReferenceID)]:
			return nil, jsonParserError("Duplicate referenceId provided in the request: %s", sub.ReferenceID)
		case sub.Method == "" || sub.URL == "":
			return nil, jsonParserError("'method' and 'url' are required fields.")
		}
		seen[strings.ToLower(sub.ReferenceID)] = true
	}
	return &req, nil
}

// composite runs the subrequests in order. With allOrNone, the first failure stops the run and
// every other subrequest answers 400 PROCESSING_HALTED; without it, a failed subrequest changes
// nothing and the others stand.
func (s *Server) composite(c *restCall) {
	body, aerr := readBody(c.r)
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	req, aerr := decodeComposite(body)
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	results := make([]subResult, len(req.Requests))
	changed := false
	err := s.transact(c, func(work *state, u *user) bool {
		done := map[string]subResult{}
		for i, sub := range req.Requests {
			r, wrote := s.runSubrequest(work, u, sub, done, req.AllOrNone)
			r.ReferenceID = sub.ReferenceID
			results[i], done[strings.ToLower(sub.ReferenceID)] = r, r
			changed = changed || wrote
			if r.failed() && req.AllOrNone {
				halted := errorResult(errorf(http.StatusBadRequest, "PROCESSING_HALTED",
					"The transaction was rolled back since another operation in the same transaction failed."))
				for j := range results {
					if j != i {
						results[j] = halted
						results[j].ReferenceID = req.Requests[j].ReferenceID
					}
				}
				changed = false
				return false
			}
		}
		return changed
	})
	if err != nil {
		writeRESTErr(c.w, err)
		return
	}
	if changed {
		committed(c.r)
		s.log.Info("composite request committed", "subrequests", len(req.Requests), "user", c.caller.username)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"compositeResponse": results})
}

// runSubrequest resolves the subrequest's references and runs it on work; wrote reports a change.
func (s *Server) runSubrequest(work *state, u *user, sub subrequest, done map[string]subResult, outerAllOrNone bool) (subResult, bool) {
	target, aerr := resolveReferences(sub.URL, done, false)
	if aerr != nil {
		return errorResult(aerr), false
	}
	body := []byte(sub.Body)
	if len(body) > 0 {
		resolved, aerr := resolveReferences(string(body), done, true)
		if aerr != nil {
			return errorResult(aerr), false
		}
		body = []byte(resolved)
	}
	u2, err := url.Parse(target)
	if err != nil {
		return errorResult(errNotFound), false
	}
	call := &subCall{work: work, u: u, method: strings.ToUpper(sub.Method), query: u2.Query(), body: body,
		outerAllOrNone: outerAllOrNone, result: errorResult(errNotFound)}
	// The route is matched on the decoded path without its trailing slashes, as a call's would
	// be; a path that is not clean matches nothing and stays NOT_FOUND.
	r := (&http.Request{Method: http.MethodGet, URL: &url.URL{Path: strings.TrimRight(u2.Path, "/")}, Header: http.Header{}}).
		WithContext(context.WithValue(context.Background(), subCallKey{}, call))
	s.subrequests.ServeHTTP(newBufferedResponse(), r)
	return call.result, call.kept
}

// subCall is a composite subrequest on its way through subrequestRoutes; its route sets result
// and kept (whether it changed the org).
type subCall struct {
	work           *state
	u              *user
	version        string
	method         string
	query          url.Values
	body           []byte
	outerAllOrNone bool
	result         subResult
	kept           bool
}

type subCallKey struct{}

// subrequestRoutes are the routes a composite subrequest may take, the REST routes' patterns for
// what a subrequest serves. The method is the subrequest's, checked by each route as the call's
// route checks it. A path no route serves, or of a version not served, is NOT_FOUND.
func (s *Server) subrequestRoutes() *http.ServeMux {
	m := http.NewServeMux()
	on := func(path string, route func(*subCall, *http.Request) (subResult, bool)) {
		m.HandleFunc(restPrefix+path, func(_ http.ResponseWriter, r *http.Request) {
			c := r.Context().Value(subCallKey{}).(*subCall)
			if _, ok := parseAPIVersion(r.PathValue("version")); !ok {
				return
			}
			c.version = r.PathValue("version")
			c.result, c.kept = route(c, r)
		})
	}
	on("/sobjects/{type}", withSubType(subCreate))
	on("/sobjects/{type}/{id}", withSubType(subRecord))
	on("/query", s.subQuery)
	on("/queryAll", s.subQuery)
	on("/composite/sobjects", func(c *subCall, _ *http.Request) (subResult, bool) {
		results, kept, aerr := runCollection(c.work, c.u, c.method, c.query, c.body, c.outerAllOrNone)
		if aerr != nil {
			return errorResult(aerr), false
		}
		return subResult{Body: results, HTTPHeaders: map[string]string{}, Status: http.StatusOK, failure: c.outerAllOrNone && !kept}, kept
	})
	return m
}

func (s *Server) subQuery(c *subCall, _ *http.Request) (subResult, bool) {
	if c.method != http.MethodGet {
		return errorResult(errNotFound), false
	}
	records, count, countOnly, aerr := runQuery(c.work, c.u, c.version, c.query.Get("q"))
	if aerr != nil {
		return errorResult(aerr), false
	}
	page := queryPage{TotalSize: count, Done: true, Records: []any{}}
	if !countOnly {
		page = s.cursors.firstPage(c.u.ID, c.version, records, s.cfg.QueryBatchSize)
	}
	return subResult{Body: page, HTTPHeaders: map[string]string{}, Status: http.StatusOK}, false
}

// withSubType resolves the path's sObject type, NOT_FOUND for one mockorg does not serve.
func withSubType(route func(*subCall, *http.Request, *sobjectType) (subResult, bool)) func(*subCall, *http.Request) (subResult, bool) {
	return func(c *subCall, r *http.Request) (subResult, bool) {
		t := sobjectTypeNamed(r.PathValue("type"))
		if t == nil {
			return errorResult(errNotFound), false
		}
		return route(c, r, t)
	}
}

func subCreate(c *subCall, _ *http.Request, t *sobjectType) (subResult, bool) {
	if c.method != http.MethodPost {
		return errorResult(errorf(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "HTTP Method '%s' not allowed. Allowed are GET,HEAD,POST", c.method)), false
	}
	id, aerr := createRecord(c.work, c.u, t, c.body)
	if aerr != nil {
		return errorResult(aerr), false
	}
	return subResult{Body: map[string]any{"id": id, "success": true, "errors": []any{}},
		HTTPHeaders: map[string]string{"Location": "/services/data/" + c.version + "/sobjects/" + t.name + "/" + id},
		Status:      http.StatusCreated}, true
}

func subRecord(c *subCall, r *http.Request, t *sobjectType) (subResult, bool) {
	raw := r.PathValue("id")
	id, err := sfid.Normalize(raw)
	if err != nil || id[:3] != t.prefix {
		return errorResult(&apiError{status: http.StatusNotFound, code: "NOT_FOUND",
			message: "Provided external ID field does not exist or is not accessible: " + raw}), false
	}
	var aerr *apiError
	switch c.method {
	case http.MethodGet:
		out, aerr := readRecord(c.work, t, c.version, id, c.query.Get("fields"))
		if aerr != nil {
			return errorResult(aerr), false
		}
		return subResult{Body: out, HTTPHeaders: map[string]string{}, Status: http.StatusOK}, false
	case http.MethodPatch:
		aerr = updateRecord(c.work, c.u, t, id, c.body)
	case http.MethodDelete:
		aerr = deleteRecord(c.work, c.u, t, id)
	default:
		aerr = errorf(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "HTTP Method '%s' not allowed. Allowed are GET,HEAD,PATCH,DELETE", c.method)
	}
	if aerr != nil {
		return errorResult(aerr), false
	}
	return subResult{HTTPHeaders: map[string]string{}, Status: http.StatusNoContent}, true
}

// resolveReferences replaces each @{ref.path} with the value at path in the body of the earlier
// subrequest ref. Inside a JSON body the value is written as the contents of a JSON string.
func resolveReferences(text string, done map[string]subResult, inJSON bool) (string, *apiError) {
	var aerr *apiError
	out := referencePattern.ReplaceAllStringFunc(text, func(m string) string {
		parts := referencePattern.FindStringSubmatch(m)
		r, ok := done[strings.ToLower(parts[1])]
		var v any
		if ok && !r.failed() {
			v, ok = valueAt(r.Body, parts[2])
		}
		if !ok || r.failed() || v == nil {
			aerr = errorf(http.StatusBadRequest, "PROCESSING_HALTED",
				"Invalid reference specified. No value for %s.%s found in %s. Provided referenceId ('%s') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').",
				parts[1], parts[2], parts[1], parts[1])
			return m
		}
		s := fmt.Sprint(v)
		if inJSON {
			quoted, _ := json.Marshal(s)
			return string(quoted[1 : len(quoted)-1])
		}
		return url.QueryEscape(s)
	})
	return out, aerr
}

// valueAt reads "records[0].Id" or "id" from a response body.
func valueAt(body any, path string) (any, bool) {
	var doc any
	raw, err := json.Marshal(body)
	if err != nil || json.Unmarshal(raw, &doc) != nil {
		return nil, false
	}
	for part := range strings.SplitSeq(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			obj, ok := doc.(map[string]any)
			if !ok {
				return nil, false
			}
			if doc, ok = obj[name]; !ok {
				return nil, false
			}
		}
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			n, err := strconv.Atoi(idx)
			list, isList := doc.([]any)
			if !ok || err != nil || !isList || n < 0 || n >= len(list) {
				return nil, false
			}
			doc, rest = list[n], strings.TrimPrefix(after, "[")
		}
	}
	return doc, true
}

// saveResult is one record's answer in sObject Collections: Salesforce's SaveResult and DeleteResult.
type saveResult struct {
	ID      string      `json:"id,omitempty"`
	Success bool        `json:"success"`
	Errors  []saveError `json:"errors"`
}

type saveError struct {
	StatusCode string   `json:"statusCode"`
	Message    string   `json:"message"`
	Fields     []string `json:"fields"`
}

func failedSave(id string, e *apiError) saveResult {
	fields := e.fields
	if fields == nil {
		fields = []string{}
	}
	return saveResult{ID: id, Errors: []saveError{{StatusCode: e.code, Message: e.message, Fields: fields}}}
}

// collectionItem is one record of a Collections call: its type, its id (update and delete) and,
// for create and update, its fields as a single call's body would carry them.
type collectionItem struct {
	t    *sobjectType
	id   string
	body []byte
	err  *apiError // a record refused before it is run
}

func (s *Server) collections(c *restCall) {
	method := c.r.Method
	if method != http.MethodPost && method != http.MethodPatch && method != http.MethodDelete {
		writeRESTErr(c.w, methodNotAllowed(c.r, "POST", "PATCH", "DELETE"))
		return
	}
	var body []byte
	if method != http.MethodDelete {
		var aerr *apiError
		if body, aerr = readBody(c.r); aerr != nil {
			writeRESTErr(c.w, aerr)
			return
		}
	}
	var results []saveResult
	var aerr *apiError
	kept := false
	err := s.transact(c, func(work *state, u *user) bool {
		results, kept, aerr = runCollection(work, u, method, c.r.URL.Query(), body, false)
		return kept
	})
	switch {
	case err != nil:
		writeRESTErr(c.w, err)
		return
	case aerr != nil:
		writeRESTErr(c.w, aerr)
		return
	}
	if kept {
		committed(c.r)
		s.log.Info("collection committed", "method", method, "records", len(results), "user", c.caller.username)
	}
	writeJSON(c.w, http.StatusOK, results)
}

// runCollection runs a Collections call on work. With allOrNone (its own, or forced by an
// allOrNone Composite request around it) the records run on a copy that replaces work only when
// every one succeeds; otherwise a failed record changes nothing and the others stand. kept reports
// whether any change reached work; aerr is a malformed request, answered 400 as a whole.
func runCollection(work *state, u *user, method string, query url.Values, body []byte, forceAllOrNone bool) (results []saveResult, kept bool, aerr *apiError) {
	var items []collectionItem
	var allOrNone bool
	if method == http.MethodDelete {
		items, allOrNone, aerr = collectionDeletes(query)
	} else {
		items, allOrNone, aerr = collectionRecords(body, method == http.MethodPatch)
	}
	if aerr != nil {
		return nil, false, aerr
	}
	allOrNone = allOrNone || forceAllOrNone
	tx := work
	if allOrNone {
		tx = work.clone()
	}
	results = make([]saveResult, len(items))
	failed := false
	for i, it := range items {
		var err *apiError
		id := it.id
		switch {
		case it.err != nil:
			err = it.err
		case method == http.MethodPost:
			id, err = createRecord(tx, tx.users[u.ID], it.t, it.body)
		case method == http.MethodPatch:
			err = updateRecord(tx, tx.users[u.ID], it.t, it.id, it.body)
		default:
			err = deleteRecord(tx, tx.users[u.ID], it.t, it.id)
		}
		if err != nil {
			results[i], failed = failedSave(it.id, err), true
			continue
		}
		results[i], kept = saveResult{ID: id, Success: true, Errors: []saveError{}}, true
	}
	if allOrNone && failed {
		for i := range results {
			if results[i].Success {
				id := items[i].id // a rolled-back create has no id
				results[i] = failedSave(id, errorf(http.StatusBadRequest, "ALL_OR_NONE_OPERATION_ROLLED_BACK",
					"Record rolled back because not all records were valid and the request was using AllOrNone header"))
			}
		}
		return results, false, nil
	}
	if allOrNone {
		*work = *tx
	}
	return results, kept, nil
}

// collectionRecords reads a create or update body: {"allOrNone": b, "records": [...]}, every record
// with attributes.type, of one type (Salesforce refuses several types in one call when one is a
// Setup object, as all the writable types here are), and on update with its id.
func collectionRecords(body []byte, update bool) ([]collectionItem, bool, *apiError) {
	var req struct {
		AllOrNone bool                         `json:"allOrNone"`
		Records   []map[string]json.RawMessage `json:"records"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, false, jsonParserError("Malformed JSON: %v", err)
	}
	if aerr := checkCollectionSize(len(req.Records)); aerr != nil {
		return nil, false, aerr
	}
	items := make([]collectionItem, len(req.Records))
	for i, rec := range req.Records {
		var typeName, rawID string
		for k, v := range rec {
			switch {
			case strings.EqualFold(k, "attributes"):
				var attrs struct {
					Type string `json:"type"`
				}
				_ = json.Unmarshal(v, &attrs)
				typeName = attrs.Type
				delete(rec, k)
			case strings.EqualFold(k, "id") && update:
				_ = json.Unmarshal(v, &rawID)
				delete(rec, k)
			}
		}
		t := sobjectTypeNamed(typeName)
		if t == nil {
			return nil, false, errorf(http.StatusBadRequest, "INVALID_TYPE", "Must send a concrete entity type.")
		}
		if aerr := checkOneType(items[:i], t); aerr != nil {
			return nil, false, aerr
		}
		items[i].t = t
		items[i].body, _ = json.Marshal(rec)
		if update {
			items[i].id, items[i].err = collectionID(t, rawID)
			if rawID == "" {
				items[i].err = errorf(http.StatusBadRequest, "MISSING_ARGUMENT", "Id not specified in an update call")
			}
		}
	}
	return items, req.AllOrNone, nil
}

// collectionDeletes reads DELETE's ?ids=a,b&allOrNone=true.
func collectionDeletes(query url.Values) ([]collectionItem, bool, *apiError) {
	raw := query.Get("ids")
	if raw == "" {
		return nil, false, errorf(http.StatusBadRequest, "MISSING_ARGUMENT", "ids parameter is required")
	}
	ids := strings.Split(raw, ",")
	if aerr := checkCollectionSize(len(ids)); aerr != nil {
		return nil, false, aerr
	}
	items := make([]collectionItem, len(ids))
	for i, rawID := range ids {
		rawID = strings.TrimSpace(rawID)
		t := sobjectTypeOfID(rawID)
		if t != nil {
			if aerr := checkOneType(items[:i], t); aerr != nil {
				return nil, false, aerr
			}
		}
		items[i].t = t
		items[i].id, items[i].err = collectionID(t, rawID)
	}
	allOrNone, _ := strconv.ParseBool(query.Get("allOrNone"))
	return items, allOrNone, nil
}

func checkCollectionSize(n int) *apiError {
	if n > maxCollectionRecords {
		return errorf(http.StatusBadRequest, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than %d records into this call", maxCollectionRecords)
	}
	return nil
}

func checkOneType(before []collectionItem, t *sobjectType) *apiError {
	for _, it := range before {
		if it.t != nil && it.t != t {
			return errorf(http.StatusBadRequest, "MIXED_DML_OPERATION",
				"DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): %s, %s", it.t.name, t.name)
		}
	}
	return nil
}

// collectionID normalises a record's id, which must be an id of its type.
func collectionID(t *sobjectType, raw string) (string, *apiError) {
	id, err := sfid.Normalize(raw)
	if err != nil || t == nil || id[:3] != t.prefix {
		return raw, &apiError{status: http.StatusBadRequest, code: "MALFORMED_ID", fields: []string{"Id"}, message: "malformed id " + raw}
	}
	return id, nil
}

// sobjectTypeOfID finds the type whose key prefix begins the id.
func sobjectTypeOfID(id string) *sobjectType {
	if len(id) < 3 {
		return nil
	}
	for _, t := range sobjectTypes {
		if t.prefix == id[:3] {
			return t
		}
	}
	return nil
}
