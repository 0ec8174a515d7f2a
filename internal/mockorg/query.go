package mockorg

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/soql"
)

// queryPage is the REST query answer.
type queryPage struct {
	TotalSize      int    `json:"totalSize"`
	Done           bool   `json:"done"`
	NextRecordsURL string `json:"nextRecordsUrl,omitempty"`
	Records        []any  `json:"records"`
}

// queryRoutes serves GET /query?q=SOQL and GET /query/{locator}, and the same under /queryAll.
// QueryAll differs from Query only in also returning deleted and archived records, which mockorg
// never keeps, so the same handlers answer both. As in Salesforce, a queryAll page's
// nextRecordsUrl points at /query/, and either resource pages on from a locator. Every path
// below either resource counts as that resource, also when it is refused.
func (s *Server) queryRoutes(rt *restRouter) {
	for _, kind := range []string{"query", "queryAll"} {
		op := "rest:" + kind
		counted := func(h func(*restCall)) func(*restCall) {
			return func(c *restCall) {
				note(c.r, op, false)
				h(c)
			}
		}
		first := s.queryFirstPage
		if kind == "queryAll" {
			first = s.queryAllFirstPage
		}
		for path, h := range map[string]func(*restCall){
			"/" + kind:                          first,
			"/" + kind + "/{locator}":           s.queryNextPage,
			"/" + kind + "/{locator}/{more...}": restNotFoundCounted,
		} {
			rt.read(path, counted(h))
			rt.otherwise(path, refuse(op, false, "GET", "HEAD"))
		}
	}
}

// restNotFoundCounted answers NOT_FOUND for a path whose operation is already noted.
func restNotFoundCounted(c *restCall) { writeRESTErr(c.w, errNotFound) }

func (s *Server) queryAllFirstPage(c *restCall) { s.runQueryPage(c, c.r.URL.Query().Get("q")) }

// queryFirstPage answers /query?q=SOQL, or its columns with columns=true.
func (s *Server) queryFirstPage(c *restCall) {
	q := c.r.URL.Query().Get("q")
	if strings.TrimSpace(q) != "" && c.r.URL.Query().Get("columns") == "true" {
		s.queryColumns(c, q)
		return
	}
	s.runQueryPage(c, q)
}

func (s *Server) runQueryPage(c *restCall, q string) {
	if strings.TrimSpace(q) == "" {
		writeRESTErr(c.w, errorf(http.StatusBadRequest, "MALFORMED_QUERY", "A query string has to be specified"))
		return
	}
	var records []any
	var count int
	var countOnly bool
	aerr := s.viewAs(c.caller, func(st *state, u *user) *apiError {
		var aerr *apiError
		records, count, countOnly, aerr = runQuery(st, u, c.version, q)
		return aerr
	})
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	if countOnly {
		writeJSON(c.w, http.StatusOK, queryPage{TotalSize: count, Done: true, Records: []any{}})
		return
	}
	writeJSON(c.w, http.StatusOK, s.cursors.firstPage(c.caller.userID, c.version, records, s.batchSize(c.r)))
}

// queryNextPage answers /query/{locator}, a page after the first.
func (s *Server) queryNextPage(c *restCall) {
	page, aerr := s.cursors.nextPage(c.caller.userID, c.version, c.r.PathValue("locator"), s.batchSize(c.r))
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	writeJSON(c.w, http.StatusOK, page)
}

// batchSize is the configured page size, lowered by a client's Sforce-Query-Options batchSize
// (Salesforce accepts 200 to 2000).
func (s *Server) batchSize(r *http.Request) int {
	size := s.cfg.QueryBatchSize
	for opt := range strings.SplitSeq(r.Header.Get("Sforce-Query-Options"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(opt), "=")
		if !ok || !strings.EqualFold(k, "batchSize") {
			continue
		}
		if n, err := strconv.Atoi(v); err == nil && n >= 200 && n <= 2000 && n < size {
			size = n
		}
	}
	return size
}

// runQuery evaluates a SOQL statement against the org as viewer sees it and renders the matching
// records; for COUNT() it returns the count and no records.
func runQuery(st *state, viewer *user, version, text string) (records []any, count int, countOnly bool, aerr *apiError) {
	q, t, paths, aerr := resolveQuery(st, text)
	if aerr != nil {
		return nil, 0, false, aerr
	}
	getter := func(rec record) soql.Getter {
		return func(field string) (any, bool) {
			p, ok := paths[strings.ToLower(field)]
			if !ok {
				return nil, false
			}
			return p.value(st, rec), true
		}
	}
	var matched []record
	for _, rec := range candidates(st, t, q) {
		if t.visibleTo != nil && !t.visibleTo(st, viewer, rec) {
			continue
		}
		ok, err := q.Match(getter(rec))
		if err != nil {
			return nil, 0, false, soqlError(err)
		}
		if ok {
			matched = append(matched, rec)
		}
	}
	if len(q.OrderBy) > 0 {
		slices.SortStableFunc(matched, func(a, b record) int { return q.Compare(getter(a), getter(b)) })
	}
	if q.Offset > 0 {
		matched = matched[min(q.Offset, len(matched)):]
	}
	if q.Limit >= 0 && q.Limit < len(matched) {
		matched = matched[:q.Limit]
	}
	if q.Count {
		return nil, len(matched), true, nil
	}
	selected := selectedPaths(q, paths)
	records = make([]any, 0, len(matched))
	for _, rec := range matched {
		records = append(records, t.render(st, version, rec, selected))
	}
	return records, len(records), false, nil
}

// resolveQuery parses a SOQL statement and resolves every field it references, keyed by the
// field's lower-cased text, or explains why the statement is not valid against this org.
func resolveQuery(st *state, text string) (*soql.Query, *sobjectType, map[string]fieldPath, *apiError) {
	q, err := soql.Parse(text)
	if err != nil {
		return nil, nil, nil, soqlError(err)
	}
	t := sobjectTypeNamed(q.Object)
	if t == nil {
		return nil, nil, nil, errorf(http.StatusBadRequest, "INVALID_TYPE",
			"sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.", q.Object)
	}
	paths := map[string]fieldPath{}
	for _, f := range q.ReferencedFields() {
		p, aerr := t.resolvePath(st, f)
		if aerr != nil {
			return nil, nil, nil, aerr
		}
		paths[strings.ToLower(f)] = p
	}
	return q, t, paths, nil
}

// selectedPaths are the SELECT list's fields in order, each once however often it is named.
func selectedPaths(q *soql.Query, paths map[string]fieldPath) []fieldPath {
	var selected []fieldPath
	seen := map[string]bool{}
	for _, f := range q.Fields {
		p := paths[strings.ToLower(f)]
		if !seen[p.canonical] {
			seen[p.canonical] = true
			selected = append(selected, p)
		}
	}
	return selected
}

// candidates are the records a query tests: those an index gives for one of the WHERE clause's
// equalities, or every record of the type.
func candidates(st *state, t *sobjectType, q *soql.Query) []record {
	if t.lookup != nil {
		for _, eq := range q.Equalities() {
			if recs, ok := t.lookup(st, eq.Field, eq.Value); ok {
				return recs
			}
		}
	}
	return t.records(st)
}

func soqlError(err error) *apiError {
	var se *soql.Error
	if errors.As(err, &se) {
		return &apiError{status: http.StatusBadRequest, code: se.Code, message: se.Message}
	}
	return &apiError{status: http.StatusBadRequest, code: soql.CodeMalformedQuery, message: err.Error()}
}
