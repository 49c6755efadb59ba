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
// http_method_names order, HEAD and OPTIONS included) and the scope_map of
// its permission class.
type endpoint struct {
	name   string
	allow  string
	scopes map[string][]string
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
		routeProject:        {"project-details", "GET, HEAD, OPTIONS", projectScopeMap},
		routeProjectKeys:    {"project-keys", "GET, POST, HEAD, OPTIONS", projectScopeMap},
		routeProjectKey:     {"project-key-details", "GET, PUT, DELETE, HEAD, OPTIONS", projectScopeMap},
		routeKeyStats:       {"project-key-stats", "GET, HEAD, OPTIONS", projectScopeMap},
		routeOrgProjectKeys: {"organization-project-keys", "GET, HEAD, OPTIONS", orgScopeMap},
		routeOrgProjects:    {"organization-projects", "GET, HEAD, OPTIONS", orgScopeMap},
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

// rateLimitFor returns the per-second limit Sentry's rate limiter applies
// to a request (0 for none) and whether the concurrent limit applies too.
// The key lists allow 40 GETs and 40 POSTs per second (or Config.RateLimit),
// a key's stats 20 GETs; the endpoint of one key is limited only when
// Config.RateLimitKeyDetails asks.
func (f *Fake) rateLimitFor(rt route, method string, m modeSnapshot) (limit int, concurrent bool) {
	if !f.profile().rateLimits || m.rateLimit < 0 {
		return 0, false
	}
	lists := cmp.Or(m.rateLimit, defaultRateLimit)
	switch rt.kind {
	case routeProjectKeys:
		if method == http.MethodGet || method == http.MethodPost {
			return lists, true
		}
	case routeOrgProjectKeys:
		if method == http.MethodGet {
			return lists, true
		}
	case routeKeyStats:
		if method == http.MethodGet {
			return statsRateLimit, false
		}
	case routeProjectKey:
		if f.cfg.RateLimitKeyDetails && (method == http.MethodGet || method == http.MethodPut || method == http.MethodDelete) {
			return lists, true
		}
	}
	return 0, false
}

// methodNotAllowed is DRF's 405 for a view without a handler for the
// method.
func methodNotAllowed(r *http.Request, rt route) *response {
	resp := detailResponse(405, fmt.Sprintf("Method %q not allowed.", r.Method))
	resp.set("Allow", endpoints[rt.kind].allow)
	return resp
}
