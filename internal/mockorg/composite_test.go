package mockorg

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

type compositeAnswer struct {
	CompositeResponse []struct {
		Body           any               `json:"body"`
		HTTPHeaders    map[string]string `json:"httpHeaders"`
		HTTPStatusCode int               `json:"httpStatusCode"`
		ReferenceID    string            `json:"referenceId"`
	} `json:"compositeResponse"`
}

func sub(method, path, ref string, body any) map[string]any {
	m := map[string]any{"method": method, "url": apiBase + path, "referenceId": ref}
	if body != nil {
		m["body"] = body
	}
	return m
}

func (h *harness) composite(t *testing.T, token string, allOrNone bool, subs ...map[string]any) compositeAnswer {
	t.Helper()
	r := h.rest(http.MethodPost, apiBase+"/composite", token, map[string]any{"allOrNone": allOrNone, "compositeRequest": subs})
	if r.status != http.StatusOK {
		t.Fatalf("composite: %d %s", r.status, r.body)
	}
	var out compositeAnswer
	r.json(t, &out)
	if len(out.CompositeResponse) != len(subs) {
		t.Fatalf("composite: %d results for %d subrequests: %s", len(out.CompositeResponse), len(subs), r.body)
	}
	return out
}

func errorCodeOf(body any) string {
	list, _ := body.([]any)
	if len(list) == 0 {
		return ""
	}
	m, _ := list[0].(map[string]any)
	code, _ := m["errorCode"].(string)
	return code
}

func (h *harness) permSetNames() []string {
	var names []string
	for _, ps := range h.snapshot().PermissionSets {
		names = append(names, ps.Name)
	}
	return names
}

// TestCompositeChainsReferencesInOneCallAndOneWrite creates a permission set, assigns it and
// grants an app to it through @{ref.id}, reads it back, and checks that the call counts once in
// API usage and stats and writes the state file once.
func TestCompositeChainsReferencesInOneCallAndOneWrite(t *testing.T) {
	h, d := persistedHarness(t, filepath.Join(t.TempDir(), "org.json"))
	admin := h.adminToken()
	before := d.count()
	usedBefore := h.org.apiUsed.Load()
	out := h.composite(t, admin, true,
		sub("POST", "/sobjects/PermissionSet", "ps", psBody("Composite_PS")),
		sub("POST", "/sobjects/PermissionSetAssignment", "asg", map[string]any{"PermissionSetId": "@{ps.id}", "AssigneeId": h.userID("employee@acme.test")}),
		sub("POST", "/sobjects/SetupEntityAccess", "grant", map[string]any{"ParentId": "@{ps.id}", "SetupEntityId": h.appID("Workbench")}),
		sub("GET", "/query?q=SELECT+Id,Name+FROM+PermissionSet+WHERE+Id='@{ps.id}'", "read", nil),
		sub("PATCH", "/sobjects/PermissionSet/@{ps.id}", "rename", map[string]any{"Label": "Renamed"}),
	)
	r := out.CompositeResponse
	psID, _ := r[0].Body.(map[string]any)["id"].(string)
	if r[0].HTTPStatusCode != 201 || r[0].ReferenceID != "ps" || r[0].HTTPHeaders["Location"] != apiBase+"/sobjects/PermissionSet/"+psID {
		t.Errorf("create: %+v", r[0])
	}
	if r[1].HTTPStatusCode != 201 || r[2].HTTPStatusCode != 201 || r[4].HTTPStatusCode != 204 || r[4].Body != nil {
		t.Errorf("chained writes: %+v", r)
	}
	if page, _ := r[3].Body.(map[string]any); r[3].HTTPStatusCode != 200 || page["totalSize"] != float64(1) {
		t.Errorf("a read sees the earlier writes: %+v", r[3])
	}
	if got := d.count() - before; got != 1 {
		t.Errorf("%d state file writes, want 1", got)
	}
	if got := h.org.apiUsed.Load() - usedBefore; got != 1 {
		t.Errorf("the composite request counted %d API calls, want 1", got)
	}
	snap := h.snapshot()
	if len(snap.PermissionSets) != 1 || snap.PermissionSets[0].Label != "Renamed" || len(snap.PermissionSetAssignments) != 1 {
		t.Errorf("org after the composite request: %+v %+v", snap.PermissionSets, snap.PermissionSetAssignments)
	}
	var stats Stats
	h.control(http.MethodGet, "/__mockorg/stats", nil).json(t, &stats)
	if stats.ByOperation["rest:composite"] != 1 || stats.Writes != 1 {
		t.Errorf("stats: %+v", stats)
	}
}

// TestCompositeAllOrNoneRollsBackEverything fails the third subrequest: with allOrNone nothing
// stays and the others answer PROCESSING_HALTED; without it the failure alone is refused.
func TestCompositeAllOrNoneRollsBackEverything(t *testing.T) {
	for _, allOrNone := range []bool{true, false} {
		t.Run(fmt.Sprint("allOrNone=", allOrNone), func(t *testing.T) {
			h := newHarness(t, Config{})
			admin := h.adminToken()
			out := h.composite(t, admin, allOrNone,
				sub("POST", "/sobjects/PermissionSet", "a", psBody("First")),
				sub("POST", "/sobjects/PermissionSet", "b", psBody("Second")),
				sub("POST", "/sobjects/PermissionSet", "dup", psBody("First")),
				sub("POST", "/sobjects/PermissionSet", "c", psBody("Third")),
				sub("POST", "/sobjects/PermissionSetAssignment", "ref", map[string]any{"PermissionSetId": "@{dup.id}", "AssigneeId": h.userID("employee@acme.test")}),
			)
			r := out.CompositeResponse
			if r[2].HTTPStatusCode != 400 || errorCodeOf(r[2].Body) != "DUPLICATE_VALUE" {
				t.Errorf("the duplicate: %+v", r[2])
			}
			names := strings.Join(h.permSetNames(), ",")
			if allOrNone {
				for _, i := range []int{0, 1, 3, 4} {
					if r[i].HTTPStatusCode != 400 || errorCodeOf(r[i].Body) != "PROCESSING_HALTED" || r[i].ReferenceID == "" {
						t.Errorf("subrequest %d: %+v", i, r[i])
					}
				}
				if names != "" {
					t.Errorf("rolled back, yet the org has %s", names)
				}
				return
			}
			if r[0].HTTPStatusCode != 201 || r[1].HTTPStatusCode != 201 || r[3].HTTPStatusCode != 201 {
				t.Errorf("the others: %+v", r)
			}
			if r[4].HTTPStatusCode != 400 || errorCodeOf(r[4].Body) != "PROCESSING_HALTED" {
				t.Errorf("a reference to a failed subrequest: %+v", r[4])
			}
			if names != "First,Second,Third" {
				t.Errorf("org: %s", names)
			}
		})
	}
}

func TestCompositeRefusesMalformedRequests(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	many := make([]map[string]any, maxSubrequests+1)
	for i := range many {
		many[i] = sub("GET", "/sobjects/PermissionSet/describe", fmt.Sprintf("r%d", i), nil)
	}
	for _, c := range []struct {
		name string
		body any
		code string
	}{
		{"26 subrequests", map[string]any{"compositeRequest": many}, "LIMIT_EXCEEDED"},
		{"no referenceId", map[string]any{"compositeRequest": []any{map[string]any{"method": "GET", "url": apiBase + "/limits"}}}, "JSON_PARSER_ERROR"},
		{"bad referenceId", map[string]any{"compositeRequest": []any{sub("GET", "/limits", "a-b", nil)}}, "JSON_PARSER_ERROR"},
		{"duplicate referenceId", map[string]any{"compositeRequest": []any{sub("GET", "/limits", "a", nil), sub("GET", "/limits", "A", nil)}}, "JSON_PARSER_ERROR"},
		{"none", map[string]any{"compositeRequest": []any{}}, "JSON_PARSER_ERROR"},
	} {
		if r := h.rest(http.MethodPost, apiBase+"/composite", admin, c.body); r.status != http.StatusBadRequest || r.restError(t).ErrorCode != c.code {
			t.Errorf("%s: %d %s", c.name, r.status, r.body)
		}
	}
}

// TestCompositeChecksEachSubrequestsPermission runs as a user who may not manage permission sets.
func TestCompositeChecksEachSubrequestsPermission(t *testing.T) {
	h := newHarness(t, Config{})
	readOnly := h.login("readonly@acme.test", "Partner_Portal_Mobile")
	out := h.composite(t, readOnly, false, sub("POST", "/sobjects/PermissionSet", "ps", psBody("Nope")))
	if r := out.CompositeResponse[0]; r.HTTPStatusCode != 403 || errorCodeOf(r.Body) != "INSUFFICIENT_ACCESS" {
		t.Errorf("a denied subrequest: %+v", r)
	}
}

// TestCompositeThatCannotBeSavedChangesNothing fills the disk: the call answers 500 and the org,
// whose copy was to replace it, is as before.
func TestCompositeThatCannotBeSavedChangesNothing(t *testing.T) {
	h, d := persistedHarness(t, filepath.Join(t.TempDir(), "org.json"))
	admin := h.adminToken()
	d.set(true, false)
	r := h.rest(http.MethodPost, apiBase+"/composite", admin, map[string]any{"compositeRequest": []any{sub("POST", "/sobjects/PermissionSet", "ps", psBody("Unsaved"))}})
	mustFailToSave(t, "composite", protoREST, r)
	d.set(false, false)
	if names := h.permSetNames(); len(names) != 0 {
		t.Errorf("an unsaved composite request left %v", names)
	}
	c := h.rest(http.MethodPost, apiBase+"/composite/sobjects", admin, map[string]any{"records": []any{psRecord("Unsaved")}})
	if c.status != http.StatusOK {
		t.Fatalf("collections after the disk recovered: %d %s", c.status, c.body)
	}
}

// TestCompositeAfterCommitFaultCarriesOutTheWrite: a 503 after commit, with the change made.
func TestCompositeAfterCommitFaultCarriesOutTheWrite(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	h.mustStatus(t, h.control(http.MethodPost, "/__mockorg/faults", map[string]any{"after_commit_rate": 1, "seed": 3}), http.StatusOK)
	for _, c := range []struct {
		path string
		body any
	}{
		{"/composite", map[string]any{"compositeRequest": []any{sub("POST", "/sobjects/PermissionSet", "ps", psBody("ViaComposite"))}}},
		{"/composite/sobjects", map[string]any{"records": []any{psRecord("ViaCollection")}}},
	} {
		if r := h.rest(http.MethodPost, apiBase+c.path, admin, c.body); r.status != http.StatusServiceUnavailable {
			t.Errorf("%s under after-commit faults: %d %s", c.path, r.status, r.body)
		}
	}
	if names := strings.Join(h.permSetNames(), ","); names != "ViaComposite,ViaCollection" {
		t.Errorf("the writes were not carried out: %s", names)
	}
	// A call that changes nothing is answered as it is.
	if r := h.rest(http.MethodPost, apiBase+"/composite/sobjects", admin, map[string]any{"records": []any{psRecord("ViaComposite")}}); r.status != http.StatusOK {
		t.Errorf("a refused collection under after-commit faults: %d", r.status)
	}
}

func psRecord(name string) map[string]any {
	return map[string]any{"attributes": map[string]string{"type": "PermissionSet"}, "Name": name, "Label": name}
}

type collectionResult struct {
	ID      string `json:"id"`
	Success bool   `json:"success"`
	Errors  []struct {
		StatusCode string   `json:"statusCode"`
		Message    string   `json:"message"`
		Fields     []string `json:"fields"`
	} `json:"errors"`
}

func (h *harness) collection(t *testing.T, method, path, token string, body any) []collectionResult {
	t.Helper()
	r := h.rest(method, apiBase+"/composite/sobjects"+path, token, body)
	if r.status != http.StatusOK {
		t.Fatalf("collections %s: %d %s", method, r.status, r.body)
	}
	var out []collectionResult
	r.json(t, &out)
	return out
}

func statusCodes(results []collectionResult) string {
	var codes []string
	for _, r := range results {
		code := "ok"
		if !r.Success {
			code = r.Errors[0].StatusCode
		}
		codes = append(codes, code)
	}
	return strings.Join(codes, ",")
}

// TestCollectionsCreateUpdateDelete runs each method with and without allOrNone, with one bad
// record among good ones.
func TestCollectionsCreateUpdateDelete(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	records := []any{psRecord("A"), psRecord("B"), psRecord("A")}
	if got := statusCodes(h.collection(t, "POST", "", admin, map[string]any{"allOrNone": true, "records": records})); got != "ALL_OR_NONE_OPERATION_ROLLED_BACK,ALL_OR_NONE_OPERATION_ROLLED_BACK,DUPLICATE_VALUE" {
		t.Errorf("create, allOrNone: %s", got)
	}
	if names := h.permSetNames(); len(names) != 0 {
		t.Errorf("allOrNone left %v", names)
	}
	created := h.collection(t, "POST", "", admin, map[string]any{"records": records})
	if got := statusCodes(created); got != "ok,ok,DUPLICATE_VALUE" || created[0].ID == "" || created[2].ID != "" {
		t.Fatalf("create: %s %+v", got, created)
	}
	a, b := created[0].ID, created[1].ID
	update := func(id, name string) map[string]any {
		return map[string]any{"attributes": map[string]string{"type": "PermissionSet"}, "id": id, "Name": name}
	}
	if got := statusCodes(h.collection(t, "PATCH", "", admin, map[string]any{"allOrNone": true, "records": []any{update(a, "A2"), update(b, "A2")}})); got != "ALL_OR_NONE_OPERATION_ROLLED_BACK,DUPLICATE_VALUE" {
		t.Errorf("update, allOrNone: %s", got)
	}
	updated := h.collection(t, "PATCH", "", admin, map[string]any{"records": []any{update(a, "A2"), update("nonsense", "X"), update(b, "B2")}})
	if got := statusCodes(updated); got != "ok,MALFORMED_ID,ok" || updated[0].ID != a {
		t.Errorf("update: %s %+v", got, updated)
	}
	if names := strings.Join(h.permSetNames(), ","); names != "A2,B2" {
		t.Errorf("after the update: %s", names)
	}
	if got := statusCodes(h.collection(t, "DELETE", "?allOrNone=true&ids="+a+",001000000000000AAA", admin, nil)); got != "ALL_OR_NONE_OPERATION_ROLLED_BACK,MALFORMED_ID" {
		t.Errorf("delete, allOrNone: %s", got)
	}
	if got := statusCodes(h.collection(t, "DELETE", "?ids="+a+","+b, admin, nil)); got != "ok,ok" {
		t.Errorf("delete: %s", got)
	}
	if names := h.permSetNames(); len(names) != 0 {
		t.Errorf("after the delete: %v", names)
	}
	var stats Stats
	h.control(http.MethodGet, "/__mockorg/stats", nil).json(t, &stats)
	if stats.ByOperation["rest:compositeSObjects"] != 6 {
		t.Errorf("stats: %+v", stats.ByOperation)
	}
}

func TestCollectionsRefuseMalformedRequests(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	many := make([]any, maxCollectionRecords+1)
	for i := range many {
		many[i] = psRecord(fmt.Sprintf("P%d", i))
	}
	mixed := []any{psRecord("P"), map[string]any{"attributes": map[string]string{"type": "SetupEntityAccess"}}}
	for _, c := range []struct {
		name, method, path string
		body               any
		code               string
	}{
		{"201 records", "POST", "", map[string]any{"records": many}, "EXCEEDED_ID_LIMIT"},
		{"two types", "POST", "", map[string]any{"records": mixed}, "MIXED_DML_OPERATION"},
		{"no type", "POST", "", map[string]any{"records": []any{map[string]any{"Name": "X"}}}, "INVALID_TYPE"},
		{"no ids", "DELETE", "", nil, "MISSING_ARGUMENT"},
	} {
		if r := h.rest(c.method, apiBase+"/composite/sobjects"+c.path, admin, c.body); r.status != http.StatusBadRequest || r.restError(t).ErrorCode != c.code {
			t.Errorf("%s: %d %s", c.name, r.status, r.body)
		}
	}
}

// TestCompositeAllOrNoneAppliesToItsCollections: an allOrNone Composite request makes a
// collection inside it all or none too, and rolls back the whole call when one record fails.
func TestCompositeAllOrNoneAppliesToItsCollections(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	coll := sub("POST", "/composite/sobjects", "coll", map[string]any{"allOrNone": false, "records": []any{psRecord("X"), psRecord("X")}})
	out := h.composite(t, admin, true, sub("POST", "/sobjects/PermissionSet", "ps", psBody("Before")), coll)
	if r := out.CompositeResponse; r[0].HTTPStatusCode != 400 || errorCodeOf(r[0].Body) != "PROCESSING_HALTED" || r[1].HTTPStatusCode != 200 {
		t.Errorf("results: %+v", r)
	}
	if names := h.permSetNames(); len(names) != 0 {
		t.Errorf("rolled back, yet the org has %v", names)
	}
	out = h.composite(t, admin, false, coll)
	if names := h.permSetNames(); len(names) != 1 || out.CompositeResponse[0].HTTPStatusCode != 200 {
		t.Errorf("without allOrNone the collection's own setting holds: %v %+v", names, out)
	}
}
