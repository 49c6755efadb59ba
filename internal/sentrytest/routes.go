package sentrytest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The fake's routes, with what Sentry's views declare for each: handlers,
// permission scopes and rate limits.

// route identifies one of the fake's endpoints.
type route struct {
	kind    routeKind
	org     string
	project string
	key     string
	path    string // decoded request path below the mount point
}

type routeKind int

const (
	routeNone routeKind = iota
	routeProject
	routeProjectKeys
	routeProjectKey
	routeKeyStats
	routeOrgProjectKeys
	routeOrgProjects
)

// endpoint describes what Sentry's view for a route has: a name for the
// rate limiter, its handlers (the Allow header, in Django's
// http_method_names order, HEAD and OPTIONS included), the scope_map of its
// permission class, the methods its rate limits cover and, when it has its
// own, their limit per second.
type endpoint struct {
	name    string
	allow   string
	scopes  map[string][]string
	limited string
	limit   int
}

var (
	// projectScopeMap is ProjectPermission.scope_map.
	projectScopeMap = map[string][]string{
		http.MethodGet:    {"project:read", "project:write", "project:admin"},
		http.MethodPost:   {"project:write", "project:admin"},
		http.MethodPut:    {"project:write", "project:admin"},
		http.MethodDelete: {"project:admin"},
	}
	// orgScopeMap is OrganizationPermission.scope_map.
	orgScopeMap = map[string][]string{
		http.MethodGet:    {"org:read", "org:write", "org:admin"},
		http.MethodPost:   {"org:write", "org:admin"},
		http.MethodPut:    {"org:write", "org:admin"},
		http.MethodDelete: {"org:admin"},
	}
	endpoints = map[routeKind]endpoint{
		routeProject:        {"project-details", "GET, HEAD, OPTIONS", projectScopeMap, "", 0},
		routeProjectKeys:    {"project-keys", "GET, POST, HEAD, OPTIONS", projectScopeMap, "GET POST", 0},
		routeProjectKey:     {"project-key-details", "GET, PUT, DELETE, HEAD, OPTIONS", projectScopeMap, "", 0},
		routeKeyStats:       {"project-key-stats", "GET, HEAD, OPTIONS", projectScopeMap, "GET", statsRateLimit},
		routeOrgProjectKeys: {"organization-project-keys", "GET, HEAD, OPTIONS", orgScopeMap, "GET", 0},
		routeOrgProjects:    {"organization-projects", "GET, HEAD, OPTIONS", orgScopeMap, "", 0},
	}
)

// handles reports whether the route's view has a handler for method.
func (r route) handles(method string) bool {
	return slices.Contains(strings.Split(endpoints[r.kind].allow, ", "), method)
}

// scopes returns the scopes that allow method on the route. HEAD is
// treated as GET.
func (r route) scopes(method string) []string {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	return endpoints[r.kind].scopes[method]
}

// matchRoute matches a decoded path against Sentry's URL patterns, whose
// segments are [^/]+ and which all end with a slash.
func matchRoute(path string) route {
	r := route{path: path}
	rest, ok := strings.CutPrefix(path, "/api/0/")
	seg := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if !ok || !strings.HasSuffix(rest, "/") || slices.Contains(seg, "") {
		return r
	}
	switch {
	case len(seg) == 3 && seg[0] == "projects":
		r.kind, r.org, r.project = routeProject, seg[1], seg[2]
	case len(seg) == 4 && seg[0] == "projects" && seg[3] == "keys":
		r.kind, r.org, r.project = routeProjectKeys, seg[1], seg[2]
	case len(seg) == 5 && seg[0] == "projects" && seg[3] == "keys":
		r.kind, r.org, r.project, r.key = routeProjectKey, seg[1], seg[2], seg[4]
	case len(seg) == 6 && seg[0] == "projects" && seg[3] == "keys" && seg[5] == "stats":
		r.kind, r.org, r.project, r.key = routeKeyStats, seg[1], seg[2], seg[4]
	case len(seg) == 3 && seg[0] == "organizations" && seg[2] == "project-keys":
		r.kind, r.org = routeOrgProjectKeys, seg[1]
	case len(seg) == 3 && seg[0] == "organizations" && seg[2] == "projects":
		r.kind, r.org = routeOrgProjects, seg[1]
	}
	return r
}

// rateLimitFor returns the per-second and concurrent limits (0 for none)
// of a request; the endpoint of one key is limited like the key lists only
// when Config.RateLimitKeyDetails asks.
func (f *Fake) rateLimitFor(rt route, method string, m modes) (limit, concurrent int) {
	e := endpoints[rt.kind]
	if rt.kind == routeProjectKey && f.cfg.RateLimitKeyDetails {
		e.limited = "GET PUT DELETE"
	}
	switch {
	case !f.profile().rateLimits || m.rateLimit < 0 || !slices.Contains(strings.Fields(e.limited), method):
		return 0, 0
	case e.limit > 0:
		return e.limit, 0
	}
	return cmp.Or(m.rateLimit, defaultRateLimit), m.concurrentLimit
}

// methodNotAllowed is DRF's 405 for a view without a handler for the
// method.
func methodNotAllowed(r *http.Request, rt route) *response {
	resp := detailResponse(405, fmt.Sprintf("Method %q not allowed.", r.Method))
	resp.set("Allow", endpoints[rt.kind].allow)
	return resp
}
