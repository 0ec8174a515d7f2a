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
		if r.URL.Path != "/services/data/v66.0/sfaccess/" {
			t.Errorf("unexpected %s", r.URL)
			return
		}
		discoveries.Add(1)
		if failNext.Swap(false) {
			restErr(w, http.StatusForbidden, "INSUFFICIENT_ACCESS", "insufficient access")
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"version": 1})
	})
	c := newTestClient(t, ts.URL, Config{})
	if _, err := c.ExtensionAvailable(context.Background()); KindOf(err) != KindInsufficientAccess {
		t.Fatalf("first discovery: %v", err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if ok, err := c.ExtensionAvailable(context.Background()); err != nil || !ok {
				t.Errorf("%v %v", ok, err)
			}
		})
	}
	wg.Wait()
	if n := discoveries.Load(); n != 2 {
		t.Errorf("%d discoveries, want the failed one and one more", n)
	}
}

// A route that answers proves the extension is there: no discovery is made for it, before or
// after. Only a route's 404 asks, to tell an org without the extension from an installation
// that does not exist.
func TestExtensionRoutesNeedNoDiscoveryUntilOneAnswers404(t *testing.T) {
	for _, served := range []bool{true, false} {
		var discoveries, routes atomic.Int32
		ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.URL.Path == "/services/data/v66.0/sfaccess/":
				discoveries.Add(1)
				if !served {
					restErr(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
					return
				}
				writeJSON(w, http.StatusOK, map[string]int{"version": 1})
			case r.URL.Path == "/services/data/v66.0/sfaccess/api-access-control" && served:
				routes.Add(1)
				writeJSON(w, http.StatusOK, map[string]bool{"allowVisualforceApiAccess": true})
			default: // an installation that does not exist, or any route of an org without the extension
				routes.Add(1)
				restErr(w, http.StatusNotFound, "NOT_FOUND", "not found")
			}
		})
		c := newTestClient(t, ts.URL, Config{})
		ctx := context.Background()
		if served {
			if allow, err := c.AllowVisualforceAPIAccess(ctx); err != nil || !allow {
				t.Fatalf("served: %v %v", allow, err)
			}
			if ok, err := c.ExtensionAvailable(ctx); err != nil || !ok || discoveries.Load() != 0 {
				t.Errorf("served: ExtensionAvailable = %v %v after %d discoveries, want true without one", ok, err, discoveries.Load())
			}
			_, err := c.Installation(ctx, "0H45g0000000002CAA")
			if KindOf(err) != KindNotFound || discoveries.Load() != 0 {
				t.Errorf("served: an app that is not installed: %v after %d discoveries, want not found and none", err, discoveries.Load())
			}
			continue
		}
		for i := range 2 {
			_, err := c.Installation(ctx, "0H45g0000000002CAA")
			if e := mustKind(t, err, KindExtensionUnavailable); e.SetupPage != SetupPageOAuthUsage {
				t.Errorf("not served: setup page %q", e.SetupPage)
			}
			if discoveries.Load() != 1 || routes.Load() != 1 {
				t.Errorf("not served, call %d: %d discoveries and %d route calls, want 1 and 1: the answer is remembered", i+1, discoveries.Load(), routes.Load())
			}
		}
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
