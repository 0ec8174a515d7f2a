package orgapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

func newServerUnstarted(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// testID is a valid 18-character id with prefix and serial n.
func testID(t *testing.T, prefix string, n int) string {
	t.Helper()
	id, err := sfid.Normalize(fmt.Sprintf("%s%012d", prefix, n))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

var quotedID = regexp.MustCompile(`'([A-Za-z0-9]{18})'`)

// assignmentOrg answers SOQL on PermissionSetAssignment with the records of the ids the query
// names that exist, and deletes them through sObject Collections; it counts the queries and
// keeps the longest one. hold, when set, is waited on before a query is answered.
type assignmentOrg struct {
	mu       sync.Mutex
	existing map[string]bool
	queries  atomic.Int32
	longest  atomic.Int32
	maxIDs   atomic.Int32
	received chan struct{}
	hold     chan struct{}
}

func (o *assignmentOrg) handler(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/query"):
		q := r.URL.Query().Get("q")
		o.queries.Add(1)
		if n := int32(len(q)); n > o.longest.Load() {
			o.longest.Store(n)
		}
		ids := quotedID.FindAllStringSubmatch(q, -1)
		if n := int32(len(ids)); n > o.maxIDs.Load() {
			o.maxIDs.Store(n)
		}
		o.mu.Lock()
		recs := []map[string]any{}
		for _, m := range ids {
			if o.existing[m[1]] {
				recs = append(recs, map[string]any{"Id": m[1], "PermissionSetId": "0PS000000000001AAA", "AssigneeId": "005000000000001AAA",
					"PermissionSet": map[string]any{"Name": "Set"}, "Assignee": map[string]any{"Username": "u@acme.test"}})
			}
		}
		received, hold := o.received, o.hold
		o.mu.Unlock()
		// The answer is what the org held when the query arrived, even if it is held back.
		if received != nil {
			received <- struct{}{}
		}
		if hold != nil {
			<-hold
		}
		writeJSON(w, http.StatusOK, map[string]any{"totalSize": len(recs), "done": true, "records": recs})
	case strings.HasSuffix(r.URL.Path, "/composite/sobjects") && r.Method == http.MethodDelete:
		o.mu.Lock()
		var out []map[string]any
		for _, id := range strings.Split(r.URL.Query().Get("ids"), ",") {
			delete(o.existing, id)
			out = append(out, map[string]any{"id": id, "success": true, "errors": []any{}})
		}
		o.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	default:
		restErr(w, http.StatusNotFound, "NOT_FOUND", "no route "+r.URL.Path)
	}
}

// concurrently runs n calls of fn at once and waits for them.
func concurrently(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); fn(i) }()
	}
	wg.Wait()
}

func TestCoalescedReadsAreOneRequestAndMissingMembersAreNotFound(t *testing.T) {
	org := &assignmentOrg{existing: map[string]bool{}}
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = testID(t, sfid.PrefixAssignment, i+1)
		if i%3 != 0 { // 0, 3, 6 and 9 are missing
			org.existing[ids[i]] = true
		}
	}
	ts := newServer(t, org.handler)
	c := newTestClient(t, ts.URL, Config{CoalesceWindow: 50 * time.Millisecond})

	errs := make([]error, len(ids))
	got := make([]*PermissionSetAssignment, len(ids))
	concurrently(len(ids), func(i int) { got[i], errs[i] = c.PermissionSetAssignmentByID(context.Background(), ids[i]) })

	if n := org.queries.Load(); n != 1 {
		t.Errorf("%d concurrent reads sent %d queries, want 1", len(ids), n)
	}
	for i := range ids {
		switch {
		case i%3 == 0:
			requireKind(t, errs[i], KindNotFound)
		case errs[i] != nil:
			t.Errorf("read %d: %v", i, errs[i])
		case got[i].ID != ids[i]:
			t.Errorf("read %d got record %s, want %s", i, got[i].ID, ids[i])
		}
	}
}

func TestCoalescedReadsAreChunkedBelowQueryLimits(t *testing.T) {
	org := &assignmentOrg{existing: map[string]bool{}}
	const n = 450
	ids := make([]string, n)
	for i := range ids {
		ids[i] = testID(t, sfid.PrefixAssignment, i+1)
		org.existing[ids[i]] = true
	}
	ts := newServer(t, org.handler)
	c := newTestClient(t, ts.URL, Config{CoalesceWindow: 200 * time.Millisecond})
	var failed atomic.Int32
	concurrently(n, func(i int) {
		if _, err := c.PermissionSetAssignmentByID(context.Background(), ids[i]); err != nil {
			failed.Add(1)
		}
	})
	if failed.Load() != 0 {
		t.Errorf("%d reads failed", failed.Load())
	}
	if q := org.queries.Load(); q != 3 {
		t.Errorf("%d reads sent %d queries, want 3 (200, 200, 50)", n, q)
	}
	if m := org.maxIDs.Load(); m > soqlIDChunk {
		t.Errorf("a query carried %d ids, more than %d", m, soqlIDChunk)
	}
	if l := org.longest.Load(); l >= 20000 {
		t.Errorf("the longest query has %d characters; SOQL allows 100,000 and the client keeps well below", l)
	}
}

// A read that begins after a write of the same client completed never gets an answer fetched
// before the write, even while an earlier read of the same record is still in flight.
func TestCoalescedReadAfterWriteIsNotStale(t *testing.T) {
	id := testID(t, sfid.PrefixAssignment, 7)
	org := &assignmentOrg{existing: map[string]bool{id: true}, received: make(chan struct{}, 4), hold: make(chan struct{})}
	ts := newServer(t, org.handler)
	c := newTestClient(t, ts.URL, Config{CoalesceWindow: 5 * time.Millisecond})
	ctx := context.Background()

	first := make(chan error, 1)
	go func() { _, err := c.PermissionSetAssignmentByID(ctx, id); first <- err }()
	<-org.received // the first read is at the org, which holds its answer

	org.mu.Lock()
	delete(org.existing, id) // the write, as the org sees it…
	org.mu.Unlock()
	second := make(chan error, 1)
	go func() { _, err := c.PermissionSetAssignmentByID(ctx, id); second <- err }()
	time.Sleep(30 * time.Millisecond) // the second read's window has closed
	close(org.hold)

	if err := <-first; err != nil {
		t.Errorf("first read, begun before the write: %v", err)
	}
	requireKind(t, <-second, KindNotFound)
	if q := org.queries.Load(); q != 2 {
		t.Errorf("%d queries, want 2: the read after the write must not share the earlier one", q)
	}

	// And through the client's own delete.
	org.mu.Lock()
	org.existing[id] = true
	org.hold, org.received = nil, nil
	org.mu.Unlock()
	if _, err := c.PermissionSetAssignmentByID(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.DeletePermissionSetAssignment(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err := c.PermissionSetAssignmentByID(ctx, id)
	requireKind(t, err, KindNotFound)
}

func TestCoalescingOffSendsEachRead(t *testing.T) {
	org := &assignmentOrg{existing: map[string]bool{}}
	ts := newServer(t, org.handler)
	t.Setenv(envCoalesce, "off")
	c := newTestClient(t, ts.URL, Config{CoalesceWindow: 50 * time.Millisecond})
	concurrently(5, func(i int) {
		_, _ = c.PermissionSetAssignmentByID(context.Background(), testID(t, sfid.PrefixAssignment, i+1))
	})
	if q := org.queries.Load(); q != 5 {
		t.Errorf("with SFACCESS_COALESCE=off, 5 reads sent %d queries, want 5", q)
	}
}

func TestReadMetadataCoalescesTenNamesACall(t *testing.T) {
	org := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	c := org.client(t, func(cfg *Config) { cfg.CoalesceWindow = 100 * time.Millisecond })
	names := []string{"Terraform_Admin", "Partner_Portal_Mobile", "Workbench", "DataLoader"}
	for i := range 8 {
		names = append(names, fmt.Sprintf("Missing_App_%d", i))
	}
	ctx := context.Background()
	if _, err := c.Limits(ctx); err != nil { // authenticate before counting
		t.Fatal(err)
	}
	org.ResetStats(t)
	errs := make([]error, len(names))
	concurrently(len(names), func(i int) { _, errs[i] = c.ReadConnectedApp(ctx, names[i]) })
	concurrently(len(names), func(int) { _, _ = c.ListConnectedApps(ctx) })
	var st struct {
		ByOperation map[string]int `json:"by_operation"`
	}
	org.MustControl(t, http.MethodGet, "stats", nil, &st)
	if n := st.ByOperation["soap:readMetadata"]; n != 2 {
		t.Errorf("%d concurrent reads took %d readMetadata calls, want 2 (10 names a call)", len(names), n)
	}
	if n := st.ByOperation["soap:listMetadata"]; n != 1 {
		t.Errorf("%d concurrent lists took %d listMetadata calls, want 1", len(names), n)
	}
	for i, err := range errs {
		if strings.HasPrefix(names[i], "Missing") {
			requireKind(t, err, KindNotFound)
		} else if err != nil {
			t.Errorf("%s: %v", names[i], err)
		}
	}
}

// N sequential requests use one connection, and rounds of ten parallel requests keep reusing
// the same ten (Go's default of two idle connections a host would open new ones every round).
func TestConnectionsAreReused(t *testing.T) {
	var conns atomic.Int32
	ts := newServerUnstarted(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"DailyApiRequests": map[string]int{"Max": 15000, "Remaining": 14000}})
	})
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	c := newTestClient(t, ts.URL, Config{})
	ctx := context.Background()
	for range 20 {
		if _, err := c.Limits(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 sequential requests opened %d connections, want 1", n)
	}
	conns.Store(0)
	for range 5 {
		concurrently(10, func(int) { _, _ = c.Limits(ctx) })
	}
	if n := conns.Load(); n > 10 {
		t.Errorf("5 rounds of 10 parallel requests opened %d new connections, want at most 10", n)
	}
}

// A shared list answers the calls that follow it only until the client writes.
func TestSharedListIsNotReusedAfterAWrite(t *testing.T) {
	org := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	c := org.client(t, nil)
	ctx := context.Background()
	listCalls := func() int {
		var st struct {
			ByOperation map[string]int `json:"by_operation"`
		}
		org.MustControl(t, http.MethodGet, "stats", nil, &st)
		return st.ByOperation["soap:listMetadata"]
	}
	has := func(files []MetadataFile, name string) bool {
		for _, f := range files {
			if f.FullName == name {
				return true
			}
		}
		return false
	}
	files, err := c.ListConnectedApps(ctx)
	if err != nil || !has(files, "Workbench") {
		t.Fatalf("first list: %v, Workbench listed: %v", err, has(files, "Workbench"))
	}
	if _, err := c.ListConnectedApps(ctx); err != nil {
		t.Fatal(err)
	}
	if n := listCalls(); n != 1 {
		t.Errorf("two lists in a row took %d listMetadata calls, want 1", n)
	}
	if err := c.DeleteConnectedApp(ctx, "Workbench"); err != nil {
		t.Fatal(err)
	}
	files, err = c.ListConnectedApps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if has(files, "Workbench") {
		t.Error("the list after the delete still shows Workbench: a stale answer from before the client's own write")
	}
	if n := listCalls(); n != 2 {
		t.Errorf("%d listMetadata calls, want 2", n)
	}
}

// Concurrent connected app creates share one createMetadata call (ten components a call), and a
// component the org refuses fails its own create only.
func TestConcurrentConnectedAppCreatesShareACall(t *testing.T) {
	org := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	c := org.client(t, func(cfg *Config) { cfg.CoalesceWindow = 100 * time.Millisecond })
	ctx := context.Background()
	if _, err := c.Limits(ctx); err != nil { // authenticate before counting
		t.Fatal(err)
	}
	org.ResetStats(t)
	names := []string{"Batch_One", "Workbench", "Batch_Two"} // Workbench exists already
	errs := make([]error, len(names))
	concurrently(len(names), func(i int) {
		errs[i] = c.CreateConnectedApp(ctx, &ConnectedApp{FullName: names[i], Label: names[i], ContactEmail: "b@acme.test",
			CallbackURLs: []string{"https://b.acme.test/cb"}, Scopes: []string{"Api"}})
	})
	var st struct {
		ByOperation map[string]int `json:"by_operation"`
	}
	org.MustControl(t, http.MethodGet, "stats", nil, &st)
	if n := st.ByOperation["soap:createMetadata"]; n != 1 {
		t.Errorf("3 concurrent creates took %d createMetadata calls, want 1", n)
	}
	if !IsDuplicate(errs[1]) {
		t.Errorf("creating Workbench again: %v, want a duplicate", errs[1])
	}
	for _, i := range []int{0, 2} {
		if errs[i] != nil {
			t.Errorf("%s: %v", names[i], errs[i])
		} else if _, err := c.ReadConnectedApp(ctx, names[i]); err != nil {
			t.Errorf("%s was not created: %v", names[i], err)
		}
	}
}

// Concurrent installs share one call to the extension, as do concurrent uninstalls, and an app
// the org refuses fails its own install or uninstall only.
func TestConcurrentInstallsShareACall(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	c := org.client(t, func(cfg *Config) { cfg.CoalesceWindow = 100 * time.Millisecond })
	ctx := context.Background()
	apps, err := c.OAuthUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range apps {
		if !a.Installed && !a.Packaged && len(ids) < 2 {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) < 2 {
		t.Fatalf("the seed has %d uninstalled apps, the test needs 2", len(ids))
	}
	ids = append(ids, testID(t, sfid.PrefixConnectedApplication, 999)) // no such app
	calls := func(op string) int {
		var st struct {
			ByOperation map[string]int `json:"by_operation"`
		}
		org.MustControl(t, http.MethodGet, "stats", nil, &st)
		return st.ByOperation[op]
	}
	org.ResetStats(t)

	insts := make([]*Installation, len(ids))
	errs := make([]error, len(ids))
	concurrently(len(ids), func(i int) { insts[i], errs[i] = c.Install(ctx, ids[i], i == 1) })
	if n := calls("setup:installApps"); n != 1 {
		t.Errorf("3 concurrent installs took %d calls, want 1", n)
	}
	for i := range 2 {
		if errs[i] != nil || insts[i] == nil || !insts[i].Installed || insts[i].Blocked != (i == 1) {
			t.Errorf("install %s: %+v, %v; want installed, blocked %v", ids[i], insts[i], errs[i], i == 1)
		}
	}
	requireKind(t, errs[2], KindNotFound)

	concurrently(len(ids), func(i int) { errs[i] = c.Uninstall(ctx, ids[i]) })
	if n := calls("setup:uninstallApps"); n != 1 {
		t.Errorf("3 concurrent uninstalls took %d calls, want 1", n)
	}
	requireKind(t, errs[2], KindNotFound)
	for i := range 2 {
		if errs[i] != nil {
			t.Errorf("uninstall %s: %v", ids[i], errs[i])
		}
		_, err := c.Installation(ctx, ids[i])
		requireKind(t, err, KindNotFound)
	}
}

// After the client creates one connected app, a look-up of another app is answered from the list
// kept before the create, while a look-up of the new app fetches the list again and finds it; an
// install makes only that app's row on the OAuth Usage list stale.
func TestKeptListsAnswerForAppsTheClientDidNotWrite(t *testing.T) {
	org := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	c := org.client(t, nil)
	ctx := context.Background()
	calls := func(op string) int {
		var st struct {
			ByOperation map[string]int `json:"by_operation"`
		}
		org.MustControl(t, http.MethodGet, "stats", nil, &st)
		return st.ByOperation[op]
	}
	if _, err := c.ConnectedAppID(ctx, "Workbench"); err != nil {
		t.Fatal(err)
	}
	ppm, err := c.OAuthUsageApp(ctx, "Partner_Portal_Mobile")
	if err != nil || ppm == nil || ppm.Installed {
		t.Fatalf("Partner_Portal_Mobile on the OAuth Usage list: %+v, %v", ppm, err)
	}
	if err := c.CreateConnectedApp(ctx, &ConnectedApp{FullName: "Kept_List", Label: "Kept List", ContactEmail: "k@acme.test",
		CallbackURLs: []string{"https://k.acme.test/cb"}, Scopes: []string{"Api"}}); err != nil {
		t.Fatal(err)
	}
	lists := calls("soap:listMetadata")
	if _, err := c.ConnectedAppID(ctx, "Workbench"); err != nil {
		t.Fatal(err)
	}
	if n := calls("soap:listMetadata"); n != lists {
		t.Errorf("looking Workbench up after creating another app took %d more listMetadata calls, want 0", n-lists)
	}
	if _, err := c.ConnectedAppID(ctx, "Kept_List"); err != nil {
		t.Errorf("the app the client just created: %v", err)
	}
	if n := calls("soap:listMetadata"); n != lists+1 {
		t.Errorf("looking the new app up took %d more listMetadata calls, want 1", n-lists)
	}

	if _, err := c.Install(ctx, ppm.ID, false); err != nil {
		t.Fatal(err)
	}
	after, err := c.OAuthUsageApp(ctx, "Partner_Portal_Mobile")
	if err != nil || after == nil || !after.Installed {
		t.Errorf("Partner_Portal_Mobile after its install: %+v, %v; a stale row from before the install", after, err)
	}
	usage := calls("setup:listConnectedApps")
	if a, err := c.OAuthUsageApp(ctx, "Workbench"); err != nil || a == nil {
		t.Errorf("Workbench: %+v, %v", a, err)
	}
	if n := calls("setup:listConnectedApps"); n != usage {
		t.Errorf("looking Workbench up after installing another app took %d more OAuth Usage calls, want 0", n-usage)
	}
}

// A client that reads connected apps one window after another reads the rest of them ahead, in
// fewer calls than windows, with every answer right; once the client writes, a read gets the
// org's answer, not one read ahead before the write.
func TestReadAheadAfterSuccessiveWindows(t *testing.T) {
	org := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	ctx := context.Background()
	writer := org.client(t, nil)
	errs := make([]error, 30)
	concurrently(len(errs), func(i int) {
		errs[i] = writer.CreateConnectedApp(ctx, &ConnectedApp{FullName: fmt.Sprintf("Ahead_%02d", i), Label: fmt.Sprintf("Ahead %d", i),
			ContactEmail: "a@acme.test", CallbackURLs: []string{"https://a.acme.test/cb"}, Scopes: []string{"Api"}})
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	c := org.client(t, func(cfg *Config) { cfg.CoalesceWindow = 2 * time.Millisecond })
	files, err := c.ListConnectedApps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	org.ResetStats(t)
	for _, f := range files {
		app, id, err := c.ReadConnectedAppWithID(ctx, f.FullName)
		if err != nil || app.FullName != f.FullName || !strings.EqualFold(id, f.ID) {
			t.Fatalf("%s: %+v, %s, %v", f.FullName, app, id, err)
		}
		time.Sleep(5 * time.Millisecond) // the next read opens a window of its own
	}
	var st struct {
		ByOperation map[string]int `json:"by_operation"`
	}
	org.MustControl(t, http.MethodGet, "stats", nil, &st)
	if n := st.ByOperation["soap:readMetadata"]; n >= len(files)/2 {
		t.Errorf("reading %d apps one window after another took %d readMetadata calls, want fewer than half", len(files), n)
	}

	app, err := c.ReadConnectedApp(ctx, "Ahead_29")
	if err != nil {
		t.Fatal(err)
	}
	app.Label = "Ahead, relabelled"
	if err := c.UpdateConnectedApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	if got, err := c.ReadConnectedApp(ctx, "Ahead_29"); err != nil || got.Label != "Ahead, relabelled" {
		t.Errorf("after the client's own update: %+v, %v; want the new label", got, err)
	}
}

// A name the client has not written is found free in the kept list without a new call, while a
// name it has just created is found taken.
func TestKeptListAnswersThatANameIsFree(t *testing.T) {
	org := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	c := org.client(t, nil)
	ctx := context.Background()
	if _, taken, err := c.ConnectedAppNamed(ctx, "Free_Name"); err != nil || taken {
		t.Fatalf("Free_Name: taken %v, %v", taken, err)
	}
	if err := c.CreateConnectedApp(ctx, &ConnectedApp{FullName: "Taken_Name", Label: "Taken", ContactEmail: "t@acme.test",
		CallbackURLs: []string{"https://t.acme.test/cb"}, Scopes: []string{"Api"}}); err != nil {
		t.Fatal(err)
	}
	var st struct {
		ByOperation map[string]int `json:"by_operation"`
	}
	org.MustControl(t, http.MethodGet, "stats", nil, &st)
	lists := st.ByOperation["soap:listMetadata"]
	if _, taken, err := c.ConnectedAppNamed(ctx, "free_name"); err != nil || taken {
		t.Errorf("free_name after another app's create: taken %v, %v", taken, err)
	}
	org.MustControl(t, http.MethodGet, "stats", nil, &st)
	if n := st.ByOperation["soap:listMetadata"]; n != lists {
		t.Errorf("a name the client never wrote took %d more listMetadata calls, want 0", n-lists)
	}
	if name, taken, err := c.ConnectedAppNamed(ctx, "taken_name"); err != nil || !taken || name != "Taken_Name" {
		t.Errorf("the name the client just created: %q, taken %v, %v", name, taken, err)
	}
}

// TestReusedAnswerServesOnlyTheKeysItHolds: a profile looked up by name after another is found,
// not reported missing because the reused answer was for the first name only.
func TestReusedAnswerServesOnlyTheKeysItHolds(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	c := org.client(t, nil)
	for _, name := range []string{"System Administrator", "Standard User", "System Administrator"} {
		if p, err := c.ProfileByName(context.Background(), name); err != nil || p.Name != name {
			t.Errorf("ProfileByName(%q) = %+v, %v", name, p, err)
		}
	}
}

// A read that finds a call of its kind in flight waits for that call's answer, as it would take a
// kept one, instead of calling the org again; once the client has written since that call was
// sent, the read calls the org itself.
func TestReadJoinsACallInFlightUntilAWrite(t *testing.T) {
	org := startOrg(t, mockorg.Config{})
	ctx := context.Background()
	lists := func() int { return org.Stats(t).ByOperation["soap:listMetadata"] }
	for _, tc := range []struct {
		writeDuring bool
		calls       int
	}{{false, 1}, {true, 2}} {
		c := org.client(t, nil)
		ok(t, "authenticating", c.Authenticate(ctx))
		// The permission columns are learned first, so that the write below writes at once.
		if _, err := c.PermissionSets(ctx); err != nil {
			t.Fatal(err)
		}
		org.Faults(t, map[string]any{"latency_ms": 300})
		before := lists()
		first := make(chan error, 1)
		go func() { _, err := c.ListConnectedApps(ctx); first <- err }()
		waitUntil(t, "the first list call is in flight", func() bool { return flyingCalls(c.batch.appList) == 1 })
		written := make(chan error, 1)
		if tc.writeDuring {
			gen := c.generation()
			go func() {
				_, err := c.CreatePermissionSet(ctx, PermissionSet{Name: "Written_During_A_Read", Label: "x"})
				written <- err
			}()
			waitUntil(t, "the write has begun", func() bool { return c.generation() != gen })
		} else {
			written <- nil
		}
		if flyingCalls(c.batch.appList) != 1 {
			t.Fatal("the first list call ended before the second read began; the test cannot tell joining from reuse")
		}
		if _, err := c.ListConnectedApps(ctx); err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(<-first, <-written); err != nil {
			t.Fatal(err)
		}
		org.Faults(t, map[string]any{"latency_ms": 0})
		if got := lists() - before; got != tc.calls {
			t.Errorf("write during the first call %v: %d listMetadata calls, want %d", tc.writeDuring, got, tc.calls)
		}
	}
}

// A refresh reads its connected apps before their grants; the grants of every app read then come
// in the second window's query, not over windows that grow one by one.
func TestGrantsOfEveryAppReadComeAheadAtOnce(t *testing.T) {
	org := startOrg(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	ctx := context.Background()
	writer := org.client(t, nil)
	const n = 30
	names := make([]string, n)
	errs := make([]error, n)
	concurrently(n, func(i int) {
		names[i] = fmt.Sprintf("Granted_%02d", i)
		errs[i] = writer.CreateConnectedApp(ctx, &ConnectedApp{FullName: names[i], Label: names[i],
			ContactEmail: "g@acme.test", CallbackURLs: []string{"https://g.acme.test/cb"}, Scopes: []string{"Api"}})
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	holder := must[string](t, "CreatePermissionSet")(writer.CreatePermissionSet(ctx, PermissionSet{Name: "Grant_Holder", Label: "x"}))
	grants := make([]string, n)
	concurrently(n, func(i int) {
		var appID string
		if appID, errs[i] = writer.ConnectedAppID(ctx, names[i]); errs[i] == nil {
			grants[i], errs[i] = writer.GrantConnectedApp(ctx, holder, appID)
		}
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}

	c := org.client(t, func(cfg *Config) { cfg.CoalesceWindow = 2 * time.Millisecond })
	concurrently(n, func(i int) { _, _, errs[i] = c.ReadConnectedAppWithID(ctx, names[i]) })
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	org.ResetStats(t)
	for i, id := range grants {
		g, err := c.ReadConnectedAppGrant(ctx, id)
		if err != nil || g.ConnectedAppName != names[i] || g.PermissionSetName != "Grant_Holder" {
			t.Fatalf("grant %s: %+v %v", id, g, err)
		}
		if i == 1 {
			// The second window started the read-ahead; it must hold every app's grant.
			waitUntil(t, "the grants of all 30 apps read ahead", func() bool { return aheadKeys(c.batch.grants) == n })
		}
		time.Sleep(5 * time.Millisecond) // the next read opens a window of its own
	}
	if q := org.Stats(t).ByOperation["rest:query"]; q != 3 {
		t.Errorf("reading %d grants one window after another took %d queries, want 3: the first window's, the second's and the grants of every app read", n, q)
	}
}

func aheadKeys[K comparable, V any](co *coalescer[K, V]) int {
	co.mu.Lock()
	defer co.mu.Unlock()
	return len(co.ahead)
}

func flyingCalls[K comparable, V any](co *coalescer[K, V]) int {
	co.mu.Lock()
	defer co.mu.Unlock()
	return len(co.flying)
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for: %s", what)
		}
	}
}
