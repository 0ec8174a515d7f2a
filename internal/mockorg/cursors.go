package mockorg

import (
	"sync"
)

// cursorCache keeps the remaining pages of query results for nextRecordsUrl. Salesforce keeps a
// bounded number of open cursors per user; mockorg keeps a bounded number overall and drops the
// oldest first.
type cursorCache struct {
	mu      sync.Mutex
	seq     uint64
	order   []string
	cursors map[string]*cursor
}

// cursor is a query result being paged: the records already rendered, and who may read them.
type cursor struct {
	userID  string
	records []any
	offset  int
}

const maxCursors = 200

func newCursorCache() *cursorCache { return &cursorCache{cursors: map[string]*cursor{}} }

func (c *cursorCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order, c.cursors = nil, map[string]*cursor{}
}
