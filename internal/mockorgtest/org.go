package mockorgtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
)

// Org is one isolated mock org, served in-process over loopback HTTP for the life of a test.
type Org struct {
	Remote
	Server *mockorg.Server

	ts        *httptest.Server
	closeOnce sync.Once
	failing   atomic.Pointer[func(*http.Request) bool]
}

// Start serves a fresh mock org built from cfg (an empty Config: the embedded default seed,
// which refuses to create connected apps) until the test ends.
func Start(t testing.TB, cfg mockorg.Config) *Org {
	t.Helper()
	srv, err := mockorg.New(cfg)
	if err != nil {
		t.Fatalf("starting mockorg: %v", err)
	}
	o := &Org{Server: srv}
	o.ts = httptest.NewServer(http.HandlerFunc(o.serve))
	o.Remote = Remote{URL: o.ts.URL, ControlToken: srv.ControlToken(), HTTP: o.ts.Client()}
	t.Cleanup(func() { o.Close(t) })
	return o
}

func (o *Org) serve(w http.ResponseWriter, r *http.Request) {
	if fail := o.failing.Load(); fail != nil && (*fail)(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `[{"errorCode":"SERVER_UNAVAILABLE","message":"injected by the test"}]`)
		return
	}
	o.Server.ServeHTTP(w, r)
}

// Close stops serving and closes the org before the test ends, for a test that must see it gone;
// the cleanup Start registers then does nothing.
func (o *Org) Close(t testing.TB) {
	t.Helper()
	o.closeOnce.Do(func() {
		o.ts.Close()
		if err := o.Server.Close(); err != nil {
			t.Errorf("closing mockorg: %v", err)
		}
	})
}

// FailWhen answers every request for which fail holds with a 503, until FailWhen(nil). It
// complements mockorg's fault injection, which selects by path only, where a test needs one
// particular call to fail (the read-back after a create, not the look-ups before it).
func (o *Org) FailWhen(fail func(*http.Request) bool) {
	if fail == nil {
		o.failing.Store(nil)
		return
	}
	o.failing.Store(&fail)
}
