package mockorg

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// cursorCache keeps the remaining records of query results for nextRecordsUrl. Salesforce keeps a
// bounded number of open cursors per user; mockorg keeps a bounded number overall and drops the
// oldest first.
type cursorCache struct {
	mu      sync.Mutex
	order   []string
	cursors map[string]*cursor
}

// cursor is a query result being paged: the records as rendered when the query ran (later changes
// do not show, as with Salesforce's server-side cursors), and who may read them.
type cursor struct {
	userID  string
	records []any
}

const maxCursors = 200

func newCursorCache() *cursorCache { return &cursorCache{cursors: map[string]*cursor{}} }

func (c *cursorCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order, c.cursors = nil, map[string]*cursor{}
}

// firstPage answers a query: all of it when it fits a batch, otherwise the first batch and a
// nextRecordsUrl to the rest.
func (c *cursorCache) firstPage(userID, version string, records []any, batch int) queryPage {
	page := queryPage{TotalSize: len(records), Done: true, Records: records}
	if records == nil {
		page.Records = []any{}
	}
	if len(records) <= batch {
		return page
	}
	locator := sfid.PrefixQueryLocator + randomString(12)
	c.mu.Lock()
	c.cursors[locator] = &cursor{userID: userID, records: records}
	c.order = append(c.order, locator)
	for len(c.order) > maxCursors {
		delete(c.cursors, c.order[0])
		c.order = c.order[1:]
	}
	c.mu.Unlock()
	page.Done = false
	page.Records = records[:batch]
	page.NextRecordsURL = nextRecordsURL(version, locator, batch)
	return page
}

func nextRecordsURL(version, locator string, offset int) string {
	return "/services/data/" + version + "/query/" + locator + "-" + strconv.Itoa(offset)
}

var errInvalidLocator = &apiError{status: http.StatusBadRequest, code: "INVALID_QUERY_LOCATOR", message: "invalid query locator"}

// nextPage answers a nextRecordsUrl "{locator}-{offset}".
func (c *cursorCache) nextPage(userID, version, ref string, batch int) (queryPage, *apiError) {
	locator, offsetText, ok := strings.Cut(ref, "-")
	offset, err := strconv.Atoi(offsetText)
	if !ok || err != nil || offset <= 0 {
		return queryPage{}, errInvalidLocator
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.cursors[locator]
	if cur == nil || cur.userID != userID || offset >= len(cur.records) {
		return queryPage{}, errInvalidLocator
	}
	end := min(offset+batch, len(cur.records))
	page := queryPage{TotalSize: len(cur.records), Done: end == len(cur.records), Records: cur.records[offset:end]}
	if !page.Done {
		page.NextRecordsURL = nextRecordsURL(version, locator, end)
	}
	return page, nil
}
