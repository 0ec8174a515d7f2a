package orgapi

import (
	"context"
	"net/http"
	"os"
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

// listReuse is how long a list every caller shares (listMetadata, the OAuth Usage list) answers
// later calls too, as long as the client has written nothing since it was fetched: the org's
// answer a moment earlier, and never one from before a write of this client.
const listReuse = 500 * time.Millisecond

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
// Only a coalescer with reuse keeps an answer, and only until the client next writes (every
// write counts, before and after it is sent): a read that follows a write of the same client
// always sees the write. A fetch error is every member's; fetch leaves out keys that do not exist.
type coalescer[K comparable, V any] struct {
	c      *Client
	kind   string
	window time.Duration // 0: every call is sent alone
	max    int           // keys per group; 0: no limit
	reuse  time.Duration // how long an answer serves later calls while the client writes nothing
	fetch  func(ctx context.Context, keys []K) (map[K]V, error)

	mu      sync.Mutex
	open    *group[K, V]
	last    map[K]V // the last answer, for reuse
	lastGen uint64  // the client's write count when last was fetched
	lastAt  time.Time
}

type group[K comparable, V any] struct {
	keys  []K
	index map[K]struct{}
	ctx   context.Context
	done  chan struct{}
	res   map[K]V
	err   error
}

func newCoalescer[K comparable, V any](c *Client, kind string, window time.Duration, maxKeys int,
	fetch func(ctx context.Context, keys []K) (map[K]V, error),
) *coalescer[K, V] {
	return &coalescer[K, V]{c: c, kind: kind, window: window, max: maxKeys, fetch: fetch}
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
	if v, found = co.last[key]; found && co.lastGen == co.c.writes.Load() && time.Since(co.lastAt) < co.reuse {
		co.mu.Unlock()
		return v, true, nil
	}
	g := co.open
	if g == nil {
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
	select {
	case <-g.done:
	case <-ctx.Done():
		return v, false, ctx.Err()
	}
	if g.err != nil {
		return v, false, g.err
	}
	v, found = g.res[key]
	return v, found, nil
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
	gen, at := co.c.writes.Load(), time.Now()
	g.res, g.err = co.fetch(g.ctx, g.keys)
	if co.reuse > 0 && g.err == nil {
		co.mu.Lock()
		co.last, co.lastGen, co.lastAt = g.res, gen, at
		co.mu.Unlock()
	}
}

// counting counts a write around send: once before (a list fetched while it runs is not reused
// after it) and once after (nor is one fetched before it ended).
func (c *Client) counting(r apiRequest, send func() (*response, error)) (*response, error) {
	if r.readOnly || (r.method == http.MethodGet && !r.soap) {
		return send()
	}
	c.writes.Add(1)
	defer c.writes.Add(1)
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
