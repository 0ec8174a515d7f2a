package mockorg

import (
	"context"
	"net/http"
	"strings"
)

// restPrefix is where every REST route below a version starts; handleREST has checked the
// version and authenticated the caller before a route runs.
const restPrefix = "/services/data/{version}"

// restRouter registers REST routes on a ServeMux of method-and-wildcard patterns. ServeMux's own
// answers never reach a client: a catch-all answers NOT_FOUND in Salesforce's shape, and a path
// whose other methods are refused registers its own 405 with otherwise. A GET pattern also
// matches HEAD; get sends HEAD to the path's otherwise instead, read serves it as GET.
type restRouter struct {
	mux *http.ServeMux
	// others is each path's answer to a method no pattern serves; filled before serving starts.
	others map[string]func(*restCall)
	// gate, if set, answers NOT_FOUND for every route it registers when it returns false.
	gate func(*restCall) bool
}

type restCallKey struct{}

func newRESTRouter() *restRouter {
	rt := &restRouter{mux: http.NewServeMux(), others: map[string]func(*restCall){}}
	rt.mux.HandleFunc("/", rt.adapt(restNotFound))
	return rt
}

// gated returns a router that registers on the same mux with gate in front of every route.
func (rt *restRouter) gated(gate func(*restCall) bool) *restRouter {
	return &restRouter{mux: rt.mux, others: rt.others, gate: gate}
}

// adapt turns a REST handler into an http.HandlerFunc over the call handleREST put in the context.
func (rt *restRouter) adapt(h func(*restCall)) http.HandlerFunc {
	gate := rt.gate
	return func(w http.ResponseWriter, r *http.Request) {
		c := *r.Context().Value(restCallKey{}).(*restCall)
		c.r = r
		if gate != nil && !gate(&c) {
			restNotFound(&c)
			return
		}
		h(&c)
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

// serveRESTRoute runs call's route. The route's path has no trailing slash, which Salesforce
// ignores, and RawPath is dropped so that an escaped "/" splits segments as it always has.
func (s *Server) serveRESTRoute(call *restCall) {
	r := call.r.WithContext(context.WithValue(call.r.Context(), restCallKey{}, call))
	u := *r.URL
	u.Path, u.RawPath = strings.TrimSuffix(u.Path, "/"), ""
	r.URL = &u
	s.rest.mux.ServeHTTP(call.w, r)
}

// restRoutes builds the REST API's routes; each protocol file registers its own.
func (s *Server) restRoutes() *restRouter {
	rt := newRESTRouter()
	rt.get("", s.restResources)
	rt.otherwise("", refuse("rest:resources", false, "GET", "HEAD"))
	rt.get("/limits", s.restLimits)
	rt.otherwise("/limits", refuse("rest:limits", false, "GET", "HEAD"))
	s.queryRoutes(rt)
	s.sobjectRoutes(rt)
	s.compositeRoutes(rt)
	s.setupRoutes(rt.gated(func(*restCall) bool { return s.setupExtensionServed() }))
	s.ecaRoutes(rt.gated(func(c *restCall) bool { return c.v >= minECARESTVersion }))
	return rt
}
