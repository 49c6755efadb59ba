package sentry

import (
	"fmt"
	"net/url"
	"strings"
)

// DefaultBaseURL is the API root used when no base URL is configured.
const DefaultBaseURL = "https://sentry.io/api/0/"

// RegionBaseURLs maps the names of Sentry's data-storage regions to the API
// root that addresses that region directly.
var RegionBaseURLs = map[string]string{
	"us": "https://us.sentry.io/api/0/",
	"de": "https://de.sentry.io/api/0/",
}

// NormalizeBaseURL turns any accepted form of a Sentry address into the API
// root, which always ends in "/api/0/".
//
// All of "https://h", "https://h/", "https://h/api", "https://h/api/",
// "https://h/api/0" and "https://h/api/0/" mean "https://h/api/0/", and the same
// holds under a path prefix: "https://h/sentry/" means
// "https://h/sentry/api/0/". Only http and https are accepted, and an address
// with user information, a query or a fragment is rejected, because none of
// them can be part of an API root and each usually hides a mistake (or a
// credential that would end up in logs).
func NormalizeBaseURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("the base URL is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("the base URL %q cannot be parsed: %w", redactUserinfo(s), unwrapURLError(err))
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		u.Scheme = strings.ToLower(u.Scheme)
	case "":
		return nil, fmt.Errorf("the base URL %q has no scheme; write it as https://%s", s, strings.TrimLeft(s, "/"))
	default:
		return nil, fmt.Errorf("the base URL %q uses the scheme %q; only http and https are supported", redactUserinfo(s), u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, fmt.Errorf("the base URL %q has no host", redactUserinfo(s))
	}
	if u.User != nil {
		return nil, fmt.Errorf("the base URL %q contains user information; set the token with the token attribute or SENTRY_AUTH_TOKEN instead", redactUserinfo(s))
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, fmt.Errorf("the base URL %q contains a query string, which an API root cannot have", s)
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return nil, fmt.Errorf("the base URL %q contains a fragment, which an API root cannot have", s)
	}

	p := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(p, "/api/0"):
	case strings.HasSuffix(p, "/api"):
		p += "/0"
	default:
		p += "/api/0"
	}
	u.Path = p + "/"
	u.RawPath = ""
	return u, nil
}

// redactUserinfo drops the user information (which may hold a credential) from
// a URL-like string before it is quoted in an error message.
func redactUserinfo(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if i := strings.LastIndex(s, "@"); i >= 0 {
			if j := strings.Index(s, "://"); j >= 0 && j < i {
				return s[:j+3] + "…@" + s[i+1:]
			}
		}
		return s
	}
	if u.User == nil {
		return s
	}
	u.User = nil
	return strings.Replace(u.String(), "://", "://…@", 1)
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
