package orgapi

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// batchers are a Client's coalescers, one per kind of read and write (coalesce.go).
type batchers struct {
	window time.Duration

	appMetadata *coalescer[string, *xmlNode]     // readMetadata(ConnectedApp), 10 names a call
	appList     *coalescer[one, []MetadataFile]  // listMetadata(ConnectedApp), one a window
	oauthUsage  *coalescer[one, []OAuthUsageApp] // the OAuth Usage list, one a window
	grants      *coalescer[string, grantRecord]
	permSets    *coalescer[string, PermissionSet]
	permSetList *coalescer[one, []PermissionSet] // every permission set, kept until a write of scopeOther
	assignments *coalescer[string, PermissionSetAssignment]
	profileName *coalescer[string, Profile]              // by name
	appRecords  *coalescer[string, ConnectedApplication] // by id
	ecaMetadata *coalescer[string, *ExternalClientApp]   // an ECA's five components, 10 names a call each
	ecaUsage    *coalescer[one, []ECAUsage]              // the ECA OAuth usage list, one a window

	appCreates *coalescer[*metadataReq, metadataOutcome] // createMetadata, 10 components a call
	appDeletes *coalescer[*metadataReq, metadataOutcome] // deleteMetadata, 10 names a call
	installs   *coalescer[*installReq, installOutcome]   // the extension's batched installs
	uninstalls *coalescer[*installReq, installOutcome]

	creates map[string]*coalescer[*createReq, createResult] // sObject Collections by sObject
	deletes map[string]*coalescer[*deleteReq, error]
}

func newBatchers(c *Client, window time.Duration) *batchers {
	b := &batchers{window: window}
	b.appMetadata = newCoalescer(c, "readMetadata ConnectedApp", window, metadataBatch,
		func(ctx context.Context, names []string) (map[string]*xmlNode, error) {
			recs, err := c.readMetadata(ctx, op{name: "reading ConnectedApps", perm: NeedConnectedApps}, typeConnectedApp, names)
			return underRequestedNames(names, recs), err
		})
	b.appList = newCoalescer(c, "listMetadata ConnectedApp", window, 0,
		func(ctx context.Context, _ []one) (map[one][]MetadataFile, error) {
			files, err := c.listConnectedApps(ctx)
			return map[one][]MetadataFile{{}: files}, err
		})
	b.appList.reuse = scopeMetadata
	b.oauthUsage = newCoalescer(c, "OAuth Usage", window, 0,
		func(ctx context.Context, _ []one) (map[one][]OAuthUsageApp, error) {
			apps, err := c.oauthUsageList(ctx)
			return map[one][]OAuthUsageApp{{}: apps}, err
		})
	b.oauthUsage.reuse = scopeMetadata | scopeInstallations
	b.grants = newCoalescer(c, "SetupEntityAccess by Id", window, soqlIDChunk,
		func(ctx context.Context, ids []string) (map[string]grantRecord, error) {
			recs, err := QueryAll[grantRecord](ctx, c, grantQuery+" AND Id"+idInClause(ids))
			return byID(recs, err, func(g grantRecord) string { return g.ID })
		})
	b.permSets = newCoalescer(c, "PermissionSet by Id", window, soqlIDChunk,
		func(ctx context.Context, ids []string) (map[string]PermissionSet, error) {
			recs, err := c.queryPermissionSets(ctx, " WHERE Id"+idInClause(ids))
			return byID(recs, err, func(p PermissionSet) string { return p.ID })
		})
	b.permSetList = newCoalescer(c, "PermissionSet list", window, 0,
		func(ctx context.Context, _ []one) (map[one][]PermissionSet, error) {
			sets, err := c.queryPermissionSets(ctx, "")
			return map[one][]PermissionSet{{}: sets}, err
		})
	// Permission sets change only through writes of scopeOther (sObject PermissionSet), which
	// every kept answer depends on.
	b.permSetList.reuse = scopeOther
	b.assignments = newCoalescer(c, "PermissionSetAssignment by Id", window, soqlIDChunk,
		func(ctx context.Context, ids []string) (map[string]PermissionSetAssignment, error) {
			recs, err := c.queryAssignments(ctx, " WHERE PermissionSet.IsOwnedByProfile = false AND Id"+idInClause(ids))
			return byID(recs, err, func(a PermissionSetAssignment) string { return a.ID })
		})
	b.profileName = newCoalescer(c, "Profile by Name", window, soqlIDChunk,
		func(ctx context.Context, names []string) (map[string]Profile, error) {
			return c.profilesByName(ctx, names)
		})
	// Every grant of a profile names the same few profiles: their answers serve later calls
	// too, as the shared lists do, until the client writes something that could change them.
	b.profileName.reuse = scopeOther
	b.appRecords = newCoalescer(c, "ConnectedApplication by Id", window, soqlIDChunk,
		func(ctx context.Context, ids []string) (map[string]ConnectedApplication, error) {
			recs, err := c.queryConnectedApplications(ctx, " WHERE Id"+idInClause(ids))
			return byID(recs, err, func(a ConnectedApplication) string { return a.ID })
		})
	b.addECAReads(c)
	b.appMetadata.readAhead = c.readAppsAhead
	b.grants.readAhead = c.readGrantsAhead
	b.addMetadataWrites(c)
	b.installs = newWriteCoalescer(c, "install ConnectedApplication", window, installationBatch,
		func(ctx context.Context, reqs []*installReq) (map[*installReq]installOutcome, error) {
			return c.installationBatchCall(ctx, http.MethodPost, reqs), nil
		})
	b.uninstalls = newWriteCoalescer(c, "uninstall ConnectedApplication", window, installationBatch,
		func(ctx context.Context, reqs []*installReq) (map[*installReq]installOutcome, error) {
			return c.installationBatchCall(ctx, http.MethodDelete, reqs), nil
		})
	b.creates = map[string]*coalescer[*createReq, createResult]{}
	b.deletes = map[string]*coalescer[*deleteReq, error]{}
	for _, sobject := range []string{"SetupEntityAccess", "PermissionSetAssignment"} {
		b.creates[sobject] = newWriteCoalescer(c, "create "+sobject, window, collectionChunk,
			func(ctx context.Context, reqs []*createReq) (map[*createReq]createResult, error) {
				return c.createCollection(ctx, sobject, reqs), nil
			})
		b.deletes[sobject] = newWriteCoalescer(c, "delete "+sobject, window, collectionChunk,
			func(ctx context.Context, reqs []*deleteReq) (map[*deleteReq]error, error) {
				return c.deleteCollection(ctx, sobject, reqs), nil
			})
	}
	return b
}

// readAppsAhead reads up to n connected apps the client has not asked for, named by the
// connected app list the client keeps, ten a call and the calls at once.
func (c *Client) readAppsAhead(ctx context.Context, n int, known map[string]bool) map[string]*xmlNode {
	last, _, ok := c.batch.appList.peek()
	if !ok {
		return nil
	}
	var names []string
	for _, f := range last[one{}] {
		if len(names) < n && !known[f.FullName] {
			names = append(names, f.FullName)
		}
	}
	o := op{name: "reading ConnectedApps ahead", perm: NeedConnectedApps}
	var mu sync.Mutex
	var wg sync.WaitGroup
	out := map[string]*xmlNode{}
	for chunk := range slices.Chunk(names, metadataBatch) {
		wg.Go(func() {
			recs, err := c.readMetadata(ctx, o, typeConnectedApp, chunk)
			if err != nil {
				return // reading ahead saves calls; the reads themselves still go to the org
			}
			mu.Lock()
			maps.Copy(out, recs)
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// addECAReads sets up the External Client App reads as the connected app reads are: ten names a
// readMetadata call per component type, and the usage list once a window. Both are kept until
// the client writes metadata (an ECA's create, update, grant or delete, or any other metadata
// write): a refresh reads an ECA for the app and again for each of its grants, and the second
// read is the first's answer.
func (b *batchers) addECAReads(c *Client) {
	b.ecaMetadata = newCoalescer(c, "readMetadata ExternalClientApplication", b.window, metadataBatch,
		func(ctx context.Context, names []string) (map[string]*ExternalClientApp, error) {
			return c.fetchECAs(ctx, op{name: "reading ExternalClientApplications", perm: NeedReadExternalClientApps}, names)
		})
	b.ecaMetadata.reuse = scopeMetadata
	b.ecaMetadata.fill = c.fillECAs
	b.ecaUsage = newCoalescer(c, "External Client App usage", b.window, 0,
		func(ctx context.Context, _ []one) (map[one][]ECAUsage, error) {
			apps, err := c.ecaUsageList(ctx)
			return map[one][]ECAUsage{{}: apps}, err
		})
	b.ecaUsage.reuse = scopeMetadata
}

// fillECAs names the External Client Apps of the usage list, to fill a group of ECA reads (each
// group costs five readMetadata calls however few names they carry). While the client has
// written nothing (a plan or refresh) it waits for the list, which the ECAs' reads ask for too;
// after a write it takes only a list it kept, rather than fetch one for every group.
func (c *Client) fillECAs(ctx context.Context) []string {
	var apps []ECAUsage
	if c.generation() == (writeGen{}) {
		apps, _ = c.ExternalClientAppUsage(ctx) // filling saves calls; without the list the group goes as it is
	} else if last, _, ok := c.batch.ecaUsage.peek(); ok {
		apps = last[one{}]
	}
	names := make([]string, len(apps))
	for i, a := range apps {
		names[i] = a.Name
	}
	return names
}

// readGrantsAhead reads the connected app grants of the apps the client has read (and whose grants
// it has not read ahead yet), up to one query's worth of apps: the grants a configuration that
// manages those apps could hold, never the org's whole table. It is not held to n, the grants
// asked for so far: the apps read already bound it to the configuration, and a refresh reads its
// apps before their grants, so the grants of all of them come in the second window's query
// instead of over several.
func (c *Client) readGrantsAhead(ctx context.Context, _ int, _ map[string]bool) map[string]grantRecord {
	apps := c.appsRead.take()
	if len(apps) == 0 {
		return nil
	}
	recs, err := QueryAll[grantRecord](ctx, c, grantQuery+" AND SetupEntityId"+idInClause(apps))
	out, err := byID(recs, err, func(g grantRecord) string { return g.ID })
	if err != nil {
		return nil
	}
	return out
}

// idSet is the ids of the connected apps the client has read, for readGrantsAhead.
type idSet struct {
	mu    sync.Mutex
	ids   []string
	taken int
	seen  map[string]bool
}

func (s *idSet) add(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if !s.seen[id] {
		s.seen[id] = true
		s.ids = append(s.ids, id)
	}
}

// take returns up to one query's worth (soqlIDChunk) of ids no earlier take returned.
func (s *idSet) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	end := min(len(s.ids), s.taken+soqlIDChunk)
	out := slices.Clone(s.ids[s.taken:end])
	s.taken = end
	return out
}

// byID keys records by their normalized id; a record whose id does not parse is left out.
func byID[R any](recs []R, err error, id func(R) string) (map[string]R, error) {
	if err != nil {
		return nil, err
	}
	out := make(map[string]R, len(recs))
	for _, r := range recs {
		if norm, nerr := sfid.Normalize(id(r)); nerr == nil {
			out[norm] = r
		}
	}
	return out, nil
}

// keyedID normalizes id for a keyed read, failing as the read's own input error.
func keyedID(o op, id string) (string, *Error) {
	norm, err := sfid.Normalize(id)
	if err != nil {
		e := o.fail(KindInvalidInput, "%v", err)
		e.Fields = []string{"Id"}
		return "", e
	}
	return norm, nil
}

// ListConnectedApps lists every connected app the Metadata API knows. Concurrent calls share one
// listMetadata call.
func (c *Client) ListConnectedApps(ctx context.Context) ([]MetadataFile, error) {
	files, _, err := c.batch.appList.get(ctx, one{})
	return slices.Clone(files), err
}

// OAuthUsage returns the Connected Apps OAuth Usage list. Concurrent calls share one request.
func (c *Client) OAuthUsage(ctx context.Context) ([]OAuthUsageApp, error) {
	apps, _, err := c.batch.oauthUsage.get(ctx, one{})
	return slices.Clone(apps), err
}

// ConnectedAppID returns the ConnectedApplication id of the connected app whose API name is name,
// from listMetadata (connectedAppFile); ErrNotFound when there is none.
func (c *Client) ConnectedAppID(ctx context.Context, name string) (string, error) {
	o := op{name: "reading the id of ConnectedApp " + name, perm: NeedConnectedApps}
	f, err := c.connectedAppFile(ctx, o, name, func(f MetadataFile) bool { return strings.EqualFold(f.FullName, name) })
	if err != nil {
		return "", err
	}
	if f == nil {
		return "", o.fail(KindNotFound, "no connected app named %q exists in the org", name)
	}
	return fileID(o, *f)
}

// ConnectedAppNamed returns the API name, as the org spells it, of the connected app whose API
// name is name regardless of case, and whether there is one (connectedAppFile).
func (c *Client) ConnectedAppNamed(ctx context.Context, name string) (string, bool, error) {
	o := op{name: "looking up ConnectedApp " + name, perm: NeedConnectedApps}
	f, err := c.connectedAppFile(ctx, o, name, func(f MetadataFile) bool { return strings.EqualFold(f.FullName, name) })
	if err != nil || f == nil {
		return "", false, err
	}
	return f.FullName, true, nil
}

// ConnectedAppNameByID returns the API name of the connected app whose ConnectedApplication id is
// id, from listMetadata (connectedAppFile); ErrNotFound when there is none.
func (c *Client) ConnectedAppNameByID(ctx context.Context, id string) (string, error) {
	o := op{name: "reading the name of ConnectedApplication " + id, perm: NeedConnectedApps}
	norm, e := keyedID(o, id)
	if e != nil {
		return "", e
	}
	// An app the client creates is noted by name, so its new id cannot tell a missing entry apart.
	f, err := c.connectedAppFile(ctx, o, "", func(f MetadataFile) bool {
		fid, err := sfid.Normalize(f.ID)
		return err == nil && fid == norm
	})
	if err != nil {
		return "", err
	}
	if f == nil {
		return "", o.fail(KindNotFound, "no connected app has the id %s", norm)
	}
	return f.FullName, nil
}

// connectedAppFile finds the listMetadata entry match picks, or nil (keptEntry says when the
// list kept from an earlier call answers; key is the name looked up, or "").
func (c *Client) connectedAppFile(ctx context.Context, o op, key string, match func(MetadataFile) bool) (*MetadataFile, error) {
	if f, ok := keptEntry(c, c.batch.appList, key, match, func(f MetadataFile) []string { return []string{f.FullName, f.ID} }); ok {
		return f, nil
	}
	files, err := c.ListConnectedApps(ctx)
	if err != nil {
		return nil, o.wrap(err)
	}
	if i := slices.IndexFunc(files, match); i >= 0 {
		return &files[i], nil
	}
	return nil, nil
}

// OAuthUsageApp finds the app named name (exactly, as Setup shows it) on the Connected Apps OAuth
// Usage list; nil when the list has no such app. keptEntry says when the list kept from an earlier
// call answers.
func (c *Client) OAuthUsageApp(ctx context.Context, name string) (*OAuthUsageApp, error) {
	match := func(a OAuthUsageApp) bool { return a.Name == name }
	if a, ok := keptEntry(c, c.batch.oauthUsage, "", match, func(a OAuthUsageApp) []string { return []string{a.Name, a.ID} }); ok {
		return a, nil
	}
	apps, err := c.OAuthUsage(ctx)
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(apps, match); i >= 0 {
		return &apps[i], nil
	}
	return nil, nil
}

// keptEntry finds the entry match picks in the list co kept from an earlier call. The kept list
// answers when the client has written nothing since it was fetched that could change the entry:
// nothing outside the scopes of connected apps, installations and grants, and no write of that app (by
// the names and ids keys gives); a create, delete or install of one app changes that app's entry
// only. It does not answer (ok false) when it has no such entry: the caller then fetches the list
// again, shared with concurrent calls, so an app the client just created is never missed and one
// it just deleted is never found, while the creates of a hundred apps do not each cost every
// later look-up a new list. When the kept list has no such entry, it answers "none" (nil, true)
// only for a look-up by key (the name or id looked up) that the client has not written since:
// no write of the client can have created that app, so a name found free stays free.
func keptEntry[E any](c *Client, co *coalescer[one, []E], key string, match func(E) bool, keys func(E) []string) (*E, bool) {
	last, gen, ok := co.peek()
	if !ok || !c.generation().same(gen, 0) {
		return nil, false
	}
	list := last[one{}]
	i := slices.IndexFunc(list, match)
	if i < 0 {
		return nil, key != "" && c.appWrites.unchangedSince([]string{key}, gen)
	}
	if !c.appWrites.unchangedSince(keys(list[i]), gen) {
		return nil, false
	}
	e := list[i]
	return &e, true
}

func fileID(o op, f MetadataFile) (string, error) {
	id, err := sfid.Normalize(f.ID)
	if err != nil {
		return "", o.fail(KindOther, "listMetadata gave connected app %s the id %q, which is not a Salesforce id", f.FullName, f.ID)
	}
	return id, nil
}

// appWriteLog remembers the connected apps and External Client Apps the client wrote (created,
// updated, deleted, granted, installed, blocked or uninstalled), by lower-case API name or
// normalized id: while a write runs, and the client's write count once it ended. An ECA and a
// connected app of one name share an entry, which costs at worst a list fetched again.
type appWriteLog struct {
	mu      sync.Mutex
	running map[string]int
	ended   map[string]writeGen
}

// beginAppWrite notes a write of the app key names; the function it returns notes its end.
func (c *Client) beginAppWrite(key string) (end func()) {
	l := &c.appWrites
	key = appWriteKey(key)
	l.mu.Lock()
	if l.running == nil {
		l.running, l.ended = map[string]int{}, map[string]writeGen{}
	}
	l.running[key]++
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.running[key]--
		l.ended[key] = c.generation()
	}
}

func appWriteKey(key string) string {
	if id, err := sfid.Normalize(key); err == nil {
		return id
	}
	return strings.ToLower(key)
}

// unchangedSince reports whether no write of the app the keys name runs now or ended after gen.
func (l *appWriteLog) unchangedSince(keys []string, gen writeGen) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		k = appWriteKey(k)
		if l.running[k] > 0 {
			return false
		}
		if ended, ok := l.ended[k]; ok && !gen.covers(ended) {
			return false
		}
	}
	return true
}

// grantQuery selects connected app grants with their permission set's name and, for a profile's
// own permission set, the profile's name two relationships away, so that one query answers a
// grant whole; callers add " AND …" to choose the grants.
const grantQuery = "SELECT Id, ParentId, SetupEntityId, Parent.Name, Parent.IsOwnedByProfile, Parent.ProfileId, Parent.Profile.Name " +
	"FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication'"

// grantRecord is a SetupEntityAccess with the permission set it grants to and, for a profile's
// own permission set, the profile.
type grantRecord struct {
	ID            string `json:"Id"`
	ParentID      string `json:"ParentId"`
	SetupEntityID string `json:"SetupEntityId"`
	Parent        *struct {
		Name             string `json:"Name"`
		IsOwnedByProfile bool   `json:"IsOwnedByProfile"`
		ProfileID        string `json:"ProfileId"`
		Profile          *struct {
			Name string `json:"Name"`
		} `json:"Profile"`
	} `json:"Parent"`
}

// ConnectedAppGrant is a SetupEntityAccess grant with the names of what it connects.
type ConnectedAppGrant struct {
	ID                string
	ConnectedAppID    string
	ConnectedAppName  string // API name
	PermissionSetID   string
	PermissionSetName string // "" when the permission set is a profile's own
	ProfileID         string // the profile whose own permission set holds the grant, or ""
	ProfileName       string
}

// ReadConnectedAppGrant reads one connected app grant by id with the API name of its app and the
// name of its permission set or profile; ErrNotFound when the grant, its app, its permission set
// or its profile is gone. The grant and the names of its permission set and profile come from one
// query and the app's name from listMetadata, both shared by concurrent calls and sent together.
func (c *Client) ReadConnectedAppGrant(ctx context.Context, id string) (*ConnectedAppGrant, error) {
	o := op{name: "reading SetupEntityAccess " + id, perm: NeedAppGrants}
	norm, e := keyedID(o, id)
	if e != nil {
		return nil, e
	}
	var files []MetadataFile
	var filesErr error
	var side sync.WaitGroup
	side.Go(func() { files, filesErr = c.ListConnectedApps(ctx) })
	g, found, err := c.batch.grants.get(ctx, norm)
	side.Wait()
	if err != nil {
		return nil, err
	}
	if filesErr != nil {
		return nil, o.wrap(filesErr)
	}
	if !found || g.Parent == nil {
		return nil, o.fail(KindNotFound, "the connected app grant %s does not exist in the org", norm)
	}
	out := &ConnectedAppGrant{ID: norm, ConnectedAppID: g.SetupEntityID, PermissionSetID: g.ParentID}
	if appID, err := sfid.Normalize(g.SetupEntityID); err == nil {
		for _, f := range files {
			if fid, err := sfid.Normalize(f.ID); err == nil && fid == appID {
				out.ConnectedAppName = f.FullName
			}
		}
	}
	if out.ConnectedAppName == "" {
		return nil, o.fail(KindNotFound, "the connected app of grant %s no longer exists", norm)
	}
	if !g.Parent.IsOwnedByProfile {
		out.PermissionSetName = g.Parent.Name
		return out, nil
	}
	if g.Parent.Profile == nil || g.Parent.ProfileID == "" {
		return nil, o.fail(KindNotFound, "the profile of grant %s no longer exists", norm)
	}
	out.ProfileID, out.ProfileName = g.Parent.ProfileID, g.Parent.Profile.Name
	return out, nil
}

// ReadConnectedAppWithID reads a connected app (readMetadata) and its ConnectedApplication id
// (listMetadata) at the same time, each call shared with concurrent ones; ErrNotFound when the
// app does not exist.
func (c *Client) ReadConnectedAppWithID(ctx context.Context, name string) (*ConnectedApp, string, error) {
	var id string
	var idErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		id, idErr = c.ConnectedAppID(ctx, name)
	}()
	app, err := c.ReadConnectedApp(ctx, name)
	<-done
	if err != nil {
		return nil, "", err
	}
	if idErr != nil {
		return nil, "", idErr
	}
	c.appsRead.add(id)
	return app, id, nil
}

// ReadExternalClientAppWithID reads an External Client App and its id on the usage list at the
// same time, each call shared with concurrent ones; ErrNotFound when the app does not exist. An
// app the usage list lacks is not a missing app but an org at odds with itself: that error is
// KindOther, so that a refresh reports it instead of dropping the app from state.
func (c *Client) ReadExternalClientAppWithID(ctx context.Context, name string) (*ExternalClientApp, string, error) {
	var id string
	var idErr error
	var side sync.WaitGroup
	side.Go(func() { id, idErr = c.ExternalClientAppID(ctx, name) })
	app, err := c.ReadExternalClientApp(ctx, name)
	side.Wait()
	if err != nil {
		return nil, "", err
	}
	var e *Error
	if asError(idErr, &e) && e.Kind == KindNotFound {
		unlisted := *e
		unlisted.Kind = KindOther
		return nil, "", &unlisted
	}
	if idErr != nil {
		return nil, "", idErr
	}
	return app, id, nil
}

// ExternalClientAppID returns the id of the External Client App whose API name is name,
// regardless of case, from the usage list (keptEntry says when the list kept from an earlier
// call answers); ErrNotFound when the list has no such app.
func (c *Client) ExternalClientAppID(ctx context.Context, name string) (string, error) {
	o := op{name: "finding External Client App " + name, perm: NeedReadExternalClientApps}
	match := func(a ECAUsage) bool { return strings.EqualFold(a.Name, name) }
	a, ok := keptEntry(c, c.batch.ecaUsage, name, match, func(a ECAUsage) []string { return []string{a.Name, a.ID} })
	if !ok {
		apps, err := c.ExternalClientAppUsage(ctx)
		if err != nil {
			return "", err
		}
		if i := slices.IndexFunc(apps, match); i >= 0 {
			a = &apps[i]
		}
	}
	if a == nil {
		return "", o.fail(KindNotFound, "not in the OAuth usage list")
	}
	return a.ID, nil
}

// PermissionSetAssignmentByID reads one assignment of a permission set a user was given (not one
// a profile implies); ErrNotFound when there is none. Concurrent calls share one query.
func (c *Client) PermissionSetAssignmentByID(ctx context.Context, id string) (*PermissionSetAssignment, error) {
	o := op{name: "reading PermissionSetAssignment " + id, perm: NeedAssignments}
	return recordByID(ctx, c.batch.assignments, o, "PermissionSetAssignment", id)
}

// recordByID reads the record of object with id through its keyed coalescer; ErrNotFound when the
// org has none.
func recordByID[V any](ctx context.Context, co *coalescer[string, V], o op, object, id string) (*V, error) {
	norm, e := keyedID(o, id)
	if e != nil {
		return nil, e
	}
	v, found, err := co.get(ctx, norm)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, o.fail(KindNotFound, "%s %s does not exist in the org", object, norm)
	}
	return &v, nil
}

// installationFromList answers Installation from the OAuth Usage list, which concurrent calls
// share, with the answers GET …/installation gives: ErrNotFound for an app that is not installed
// or does not exist.
func (c *Client) installationFromList(ctx context.Context, o op, appID string) (*Installation, error) {
	if _, e := installationPath(o, appID); e != nil {
		return nil, e
	}
	norm, _ := sfid.Normalize(appID)
	apps, err := c.OAuthUsage(ctx)
	if err != nil {
		return nil, memberError(o, err) // the list's failure, told as this installation's
	}
	for _, a := range apps {
		if id, err := sfid.Normalize(a.ID); err != nil || id != norm {
			continue
		}
		if !a.Installed {
			return nil, &Error{Kind: KindNotFound, Op: o.name, Code: "NOT_FOUND", StatusCode: http.StatusNotFound,
				Message: fmt.Sprintf("Connected app %s is not installed", cmpOr(a.Name, norm))}
		}
		return &Installation{ConnectedAppID: norm, Installed: true, Blocked: a.Blocked, Packaged: a.Packaged}, nil
	}
	return nil, &Error{Kind: KindNotFound, Op: o.name, Code: "NOT_FOUND", StatusCode: http.StatusNotFound,
		Message: fmt.Sprintf("no connected app has the id %s", norm)}
}

// profilesByName reads profiles by name with their own permission sets: two concurrent queries
// for any number of names. SOQL compares names regardless of case, and so does the answer's keying.
func (c *Client) profilesByName(ctx context.Context, names []string) (map[string]Profile, error) {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = Quote(n)
	}
	in := " IN (" + strings.Join(quoted, ",") + ")"
	profiles, err := c.profilesWithOwnSets(ctx, " WHERE Name"+in, " AND Profile.Name"+in)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Profile, len(profiles))
	for _, p := range profiles {
		for _, n := range names {
			if strings.EqualFold(n, p.Name) {
				out[n] = p
			}
		}
	}
	return out, nil
}

// underRequestedNames files each record under the name it was asked for: the org answers under its
// own spelling of a name, which Salesforce compares ignoring case (SALESFORCE.md, Names and case).
func underRequestedNames[V any](names []string, got map[string]V) map[string]V {
	for _, n := range names {
		if _, ok := got[n]; ok {
			continue
		}
		for k, v := range got {
			if strings.EqualFold(k, n) {
				got[n] = v
				break
			}
		}
	}
	return got
}
