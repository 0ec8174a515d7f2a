package mockorg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/console"
)

// Config configures a Server.
type Config struct {
	// Seed is the org to start with; nil means the embedded default org "Acme".
	Seed *Seed
	// StateFile, if set, persists the org there (atomic rename, mode 0600). An existing file is
	// loaded at New instead of the seed; a file that cannot be read makes New fail.
	StateFile string
	// ControlToken guards the control API; "" means a random token.
	ControlToken string
	// DisableSetupExtension makes /services/data/vXX.X/sfaccess/... answer 404 NOT_FOUND, as a real
	// org does.
	DisableSetupExtension bool
	// QueryBatchSize is the number of records per query page before nextRecordsUrl; 0 means 2000.
	QueryBatchSize int
	// Logger receives request and state logs; nil discards them. Secrets are never logged.
	Logger *slog.Logger
	// AllowedHosts are the host names (or addresses) the console answers at besides localhost,
	// the loopback addresses and the address a request arrives on; any other Host gets 421, so
	// that a DNS-rebinding page cannot read it. Compared without port and case; an entry with a
	// scheme, port or path makes New fail.
	AllowedHosts []string
}

// maxBodyBytes caps every request body; larger bodies get 413 in the protocol's error shape.
const maxBodyBytes = 1 << 20

// Server is a mock org. It is an http.Handler and safe for concurrent use.
type Server struct {
	cfg          Config
	log          *slog.Logger
	controlToken string
	hosts        hostPolicy
	root         *http.ServeMux // console and control API
	mux          *http.ServeMux
	control      *http.ServeMux
	subrequests  *http.ServeMux // the routes of a composite subrequest

	// mu guards st, seed and the token tables: one lock, so that an access decision and the
	// records it reads are always consistent.
	mu      sync.RWMutex
	seed    *Seed
	st      *state
	tokens  tokenTable
	closed  bool
	apiUsed atomic.Int64

	cursors *cursorCache
	jobs    *asyncJobs
	faults  *faultInjector
	stats   *statsRecorder
	calls   *console.CallLog

	// writeFile puts the state file on disk; tests replace it to make the disk fail or to count
	// the writes.
	writeFile func(path string, data []byte) error
	// afterAuthenticate, when set, runs between authentication and the handler: tests change the
	// org there to reproduce the race of a snapshot that removes the caller.
	afterAuthenticate func()
	// now is the clock tokens are issued and expire by; tests move it.
	now func() time.Time
	// pruneAt is the token table size at which issueLocked next forgets expired tokens.
	pruneAt int
	// unsaved says tokens were issued since the state file was last written; saveErr is the
	// last write's failure, nil once a write succeeds. Both are guarded by mu.
	unsaved bool
	saveErr error
	// stopFlush ends flushLoop, which closes flushDone; both are nil without a state file.
	stopFlush, flushDone chan struct{}
}

// New builds a server; it does not listen. With a StateFile that exists, the org is loaded from it.
func New(cfg Config) (*Server, error) {
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		cursors: newCursorCache(),
		jobs:    newAsyncJobs(),
		faults:  newFaultInjector(),
		stats:   newStatsRecorder(),
		calls:   console.NewCallLog(recentCallsKept),

		writeFile: writeFileAtomic,
		now:       time.Now,
		pruneAt:   minPruneAt,
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.cfg.QueryBatchSize <= 0 {
		s.cfg.QueryBatchSize = 2000
	}
	hosts, err := newHostPolicy(cfg.AllowedHosts)
	if err != nil {
		return nil, err
	}
	s.hosts = hosts
	s.controlToken = cfg.ControlToken
	if s.controlToken == "" {
		s.controlToken = randomHex(24)
	}
	if cfg.Seed != nil {
		s.seed = cfg.Seed.clone()
	} else {
		s.seed = DefaultSeed()
	}
	st, err := newState(s.seed)
	if err != nil {
		return nil, err
	}
	s.st = st
	// The seed's approvals keep the DeleteTokens drawn for them, so that a reset brings back the
	// same ones.
	s.seed.OAuthTokens = st.approvalSeeds()
	s.tokens = newTokenTable()
	s.apiUsed.Store(int64(s.seed.Organization.APIRequestsUsed))
	if cfg.StateFile != "" {
		s.removeTempFiles()
		loaded, err := s.loadStateFile()
		if err != nil {
			return nil, err
		}
		if !loaded {
			s.mu.Lock()
			err := s.saveLocked()
			s.mu.Unlock()
			if err != nil {
				return nil, err
			}
		}
	}
	s.routes()
	if cfg.StateFile != "" {
		s.stopFlush, s.flushDone = make(chan struct{}), make(chan struct{})
		go s.flushLoop()
	}
	return s, nil
}

// ControlToken returns the bearer token of the control API.
func (s *Server) ControlToken() string { return s.controlToken }

// Close flushes the state file, if any, and stops the background flush. Requests after Close are
// still answered but no longer persisted.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	err := s.saveLocked()
	s.closed = true
	s.mu.Unlock()
	if s.stopFlush != nil {
		close(s.stopFlush)
		<-s.flushDone
	}
	return err
}

// ServeHTTP routes control API requests to the control handlers and everything else through stats,
// fault injection and the protocol handlers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	defer s.recoverPanic(sw, r)
	s.route(sw, r)
}

// recoverPanic turns a handler's panic into a 500 in the protocol's shape and an error log line,
// so that a client gets an answer instead of a dropped connection. http.ErrAbortHandler is a
// handler's deliberate way of dropping the connection and is passed on.
func (s *Server) recoverPanic(w *statusWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
		panic(v)
	}
	s.log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
	if w.status != 0 {
		// Part of the answer is out; only a dropped connection tells the client it is incomplete.
		panic(http.ErrAbortHandler)
	}
	writeProtocolFailure(w, protocolOf(cleanPath(r.URL.Path)), faultPlan{status: http.StatusInternalServerError})
}

// route is ServeHTTP's work, inside its panic guard.
func (s *Server) route(w *statusWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	// Clients that join an instance URL ending in "/" with "/services/..." send "//services/...",
	// which Salesforce serves as is. ServeMux would answer such a path with a redirect, which API
	// clients do not follow for POST, so the path is cleaned here the way ServeMux would.
	if clean := cleanPath(r.URL.Path); clean != r.URL.Path {
		r.URL.Path, r.URL.RawPath = clean, ""
	}
	// ServeMux matches escaped segments ("%2F" inside one); REST has always split the decoded
	// path, so an escaped slash there separates segments.
	if r.URL.RawPath != "" && strings.HasPrefix(r.URL.RawPath, "/services/data/") {
		r.URL.RawPath = ""
	}
	if protocolOf(r.URL.Path) != protoControl {
		// Every path outside /__mockorg is a Salesforce protocol's; skipping root's match keeps
		// the API calls' routing as cheap as it was.
		s.serveAPI(w, r)
		return
	}
	s.root.ServeHTTP(w, r)
}

// serveAPI serves the Salesforce protocols: it counts each call in the stats, injects faults
// (the after-commit ones where a write has committed) and runs the protocol's route.
func (s *Server) serveAPI(sw *statusWriter, r *http.Request) {
	var w http.ResponseWriter = sw
	proto := protocolOf(r.URL.Path)
	info := &requestInfo{}
	r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
	start := time.Now()
	// The query string is never logged: the revoke endpoint takes the token there.
	defer func() {
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "operation", info.op, "status", sw.status, "duration", time.Since(start))
		s.recordCall(r, info, sw.status, start)
	}()
	plan := s.faults.plan(r)
	if plan.latency > 0 {
		select {
		case <-r.Context().Done():
			return
		case <-s.faults.after(plan.latency):
		}
	}
	if plan.status != 0 {
		s.stats.record("", false, true)
		writeProtocolFailure(w, proto, plan)
		return
	}
	if !plan.afterCommit {
		s.mux.ServeHTTP(w, r)
		s.stats.record(info.op, info.write, false)
		return
	}
	rec := newBufferedResponse()
	s.mux.ServeHTTP(rec, r)
	s.stats.record(info.op, info.write, false)
	if info.write && info.committed {
		s.log.Info("fault injected after commit", "operation", info.op)
		writeProtocolFailure(w, proto, faultPlan{status: http.StatusServiceUnavailable, retryAfter: plan.retryAfter})
		return
	}
	rec.copyTo(w)
}

// cleanPath is path.Clean keeping a trailing slash, as ServeMux cleans before it redirects.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	clean := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// requestInfo is filled in by handlers so that stats and after-commit faults know what a request was.
type requestInfo struct {
	op        string
	write     bool
	committed bool   // the write changed the org
	user, app string // the caller and its app, once known; the console lists them
	rule      string // the access rule that refused the call, if one did
}

type requestInfoKey struct{}

// note records the operation name of a request ("rest:query", "soap:readMetadata", ...).
func note(r *http.Request, op string, write bool) {
	if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		info.op, info.write = op, write
	}
}

// committed marks that a write changed the org, which makes it eligible for an after-commit fault.
func committed(r *http.Request) {
	if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		info.committed = true
	}
}

type protocol int

const (
	protoREST protocol = iota
	protoSOAP
	protoOAuth
	protoControl
)

func protocolOf(path string) protocol {
	switch {
	case strings.HasPrefix(path, "/services/oauth2/"):
		return protoOAuth
	case strings.HasPrefix(path, "/services/Soap/"):
		return protoSOAP
	case path == "/__mockorg" || strings.HasPrefix(path, "/__mockorg/"):
		return protoControl
	}
	return protoREST
}

// routes builds the server's routes: root holds the console and the control API, which are
// neither faulted nor counted, and mux the Salesforce protocols.
func (s *Server) routes() {
	s.root = http.NewServeMux()
	consoleHandler := s.consoleRoute()
	s.root.Handle(console.Path, consoleHandler)
	s.root.Handle(strings.TrimSuffix(console.Path, "/"), consoleHandler)
	s.root.HandleFunc("/__mockorg", s.serveControl)
	s.root.HandleFunc("/__mockorg/", s.serveControl)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /services/oauth2/token", s.handleToken)
	s.mux.HandleFunc("/services/oauth2/token", refuseTokenMethod)
	s.mux.HandleFunc("/services/oauth2/revoke", s.handleRevoke)
	s.mux.HandleFunc("GET /services/oauth2/userinfo", s.handleUserInfo)
	s.mux.HandleFunc("GET /id/{org}/{user}", s.handleUserInfo)
	for _, soap := range []string{"/services/Soap/m/{version}", "/services/Soap/m/{version}/{orgID}"} {
		s.mux.HandleFunc("POST "+soap, s.handleSOAP)
		s.mux.HandleFunc(soap, refuseSOAPMethod)
	}
	s.mux.HandleFunc("/services/data", s.handleVersions)
	s.mux.HandleFunc("/services/data/{$}", s.handleVersions)
	s.restRoutes(s.mux)
	s.control = s.controlRoutes()
	s.subrequests = s.subrequestRoutes()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		note(r, "notFound", false)
		writeRESTErr(w, errNotFound)
	})
}

// mutate runs fn under the write lock and, with a state file, saves the org before returning, so
// that a write is on disk before it is answered. fn must validate everything before changing
// anything, so that a failed call leaves the org as it was. A change that cannot be saved is
// rolled back (the org and the tokens as they were before the call) and reported
// as errNotSaved: nothing the server did not keep is ever acknowledged.
func (s *Server) mutate(fn func(st *state) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mutateLocked(fn)
}

func (s *Server) mutateLocked(fn func(st *state) error) error {
	if s.cfg.StateFile == "" || s.closed {
		return fn(s.st)
	}
	restore := s.checkpointLocked()
	if err := fn(s.st); err != nil {
		return err
	}
	if err := s.saveLocked(); err != nil {
		restore()
		s.log.Error("persisting the org failed; the write was rolled back and answered as a server error", "error", err)
		return errNotSaved
	}
	return nil
}

// issueTokens runs a token grant. Unlike mutate, it does not wait for the disk: the new token (and
// the use it counts on an approval) reaches the state file with the next flush, within
// flushInterval. Saving the whole file for every token made each token request wait for an
// fsync; a token lost in a crash costs its client one more login. While the state file cannot be
// written, a grant is saved before its answer like any other write, so that no token outlives
// the one-second promise unsaved.
func (s *Server) issueTokens(fn func(st *state) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.StateFile == "" || s.closed || s.saveErr != nil {
		return s.mutateLocked(fn)
	}
	if err := fn(s.st); err != nil {
		return err
	}
	s.unsaved = true
	return nil
}

// flushInterval bounds how long an issued token may stay off the disk.
const flushInterval = time.Second

// flushLoop saves issued tokens every flushInterval until Close.
func (s *Server) flushLoop() {
	defer close(s.flushDone)
	tick := time.NewTicker(flushInterval)
	defer tick.Stop()
	for {
		select {
		case <-s.stopFlush:
			return
		case <-tick.C:
			s.flush()
		}
	}
}

func (s *Server) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.unsaved {
		return
	}
	if err := s.saveLocked(); err != nil {
		s.log.Error("saving issued tokens failed; token requests wait for the disk until it works again", "error", err)
	}
}

// errNotSaved answers a write whose change could not be persisted and was rolled back.
var errNotSaved = &apiError{status: http.StatusInternalServerError, code: "UNKNOWN_EXCEPTION",
	message: "An unexpected error occurred: the org could not save the change, which was not made. Try again later."}

// checkpointLocked copies what a write may change and returns the function that puts it back. The
// API usage is not put back: the failed call was made and counted, as Salesforce counts it, and
// calls authenticated concurrently outside the lock must keep their counts, so that every
// Sforce-Limit-Info answered stays true.
func (s *Server) checkpointLocked() func() {
	st := s.st.clone()
	tokens := s.tokens.clone()
	return func() { s.st, s.tokens = st, tokens }
}

// view runs fn under the read lock.
func (s *Server) view(fn func(st *state)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.st)
}

// apiError is an error in protocol-neutral form; each protocol renders it in its own shape.
type apiError struct {
	status  int
	code    string
	message string
	fields  []string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return &apiError{status: http.StatusInternalServerError, code: "UNKNOWN_EXCEPTION", message: err.Error()}
}

// errOrNil keeps a nil *apiError from becoming a non-nil error interface.
func errOrNil(e *apiError) error {
	if e == nil {
		return nil
	}
	return e
}

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("mockorg: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// tooLarge reports whether a body read failed because of the size cap.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// AdminClient returns the consumer key and secret of the first connected app whose client
// credentials flow is enabled, and the username it runs as: what the command's banner shows.
func (s *Server) AdminClient() (clientID, clientSecret, username string, ok bool) {
	s.view(func(st *state) {
		for _, a := range sorted(st.apps) {
			if a.ClientCredentialsEnabled && a.ClientCredentialsUser != "" {
				clientID, clientSecret, username, ok = a.ConsumerKey, a.ConsumerSecret, a.ClientCredentialsUser, true
				return
			}
		}
	})
	return clientID, clientSecret, username, ok
}

// statusWriter remembers the status of a response for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}
