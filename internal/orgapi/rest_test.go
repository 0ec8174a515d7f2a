package orgapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func TestQuote(t *testing.T) {
	tests := map[string]string{
		"Portal_Mobile":                `'Portal_Mobile'`,
		"O'Brien":                      `'O\'Brien'`,
		`back\slash`:                   `'back\\slash'`,
		"x' OR Name != '":              `'x\' OR Name != \''`,
		`\' OR Id != null OR Name = '`: `'\\\' OR Id != null OR Name = \''`,
		"line\nbreak\ttab\r":           `'line\nbreak\ttab\r'`,
		`say "hi"`:                     `'say \"hi\"'`,
		"":                             `''`,
		"Customer Community Plus User": `'Customer Community Plus User'`,
		"ünïcødé":                      `'ünïcødé'`,
	}
	for in, want := range tests {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestQueryFollowsNextRecordsURL(t *testing.T) {
	var paths []string
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.RequestURI())
		switch r.URL.Path {
		case "/services/data/v66.0/query":
			if q := r.URL.Query().Get("q"); q != "SELECT Id FROM User WHERE Username = 'o\\'brien@x'" {
				t.Errorf("q = %q", q)
			}
			writeJSON(w, 200, map[string]any{"totalSize": 5, "done": false, "nextRecordsUrl": "/services/data/v66.0/query/01g-2", "records": []any{map[string]string{"Id": "1"}, map[string]string{"Id": "2"}}})
		case "/services/data/v66.0/query/01g-2":
			writeJSON(w, 200, map[string]any{"totalSize": 5, "done": false, "nextRecordsUrl": "/services/data/v66.0/query/01g-4", "records": []any{map[string]string{"Id": "3"}, map[string]string{"Id": "4"}}})
		case "/services/data/v66.0/query/01g-4":
			writeJSON(w, 200, map[string]any{"totalSize": 5, "done": true, "records": []any{map[string]string{"Id": "5"}}})
		default:
			t.Errorf("unexpected %s", r.URL)
		}
	})
	c := newTestClient(t, ts.URL, Config{})
	type rec struct {
		ID string `json:"Id"`
	}
	got, err := QueryAll[rec](context.Background(), c, "SELECT Id FROM User WHERE Username = "+Quote("o'brien@x"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "1,2,3,4,5" || len(paths) != 3 {
		t.Errorf("ids %v over %d requests", ids, len(paths))
	}

	// A callback error stops paging at once.
	paths = nil
	stop := errors.New("enough")
	err = c.Query(context.Background(), "SELECT Id FROM User WHERE Username = "+Quote("o'brien@x"), func(json.RawMessage) error { return stop })
	if !errors.Is(err, stop) || len(paths) != 1 {
		t.Errorf("err %v after %d requests", err, len(paths))
	}
}

func TestQueryRefusesToFollowAnotherHost(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"done": false, "nextRecordsUrl": "https://evil.example/services/data/v66.0/query/x", "records": []any{}})
	})
	c := newTestClient(t, ts.URL, Config{})
	err := c.Query(context.Background(), "SELECT Id FROM User", func(json.RawMessage) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "unexpected nextRecordsUrl") {
		t.Errorf("err = %v", err)
	}
}

func TestRecordCRUD(t *testing.T) {
	const id = "0PS5g0000000001GAA"
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.Method + " " + r.URL.Path {
		case "POST /services/data/v66.0/sobjects/PermissionSet":
			if r.Header.Get("Content-Type") != "application/json" || !strings.Contains(string(body), `"Name":"X"`) {
				t.Errorf("create body %s", body)
			}
			writeJSON(w, 201, map[string]any{"id": id[:15], "success": true, "errors": []any{}})
		case "GET /services/data/v66.0/sobjects/PermissionSet/" + id:
			writeJSON(w, 200, map[string]any{"Id": id, "Name": "X"})
		case "PATCH /services/data/v66.0/sobjects/PermissionSet/" + id:
			w.WriteHeader(http.StatusNoContent)
		case "DELETE /services/data/v66.0/sobjects/PermissionSet/" + id:
			restErr(w, 404, "NOT_FOUND", "The requested resource does not exist")
		case "GET /services/data/v66.0/limits":
			writeJSON(w, 200, map[string]any{"DailyApiRequests": map[string]int{"Max": 15000, "Remaining": 14990}})
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
	})
	c := newTestClient(t, ts.URL, Config{})
	ctx := context.Background()
	got, err := c.CreateRecord(ctx, "PermissionSet", map[string]string{"Name": "X"})
	if err != nil || got != id {
		t.Fatalf("create: %q %v (the 15-character id must come back as 18)", got, err)
	}
	var rec struct{ Name string }
	if err := c.GetRecord(ctx, "PermissionSet", id[:15], &rec); err != nil || rec.Name != "X" {
		t.Errorf("get: %+v %v", rec, err)
	}
	if err := c.UpdateRecord(ctx, "PermissionSet", id, map[string]string{"Label": "Y"}); err != nil {
		t.Errorf("update: %v", err)
	}
	if err := c.DeleteRecord(ctx, "PermissionSet", id); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete of a missing record: %v", err)
	}
	limits, err := c.Limits(ctx)
	if err != nil || limits["DailyApiRequests"] != (Limit{Max: 15000, Remaining: 14990}) {
		t.Errorf("limits %v %v", limits, err)
	}
	// Ids and object names are checked before they reach a URL.
	for _, bad := range []func() error{
		func() error { return c.GetRecord(ctx, "PermissionSet", "../../limits", &rec) },
		func() error { return c.DeleteRecord(ctx, "Permission/Set", id) },
		func() error { return c.UpdateRecord(ctx, "PermissionSet", "0PS5g0000000001GAB", nil) },
	} {
		requireKind(t, bad(), KindInvalidInput)
	}
}

func TestRetriedCreateResolvesToTheExistingRecord(t *testing.T) {
	const existing = "0Pa5g0000000001CAA"
	tests := []struct {
		name    string
		dupBody func(w http.ResponseWriter)
		call    func(c *Client) (string, error)
	}{
		{"id in the message", func(w http.ResponseWriter) {
			restErr(w, 400, "DUPLICATE_VALUE", "duplicate value found: <unknown> duplicates value on record with id: "+existing)
		}, func(c *Client) (string, error) {
			return c.CreateRecord(context.Background(), "PermissionSetAssignment", map[string]string{"PermissionSetId": "0PS5g0000000001GAA", "AssigneeId": "0055g0000000001AAA"})
		}},
		{"looked up by its key", func(w http.ResponseWriter) {
			restErr(w, 400, "DUPLICATE_VALUE", "Duplicate PermissionSetAssignment")
		}, func(c *Client) (string, error) {
			return c.AssignPermissionSet(context.Background(), "0PS5g0000000001GAA", "0055g0000000001AAA")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var posts atomic.Int32
			ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				switch r.Method {
				case http.MethodPost:
					if posts.Add(1) == 1 {
						restErr(w, 503, "SERVER_UNAVAILABLE", "committed, answer lost")
						return
					}
					tt.dupBody(w)
				case http.MethodGet:
					q := r.URL.Query().Get("q")
					if !strings.Contains(q, "PermissionSetId = '0PS5g0000000001GAA' AND AssigneeId = '0055g0000000001AAA'") {
						t.Errorf("lookup %q", q)
					}
					writeJSON(w, 200, map[string]any{"done": true, "records": []any{map[string]string{"Id": existing, "PermissionSetId": "0PS5g0000000001GAA", "AssigneeId": "0055g0000000001AAA"}}})
				}
			})
			c := newTestClient(t, ts.URL, Config{MaxRetries: 3})
			id, err := tt.call(c)
			if err != nil || id != existing {
				t.Errorf("got %q %v, want the existing %s", id, err, existing)
			}
			if posts.Load() != 2 {
				t.Errorf("%d creates", posts.Load())
			}
		})
	}
}

func TestRESTErrorsAreTyped(t *testing.T) {
	tests := []struct {
		status       int
		code, msg    string
		fields       []string
		kind         Kind
		permission   string
		wantInString string
	}{
		{403, "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS: this operation requires ManageProfilesPermissionsets", nil, KindInsufficientAccess, "ManageProfilesPermissionsets", "requires ManageProfilesPermissionsets. Give the API user ManageProfilesPermissionsets"},
		{403, "INSUFFICIENT_ACCESS", "insufficient access rights on cross-reference id", nil, KindInsufficientAccess, "ManageProfilesPermissionsets", "Give the API user ManageProfilesPermissionsets"},
		{400, "INVALID_FIELD", "No such column 'PermissionsUseAnyApiClient' on entity 'PermissionSet'", []string{"PermissionsUseAnyApiClient"}, KindFeatureNotProvisioned, "", "Salesforce Customer Support"},
		{400, "INVALID_FIELD", "No such column 'PermissionsNope' on entity 'PermissionSet'", []string{"PermissionsNope"}, KindInvalidInput, "", "Correct the value of PermissionsNope"},
		{400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Label]", []string{"Label"}, KindInvalidInput, "", "[fields: Label]"},
		{404, "NOT_FOUND", "The requested resource does not exist", nil, KindNotFound, "", "does not exist"},
		{429, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", nil, KindRateLimited, "", "max_retries"},
		{401, "INVALID_SESSION_ID", "Session expired or invalid", nil, KindAuth, "", "credentials"},
		{409, "SOMETHING", "odd", nil, KindOther, "", "SOMETHING: odd"},
		{403, "API_CURRENTLY_DISABLED", "API is disabled for this User", nil, KindInsufficientAccess, "ApiEnabled", "Give the API user ApiEnabled"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.status, tt.msg), func(t *testing.T) {
			ts := newServer(t, func(w http.ResponseWriter, r *http.Request) { restErr(w, tt.status, tt.code, tt.msg, tt.fields...) })
			c := newTestClient(t, ts.URL, Config{})
			err := c.DeletePermissionSet(context.Background(), "0PS5g0000000001GAA")
			e := mustKind(t, err, tt.kind)
			if e.Permission != tt.permission || e.Code != tt.code || e.StatusCode != tt.status {
				t.Errorf("permission %q code %q status %d", e.Permission, e.Code, e.StatusCode)
			}
			if !strings.Contains(err.Error(), tt.wantInString) || !strings.HasPrefix(err.Error(), "deleting PermissionSet 0PS5g0000000001GAA: ") {
				t.Errorf("message %q lacks %q", err, tt.wantInString)
			}
		})
	}
}

func TestFeatureProvisioned(t *testing.T) {
	for _, provisioned := range []bool{true, false} {
		ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("q") != "SELECT Id, PermissionsUseAnyApiClient FROM PermissionSet LIMIT 1" {
				t.Errorf("q = %q", r.URL.Query().Get("q"))
			}
			if !provisioned {
				restErr(w, 400, "INVALID_FIELD", "No such column 'PermissionsUseAnyApiClient' on entity 'PermissionSet'.")
				return
			}
			emptyQuery(w)
		})
		c := newTestClient(t, ts.URL, Config{})
		got, err := c.FeatureProvisioned(context.Background())
		if err != nil || got != provisioned {
			t.Errorf("FeatureProvisioned = %v %v, want %v", got, err, provisioned)
		}
	}
}
