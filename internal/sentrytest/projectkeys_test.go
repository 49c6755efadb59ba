package sentrytest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStatusFilter(t *testing.T) {
	f := New(Config{})
	keys := addKeyIDs(f.Project(), 1, 2, 3, 4)
	keys[1].SetActive(false)
	keys[3].SetActive(false)
	cases := []struct {
		query string
		ids   []int64
	}{
		{"", []int64{4, 3, 2, 1}},
		{"?status=", []int64{4, 3, 2, 1}},
		{"?status=active", []int64{3, 1}},
		{"?status=inactive", []int64{4, 2}},
		{"?status=Active", nil},
		{"?status=all", nil},
		{"?status=bogus&status=active", []int64{3, 1}}, // last value wins
		{"?status=active&status=", []int64{4, 3, 2, 1}},
	}
	for _, tc := range cases {
		r := get(t, f, keysPath+tc.query)
		wantStatus(t, r, 200)
		got := r.internalIDs(t, keys)
		if len(got) != len(tc.ids) || (len(got) > 0 && fmt.Sprint(got) != fmt.Sprint(tc.ids)) {
			t.Errorf("%q: ids %v, want %v", tc.query, got, tc.ids)
		}
		if tc.ids == nil && string(r.body) != "[]" {
			t.Errorf("%q: body %s, want []", tc.query, r.body)
		}
	}
}

func TestHiddenKeysAreNotListed(t *testing.T) {
	f := New(Config{})
	visible := f.AddKey(KeySpec{ID: 10})
	for i, uc := range []string{UseCaseProfiling, UseCaseEscalatingIssues, UseCaseTempest, UseCaseDemo} {
		f.AddKey(KeySpec{ID: int64(20 + i), UseCase: uc})
	}
	noStore := f.AddKey(KeySpec{ID: 30, NoStoreRole: true})
	deleted := f.AddKey(KeySpec{ID: 31})
	deleted.Delete()
	r := get(t, f, keysPath)
	if ids := r.publicIDs(t); len(ids) != 1 || ids[0] != visible.ID() {
		t.Errorf("listed %v, want only %s", ids, visible.ID())
	}
	wantDetail(t, get(t, f, keysPath+noStore.ID()+"/"), 404, msgNotFound)
	wantDetail(t, get(t, f, keysPath+deleted.ID()+"/"), 404, msgNotFound)
}

func TestKeyDetail(t *testing.T) {
	f := New(Config{})
	keys := f.AddKeys(3)
	keys[1].SetActive(false)
	r := get(t, f, keysPath+keys[1].ID()+"/")
	wantStatus(t, r, 200)
	if string(r.body) != string(keys[1].RawJSON()) {
		t.Errorf("detail body\n%s\nwant\n%s", r.body, keys[1].RawJSON())
	}
	if r.first("Link") != "" {
		t.Error("detail response has a Link header")
	}
	if r.first("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", r.first("Content-Type"))
	}
	wantDetail(t, get(t, f, keysPath+"0123456789abcdef0123456789abcdef/"), 404, msgNotFound)
	// The key must belong to the project in the URL.
	other := f.AddProject(ProjectSpec{Slug: "api", Teams: []string{"acme"}})
	wantDetail(t, get(t, f, "/api/0/projects/acme/api/keys/"+keys[0].ID()+"/"), 404, msgNotFound)
	k := other.AddKey(KeySpec{})
	wantStatus(t, get(t, f, "/api/0/projects/acme/api/keys/"+k.ID()+"/"), 200)
}

func TestLookupBySlugOrID(t *testing.T) {
	f := New(Config{})
	keys := f.AddKeys(2)
	org, p := f.Organization(), f.Project()
	paths := []string{
		"/api/0/projects/acme/web/keys/",
		fmt.Sprintf("/api/0/projects/%d/web/keys/", org.ID()),
		fmt.Sprintf("/api/0/projects/acme/%d/keys/", p.ID()),
		fmt.Sprintf("/api/0/projects/%d/%d/keys/", org.ID(), p.ID()),
		fmt.Sprintf("/api/0/projects/0%d/%d/keys/", org.ID(), p.ID()), // int() ignores leading zeros
	}
	for _, path := range paths {
		r := get(t, f, path)
		wantStatus(t, r, 200)
		if n := len(r.internalIDs(t, keys)); n != 2 {
			t.Errorf("%s: %d keys", path, n)
		}
	}
	for _, path := range []string{
		"/api/0/projects/nope/web/keys/",
		"/api/0/projects/acme/nope/keys/",
		"/api/0/projects/acme/12345/keys/",
		fmt.Sprintf("/api/0/projects/%d/%d/keys/", org.ID()+7, p.ID()),
		"/api/0/projects/acme/99999999999999999999999/keys/",
		"/api/0/projects/ACME/web/keys/", // slugs are case-sensitive
	} {
		wantDetail(t, get(t, f, path), 404, msgNotFound)
	}
}

func TestInactiveProjectIs404(t *testing.T) {
	f := New(Config{})
	f.Project().SetActive(false)
	wantDetail(t, get(t, f, keysPath), 404, msgNotFound)
	f.Project().SetActive(true)
	wantStatus(t, get(t, f, keysPath), 200)
}

func TestRenamedProjectRedirects(t *testing.T) {
	f := New(Config{})
	f.AddKeys(1)
	f.Project().Rename("new-slug")

	r := get(t, f, "/api/0/projects/acme/web/keys/?status=active&per_page=5")
	wantStatus(t, r, 302)
	wantLocation := "/api/0/projects/acme/new-slug/keys/?status=active&per_page=5"
	if got := r.first("Location"); got != wantLocation {
		t.Errorf("Location = %q, want %q", got, wantLocation)
	}
	wantBody := `{"slug":"new-slug","detail":{"extra":{"url":"` + wantLocation + `","slug":"new-slug"}}}`
	if string(r.body) != wantBody {
		t.Errorf("body %s\nwant %s", r.body, wantBody)
	}
	wantStatus(t, get(t, f, wantLocation), 200)

	// By organization id, and for the detail route.
	r = get(t, f, fmt.Sprintf("/api/0/projects/%d/web/keys/", f.Organization().ID()))
	wantStatus(t, r, 302)
	if got, want := r.first("Location"), fmt.Sprintf("/api/0/projects/%d/new-slug/keys/", f.Organization().ID()); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}

	// Without access the rename stays hidden behind a 403.
	f.AddToken(TokenSpec{Token: "outsider", Scopes: AllScopes()})
	wantDetail(t, getAs(t, f, keysPath, "Bearer outsider"), 403, msgPermissionDenied)

	// A live project that takes the old slug wins over the redirect.
	f.AddProject(ProjectSpec{Slug: "web", Teams: []string{"acme"}})
	wantStatus(t, get(t, f, keysPath), 200)
}

// TestRenamedProjectEveryMethod: every method of every project endpoint
// answers a former slug with the 302 of its profile, after the method's
// permission check, and changes nothing.
func TestRenamedProjectEveryMethod(t *testing.T) {
	for _, profile := range []Profile{SaaS, Legacy} {
		f := New(Config{Profile: profile, RateLimit: -1})
		k := f.AddKey(KeySpec{Label: "k"})
		f.Project().Rename("www")
		f.AddToken(TokenSpec{Token: "reader", Scopes: []string{"project:read"}, Role: RoleOwner, Teams: []string{"acme"}})
		f.AddToken(TokenSpec{Token: "stranger", Scopes: AllScopes()})
		for _, tc := range []struct{ method, path, body string }{
			{http.MethodGet, "", ""},
			{http.MethodGet, "keys/", ""},
			{http.MethodPost, "keys/", `{"name": "new"}`},
			{http.MethodGet, "keys/" + k.ID() + "/", ""},
			{http.MethodPut, "keys/" + k.ID() + "/", `{"name": "changed", "browserSdkVersion": "8.x"}`},
			{http.MethodDelete, "keys/" + k.ID() + "/", ""},
			{http.MethodGet, "keys/" + k.ID() + "/stats/", ""},
		} {
			name := fmt.Sprintf("%v %s %s", profile, tc.method, tc.path)
			r := sendJSON(t, f, tc.method, "/api/0/projects/acme/web/"+tc.path+"?x=1&y=%2F", tc.body)
			wantURL := "/api/0/projects/acme/www/" + tc.path + "?x=1&y=%2F"
			detail := `{"extra":{"url":"` + wantURL + `","slug":"www"}}`
			if profile == Legacy {
				detail = `{"code":"resource-moved","message":"Resource has been moved","extra":{"url":"` + wantURL + `","slug":"www"}}`
			}
			if r.status != 302 || r.first("Location") != wantURL || string(r.body) != `{"slug":"www","detail":`+detail+`}` {
				t.Errorf("%s: %d Location %q body %s", name, r.status, r.first("Location"), r.body)
			}
			// Without access, or without the method's scope, a 403 hides it.
			for auth, challenge := range map[string]bool{"Bearer stranger": false, "Bearer reader": true} {
				r := send(t, f, tc.method, "/api/0/projects/acme/web/"+tc.path, tc.body,
					map[string]string{"Authorization": auth, "Content-Type": "application/json"})
				if auth == "Bearer reader" && tc.method == http.MethodGet {
					wantStatus(t, r, 302)
					continue
				}
				wantDetail(t, r, 403, msgPermissionDenied)
				if got := r.first("WWW-Authenticate") != ""; got != (challenge && profile == SaaS) {
					t.Errorf("%s as %s: challenge %v", name, auth, got)
				}
			}
		}
		if len(f.Project().Keys()) != 1 || k.Name() != "k" || k.Deleted() || k.BrowserSDKVersion() == "8.x" {
			t.Errorf("%v: a redirected request changed data", profile)
		}
		// By numeric id there is never a redirect.
		wantStatus(t, get(t, f, fmt.Sprintf("/api/0/projects/acme/%d/keys/%s/", f.Project().ID(), k.ID())), 200)
	}
}

// TestRenameHistory: every former slug redirects to the current one, until
// another project takes it; a slug taken over is then re-pointed when that
// project is renamed in turn, as ProjectRedirect.record does.
func TestRenameHistory(t *testing.T) {
	f := New(Config{})
	p := f.Project()
	p.Rename("www")
	p.Rename("w3")
	for _, old := range []string{"web", "www"} {
		if r := get(t, f, "/api/0/projects/acme/"+old+"/keys/"); r.status != 302 || r.first("Location") != "/api/0/projects/acme/w3/keys/" {
			t.Errorf("%s: %d %q", old, r.status, r.first("Location"))
		}
	}
	other := f.AddProject(ProjectSpec{Slug: "web", Teams: []string{"acme"}})
	k := other.AddKey(KeySpec{})
	if ids := get(t, f, keysPath).publicIDs(t); len(ids) != 1 || ids[0] != k.ID() {
		t.Errorf("the new project's slug answers %v", ids)
	}
	other.Rename("api")
	if r := get(t, f, keysPath); r.status != 302 || r.first("Location") != "/api/0/projects/acme/api/keys/" {
		t.Errorf("re-pointed: %d %q", r.status, r.first("Location"))
	}
	// A project may go back to a former slug of its own.
	p.Rename("www")
	wantStatus(t, get(t, f, "/api/0/projects/acme/www/keys/"), 200)
	if r := get(t, f, "/api/0/projects/acme/w3/keys/"); r.first("Location") != "/api/0/projects/acme/www/keys/" {
		t.Errorf("w3: %d %q", r.status, r.first("Location"))
	}
}

func TestRedirectServedUnderPathPrefix(t *testing.T) {
	f := New(Config{PathPrefix: "/sentry/"})
	f.Project().Rename("www")
	r := get(t, f, "/sentry/api/0/projects/acme/web/keys/")
	wantStatus(t, r, 302)
	if got := r.first("Location"); got != "/sentry/api/0/projects/acme/www/keys/" {
		t.Errorf("Location = %q", got)
	}
	// Outside the mount point nothing is served.
	r = get(t, f, "/api/0/projects/acme/www/keys/")
	if r.status != 404 || len(r.body) != 0 {
		t.Errorf("unmounted path: %d %q", r.status, r.body)
	}
}

func TestCatchAll(t *testing.T) {
	f := New(Config{})
	for _, path := range []string{
		"/api/0/projects/acme/a%2Fb/keys/", // %2F decodes to a slash: no route
		"/api/0/projects/acme//keys/",
		"/api/0/projects/acme/web/keys/x/y/",
		"/api/0/projects/acme/web/keys", // no hint about the missing slash
		"/api/0/internal/health/",       // no health check
		"/_fake/rename",                 // sentry-fake's control endpoints are its own
		"/api/0/organizations/acme/",
		"/api/1/projects/acme/web/keys/",
		"/",
	} {
		for _, auth := range []string{"", "Bearer " + f.Token()} {
			r := getAs(t, f, path, auth)
			if r.status != 404 || len(r.body) != 0 {
				t.Errorf("%s: %d %q, want an empty 404", path, r.status, r.body)
			}
		}
	}

}

// TestMethods checks Sentry's dispatch order for every route:
// authentication, the scope check
// (which no token passes for a method outside scope_map, such as PATCH),
// and only then a 405 for a view without that handler.
func TestMethods(t *testing.T) {
	const keyPath = keysPath + "0123456789abcdef0123456789abcdef/"
	routes := []struct {
		path, allow string
	}{
		{keysPath, "GET, POST, HEAD, OPTIONS"},
		{keyPath, "GET, PUT, DELETE, HEAD, OPTIONS"},
		{"/api/0/projects/acme/web/", "GET, HEAD, OPTIONS"},
		{keyPath + "stats/", "GET, HEAD, OPTIONS"},
		{orgKeysPath, "GET, HEAD, OPTIONS"},
		{"/api/0/organizations/acme/projects/", "GET, HEAD, OPTIONS"},
	}
	f := New(Config{RateLimit: -1})
	auth := map[string]string{"Authorization": "Bearer " + f.Token()}
	for _, rt := range routes {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			if strings.Contains(rt.allow, method) {
				continue
			}
			r := serve(t, f, method, rt.path, auth)
			wantDetail(t, r, 405, fmt.Sprintf("Method \"%s\" not allowed.", method))
			if r.first("Allow") != rt.allow {
				t.Errorf("%s %s: Allow %q, want %q", method, rt.path, r.first("Allow"), rt.allow)
			}
		}
		r := serve(t, f, http.MethodPatch, rt.path, auth)
		wantDetail(t, r, 403, msgPermissionDenied)
		if r.first("WWW-Authenticate") != "" {
			t.Errorf("PATCH %s: a challenge %q for a method no scope allows", rt.path, r.first("WWW-Authenticate"))
		}
		// Authentication comes first, as in Django REST framework.
		wantDetail(t, serve(t, f, http.MethodPut, rt.path, nil), 401, msgNotAuthenticated)
	}
	// The scope check comes before the 405: deleting through the list
	// needs project:admin before it is refused as a method.
	f.AddToken(TokenSpec{Token: "writer", Scopes: []string{"project:write"}, Role: RoleOwner})
	r := serve(t, f, http.MethodDelete, keysPath, map[string]string{"Authorization": "Bearer writer"})
	wantDetail(t, r, 403, msgPermissionDenied)

	r = serve(t, f, http.MethodHead, keysPath, auth)
	wantStatus(t, r, 200)
	if r.first("Link") == "" {
		t.Error("HEAD has no Link header")
	}
}

// TestProjectDetails: the project's endpoint answers the fields clients use,
// in DetailedProjectSerializer's order with string ids, by slug or id, and
// fails like the key endpoints.
func TestProjectDetails(t *testing.T) {
	for _, profile := range []Profile{SaaS, Legacy} {
		f := New(Config{Profile: profile})
		p := f.AddProject(ProjectSpec{Slug: "api", Name: "API", Platform: "go", Teams: []string{"acme"},
			Created: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)})
		org := f.Organization()
		created := "2026-03-04T05:06:07.000000Z"
		if profile == Legacy {
			created = "2026-03-04T05:06:07Z"
		}
		want := fmt.Sprintf(`{"id":"%d","slug":"api","name":"API","platform":"go","dateCreated":"%s","isBookmarked":false,`+
			`"isMember":true,"hasAccess":true,"team":{"id":"%[3]d","slug":"acme","name":"acme"},`+
			`"teams":[{"id":"%[3]d","slug":"acme","name":"acme"}],"organization":{"id":"%d","slug":"acme","name":"acme"}}`,
			p.ID(), created, f.Team().ID(), org.ID())
		for _, path := range []string{"/api/0/projects/acme/api/", fmt.Sprintf("/api/0/projects/%d/%d/", org.ID(), p.ID())} {
			wantBody(t, get(t, f, path), 200, want)
		}
		wantDetail(t, get(t, f, "/api/0/projects/acme/nope/"), 404, msgNotFound)
		wantDetail(t, get(t, f, "/api/0/projects/nope/api/"), 404, msgNotFound)
		p.SetActive(false)
		wantDetail(t, get(t, f, "/api/0/projects/acme/api/"), 404, msgNotFound)
		p.SetActive(true)
		f.AddToken(TokenSpec{Token: "stranger", Scopes: AllScopes()})
		wantDetail(t, getAs(t, f, "/api/0/projects/acme/api/", "Bearer stranger"), 403, msgPermissionDenied)
		f.AddToken(TokenSpec{Token: "org", Scopes: []string{"org:read"}, Role: RoleOwner})
		wantDetail(t, getAs(t, f, "/api/0/projects/acme/api/", "Bearer org"), 403, msgPermissionDenied)
		// Only GET is served; other methods are refused after the scope check.
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			r := sendJSON(t, f, method, "/api/0/projects/acme/api/", `{"slug": "x"}`)
			wantDetail(t, r, 405, fmt.Sprintf("Method %q not allowed.", method))
			if r.first("Allow") != "GET, HEAD, OPTIONS" {
				t.Errorf("%s: Allow %q", method, r.first("Allow"))
			}
		}
		if p.Slug() != "api" {
			t.Error("a refused method changed the project")
		}
		p.Rename("svc")
		if r := get(t, f, "/api/0/projects/acme/api/?a=1"); r.status != 302 || r.first("Location") != "/api/0/projects/acme/svc/?a=1" {
			t.Errorf("%v renamed: %d %q", profile, r.status, r.first("Location"))
		}
	}
}
