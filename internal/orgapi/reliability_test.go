package orgapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// A dead token endpoint costs one sequence of attempts however many callers need a token: the
// first caller's failure is shared with every later one.
func TestFailedLoginIsSharedByEveryCaller(t *testing.T) {
	var tokenRequests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/services/oauth2/token" {
			tokenRequests.Add(1)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": "down"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"done": true, "records": []any{}})
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, Config{ClientID: "id", ClientSecret: "secret", MaxRetries: 3})

	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Users(context.Background())
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Fatalf("caller %d: no error from a dead token endpoint", i)
		}
	}
	if got := tokenRequests.Load(); got != 4 {
		t.Fatalf("token requests = %d, want 4 (one sequence: 1 attempt + 3 retries)", got)
	}
	if msg := errs[0].Error(); !strings.Contains(msg, "gave up after 4 attempts over") {
		t.Fatalf("error does not say how many attempts over how long: %s", msg)
	}
}

// A caller that gives up on its own (its context ends) does not poison the cache for the others.
func TestCancelledLoginIsNotShared(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/services/oauth2/token" {
			writeJSON(w, http.StatusOK, map[string]string{"access_token": "00D000000000001!tok", "instance_url": "x"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"done": true, "records": []any{}})
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, Config{ClientID: "id", ClientSecret: "secret"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.tokens.get(ctx); err == nil {
		t.Fatal("a cancelled caller got a token")
	}
	if _, err := c.Users(context.Background()); err != nil {
		t.Fatalf("the next caller inherited a cancellation: %v", err)
	}
}

// Failures no retry can fix end after one attempt.
func TestGivesUpAtOnceOnWhatRetryingCannotFix(t *testing.T) {
	t.Run("host does not resolve", func(t *testing.T) {
		c := newTestClient(t, "https://no-such-host.invalid", Config{MaxRetries: 5})
		_, err := c.Users(context.Background())
		var e *Error
		if !errors.As(err, &e) || e.Attempts != 1 {
			t.Fatalf("want one attempt, got %v", err)
		}
		if OutcomeUnknown(err) {
			t.Fatal("a request that never left has a known outcome")
		}
	})
	t.Run("invalid field", func(t *testing.T) {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			n.Add(1)
			restErr(w, http.StatusBadRequest, "INVALID_FIELD", "No such column 'Nope'")
		}))
		defer srv.Close()
		c := newTestClient(t, srv.URL, Config{MaxRetries: 5})
		_, err := c.Users(context.Background())
		if err == nil || n.Load() != 1 || OutcomeUnknown(err) {
			t.Fatalf("want one attempt and a known outcome, got %d attempts: %v", n.Load(), err)
		}
	})
	t.Run("408 is retried", func(t *testing.T) {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if n.Add(1) == 1 {
				w.WriteHeader(http.StatusRequestTimeout)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"done": true, "records": []any{}})
		}))
		defer srv.Close()
		c := newTestClient(t, srv.URL, Config{MaxRetries: 2})
		if _, err := c.Users(context.Background()); err != nil || n.Load() != 2 {
			t.Fatalf("want success on the second attempt, got %d attempts: %v", n.Load(), err)
		}
	})
}

// A write answered with a transient error after it may have committed has an unknown outcome;
// a throttled 429 is not described as the org's daily limit unless the org says so.
func TestTransientFailuresAreReportedAsSuch(t *testing.T) {
	for _, tc := range []struct {
		name, code, message string
		status              int
		wantHint            string
	}{
		{"throttled", "", "", http.StatusTooManyRequests, "The org throttled the request"},
		{"daily limit", "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", http.StatusTooManyRequests, "API request limit (TotalRequests) was reached"},
		{"unavailable", "SERVER_UNAVAILABLE", "try later", http.StatusServiceUnavailable, "gave up after 2 attempts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tc.code == "" {
					w.WriteHeader(tc.status)
					return
				}
				restErr(w, tc.status, tc.code, tc.message)
			}))
			defer srv.Close()
			c := newTestClient(t, srv.URL, Config{MaxRetries: 1})
			_, err := c.CreateRecord(context.Background(), "PermissionSet", map[string]string{"Name": "X"})
			if err == nil || !OutcomeUnknown(err) {
				t.Fatalf("want an unknown outcome, got %v", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.wantHint) {
				t.Fatalf("error %q does not contain %q", msg, tc.wantHint)
			}
			if tc.name == "throttled" && strings.Contains(err.Error(), "limit") {
				t.Fatalf("a transient 429 is described as a request limit: %s", err)
			}
		})
	}
}

// Every retry is logged at DEBUG with its cause and delay, and no secret.
func TestEachRetryIsLoggedWithItsCause(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			restErr(w, http.StatusServiceUnavailable, "SERVER_UNAVAILABLE", "busy")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"done": true, "records": []any{}})
	}))
	defer srv.Close()
	logs := &captureLogger{}
	c := newTestClient(t, srv.URL, Config{MaxRetries: 2, Logger: logs})
	if _, err := c.Users(context.Background()); err != nil {
		t.Fatal(err)
	}
	text := logs.text()
	if !strings.Contains(text, "DEBUG retrying request") || !strings.Contains(text, "cause:HTTP 503 SERVER_UNAVAILABLE, Retry-After 0") ||
		!strings.Contains(text, "delay_ms:0") {
		t.Fatalf("no DEBUG retry line with cause and delay in:\n%s", text)
	}
	if strings.Contains(text, "statictoken") {
		t.Fatalf("the token was logged:\n%s", text)
	}
}

func TestAPIVersionsNeedNoSession(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/services/data" || r.Header.Get("Authorization") != "" {
			t.Errorf("unexpected request %s with Authorization %q", r.URL.Path, r.Header.Get("Authorization"))
		}
		writeJSON(w, http.StatusOK, []map[string]string{{"version": "65.0"}, {"version": "66.0"}})
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, Config{})
	got, err := c.APIVersions(context.Background())
	if err != nil || strings.Join(got, ",") != "65.0,66.0" {
		t.Fatalf("APIVersions = %v, %v", got, err)
	}
}
