package sentrytest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type errorCase struct {
	Case    string            `json:"case"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    any               `json:"body"`
}

// TestErrorResponsesMatchFixture reproduces every case of
// error-responses.json the fake models and compares status, headers (exact
// spelling) and body.
func TestErrorResponsesMatchFixture(t *testing.T) {
	var cases []errorCase
	if err := json.Unmarshal(readTestdata(t, "error-responses.json"), &cases); err != nil {
		t.Fatal(err)
	}
	// Each setup returns the fake and the response to compare.
	setups := map[string]func(t *testing.T) result{
		"no Authorization header (or unrecognised scheme)": func(t *testing.T) result {
			return getAs(t, New(Config{}), keysPath, "")
		},
		"Bearer token not found": func(t *testing.T) result {
			return getAs(t, New(Config{}), keysPath, "Bearer sntryu_unknown")
		},
		"'Authorization: Bearer' with no token": func(t *testing.T) result {
			return getAs(t, New(Config{}), keysPath, "Bearer")
		},
		"'Authorization: Bearer a b' (space inside token)": func(t *testing.T) result {
			return getAs(t, New(Config{}), keysPath, "Bearer a b")
		},
		"expired user token": func(t *testing.T) result {
			f := New(Config{})
			f.AddToken(TokenSpec{Token: "old", Scopes: AllScopes(), Role: RoleOwner, Expired: true})
			return getAs(t, f, keysPath, "Bearer old")
		},
		"org auth token (sntrys_ prefix) not found or deactivated": func(t *testing.T) result {
			return getAs(t, New(Config{}), keysPath, "Bearer sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_abc")
		},
		"valid token lacking project:read/project:write/project:admin (e.g. an org auth token, which only carries org:ci)": func(t *testing.T) result {
			f := New(Config{})
			f.AddToken(TokenSpec{Token: "sntrys_ci", Scopes: []string{"org:ci"}, Role: RoleMember})
			return getAs(t, f, keysPath, "Bearer sntrys_ci")
		},
		"authenticated but not allowed on this project (not an org member, no team access)": func(t *testing.T) result {
			f := New(Config{})
			f.AddToken(TokenSpec{Token: "stranger", Scopes: AllScopes()})
			return getAs(t, f, keysPath, "Bearer stranger")
		},
		"organization or project slug/id unknown, or project not ACTIVE (regional host or self-hosted)": func(t *testing.T) result {
			return get(t, New(Config{}), "/api/0/projects/nope/web/keys/")
		},
		"organization slug unknown, request sent to https://sentry.io (control-silo API gateway cannot pick a cell)": func(t *testing.T) result {
			return getAs(t, New(Config{Gateway: true}), "/api/0/projects/nope/web/keys/", "")
		},
		"project slug was renamed (old slug in URL)": func(t *testing.T) result {
			f := New(Config{})
			f.Project().Rename("new-slug")
			return get(t, f, keysPath+"?status=active")
		},
		"per_page not an integer": func(t *testing.T) result {
			return get(t, New(Config{}), keysPath+"?per_page=ten")
		},
		"per_page < 1 or > 100": func(t *testing.T) result {
			return get(t, New(Config{}), keysPath+"?per_page=101")
		},
		"cursor not of the form int:int:int": func(t *testing.T) result {
			return get(t, New(Config{}), keysPath+"?cursor=abc")
		},
	}
	covered := 0
	for _, c := range cases {
		setup, ok := setups[c.Case]
		if !ok {
			continue
		}
		covered++
		t.Run(c.Case, func(t *testing.T) {
			r := setup(t)
			if r.status != c.Status {
				t.Fatalf("status %d, want %d (body %s)", r.status, c.Status, r.body)
			}
			for name, want := range c.Headers {
				if got := r.first(name); got != want {
					t.Errorf("header %s = %q, want %q", name, got, want)
				}
			}
			if _, ok := c.Headers["WWW-Authenticate"]; !ok && r.first("WWW-Authenticate") != "" {
				t.Errorf("unexpected WWW-Authenticate %q", r.first("WWW-Authenticate"))
			}
			if c.Body == nil {
				if len(r.body) != 0 {
					t.Errorf("body %q, want empty", r.body)
				}
				return
			}
			var got any
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatalf("body %q: %v", r.body, err)
			}
			if !reflect.DeepEqual(got, c.Body) {
				t.Errorf("body %s, want %v", r.body, c.Body)
			}
		})
	}
	if covered != len(setups) {
		t.Fatalf("matched %d fixture cases, want %d: a case was renamed", covered, len(setups))
	}
}

func TestUnrecognisedSchemes(t *testing.T) {
	f := New(Config{})
	for _, auth := range []string{"", "Token " + f.Token(), "Basic dXNlcjpwYXNz", f.Token(), "DSN https://x@y/1"} {
		r := getAs(t, f, keysPath, auth)
		wantDetail(t, r, 401, msgNotAuthenticated)
		if r.first("WWW-Authenticate") != `xBasic realm="api"` {
			t.Errorf("%q: WWW-Authenticate %q", auth, r.first("WWW-Authenticate"))
		}
	}
	// The scheme is case-insensitive and separated by any whitespace.
	for _, auth := range []string{"bearer " + f.Token(), "BEARER\t" + f.Token()} {
		wantStatus(t, getAs(t, f, keysPath, auth), 200)
	}
}

func TestRemovedTokenIsInvalid(t *testing.T) {
	f := New(Config{})
	f.RemoveToken(f.Token())
	wantDetail(t, get(t, f, keysPath), 401, msgInvalidToken)
}

func TestScopes(t *testing.T) {
	for _, scope := range []string{"project:read", "project:write", "project:admin"} {
		f := New(Config{})
		f.AddToken(TokenSpec{Token: "t", Scopes: []string{scope}, Role: RoleMember, Teams: []string{"acme"}})
		wantStatus(t, getAs(t, f, keysPath, "Bearer t"), 200)
	}
	// org:read alone is not enough here, and the legacy profile sends no
	// challenge.
	for _, profile := range []Profile{SaaS, Legacy} {
		f := New(Config{Profile: profile})
		f.AddToken(TokenSpec{Token: "t", Scopes: []string{"org:read", "event:read"}, Role: RoleOwner, Teams: []string{"acme"}})
		r := getAs(t, f, keysPath, "Bearer t")
		wantDetail(t, r, 403, msgPermissionDenied)
		want := `Bearer error="insufficient_scope", scope="project:admin project:read project:write"`
		if profile == Legacy {
			want = ""
		}
		if got := r.first("WWW-Authenticate"); got != want {
			t.Errorf("%v: WWW-Authenticate %q, want %q", profile, got, want)
		}
	}
}

// TestCheckOrder verifies which error wins when several things are wrong.
func TestCheckOrder(t *testing.T) {
	f := New(Config{})
	f.AddToken(TokenSpec{Token: "noscope", Role: RoleOwner})
	f.AddToken(TokenSpec{Token: "stranger", Scopes: AllScopes()})
	// 401 before 404: an unknown org still needs valid credentials.
	wantDetail(t, getAs(t, f, "/api/0/projects/nope/web/keys/?per_page=0", ""), 401, msgNotAuthenticated)
	// Scope (403) before lookup (404).
	wantDetail(t, getAs(t, f, "/api/0/projects/nope/web/keys/", "Bearer noscope"), 403, msgPermissionDenied)
	// Lookup (404) before membership (403).
	wantDetail(t, getAs(t, f, "/api/0/projects/acme/nope/keys/", "Bearer stranger"), 404, msgNotFound)
	// Membership (403) before query parsing (400).
	wantDetail(t, getAs(t, f, keysPath+"?per_page=0", "Bearer stranger"), 403, msgPermissionDenied)
	// Gateway mode answers an unknown organization before anything else.
	g := New(Config{Gateway: true})
	for _, path := range []string{
		"/api/0/projects/nope/web/keys/",
		"/api/0/projects/nope/web/keys/abc/",
		"/api/0/organizations/nope/project-keys/",
		"/api/0/organizations/nope/projects/",
		"/api/0/projects/123/web/keys/",
	} {
		r := getAs(t, g, path, "Bearer bogus")
		if r.status != 404 || len(r.body) != 0 {
			t.Errorf("gateway %s: %d %q", path, r.status, r.body)
		}
	}
	// A known organization passes the gateway: the unknown project is JSON.
	wantDetail(t, get(t, g, "/api/0/projects/acme/nope/keys/"), 404, msgNotFound)
	wantStatus(t, get(t, g, fmt.Sprintf("/api/0/projects/%d/web/keys/", g.Organization().ID())), 200)
	// Without gateway mode the unknown organization is a JSON 404.
	wantDetail(t, get(t, f, "/api/0/projects/nope/web/keys/"), 404, msgNotFound)
}

func TestProjectAccess(t *testing.T) {
	f := New(Config{})
	org := f.Organization()
	other := org.AddTeam(TeamSpec{Slug: "other"})
	p := org.AddProject(ProjectSpec{Slug: "api", Teams: []string{other.Slug()}})
	p.AddKeys(1)
	path := "/api/0/projects/acme/api/keys/"

	tokens := []struct {
		spec   TokenSpec
		open   int // status in an open organization
		closed int // status with closed membership
	}{
		{TokenSpec{Role: RoleMember}, 200, 403},
		{TokenSpec{Role: RoleAdmin}, 200, 403},
		{TokenSpec{Role: RoleManager}, 200, 200},
		{TokenSpec{Role: RoleOwner}, 200, 200},
		{TokenSpec{Role: RoleMember, Teams: []string{"other"}}, 200, 200},
		{TokenSpec{SentryApp: true}, 200, 200},
		{TokenSpec{}, 403, 403},
	}
	for i, tc := range tokens {
		tc.spec.Token = fmt.Sprintf("tok%d", i)
		tc.spec.Scopes = []string{"project:read"}
		f.AddToken(tc.spec)
	}
	for _, closed := range []bool{false, true} {
		org.SetClosedMembership(closed)
		for i, tc := range tokens {
			want := tc.open
			if closed {
				want = tc.closed
			}
			r := getAs(t, f, path, fmt.Sprintf("Bearer tok%d", i))
			if r.status != want {
				t.Errorf("closed=%v %+v: status %d, want %d", closed, tc.spec, r.status, want)
			}
			if r.status == 403 && r.first("WWW-Authenticate") != "" {
				t.Error("membership 403 carries a challenge")
			}
		}
	}
	// Membership of another organization does not count.
	second := f.AddOrganization(OrganizationSpec{Slug: "globex"})
	second.AddTeam(TeamSpec{Slug: "globex"})
	f.AddToken(TokenSpec{Token: "globex-owner", Scopes: AllScopes(), Organization: "globex", Role: RoleOwner})
	wantDetail(t, getAs(t, f, path, "Bearer globex-owner"), 403, msgPermissionDenied)
}

func TestSetupPanics(t *testing.T) {
	f := New(Config{})
	mustPanic := func(name string, fn func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		fn()
	}
	mustPanic("duplicate token", func() { f.AddToken(TokenSpec{Token: f.Token()}) })
	mustPanic("unknown role", func() { f.AddToken(TokenSpec{Token: "x", Role: "boss"}) })
	mustPanic("unknown team", func() { f.AddToken(TokenSpec{Token: "y", Teams: []string{"nope"}}) })
	mustPanic("unknown org", func() { f.AddToken(TokenSpec{Token: "z", Organization: "nope"}) })
	mustPanic("duplicate project", func() { f.AddProject(ProjectSpec{Slug: "web"}) })
	mustPanic("duplicate org", func() { f.AddOrganization(OrganizationSpec{Slug: "acme"}) })
	mustPanic("bad key material", func() { f.AddKey(KeySpec{Public: "ABC"}) })
	k := f.AddKey(KeySpec{ID: 5})
	mustPanic("duplicate key id", func() { f.AddKey(KeySpec{ID: 5}) })
	mustPanic("duplicate public key", func() { f.AddKey(KeySpec{Public: k.Public()}) })
	mustPanic("rename to nothing", func() { f.Project().Rename("") })
	mustPanic("rename onto a live slug", func() {
		f.AddProject(ProjectSpec{Slug: "api"})
		f.Project().Rename("api")
	})
}

func TestExpiredTokenTakesPrecedenceOverScopes(t *testing.T) {
	f := New(Config{})
	f.AddToken(TokenSpec{Token: "x", Expired: true})
	r := getAs(t, f, "/api/0/organizations/acme/project-keys/", "Bearer x")
	wantDetail(t, r, 401, msgTokenExpired)
	if !strings.Contains(r.first("WWW-Authenticate"), "xBasic") {
		t.Error("401 without challenge")
	}
}
