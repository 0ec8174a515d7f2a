package mockorg

import (
	"net/http"
	"strings"
)

// restPrefix starts every REST route below a version. The version is checked and the caller
// authenticated before a route's handler runs (restRouter.adapt), in that order, whatever the route.
const restPrefix = "/services/data/{version}"

// restRouter registers REST routes on the server's ServeMux as method-and-wildcard patterns.
// ServeMux's own answers never reach a client: a catch-all below the version answers NOT_FOUND
// in Salesforce's shape, and a path whose other methods are refused registers its own 405 with
// otherwise. A GET pattern also matches HEAD; get sends HEAD to the path's otherwise instead,
// read serves it as GET.
type restRouter struct {
	s   *Server
	mux *http.ServeMux
	// others is each path's answer to a method no pattern serves; filled before serving starts.
	others map[string]func(*restCall)
	// gate, if set, answers NOT_FOUND for every route it registers when it returns false.
	gate func(*restCall) bool
}

// gated returns a router that registers on the same mux with gate in front of every route.
func (rt *restRouter) gated(gate func(*restCall) bool) *restRouter {
	return &restRouter{s: rt.s, mux: rt.mux, others: rt.others, gate: gate}
}

// adapt turns a REST handler into an http.HandlerFunc: it checks the version, authenticates the
// caller and runs the gate before h.
func (rt *restRouter) adapt(h func(*restCall)) http.HandlerFunc {
	s, gate := rt.s, rt.gate
	return func(w http.ResponseWriter, r *http.Request) {
		version := r.PathValue("version")
		v, ok := parseAPIVersion(version)
		if !ok {
			note(r, "rest:notFound", false)
			writeRESTErr(w, errNotFound)
			return
		}
		caller, aerr := s.authenticate(r, bearerToken(r))
		if aerr != nil {
			w.Header().Set("Sforce-Limit-Info", s.usageNow().header())
			note(r, "rest:unauthenticated", false)
			writeRESTErr(w, aerr)
			return
		}
		w.Header().Set("Sforce-Limit-Info", caller.usage.header())
		c := &restCall{w: w, r: r, caller: caller, version: version, v: v}
		if gate != nil && !gate(c) {
			restNotFound(c)
			return
		}
		h(c)
	}
}

// handle serves method at path (below restPrefix).
func (rt *restRouter) handle(method, path string, h func(*restCall)) {
	rt.mux.HandleFunc(method+" "+restPrefix+path, rt.adapt(h))
}

// read serves GET and HEAD at path.
func (rt *restRouter) read(path string, h func(*restCall)) { rt.handle(http.MethodGet, path, h) }

// get serves GET at path; HEAD gets the path's otherwise answer, or NOT_FOUND without one.
func (rt *restRouter) get(path string, h func(*restCall)) {
	rt.handle(http.MethodGet, path, func(c *restCall) {
		if c.r.Method != http.MethodHead {
			h(c)
			return
		}
		if other := rt.others[path]; other != nil {
			other(c)
			return
		}
		restNotFound(c)
	})
}

// any serves every method at path.
func (rt *restRouter) any(path string, h func(*restCall)) {
	rt.mux.HandleFunc(restPrefix+path, rt.adapt(h))
}

// otherwise answers the methods no pattern at path serves.
func (rt *restRouter) otherwise(path string, h func(*restCall)) {
	rt.others[path] = h
	rt.any(path, h)
}

// refuse is an otherwise answer: 405 METHOD_NOT_ALLOWED naming the allowed methods, counted as op.
func refuse(op string, write bool, allowed ...string) func(*restCall) {
	return func(c *restCall) {
		note(c.r, op, write)
		writeRESTErr(c.w, methodNotAllowed(c.r, allowed...))
	}
}

func restNotFound(c *restCall) {
	note(c.r, "rest:notFound", false)
	writeRESTErr(c.w, errNotFound)
}

// restRoutes registers the REST API's routes on mux; each protocol file registers its own.
func (s *Server) restRoutes(mux *http.ServeMux) {
	rt := &restRouter{s: s, mux: mux, others: map[string]func(*restCall){}}
	unknown := rt.adapt(restNotFound)
	// Salesforce ignores a trailing slash: such a path is served as the route without it, before
	// anything else (the session is checked and counted once, by that route).
	mux.HandleFunc(restPrefix+"/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		if trimmed, ok := strings.CutSuffix(r.URL.Path, "/"); ok {
			u := *r.URL
			u.Path = trimmed
			r2 := new(http.Request)
			*r2 = *r
			r2.URL = &u
			mux.ServeHTTP(w, r2)
			return
		}
		unknown(w, r)
	})
	rt.get("", s.restResources)
	rt.otherwise("", refuse("rest:resources", false, "GET", "HEAD"))
	rt.get("/limits", s.restLimits)
	rt.otherwise("/limits", refuse("rest:limits", false, "GET", "HEAD"))
	s.queryRoutes(rt)
	s.sobjectRoutes(rt)
	s.compositeRoutes(rt)
	s.setupRoutes(rt.gated(func(*restCall) bool { return s.setupExtensionServed() }))
	s.ecaRoutes(rt.gated(func(c *restCall) bool { return c.v >= minECARESTVersion }))
}
