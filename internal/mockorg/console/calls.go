package console

import (
	"sync"
	"time"
)

// Call is one API request as the console lists it. It holds no token, secret, password or query
// string: only what a person needs to follow what a client did to the org.
type Call struct {
	Time      time.Time `json:"time"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Operation string    `json:"operation"`
	User      string    `json:"user,omitempty"`
	App       string    `json:"app,omitempty"`
	Status    int       `json:"status"`
	// Rule is the access rule that refused the call; "" when none did.
	Rule string `json:"rule,omitempty"`
}

// maxPathLen caps a recorded path: the request line may be up to a megabyte long, and the log
// must stay small whatever clients send.
const maxPathLen = 200

// CallLog keeps the most recent calls in a ring of fixed size. It is safe for concurrent use.
type CallLog struct {
	mu    sync.Mutex
	ring  []Call
	next  int // where the next call goes
	count int // calls held, at most len(ring)
}

// NewCallLog returns a log that keeps the last size calls.
func NewCallLog(size int) *CallLog {
	return &CallLog{ring: make([]Call, size)}
}

// Add records a call, forgetting the oldest when the log is full.
func (l *CallLog) Add(c Call) {
	if len(c.Path) > maxPathLen {
		c.Path = c.Path[:maxPathLen] + "…"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ring[l.next] = c
	l.next = (l.next + 1) % len(l.ring)
	l.count = min(l.count+1, len(l.ring))
}

// Recent returns the calls held, newest first.
func (l *CallLog) Recent() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Call, l.count)
	for i := range out {
		out[i] = l.ring[(l.next-1-i+len(l.ring))%len(l.ring)]
	}
	return out
}
