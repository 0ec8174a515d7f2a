package mockorg

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
)

// FaultConfig is the control API's fault injection setting (ARCHITECTURE.md, Control API).
type FaultConfig struct {
	// Rate is the share of API calls answered with one of Statuses instead of being served.
	Rate float64 `json:"rate"`
	// Statuses are the HTTP statuses injected; default [503].
	Statuses []int `json:"statuses,omitempty"`
	// RetryAfterSeconds, when positive, is sent as Retry-After with every injected fault.
	RetryAfterSeconds int `json:"retry_after_seconds,omitempty"`
	// AfterCommitRate is the share of writes that are carried out and then answered 503.
	AfterCommitRate float64 `json:"after_commit_rate,omitempty"`
	// LatencyMS delays every API call matched by Paths, up to MaxFaultLatency.
	LatencyMS int `json:"latency_ms,omitempty"`
	// Seed makes the sequence of injected faults repeatable; 0 picks a random seed.
	Seed uint64 `json:"seed,omitempty"`
	// Paths is a regular expression a request path must match; default "^/services/".
	Paths string `json:"paths,omitempty"`
}

// MaxFaultLatency is the longest delay FaultConfig.LatencyMS may ask for; a server's timeouts must
// leave room for it.
const MaxFaultLatency = 60 * time.Second

func (c *FaultConfig) validate() error {
	if c.Rate < 0 || c.Rate > 1 || c.AfterCommitRate < 0 || c.AfterCommitRate > 1 {
		return fmt.Errorf("rate and after_commit_rate must be between 0 and 1")
	}
	if maxMS := int(MaxFaultLatency / time.Millisecond); c.RetryAfterSeconds < 0 || c.LatencyMS < 0 || c.LatencyMS > maxMS {
		return fmt.Errorf("retry_after_seconds must not be negative and latency_ms must be between 0 and %d", maxMS)
	}
	for _, s := range c.Statuses {
		if s < 400 || s > 599 {
			return fmt.Errorf("statuses must be HTTP error statuses (400-599), got %d", s)
		}
	}
	if c.Paths != "" {
		if _, err := regexp.Compile(c.Paths); err != nil {
			return fmt.Errorf("paths is not a valid regular expression: %w", err)
		}
	}
	return nil
}

// faultInjector decides, request by request, whether to inject a fault. One seeded generator under a
// mutex: the same seed and the same sequence of requests give the same faults.
type faultInjector struct {
	mu    sync.Mutex
	cfg   FaultConfig
	paths *regexp.Regexp
	rng   *rand.Rand
	after func(time.Duration) <-chan time.Time
}

func newFaultInjector() *faultInjector {
	f := &faultInjector{after: time.After}
	f.set(FaultConfig{})
	return f
}

func (f *faultInjector) set(cfg FaultConfig) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(cfg.Statuses) == 0 {
		cfg.Statuses = []int{http.StatusServiceUnavailable}
	}
	if cfg.Paths == "" {
		cfg.Paths = "^/services/"
	}
	f.cfg = cfg
	f.paths = regexp.MustCompile(cfg.Paths)
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64() //nolint:gosec // fault injection needs a seedable, repeatable sequence, not secrecy
	}
	f.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) //nolint:gosec // as above: repeatable on purpose
}

func (f *faultInjector) get() FaultConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg
}

// faultPlan is what to do with one request.
type faultPlan struct {
	latency     time.Duration
	status      int  // inject this status instead of serving
	afterCommit bool // serve; if it commits a write, answer 503 instead
	retryAfter  int
}

func (f *faultInjector) plan(r *http.Request) faultPlan {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.paths.MatchString(r.URL.Path) {
		return faultPlan{}
	}
	p := faultPlan{latency: time.Duration(f.cfg.LatencyMS) * time.Millisecond, retryAfter: f.cfg.RetryAfterSeconds}
	if f.cfg.Rate > 0 && f.rng.Float64() < f.cfg.Rate {
		p.status = f.cfg.Statuses[f.rng.IntN(len(f.cfg.Statuses))]
		return p
	}
	if f.cfg.AfterCommitRate > 0 && f.rng.Float64() < f.cfg.AfterCommitRate {
		p.afterCommit = true
	}
	return p
}

// writeProtocolFailure answers an injected fault or a handler's panic with Salesforce's own error for the
// status, in the protocol's shape. 403 and 429 are REQUEST_LIMIT_EXCEEDED, 500 is
// UNKNOWN_EXCEPTION, and every other status SERVER_UNAVAILABLE (the SOAP API's ExceptionCode for an instance that cannot serve; that the
// Metadata API uses it for 503 is unverified).
func writeProtocolFailure(w http.ResponseWriter, proto protocol, p faultPlan) {
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	code, message := "SERVER_UNAVAILABLE", "The server is temporarily unable to service your request. Try again later."
	switch p.status {
	case http.StatusForbidden, http.StatusTooManyRequests:
		code, message = "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."
	case http.StatusInternalServerError:
		code, message = "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)"
	}
	switch proto {
	case protoOAuth:
		oauthCode := "server_error"
		if code == "REQUEST_LIMIT_EXCEEDED" {
			oauthCode = "rate_limit_exceeded"
		}
		writeOAuthError(w, &oauthError{status: p.status, code: oauthCode, descr: message})
	case protoSOAP:
		// Every SOAP API fault is HTTP 500; the fault's code says what happened.
		writeSOAPFault(w, http.StatusInternalServerError, metadata.NewFault(code, message))
	case protoControl:
		writeControlError(w, p.status, "%s", message)
	default:
		writeRESTErr(w, &apiError{status: p.status, code: code, message: message})
	}
}

// bufferedResponse holds a response until the after-commit decision is made.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedResponse() *bufferedResponse { return &bufferedResponse{header: http.Header{}} }

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// statsRecorder counts requests by operation for the control API.
type statsRecorder struct {
	mu          sync.Mutex
	requests    int
	writes      int
	faults      int
	byOperation map[string]int
}

func newStatsRecorder() *statsRecorder { return &statsRecorder{byOperation: map[string]int{}} }

func (s *statsRecorder) record(op string, write, injected bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if injected {
		s.faults++
		return
	}
	if write {
		s.writes++
	}
	if op != "" {
		s.byOperation[op]++
	}
}

// Stats is the control API's view of the request counters.
type Stats struct {
	Requests    int            `json:"requests"`
	Writes      int            `json:"writes"`
	Faults      int            `json:"faults"`
	ByOperation map[string]int `json:"by_operation"`
}

func (s *statsRecorder) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{Requests: s.requests, Writes: s.writes, Faults: s.faults, ByOperation: map[string]int{}}
	for k, v := range s.byOperation {
		out.ByOperation[k] = v
	}
	return out
}

func (s *statsRecorder) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.writes, s.faults = 0, 0, 0
	s.byOperation = map[string]int{}
}
