package orgapi

import (
	"context"
	"maps"
	"math/bits"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultCoalesceWindow is how long the first of a group of concurrent calls of one kind waits for
// others to join it before the group goes to the org as one call. Terraform runs up to ten resource
// operations at once (-parallelism) and starts the next as soon as one ends, so reads arrive as a
// stream rather than in waves: at 10 ms groups averaged two or three members in `make bench`, at
// 20 ms some five, for a few hundred milliseconds added to a refresh of 300 resources.
const DefaultCoalesceWindow = 20 * time.Millisecond

// writeScope is what a write of the client can change. A shared answer (a list, a profile) is
// reused only while the client has written nothing in the scopes it depends on, so a grant's
// create does not make the connected app list stale, and an app's create does not make the
// profiles stale.
type writeScope uint8

const (
	scopeMetadata      writeScope = 1 << iota // Metadata API writes: connected apps and their settings
	scopeInstallations                        // the setup extension's installation routes
	scopeRecords                              // grants and assignments (SetupEntityAccess, PermissionSetAssignment)
	scopeOther                                // every other write: permission sets, settings, anything unclassified
	numScopes          = 4
)

// scopeOf classifies a write by where it goes; what it cannot place is scopeOther, which every
// shared answer depends on.
func scopeOf(r apiRequest) writeScope {
	switch {
	case r.soap:
		return scopeMetadata
	case strings.Contains(r.path, "/sfaccess/connected-apps"):
		return scopeInstallations
	case strings.Contains(r.path, "/composite/sobjects"),
		strings.Contains(r.path, "/sobjects/SetupEntityAccess"),
		strings.Contains(r.path, "/sobjects/PermissionSetAssignment"):
		return scopeRecords
	}
	return scopeOther
}

// writeWindow is how long the first of a group of concurrent writes waits for others: two and a
// half read windows (50 ms by default). In an apply each resource writes once, and Terraform's
// ten operations reach their writes spread over its own per-resource work, so at 20 ms write
// groups held two or three members; the longer wait roughly halves the write calls of an apply
// for some 30 ms per write.
func writeWindow(read time.Duration) time.Duration { return read * 5 / 2 }

// envCoalesce turns coalescing off when set to "off": `make bench` measures the provider both ways.
const envCoalesce = "SFACCESS_COALESCE"

// soqlIDChunk is the number of ids one `Id IN (…)` query carries: 200 quoted 18-character ids are
// some 4,400 characters, far below SOQL's 100,000-character limit and the URL lengths proxies allow.
const soqlIDChunk = 200

// collectionChunk is sObject Collections' limit of records per call.
const collectionChunk = 200

// coalesceWindow resolves Config.CoalesceWindow: 0 is the default, negative is off, and the
// SFACCESS_COALESCE=off variable turns it off whatever the configuration says.
func coalesceWindow(configured time.Duration) time.Duration {
	if strings.EqualFold(strings.TrimSpace(os.Getenv(envCoalesce)), "off") {
		return 0
	}
	switch {
	case configured < 0:
		return 0
	case configured == 0:
		return DefaultCoalesceWindow
	}
	return configured
}

// coalescer groups concurrent calls of one kind into one fetch of all their keys. The first call
// opens a group and the group is sent window later, or at once when it holds max keys; calls
// join only a group that has not been sent yet, so every answer was fetched after its call began.
// Only a coalescer with reuse keeps an answer, and only until the client next writes in one of
// the scopes it depends on (every write counts, before and after it is sent): a read that follows
// a write of the same client always sees the write. For the same reason such a coalescer also
// lets a call wait for a group already sent that holds its key, when the client has written
// nothing in those scopes since the group was sent: its answer is no older than a kept one
// would be. A fetch error is every member's; fetch leaves out keys that do not exist.
type coalescer[K comparable, V any] struct {
	c      *Client
	kind   string
	window time.Duration // 0: every call is sent alone
	max    int           // keys per group; 0: no limit
	reuse  writeScope    // the scopes whose writes end the reuse of an answer; 0: no reuse
	// writes: a member's key is sent whether or not the member still waits (the group's call
	// outlives it), so a member whose context ends still waits for the outcome. Returning
	// early would let the caller's look-up for an unknown outcome (createAdopting) run before
	// the write commits, miss it, and leave an object nobody recorded.
	writes bool
	fetch  func(ctx context.Context, keys []K) (map[K]V, error)

	// readAhead, when set, reads up to n further keys of the kind the client has not asked for
	// (known says which it has), so that a run that reads the kind in successive windows reads
	// the rest of it in one go (readAheadFrom).
	readAhead func(ctx context.Context, n int, known map[K]bool) map[K]V

	// fill, when set, names keys of the kind the client may ask for; a group sent with room to
	// spare takes those it has not asked for yet: a kind whose every group costs the same calls
	// however few keys it holds reads them for nothing, and later calls for them are served by
	// the kept answer (reuse) or join the group in flight (flyingWith).
	fill func(ctx context.Context) []K

	mu       sync.Mutex
	open     *group[K, V]
	flying   []*group[K, V] // groups sent and not yet answered, when reuse is set
	last     map[K]V        // the last answer, for reuse
	lastGen  writeGen
	sent     int        // groups sent
	known    map[K]bool // keys asked for or read ahead
	ahead    map[K]V    // keys read ahead, answering while the client has written nothing since
	aheadGen writeGen
	reading  bool // a read-ahead is under way
}

type group[K comparable, V any] struct {
	keys  []K
	index map[K]struct{}
	ctx   context.Context
	done  chan struct{}
	gen   writeGen // the client's writes when the group was sent
	res   map[K]V
	err   error
}

func newCoalescer[K comparable, V any](c *Client, kind string, window time.Duration, maxKeys int,
	fetch func(ctx context.Context, keys []K) (map[K]V, error),
) *coalescer[K, V] {
	return &coalescer[K, V]{c: c, kind: kind, window: window, max: maxKeys, fetch: fetch}
}

// newWriteCoalescer is newCoalescer for writes: the first of a group waits writeWindow(window)
// for others, and every member waits for the group's call to end, whatever its own context.
func newWriteCoalescer[K comparable, V any](c *Client, kind string, window time.Duration, maxKeys int,
	fetch func(ctx context.Context, keys []K) (map[K]V, error),
) *coalescer[K, V] {
	co := newCoalescer(c, kind, writeWindow(window), maxKeys, fetch)
	co.writes = true
	return co
}

// get returns key's value; found is false when the org has no such key.
func (co *coalescer[K, V]) get(ctx context.Context, key K) (v V, found bool, err error) {
	if co.window <= 0 {
		res, err := co.fetch(ctx, []K{key})
		if err != nil {
			return v, false, err
		}
		v, found = res[key]
		return v, found, nil
	}
	co.mu.Lock()
	// Only a key the last answer holds is served from it: that answer was for other keys, and a
	// key it lacks was not asked, not found missing.
	if v, found = co.last[key]; found && co.c.generation().same(co.lastGen, co.reuse) {
		co.mu.Unlock()
		return v, true, nil
	}
	if co.readAhead != nil || co.fill != nil {
		if co.known == nil {
			co.known = map[K]bool{}
		}
		co.known[key] = true
		if v, ok := co.ahead[key]; ok && co.aheadGen == co.c.generation() {
			co.mu.Unlock()
			return v, true, nil
		}
	}
	if g := co.flyingWith(key); g != nil {
		co.mu.Unlock()
		return co.wait(ctx, g, key)
	}
	g := co.open
	if g == nil {
		co.readAheadFrom(ctx)
		// The group's call outlives any one member's context: a member that gives up must not
		// fail the others. The members' own contexts still end their wait.
		g = &group[K, V]{index: map[K]struct{}{}, ctx: context.WithoutCancel(ctx), done: make(chan struct{})}
		co.open = g
		time.AfterFunc(co.window, func() { co.send(g) })
	}
	if _, dup := g.index[key]; !dup {
		g.index[key] = struct{}{}
		g.keys = append(g.keys, key)
	}
	full := co.max > 0 && len(g.keys) >= co.max
	if full {
		co.open = nil
	}
	co.mu.Unlock()
	if full {
		go co.run(g)
	}
	return co.wait(ctx, g, key)
}

// flyingWith returns a group in flight (co.mu held) that holds key and whose answer may serve it:
// the client has written nothing in the scopes of co.reuse since the group was sent.
func (co *coalescer[K, V]) flyingWith(key K) *group[K, V] {
	if co.reuse == 0 {
		return nil
	}
	now := co.c.generation()
	for _, g := range co.flying {
		if _, ok := g.index[key]; ok && now.same(g.gen, co.reuse) {
			return g
		}
	}
	return nil
}

// wait returns key's value from g's answer, or the error of g or of ctx; a write's member waits
// for its group whatever its own context.
func (co *coalescer[K, V]) wait(ctx context.Context, g *group[K, V], key K) (v V, found bool, err error) {
	giveUp := ctx.Done()
	if co.writes {
		giveUp = nil
	}
	select {
	case <-g.done:
	case <-giveUp:
		return v, false, ctx.Err()
	}
	if g.err != nil {
		return v, false, g.err
	}
	v, found = g.res[key]
	return v, found, nil
}

// readAheadFrom starts a read-ahead (co.mu held) when the kind is read in a second window or
// later and the client has written nothing at all, so nothing read ahead can predate a write of
// the client. It offers as many further keys as the run has asked for so far (a kind bounded by
// another kind's reads, as grants are by the apps read, may go by that instead): at most twice
// the keys the configuration itself reads are fetched, however large the org, while the windows
// a run of N resources waits for fall from N/10 to a handful. What is read ahead answers only
// while the client still has written nothing; a key it does not hold goes to the org as before.
func (co *coalescer[K, V]) readAheadFrom(ctx context.Context) {
	co.sent++
	gen := co.c.generation()
	if co.readAhead == nil || co.sent < 2 || co.reading || gen != (writeGen{}) {
		return
	}
	co.reading = true
	known := maps.Clone(co.known)
	n := len(known)
	go func() {
		got := co.readAhead(context.WithoutCancel(ctx), n, known)
		co.mu.Lock()
		defer co.mu.Unlock()
		co.reading = false
		if co.c.generation() != gen {
			return
		}
		if co.ahead == nil {
			co.ahead = map[K]V{}
		}
		for k, v := range got {
			co.ahead[k] = v
			co.known[k] = true
		}
		co.aheadGen = gen
		if len(got) > 0 {
			co.c.log(ctx, LevelDebug, "read ahead", map[string]any{"kind": co.kind, "keys": len(got)})
		}
	}()
}

// send runs g when its window ends, unless it filled up and ran already.
func (co *coalescer[K, V]) send(g *group[K, V]) {
	co.mu.Lock()
	if co.open != g {
		co.mu.Unlock()
		return
	}
	co.open = nil
	co.mu.Unlock()
	co.run(g)
}

func (co *coalescer[K, V]) run(g *group[K, V]) {
	defer close(g.done)
	if len(g.keys) > 1 {
		co.c.log(g.ctx, LevelDebug, "coalesced calls", map[string]any{"kind": co.kind, "members": len(g.keys)})
	}
	var candidates []K
	if co.fill != nil && len(g.keys) < co.max {
		candidates = co.fill(g.ctx)
	}
	co.mu.Lock()
	g.gen = co.c.generation()
	for _, k := range candidates {
		if len(g.keys) >= co.max {
			break
		}
		if !co.known[k] {
			co.known[k] = true
			g.index[k] = struct{}{}
			g.keys = append(g.keys, k)
		}
	}
	if co.reuse != 0 {
		co.flying = append(co.flying, g)
	}
	co.mu.Unlock()
	g.res, g.err = co.fetch(g.ctx, g.keys)
	if co.reuse != 0 {
		co.mu.Lock()
		co.flying = slices.DeleteFunc(co.flying, func(f *group[K, V]) bool { return f == g })
		if g.err == nil {
			co.keep(g.res, g.gen)
		}
		co.mu.Unlock()
	}
}

// remember keeps answers the client read another way (a whole list) as if a group had fetched
// them, at gen, the client's write generation when that read began; they serve later calls as
// long as a fetched answer would.
func (co *coalescer[K, V]) remember(found map[K]V, gen writeGen) {
	if co.reuse == 0 || co.window <= 0 {
		return
	}
	co.mu.Lock()
	defer co.mu.Unlock()
	co.keep(found, gen)
}

// keep makes res, fetched at gen, the answer kept for reuse (co.mu held). A kept answer of the
// same generation keeps its other keys: both hold what the org had at gen, so a run that reads
// a kind over several windows keeps every key it read until it writes.
func (co *coalescer[K, V]) keep(res map[K]V, gen writeGen) {
	if co.last != nil && co.lastGen == gen {
		merged := maps.Clone(co.last)
		maps.Copy(merged, res)
		res = merged
	}
	co.last, co.lastGen = res, gen
}

// peek returns the last answer kept for reuse and the write generation it was fetched at,
// whatever has been written since; ok is false when there is none.
func (co *coalescer[K, V]) peek() (last map[K]V, gen writeGen, ok bool) {
	co.mu.Lock()
	defer co.mu.Unlock()
	return co.last, co.lastGen, co.last != nil
}

// writeGen is the client's write counts by scope at one moment.
type writeGen [numScopes]uint64

// same reports whether nothing was written in scopes between g and now (scopeOther always counts).
func (now writeGen) same(g writeGen, scopes writeScope) bool {
	scopes |= scopeOther
	for i := range numScopes {
		if scopes&(1<<i) != 0 && now[i] != g[i] {
			return false
		}
	}
	return true
}

// covers reports whether g was taken after every write counted in w had ended.
func (g writeGen) covers(w writeGen) bool {
	for i := range numScopes {
		if g[i] < w[i] {
			return false
		}
	}
	return true
}

func (c *Client) generation() writeGen {
	var g writeGen
	for i := range numScopes {
		g[i] = c.writes[i].Load()
	}
	return g
}

// counting counts a write in its scope around send: once before (an answer fetched while it runs
// is not reused after it) and once after (nor is one fetched before it ended).
func (c *Client) counting(r apiRequest, send func() (*response, error)) (*response, error) {
	if r.readOnly || (r.method == http.MethodGet && !r.soap) {
		return send()
	}
	n := &c.writes[bits.TrailingZeros8(uint8(scopeOf(r)))]
	n.Add(1)
	defer n.Add(1)
	return send()
}

// one is the key of a coalescer whose calls all ask the same thing (a list).
type one struct{}

// idInClause is " IN ('a','b',…)" for normalized ids.
func idInClause(ids []string) string {
	var b strings.Builder
	b.WriteString(" IN (")
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(Quote(id))
	}
	b.WriteByte(')')
	return b.String()
}
