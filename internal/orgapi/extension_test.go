package orgapi

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

func TestExtensionDiscoveryHappensOnceAndFailuresAreNotRemembered(t *testing.T) {
	var discoveries atomic.Int32
	var failNext atomic.Bool
	failNext.Store(true)
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/services/data/v66.0/sfaccess/":
			discoveries.Add(1)
			if failNext.Swap(false) {
				restErr(w, http.StatusForbidden, "INSUFFICIENT_ACCESS", "insufficient access")
				return
			}
			writeJSON(w, http.StatusOK, map[string]int{"version": 1})
		case "/services/data/v66.0/sfaccess/api-access-control":
			writeJSON(w, http.StatusOK, map[string]bool{"allowVisualforceApiAccess": true})
		default:
			t.Errorf("unexpected %s", r.URL)
		}
	})
	c := newTestClient(t, ts.URL, Config{})
	if _, err := c.AllowVisualforceAPIAccess(context.Background()); KindOf(err) != KindInsufficientAccess {
		t.Fatalf("first discovery: %v", err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if allow, err := c.AllowVisualforceAPIAccess(context.Background()); err != nil || !allow {
				t.Errorf("%v %v", allow, err)
			}
		})
	}
	wg.Wait()
	if n := discoveries.Load(); n != 2 {
		t.Errorf("%d discoveries, want the failed one and one more", n)
	}
}

func TestInstallationIDsAreChecked(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]int{"version": 1})
	})
	c := newTestClient(t, ts.URL, Config{})
	for _, id := range []string{"0PS5g0000000001GAA", "0H45g0000000001CAB", "../x"} {
		_, err := c.Install(context.Background(), id, false)
		e := mustKind(t, err, KindInvalidInput)
		if len(e.Fields) != 1 || e.Fields[0] != "connectedAppId" {
			t.Errorf("%s: fields %v", id, e.Fields)
		}
	}
}
