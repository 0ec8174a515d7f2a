package orgapi

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func emptyQuery(w http.ResponseWriter) {
	writeJSON(w, 200, map[string]any{"totalSize": 0, "done": true, "records": []any{}})
}

func TestRetriesTransientAnswersHonouringRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		status int
		code   string
	}{
		{"429", 429, "REQUEST_LIMIT_EXCEEDED"},
		{"503", 503, "SERVER_UNAVAILABLE"},
		{"403 request limit", 403, "REQUEST_LIMIT_EXCEEDED"},
		{"500 unknown exception", 500, "UNKNOWN_EXCEPTION"},
		{"502", 502, ""},
		{"504", 504, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			var gaps []time.Duration
			last := time.Now()
			ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				now := time.Now()
				if calls.Add(1) > 1 {
					gaps = append(gaps, now.Sub(last))
				}
				last = now
				if calls.Load() == 1 {
					w.Header().Set("Retry-After", "1")
					restErr(w, tt.status, tt.code, "try again later")
					return
				}
				emptyQuery(w)
			})
			c := newTestClient(t, ts.URL, Config{MaxRetries: 3})
			if _, err := c.Users(context.Background()); err != nil {
				t.Fatalf("Users: %v", err)
			}
			if n := calls.Load(); n != 2 {
				t.Errorf("%d requests, want 2 (one answered %d, then success)", n, tt.status)
			}
			for i, g := range gaps {
				if g < 950*time.Millisecond {
					t.Errorf("retry %d came after %s; Retry-After asked for 1s", i+1, g)
				}
			}
		})
	}
}

func TestDoesNotRetryRequestErrors(t *testing.T) {
	tests := []struct {
		name string
		h    http.HandlerFunc
		kind Kind
	}{
		{"soap insufficient access", func(w http.ResponseWriter, r *http.Request) {
			soapFaultAnswer(w, "INSUFFICIENT_ACCESS", "use of the Metadata API requires a user with the ModifyAllData permission")
		}, KindInsufficientAccess},
		{"rest 400", func(w http.ResponseWriter, r *http.Request) {
			restErr(w, 400, "MALFORMED_QUERY", "unexpected token")
		}, KindInvalidInput},
		{"rest 403 insufficient", func(w http.ResponseWriter, r *http.Request) {
			restErr(w, 403, "INSUFFICIENT_ACCESS", "insufficient access rights on object id")
		}, KindInsufficientAccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			ts := newServer(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1); tt.h(w, r) })
			c := newTestClient(t, ts.URL, Config{MaxRetries: 4})
			_, err := c.ReadConnectedAppSettings(context.Background())
			if tt.name != "soap insufficient access" {
				_, err = c.Users(context.Background())
				calls.Add(-1) // the settings call above also reached the server
			}
			requireKind(t, err, tt.kind)
			if n := calls.Load(); n != 1 {
				t.Errorf("%d requests, want 1: the answer is not transient", n)
			}
		})
	}
}

func TestRetriesRunOutIntoATypedError(t *testing.T) {
	var calls atomic.Int32
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		restErr(w, 429, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
	})
	c := newTestClient(t, ts.URL, Config{MaxRetries: 2})
	_, err := c.Users(context.Background())
	e := mustKind(t, err, KindRateLimited)
	if !errors.Is(err, ErrRateLimited) || e.StatusCode != http.StatusTooManyRequests || calls.Load() != 3 {
		t.Errorf("err %v, status %d, calls %d (want 3)", err, e.StatusCode, calls.Load())
	}
}

func TestContextCancellationStopsTheRetryLoop(t *testing.T) {
	var calls atomic.Int32
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "30")
		restErr(w, 503, "SERVER_UNAVAILABLE", "down for maintenance")
	})
	c := newTestClient(t, ts.URL, Config{MaxRetries: 10})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Users(ctx)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("call took %s after its context ended", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d requests; the 30s Retry-After should have been cut short by the context", n)
	}
}

func TestRetriesConnectionErrors(t *testing.T) {
	// A listener that closes the first connections without answering, then serves.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { emptyQuery(w) })}
	wrapped := &droppingListener{Listener: ln, drop: 2, count: &accepted}
	go func() { _ = srv.Serve(wrapped) }()
	t.Cleanup(func() { _ = srv.Close() })
	c := newTestClient(t, "http://"+ln.Addr().String(), Config{MaxRetries: 4})
	if _, err := c.Users(context.Background()); err != nil {
		t.Fatalf("Users after dropped connections: %v", err)
	}
	if accepted.Load() < 3 {
		t.Errorf("%d connections; want the dropped ones retried", accepted.Load())
	}
}

type droppingListener struct {
	net.Listener
	drop  int32
	count *atomic.Int32
}

func (l *droppingListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.count.Add(1) <= l.drop {
			conn.Close()
			continue
		}
		return conn, nil
	}
}

func TestUserAgentAndLimitInfo(t *testing.T) {
	var agents []string
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		agents = append(agents, r.Header.Get("User-Agent"))
		if r.URL.Path == "/services/oauth2/token" {
			writeJSON(w, 200, map[string]string{"access_token": "00D5g0000000001!ua"})
			return
		}
		w.Header().Set("Sforce-Limit-Info", "api-usage=18/5000")
		emptyQuery(w)
	})
	c := newTestClient(t, ts.URL, Config{ClientID: "K", ClientSecret: "S", UserAgent: "terraform-provider-sfaccess/1.2.3"})
	if _, err := c.Users(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(agents) != 2 {
		t.Fatalf("%d requests", len(agents))
	}
	for _, a := range agents {
		if a != "terraform-provider-sfaccess/1.2.3" {
			t.Errorf("User-Agent %q", a)
		}
	}
	used, limit, ok := c.APIUsage()
	if !ok || used != 18 || limit != 5000 {
		t.Errorf("APIUsage = %d/%d %v, want 18/5000", used, limit, ok)
	}
}

func TestBackoffGrowsWithJitterWithinBounds(t *testing.T) {
	c := &Client{retryWaitMin: 100 * time.Millisecond, retryWaitMax: time.Second}
	for attempt := 0; attempt < 8; attempt++ {
		want := min(100*time.Millisecond<<attempt, time.Second)
		for range 50 {
			d := c.backoff(0, 0, attempt, nil)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: wait %s outside [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
	resp := &http.Response{Header: http.Header{"Retry-After": {"7"}}}
	if d := c.backoff(0, 0, 0, resp); d != 7*time.Second {
		t.Errorf("Retry-After 7 gave %s", d)
	}
	resp.Header.Set("Retry-After", time.Now().Add(3*time.Second).UTC().Format(http.TimeFormat))
	if d := c.backoff(0, 0, 0, resp); d < time.Second || d > 3*time.Second {
		t.Errorf("Retry-After as a date gave %s", d)
	}
}

func TestTLSVerificationStaysOn(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1); emptyQuery(w) }))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	ts.StartTLS()
	t.Cleanup(ts.Close)

	// The test server's certificate is self-signed: a default client must refuse it, without retrying.
	c := newTestClient(t, ts.URL, Config{MaxRetries: 3})
	_, err := c.Users(context.Background())
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("err = %v, want a certificate error", err)
	}
	if calls.Load() != 0 {
		t.Errorf("%d requests reached the handler", calls.Load())
	}

	// A client that trusts the server's CA (not one that skips verification) works.
	c = newTestClient(t, ts.URL, Config{HTTPClient: ts.Client()})
	if _, err := c.Users(context.Background()); err != nil {
		t.Errorf("with the CA trusted: %v", err)
	}
}
