package sentrytest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// Server is a Fake listening on a local port, like httptest.Server. Its
// embedded Fake gives access to data, faults and the request log.
type Server struct {
	*Fake
	// URL is the base URL of the server, "http://127.0.0.1:port", without
	// a trailing slash.
	URL string
	hs  *httptest.Server
}

// NewServer starts a Fake configured by cfg on a loopback port. Call Close
// when done.
func NewServer(cfg Config) *Server {
	f := New(cfg)
	hs := httptest.NewServer(f)
	return &Server{Fake: f, URL: hs.URL, hs: hs}
}

// Close shuts the server down, waiting for outstanding requests.
func (s *Server) Close() { s.hs.Close() }

// Client returns an HTTP client configured for the server.
func (s *Server) Client() *http.Client { return s.hs.Client() }

// APIURL returns the API root, e.g. "http://127.0.0.1:port/api/0/".
func (s *Server) APIURL() string { return s.URL + s.cfg.PathPrefix + "/api/0/" }

// response is a complete HTTP answer. Header names are stored exactly as
// they go on the wire (Sentry writes "WWW-Authenticate" and
// "X-Sentry-Rate-Limit-ConcurrentLimit", which Go would canonicalise).
type response struct {
	status int
	header http.Header
	body   []byte
}

func newResponse(status int, contentType string, body []byte) *response {
	r := &response{status: status, header: http.Header{}, body: body}
	r.set("Content-Type", contentType)
	return r
}

// set stores a header under its exact name.
func (r *response) set(name, value string) { r.header[name] = []string{value} }

const contentTypeHTML = "text/html; charset=utf-8" // Django's default

func jsonResponse(status int, body []byte) *response {
	return newResponse(status, "application/json", body)
}

// detailResponse is the usual Sentry error body {"detail": msg}.
func detailResponse(status int, msg string) *response {
	return jsonResponse(status, marshalJSON(jsonObject{{"detail", msg}}))
}

// internalErrorResponse is Sentry's answer to an unhandled exception.
func internalErrorResponse() *response {
	id := fmt.Sprintf("%016x%016x", rand.Uint64(), rand.Uint64())
	return jsonResponse(500, marshalJSON(jsonObject{{"detail", "Internal Error"}, {"errorId", id}}))
}

// emptyNotFound is Django's HttpResponse(status=404): no body. Sentry's
// catch-all answers it to unknown routes, and sentry.io's gateway to
// unknown organizations.
func emptyNotFound() *response { return newResponse(404, contentTypeHTML, nil) }

// apiRequest is a routed, authenticated request.
type apiRequest struct {
	http  *http.Request
	route route
	query queryDict
	token *token
	body  []byte
}

// maxBodySize bounds the request body the fake reads (Django's default
// DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB; nothing the API takes comes near).
const maxBodySize = 4 << 20

// ServeHTTP serves the fake API.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBodySize))
	m := f.switches.snapshot()
	resp, release := f.respond(r, body, m)
	defer release()
	// The latency is the server's processing time from the request's
	// arrival, the fake's own work included; the request keeps its
	// concurrency slot meanwhile.
	if wait := m.latency - time.Since(arrived); m.latency > 0 && wait > 0 {
		select {
		case <-time.After(wait):
		case <-r.Context().Done():
			f.log.add(r, body, 0)
			return
		}
	}
	if resp == nil {
		// A fault closes the connection without answering.
		f.log.add(r, body, 0)
		dropConnection(w)
		return
	}
	// Record before writing so a client that has its answer always finds
	// the request in the log.
	f.log.add(r, body, resp.status)
	for name, values := range resp.header {
		w.Header()[name] = values
	}
	if resp.status >= 200 && resp.status != http.StatusNoContent && resp.status != http.StatusNotModified {
		w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// dropConnection closes the client's connection without writing anything.
// Without a connection to take over (an HTTP/2 stream, or a
// ResponseRecorder) it aborts the handler, which net/http answers by
// closing the connection or resetting the stream.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// respond computes the answer to r and returns a function to call once it
// has been written (it frees the request's concurrency slot). A nil answer
// means the connection is to be dropped.
func (f *Fake) respond(r *http.Request, body []byte, m modes) (*response, func()) {
	fault := f.switches.take(r.URL.EscapedPath(), r.Method)
	switch {
	case fault == nil:
		return f.process(r, body, m)
	case !fault.drop && fault.build == nil:
		// The zero Fault keeps the normal answer.
		fault.strike()
		return f.process(r, body, m)
	case !fault.afterProcessing:
		fault.strike()
		return fault.answer(f.now()), func() {}
	}
	// The request is handled (a POST creates its key); the client gets the
	// fault instead of the real answer.
	_, release := f.process(r, body, m)
	fault.strike()
	return fault.answer(f.now()), release
}

// process is the normal handling of a request: the proxy's random 503s,
// routing, sentry.io's gateway, the rate limiter, then Sentry's dispatch.
func (f *Fake) process(r *http.Request, body []byte, m modes) (*response, func()) {
	noop := func() {}
	if f.switches.draw503(m) {
		return serviceUnavailable(), noop
	}
	rel, mounted := strings.CutPrefix(r.URL.Path, f.cfg.PathPrefix)
	rt := matchRoute(rel)
	if !mounted || rt.kind == routeNone || (rt.kind == routeOrgProjectKeys && !f.profile().orgKeys) {
		return emptyNotFound(), noop
	}
	var org *Organization
	f.read(func() { org = f.findOrganization(rt.org) })
	if f.cfg.Gateway && org == nil {
		// sentry.io's control silo cannot route the request to a cell.
		return emptyNotFound(), noop
	}
	limit, concurrentLimit := f.rateLimitFor(rt, r.Method, m)
	if limit == 0 {
		return f.handleAPI(r, body, rt, m), noop
	}
	rm, release := f.limiter.start(f.rateLimitKey(r, rt), limit, concurrentLimit, f.now())
	if rm.limited || rm.concurrencyExceeded {
		return rm.refuse(), release
	}
	resp := f.handleAPI(r, body, rt, m)
	rm.apply(resp)
	return resp, release
}

// handleAPI runs a routed request through Sentry's dispatch:
// authentication (401), the permission class's scope check (403), a
// missing handler (405), then the endpoint, which looks its objects up
// (404, 302, 403) and reads the query and body (400).
func (f *Fake) handleAPI(r *http.Request, body []byte, rt route, m modes) *response {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		f.mu.RLock()
		defer f.mu.RUnlock()
	} else {
		f.mu.Lock()
		defer f.mu.Unlock()
	}
	tok, errResp := f.authenticate(r)
	if errResp != nil {
		return errResp
	}
	if resp := f.requireScope(tok, rt.scopes(r.Method)); resp != nil {
		return resp
	}
	if !rt.handles(r.Method) {
		return methodNotAllowed(r, rt)
	}
	req := &apiRequest{http: r, route: rt, query: parseQueryDict(r.URL.RawQuery), token: tok, body: body}
	var resp *response
	var pg *linkCursors
	switch {
	case rt.kind == routeProject:
		resp = f.getProject(req)
	case rt.kind == routeProjectKeys && r.Method == http.MethodPost:
		resp = f.createProjectKey(req)
	case rt.kind == routeProjectKeys:
		resp, pg = f.listProjectKeys(req)
	case rt.kind == routeProjectKey && r.Method == http.MethodPut:
		resp = f.updateProjectKey(req)
	case rt.kind == routeProjectKey && r.Method == http.MethodDelete:
		resp = f.deleteProjectKey(req)
	case rt.kind == routeProjectKey:
		resp = f.getProjectKey(req)
	case rt.kind == routeKeyStats:
		resp = f.keyStats(req)
	case rt.kind == routeOrgProjectKeys:
		resp, pg = f.listOrganizationKeys(req)
	case rt.kind == routeOrgProjects:
		resp, pg = f.listOrganizationProjects(req)
	}
	if pg != nil && !m.noLinkHeader {
		resp.set("Link", f.link(req, pg, m.cursorLoop))
	}
	return resp
}

// linkCursors are the two cursors of a list response.
type linkCursors struct {
	prev, next cursor
}

// link builds the Link header like Endpoint.build_cursor_link: the URL
// prefix, the quoted request path, "?", the query without cursor.
func (f *Fake) link(req *apiRequest, pg *linkCursors, loop bool) string {
	base := absoluteURI(f.cfg.URLPrefix, pyQuote(req.route.path, "/")) + "?" + req.query.encodeWithout("cursor")
	next := pg.next
	if raw, _ := req.query.get("cursor"); loop {
		// Claim more results and hand back the cursor the client sent, so a
		// client that does not detect repeated cursors never stops.
		if c, ok := parseCursor(raw); ok {
			next = c
		}
		next.hasResults = true
	}
	return linkHeader(base, pg.prev, next)
}

// findOrganization resolves an organization segment by id or slug.
func (f *Fake) findOrganization(idOrSlug string) *Organization { return byIDOrSlug(f.orgs, idOrSlug) }
