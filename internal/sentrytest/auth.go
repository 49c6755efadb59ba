package sentrytest

import (
	"net"
	"net/http"
	"slices"
	"strings"
)

// Authentication and permission checks, in Sentry's order: the
// authenticators (401), the view's scope check (403 with an RFC 6750
// challenge on sentry.io), then, once the object is known, membership and
// team access (403 without challenge).

const (
	msgNotAuthenticated = "Authentication credentials were not provided."
	msgInvalidToken     = "Invalid token"
	msgNoCredentials    = "Invalid token header. No credentials provided."
	msgTokenSpaces      = "Invalid token header. Token string should not contain spaces."
	msgTokenExpired     = "Token expired"
	msgInvalidOrgToken  = "Invalid org token"
	msgPermissionDenied = "You do not have permission to perform this action."
	msgNotFound         = "The requested resource does not exist"

	// authenticateChallenge is QuietBasicAuthentication.authenticate_header.
	authenticateChallenge = `xBasic realm="api"`
	orgAuthTokenPrefix    = "sntrys_"
)

// bearerParts splits the Authorization header like Python's bytes.split()
// and reports whether it uses the Bearer scheme.
func bearerParts(r *http.Request) ([]string, bool) {
	parts := strings.Fields(r.Header.Get("Authorization"))
	return parts, len(parts) > 0 && strings.EqualFold(parts[0], "bearer")
}

// authenticate identifies the caller (under f.mu). Every endpoint needs
// authentication: no credentials is DRF's NotAuthenticated 401.
func (f *Fake) authenticate(r *http.Request) (*token, *response) {
	parts, bearer := bearerParts(r)
	switch {
	case !bearer:
		return nil, unauthorized(msgNotAuthenticated)
	case len(parts) == 1:
		return nil, unauthorized(msgNoCredentials)
	case len(parts) > 2:
		return nil, unauthorized(msgTokenSpaces)
	}
	t := f.tokens[parts[1]]
	switch {
	case t == nil && strings.HasPrefix(parts[1], orgAuthTokenPrefix):
		return nil, unauthorized(msgInvalidOrgToken)
	case t == nil:
		return nil, unauthorized(msgInvalidToken)
	case t.expired:
		return nil, unauthorized(msgTokenExpired)
	}
	return t, nil
}

func unauthorized(msg string) *response {
	resp := detailResponse(401, msg)
	resp.set("WWW-Authenticate", authenticateChallenge)
	return resp
}

// forbidden is the 403 of an object permission check.
func forbidden() *response { return detailResponse(403, msgPermissionDenied) }

// requireScope is ScopedPermission.has_permission: the token needs one of
// the scopes the permission class allows for the method. sentry.io adds an
// insufficient_scope challenge that lists them sorted; old servers send the
// bare 403, and so does sentry.io for a method no scope allows (PATCH).
func (f *Fake) requireScope(t *token, scopes []string) *response {
	if t.hasAnyScope(scopes) {
		return nil
	}
	resp := forbidden()
	if f.profile().scopeChallenge && len(scopes) > 0 {
		sorted := slices.Sorted(slices.Values(scopes))
		resp.set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+strings.Join(sorted, " ")+`"`)
	}
	return resp
}

// rateLimitKey names the caller and endpoint for the rate limiter: the
// token when it is valid, else the client address (Sentry falls back to the
// IP when it cannot identify a user).
func (f *Fake) rateLimitKey(r *http.Request, rt route) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	caller := "ip:" + host
	if parts, bearer := bearerParts(r); bearer && len(parts) == 2 {
		f.read(func() {
			if t := f.tokens[parts[1]]; t != nil && !t.expired {
				caller = "token:" + t.value
			}
		})
	}
	return caller + "|" + endpoints[rt.kind].name + "|" + r.Method
}
