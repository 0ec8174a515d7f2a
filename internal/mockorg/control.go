package mockorg

import (
	"bytes"
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
)

// The control API under /__mockorg/ lets tests and pipelines reset, inspect and steer the org
// (ARCHITECTURE.md, Control API). Every route needs the control token.

func writeControlError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	token := bearerToken(r)
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.controlToken)) != 1 {
		writeControlError(w, http.StatusUnauthorized, "the control API needs Authorization: Bearer <control token>")
		return
	}
	if r.Method == http.MethodHead {
		// A GET pattern also serves HEAD; the control API has no HEAD routes.
		noControlRoute(w, r)
		return
	}
	s.control.ServeHTTP(w, r)
}

// controlRoutes are the control API's routes; ServeMux's own 404 and 405 never answer.
func (s *Server) controlRoutes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /__mockorg/reset", func(w http.ResponseWriter, _ *http.Request) { s.controlReset(w) })
	m.HandleFunc("GET /__mockorg/snapshot", func(w http.ResponseWriter, _ *http.Request) {
		var seed *Seed
		s.view(func(st *state) { seed = st.toSeed(int(s.apiUsed.Load())) })
		writeJSON(w, http.StatusOK, seed)
	})
	m.HandleFunc("PUT /__mockorg/snapshot", s.controlPutSnapshot)
	m.HandleFunc("GET /__mockorg/faults", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, s.faults.get()) })
	m.HandleFunc("POST /__mockorg/faults", s.controlSetFaults)
	m.HandleFunc("GET /__mockorg/stats", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, s.stats.snapshot()) })
	m.HandleFunc("POST /__mockorg/stats/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.stats.reset()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST /__mockorg/sessions", s.controlSession)
	m.HandleFunc("POST /__mockorg/decide", s.controlDecide)
	m.HandleFunc("/", noControlRoute)
	return m
}

func noControlRoute(w http.ResponseWriter, r *http.Request) {
	writeControlError(w, http.StatusNotFound, "no control route %s %s; see the README for the control API", r.Method, r.URL.Path)
}

func (s *Server) controlSetFaults(w http.ResponseWriter, r *http.Request) {
	var cfg FaultConfig
	if !decodeControlBody(w, r, &cfg) {
		return
	}
	if err := cfg.validate(); err != nil {
		writeControlError(w, http.StatusBadRequest, "%v", err)
		return
	}
	s.faults.set(cfg)
	s.log.Info("fault injection set", "rate", cfg.Rate, "after_commit_rate", cfg.AfterCommitRate, "latency_ms", cfg.LatencyMS)
	writeJSON(w, http.StatusOK, s.faults.get())
}

// decodeControlBody decodes a JSON body strictly, answering 400 (413 when oversize) on failure.
func decodeControlBody(w http.ResponseWriter, r *http.Request, into any) bool {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		if tooLarge(err) {
			writeControlError(w, http.StatusRequestEntityTooLarge, "the request body exceeds %d bytes", maxBodyBytes)
			return false
		}
		writeControlError(w, http.StatusBadRequest, "reading the request body: %v", err)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil || dec.More() {
		if err == nil {
			err = fmt.Errorf("unexpected data after the JSON object")
		}
		writeControlError(w, http.StatusBadRequest, "invalid JSON body: %v", err)
		return false
	}
	return true
}

func (s *Server) controlReset(w http.ResponseWriter) {
	st, err := newState(s.seed)
	if err != nil { // the seed was validated at New; this cannot fail
		writeControlError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	err = s.mutate(func(*state) error {
		s.st = st
		s.tokens = newTokenTable()
		s.apiUsed.Store(int64(s.seed.Organization.APIRequestsUsed))
		return nil
	})
	if err != nil {
		writeControlError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	s.cursors.clear()
	s.log.Info("org reset to its seed")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) controlPutSnapshot(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		status := http.StatusBadRequest
		if tooLarge(err) {
			status = http.StatusRequestEntityTooLarge
		}
		writeControlError(w, status, "reading the request body: %v", err)
		return
	}
	seed, err := ParseSeed(data)
	if err != nil {
		writeControlError(w, http.StatusBadRequest, "%v", err)
		return
	}
	st, err := newState(seed)
	if err != nil {
		writeControlError(w, http.StatusBadRequest, "%v", err)
		return
	}
	err = s.mutate(func(*state) error {
		s.st = st
		s.apiUsed.Store(int64(seed.Organization.APIRequestsUsed))
		return nil
	})
	if err != nil {
		writeControlError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	s.cursors.clear()
	s.log.Info("org replaced from a snapshot")
	w.WriteHeader(http.StatusNoContent)
}

// channelRequest names a user and a channel: a connected app by name and the interactive OAuth
// flow through it, or "visualforce".
type channelRequest struct {
	Username     string `json:"username"`
	Channel      string `json:"channel,omitempty"`
	ConnectedApp string `json:"connected_app,omitempty"`
	// ExternalClientApp names an External Client App instead of a connected app.
	ExternalClientApp string `json:"external_client_app,omitempty"`
	Flow              string `json:"flow,omitempty"`
}

// interactiveFlows are the flows in which a user authorizes an app, and so records an approval.
var interactiveFlows = []access.Flow{access.FlowWebServer, access.FlowUserAgent, access.FlowDevice}

// resolve finds the user, the app id ("" for Visualforce) and the flow (web_server unless named).
func (c channelRequest) resolve(st *state) (*user, string, access.Flow, error) {
	u := st.userByUsername(c.Username)
	if u == nil {
		return nil, "", "", fmt.Errorf("no user %q", c.Username)
	}
	switch {
	case c.Channel == "visualforce" && c.ConnectedApp == "" && c.Flow == "":
		return u, "", "", nil
	case c.Channel == "" && (c.ConnectedApp == "") != (c.ExternalClientApp == ""):
		var appID string
		if c.ConnectedApp != "" {
			a := st.appByName(c.ConnectedApp)
			if a == nil {
				return nil, "", "", fmt.Errorf("no connected app %q", c.ConnectedApp)
			}
			appID = a.ID
		} else {
			e := st.ecaByName(c.ExternalClientApp)
			if e == nil {
				return nil, "", "", fmt.Errorf("no external client app %q", c.ExternalClientApp)
			}
			appID = e.ID
		}
		flow := cmp.Or(access.Flow(c.Flow), access.FlowWebServer)
		if !slices.Contains(interactiveFlows, flow) {
			return nil, "", "", fmt.Errorf(`"flow" is one of %q, not %q`, interactiveFlows, c.Flow)
		}
		return u, appID, flow, nil
	}
	return nil, "", "", fmt.Errorf(`set exactly one of "channel":"visualforce", "connected_app":"<name>" and "external_client_app":"<name>" (with an optional "flow")`)
}

// controlSession hands out what a client would hold after a login the mock does not serve: a
// Visualforce page's session id, or the access and refresh tokens of the web server, user-agent
// or device flow. Where the rules let the user through, the user has authorized the app: the
// approval is recorded, or counts one more use. The tokens are handed out either way, so that a
// test can watch the API refuse them.
func (s *Server) controlSession(w http.ResponseWriter, r *http.Request) {
	var req channelRequest
	if !decodeControlBody(w, r, &req) {
		return
	}
	out := map[string]string{}
	err := s.mutate(func(st *state) error {
		u, appID, flow, err := req.resolve(st)
		if err != nil {
			return err
		}
		token := s.issueLocked(u.ID, appID, flow, "")
		out["session_id"] = token
		if appID != "" {
			out["refresh_token"] = s.issueRefreshLocked(token)
			if st.decide(u, appID, flow).Allowed {
				st.approve(u.ID, appID, s.now().UTC().Format(timeLayout))
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, errNotSaved):
		writeControlError(w, http.StatusInternalServerError, "%v", err)
		return
	case err != nil:
		writeControlError(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) controlDecide(w http.ResponseWriter, r *http.Request) {
	var req channelRequest
	if !decodeControlBody(w, r, &req) {
		return
	}
	var out struct {
		Allowed bool   `json:"allowed"`
		Rule    string `json:"rule"`
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	var err error
	s.view(func(st *state) {
		var u *user
		var appID string
		var flow access.Flow
		if u, appID, flow, err = req.resolve(st); err != nil {
			return
		}
		d := st.decide(u, appID, flow)
		out.Allowed, out.Rule, out.Error, out.Message = d.Allowed, d.Rule, d.ErrorCode, d.Message
	})
	if err != nil {
		writeControlError(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
