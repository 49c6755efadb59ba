// Package sentrytest provides a faithful in-memory fake of the Sentry REST
// API endpoints that list client keys (DSNs), for tests, in the spirit of
// net/http/httptest.
//
// It serves, under /api/0/ and for GET only:
//
//	/projects/{org}/{project}/keys/           a project's client keys
//	/projects/{org}/{project}/keys/{key_id}/  one key by its public id
//	/organizations/{org}/project-keys/        keys of many projects (SaaS profile)
//	/organizations/{org}/projects/            the organization's projects
//
// Behaviour follows Sentry's own code as documented in the project's
// research notes: bearer-token authentication and its 401 bodies, scope
// checks with sentry.io's insufficient_scope challenge, lookups by slug or
// numeric id, renamed-project redirects, membership and team access, the
// status filter and its quirks, keyset pagination with Sentry's cursors and
// Link header, page-size rules, rate limiting and the API gateway's empty
// 404. Two profiles imitate current sentry.io (SaaS) and an old self-hosted
// server (Legacy).
//
// Tests can inject faults (429s, 5xx pages, HTML login pages, malformed
// JSON, random 503s, latency, looping cursors, missing Link headers) and
// inspect every request received.
//
// Typical use:
//
//	srv := sentrytest.NewServer(sentrytest.Config{})
//	defer srv.Close()
//	keys := srv.AddKeys(25) // in the default project "acme/web"
//
//	req, _ := http.NewRequest("GET", srv.APIURL()+"projects/acme/web/keys/", nil)
//	req.Header.Set("Authorization", "Bearer "+srv.Token())
//	resp, _ := http.DefaultClient.Do(req)
//	// resp holds the 10 newest keys (keys[24] first) and a Link header
//	// whose next entry has results="true"; keys[24].JSON() is exactly
//	// what the API sent for that key.
//
// The fake's data can be changed while requests are served; all methods
// are safe for concurrent use. Setup methods panic on programming errors
// such as duplicate slugs, like http.ServeMux does on duplicate patterns.
package sentrytest
