// Package sentrytest provides a faithful in-memory fake of the Sentry REST
// API endpoints that manage client keys (DSNs), for tests, in the spirit of
// net/http/httptest.
//
// It serves, under /api/0/:
//
//	GET    /projects/{org}/{project}/keys/           a project's client keys
//	POST   /projects/{org}/{project}/keys/           create a key (201)
//	GET    /projects/{org}/{project}/keys/{key_id}/  one key by its public id
//	PUT    /projects/{org}/{project}/keys/{key_id}/  update a key (200)
//	DELETE /projects/{org}/{project}/keys/{key_id}/  delete a key (204)
//	GET    /organizations/{org}/project-keys/        keys of many projects (SaaS profile)
//	GET    /organizations/{org}/projects/            the organization's projects
//
// Behaviour follows Sentry's own code as documented in the project's
// research notes: bearer-token authentication and its 401 bodies, scope
// checks per method (project:write to create and update, project:admin to
// delete) with sentry.io's insufficient_scope challenge, 405s with an Allow
// header listing the view's methods, lookups by slug or numeric id,
// renamed-project redirects, membership and team access, the status filter
// and its quirks, keyset pagination with Sentry's cursors and Link header,
// page-size rules, rate limiting (40 GETs and 40 POSTs per second on the
// key list) and the API gateway's empty 404. Two profiles imitate current
// sentry.io (SaaS) and an old self-hosted server (Legacy).
//
// The write endpoints reproduce what surprises clients of the real API:
//
//   - POST keeps only name, rateLimit, public and secret. isActive,
//     browserSdkVersion and dynamicSdkLoaderOptions are dropped without an
//     error: a new key is active, gets the project's default loader
//     options, and shows the project's default loader version.
//   - A PUT without browserSdkVersion stores the project's default loader
//     version, whatever else it changed.
//   - Names are trimmed; a blank or null name becomes a generated two-word
//     name on POST and is ignored on PUT.
//   - A rate limit is kept on POST only when window and count are both
//     non-zero, and is read back as null unless both are; POST refuses a
//     null rateLimit, PUT clears the limit with it; half a rateLimit object
//     is a 500, as on Sentry; without the project's rate-limit feature
//     rateLimit is ignored.
//   - PUT merges dynamicSdkLoaderOptions into the key's and drops unknown
//     options.
//   - 400 bodies are Django REST framework's field maps, listing every
//     failing field; DELETE is a hard delete, after which the key is a 404.
//
// Per project, tests choose the default loader version and options and
// whether the rate-limit feature is on (ProjectSpec, Project setters), and
// read what a key stores independently of the API (Project.Key,
// Key.BrowserSDKVersion, Key.Loader, Key.RateLimit, Key.Deleted).
//
// Tests can inject faults (429s, 5xx pages, HTML login pages, malformed
// JSON, dropped connections, random 503s, latency, looping cursors, missing
// Link headers), restricted to a path or a method if they like. Most faults
// strike before the request is processed; FaultProcessedThenBadGateway and
// FaultProcessedThenDropped let the write happen, then hide its answer, as
// when a proxy fails after Sentry did the work. Every request received is
// logged with its method, headers and body.
//
// Clients only send back cursors the fake gave them, so the fake does not
// emulate Python's number parsing: float or oversized cursor values are
// refused as invalid, and a previous-page cursor on a key list is answered
// with a 400 that names the fake.
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
