package orgapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// grantOrg serves POST /composite/sobjects for SetupEntityAccess: one grant per (ParentId,
// SetupEntityId), DUPLICATE_VALUE naming the existing one otherwise (withID false leaves the id
// out of the message). refuse names a ParentId whose record fails with INSUFFICIENT_ACCESS;
// failAfterCommit answers the first call 503 after keeping its records.
type grantOrg struct {
	mu              sync.Mutex
	grants          map[string]string // parent+app → id
	calls           atomic.Int32
	refuse          string
	failAfterCommit bool
	withID          bool
}

func (o *grantOrg) handler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/composite/sobjects") || r.Method != http.MethodPost {
			restErr(w, http.StatusNotFound, "NOT_FOUND", "no route")
			return
		}
		call := o.calls.Add(1)
		data, _ := io.ReadAll(r.Body)
		var body struct {
			AllOrNone bool             `json:"allOrNone"`
			Records   []map[string]any `json:"records"`
		}
		if err := json.Unmarshal(data, &body); err != nil || body.AllOrNone {
			t.Errorf("bad collections body (allOrNone must be false): %s", data)
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		var out []map[string]any
		for _, rec := range body.Records {
			parent, app := rec["ParentId"].(string), rec["SetupEntityId"].(string)
			key := parent + "/" + app
			switch {
			case parent == o.refuse:
				out = append(out, map[string]any{"success": false, "errors": []any{map[string]any{
					"statusCode": "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "message": "insufficient access rights on cross-reference id", "fields": []string{}}}})
			case o.grants[key] != "":
				msg := "duplicate value found: SetupEntityAccess duplicates value on record with id: " + o.grants[key]
				if !o.withID {
					msg = "duplicate value found: SetupEntityAccess duplicates an existing grant"
				}
				out = append(out, map[string]any{"success": false, "errors": []any{map[string]any{"statusCode": "DUPLICATE_VALUE", "message": msg, "fields": []string{}}}})
			default:
				id := testID(t, sfid.PrefixSetupEntityAccess, len(o.grants)+1)
				o.grants[key] = id
				out = append(out, map[string]any{"id": id, "success": true, "errors": []any{}})
			}
		}
		if o.failAfterCommit && call == 1 {
			restErr(w, http.StatusServiceUnavailable, "SERVER_UNAVAILABLE", "after commit")
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

type grantCall struct {
	parent, app string
	id          string
	err         error
}

func grantConcurrently(c *Client, calls []*grantCall) {
	concurrently(len(calls), func(i int) {
		calls[i].id, calls[i].err = c.GrantConnectedApp(context.Background(), calls[i].parent, calls[i].app)
	})
}

func grantCalls(t *testing.T, n int) []*grantCall {
	out := make([]*grantCall, n)
	for i := range out {
		out[i] = &grantCall{parent: testID(t, sfid.PrefixPermissionSet, i+1), app: testID(t, sfid.PrefixConnectedApplication, 1)}
	}
	return out
}

func TestCollectionCreateFailureIsThatMembersOnly(t *testing.T) {
	org := &grantOrg{grants: map[string]string{}, withID: true}
	calls := grantCalls(t, 5)
	org.refuse = calls[2].parent
	org.grants[calls[4].parent+"/"+calls[4].app] = testID(t, sfid.PrefixSetupEntityAccess, 99) // exists already
	ts := newServer(t, org.handler(t))
	c := newTestClient(t, ts.URL, Config{CoalesceWindow: 50 * time.Millisecond})
	grantConcurrently(c, calls)

	if n := org.calls.Load(); n != 1 {
		t.Errorf("5 concurrent grants took %d calls, want 1", n)
	}
	requireKind(t, calls[2].err, KindInsufficientAccess)
	if !IsDuplicate(calls[4].err) || OutcomeUnknown(calls[4].err) {
		t.Errorf("the grant that exists already: %v, want a duplicate (not retried, so not an unknown outcome)", calls[4].err)
	}
	for _, i := range []int{0, 1, 3} {
		if calls[i].err != nil {
			t.Errorf("grant %d failed with another member's error: %v", i, calls[i].err)
			continue
		}
		if want := org.grants[calls[i].parent+"/"+calls[i].app]; calls[i].id != want {
			t.Errorf("grant %d got id %s, want its own %s", i, calls[i].id, want)
		}
	}
}

// After a 503 that followed the commit, the retried call meets each member's own grant and
// takes its id: none is created twice.
func TestCollectionCreateFailAfterCommitAdoptsEachMember(t *testing.T) {
	org := &grantOrg{grants: map[string]string{}, failAfterCommit: true, withID: true}
	calls := grantCalls(t, 4)
	ts := newServer(t, org.handler(t))
	c := newTestClient(t, ts.URL, Config{CoalesceWindow: 50 * time.Millisecond, MaxRetries: 2})
	grantConcurrently(c, calls)
	if n := org.calls.Load(); n != 2 {
		t.Errorf("%d calls, want 2 (the failed one and its retry)", n)
	}
	if len(org.grants) != len(calls) {
		t.Errorf("the org holds %d grants for %d creates", len(org.grants), len(calls))
	}
	for i, call := range calls {
		if call.err != nil {
			t.Errorf("grant %d: %v", i, call.err)
		} else if want := org.grants[call.parent+"/"+call.app]; call.id != want {
			t.Errorf("grant %d adopted %s, want its own %s", i, call.id, want)
		}
	}
}

// Without the id in the duplicate's message, or with no retry left, every member's outcome is
// unknown, so that the provider looks each one up before it creates it again.
func TestCollectionCreateUnknownOutcomeIsEveryMembers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		retries int
	}{{"retried, duplicate without id", 2}, {"no retry", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			org := &grantOrg{grants: map[string]string{}, failAfterCommit: true}
			calls := grantCalls(t, 3)
			ts := newServer(t, org.handler(t))
			c := newTestClient(t, ts.URL, Config{CoalesceWindow: 50 * time.Millisecond, MaxRetries: tc.retries})
			grantConcurrently(c, calls)
			for i, call := range calls {
				if !OutcomeUnknown(call.err) {
					t.Errorf("grant %d: %v, want an unknown outcome", i, call.err)
				}
				if call.err != nil && !strings.Contains(call.err.Error(), fmt.Sprintf("granting ConnectedApplication %s to PermissionSet %s", call.app, call.parent)) {
					t.Errorf("grant %d's error does not name its own grant: %v", i, call.err)
				}
			}
		})
	}
}

func TestCollectionDeleteMapsResultsToMembers(t *testing.T) {
	ids := []string{testID(t, sfid.PrefixSetupEntityAccess, 1), testID(t, sfid.PrefixSetupEntityAccess, 2), testID(t, sfid.PrefixSetupEntityAccess, 3)}
	var calls atomic.Int32
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var out []map[string]any
		for _, id := range strings.Split(r.URL.Query().Get("ids"), ",") {
			if id == ids[1] {
				out = append(out, map[string]any{"id": id, "success": false, "errors": []any{map[string]any{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []string{}}}})
				continue
			}
			out = append(out, map[string]any{"id": id, "success": true, "errors": []any{}})
		}
		if r.URL.Query().Get("allOrNone") != "false" {
			t.Errorf("allOrNone = %q, want false", r.URL.Query().Get("allOrNone"))
		}
		writeJSON(w, http.StatusOK, out)
	})
	c := newTestClient(t, ts.URL, Config{CoalesceWindow: 50 * time.Millisecond})
	errs := make([]error, len(ids))
	concurrently(len(ids), func(i int) { errs[i] = c.RevokeConnectedAppGrant(context.Background(), ids[i]) })
	if n := calls.Load(); n != 1 {
		t.Errorf("3 concurrent deletes took %d calls, want 1", n)
	}
	requireKind(t, errs[1], KindNotFound)
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("the other deletes: %v, %v", errs[0], errs[2])
	}
}

func TestAPIUsageIsLoggedAndRemainingRead(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Sforce-Limit-Info", "api-usage=120/15000")
		writeJSON(w, http.StatusOK, map[string]any{"DailyApiRequests": map[string]int{"Max": 15000, "Remaining": 14880}})
	})
	log := &captureLogger{}
	c := newTestClient(t, ts.URL, Config{Logger: log})
	remaining, limit, err := c.APIRequestsRemaining(context.Background())
	if err != nil || remaining != 14880 || limit != 15000 {
		t.Fatalf("APIRequestsRemaining = %d, %d, %v; want 14880, 15000", remaining, limit, err)
	}
	if used, most, ok := c.APIUsage(); !ok || used != 120 || most != 15000 {
		t.Errorf("APIUsage = %d/%d (%v), want 120/15000", used, most, ok)
	}
	if !strings.Contains(log.text(), "DEBUG org answered map[api_usage:120/15000") {
		t.Errorf("the debug log does not carry the API usage:\n%s", log.text())
	}
}
