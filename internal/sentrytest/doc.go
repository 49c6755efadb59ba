// Package sentrytest provides a faithful in-memory fake of the Sentry REST
// API endpoints that manage client keys (DSNs), for tests, in the spirit of
// net/http/httptest. It emulates what a typed client such as this project's
// sends, and no more.
//
// It serves, under /api/0/:
//
//	GET    /projects/{org}/{project}/                      a project's details
//	GET    /projects/{org}/{project}/keys/                 a project's client keys
//	POST   /projects/{org}/{project}/keys/                 create a key (201)
//	GET    /projects/{org}/{project}/keys/{key_id}/        one key by its public id
//	PUT    /projects/{org}/{project}/keys/{key_id}/        update a key (200)
//	DELETE /projects/{org}/{project}/keys/{key_id}/        delete a key (204)
//	GET    /projects/{org}/{project}/keys/{key_id}/stats/  a key's event outcomes
//	GET    /organizations/{org}/project-keys/              keys of many projects (SaaS)
//	GET    /organizations/{org}/projects/                  the organization's projects
//
// Anything else is Sentry's empty 404. Behaviour follows Sentry's code as
// documented in the project's research notes: bearer tokens and their 401s,
// scope checks per method (project:write to create and update,
// project:admin to delete) with sentry.io's insufficient_scope challenge,
// 405s with an Allow header, lookups by slug or numeric id, membership and
// team access, the status filter, keyset pagination with Sentry's cursors
// and Link header, page sizes, rate limits (40 GETs and 40 POSTs per second
// on the key lists, 20 per second on a key's stats) and the API gateway's
// empty 404.
//
// Two profiles (Config.Profile) imitate current sentry.io (SaaS) and an old
// self-hosted server (Legacy); see Profile for how they differ.
//
// The write endpoints reproduce what surprises clients of the real API:
// POST keeps only name, rateLimit, public and secret (a new key is active,
// with the project's default loader version and options); a PUT without
// browserSdkVersion stores the project's default; names are trimmed, and a
// blank name becomes a two-word name on POST and is ignored on PUT; a rate
// limit needs window and count non-zero and the projects:rate-limits
// feature, POST refuses a null one and PUT clears with it, and half a
// rateLimit object is a 500; PUT merges dynamicSdkLoaderOptions; a public
// or secret key already in use is a 500; 400 bodies are Django REST
// framework's field maps; DELETE is a hard delete. Config.IgnoreKeyMaterial
// imitates a server whose POST ignores public and secret.
//
// A renamed project (Project.Rename) keeps its former slugs: every method on
// one of them answers 302 with a Location header and Sentry's body, once the
// caller passed the method's permission check. A request by numeric id is
// never redirected; a new project may take a former slug.
//
// A key's stats count what tests record with Key.AddEvents, in buckets of
// an hour or a day over since and until (by default the last day of
// Config.Now's clock), as Sentry's outcomes do.
//
// Tests choose, per project, the default loader version and options and the
// rate-limit feature (ProjectSpec, Project setters), and read what a key
// stores regardless of the API (Project.Key, Key.BrowserSDKVersion,
// Key.Loader, Key.RateLimit, Key.Deleted). They can inject faults (429s, 5xx
// pages, HTML login pages, malformed JSON, dropped connections, random 503s,
// latency, looping cursors, missing Link headers), restricted to a path or a
// method. Most faults strike before the request is processed;
// FaultProcessedThenBadGateway and FaultProcessedThenDropped let the write
// happen, then hide its answer. Fault.Do runs a function when a fault
// strikes, to change data at that moment. Every request is logged with its
// method, headers, body and status.
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
// such as duplicate slugs. The command internal/cmd/sentry-fake serves the
// fake on a port, with control endpoints to rename projects and record
// events.
package sentrytest
