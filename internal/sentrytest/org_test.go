package sentrytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const orgKeysPath = "/api/0/organizations/acme/project-keys/"

// orgFixture builds: team "acme" (the default token's team) with project
// web; team "other" with projects api and jobs; project lone on no team;
// an inactive project on team acme. Each project has keys.
type orgFixture struct {
	f                    *Fake
	web, api, jobs, lone *Project
	keys                 []*Key
}

func newOrgFixture(t *testing.T, cfg Config) orgFixture {
	t.Helper()
	f := New(cfg)
	org := f.Organization()
	org.AddTeam(TeamSpec{Slug: "other", ID: 77})
	fx := orgFixture{f: f, web: f.Project()}
	fx.api = org.AddProject(ProjectSpec{Slug: "api", Teams: []string{"other"}})
	fx.jobs = org.AddProject(ProjectSpec{Slug: "jobs", Teams: []string{"other", "acme"}})
	fx.lone = org.AddProject(ProjectSpec{Slug: "lone"})
	gone := org.AddProject(ProjectSpec{Slug: "gone", Teams: []string{"acme"}, Inactive: true})
	// Interleave the ids across projects.
	for i, p := range []*Project{fx.web, fx.api, fx.jobs, fx.lone, gone, fx.web, fx.api, fx.jobs, fx.lone} {
		fx.keys = append(fx.keys, p.AddKey(KeySpec{ID: int64(500 + i)}))
	}
	return fx
}

func (fx orgFixture) idsOf(projects ...*Project) []int64 {
	var ids []int64
	for _, k := range fx.keys {
		if slices.Contains(projects, k.Project()) {
			ids = append(ids, k.InternalID())
		}
	}
	slices.Reverse(ids)
	return ids
}

func TestOrganizationKeysProjectSet(t *testing.T) {
	fx := newOrgFixture(t, Config{DefaultPerPage: 100})
	f := fx.f
	f.AddToken(TokenSpec{Token: "app", Scopes: []string{"org:read"}, SentryApp: true})
	f.AddToken(TokenSpec{Token: "member", Scopes: []string{"org:read"}, Role: RoleMember, Teams: []string{"other"}})

	cases := []struct {
		name, auth, query string
		ids               []int64
	}{
		{"owner default is team membership only", "Bearer " + f.Token(), "", fx.idsOf(fx.web, fx.jobs)},
		{"owner project=-1 is every active project", "Bearer " + f.Token(), "?project=-1", fx.idsOf(fx.web, fx.api, fx.jobs, fx.lone)},
		{"-1 among other ids still means all", "Bearer " + f.Token(), "?project=-1&project=5", fx.idsOf(fx.web, fx.api, fx.jobs, fx.lone)},
		{"sentry app sees all without -1", "Bearer app", "", fx.idsOf(fx.web, fx.api, fx.jobs, fx.lone)},
		{"member default", "Bearer member", "", fx.idsOf(fx.api, fx.jobs)},
		{"member -1 in an open org", "Bearer member", "?project=-1", fx.idsOf(fx.web, fx.api, fx.jobs, fx.lone)},
	}
	for _, tc := range cases {
		r := getAs(t, f, orgKeysPath+tc.query, tc.auth)
		wantStatus(t, r, 200)
		if got := r.internalIDs(t, fx.keys); !slices.Equal(got, tc.ids) {
			t.Errorf("%s: ids %v, want %v", tc.name, got, tc.ids)
		}
	}

	f.Organization().SetClosedMembership(true)
	r := getAs(t, f, orgKeysPath+"?project=-1", "Bearer member")
	if got, want := r.internalIDs(t, fx.keys), fx.idsOf(fx.api, fx.jobs); !slices.Equal(got, want) {
		t.Errorf("member -1 in a closed org: %v, want %v", got, want)
	}
}

// TestOrganizationKeysOtherSelections: explicit project ids and slugs are
// not modelled, and the fake says so rather than answer wrongly.
func TestOrganizationKeysOtherSelections(t *testing.T) {
	fx := newOrgFixture(t, Config{})
	for _, query := range []string{fmt.Sprintf("?project=%d", fx.web.ID()), "?project=abc", "?projectSlug=web", "?projectSlug=$all"} {
		wantDetail(t, get(t, fx.f, orgKeysPath+query), 400, msgProjectSelection)
	}
}

func TestOrganizationKeysTeamAndStatus(t *testing.T) {
	fx := newOrgFixture(t, Config{DefaultPerPage: 100})
	f := fx.f
	fx.keys[6].SetActive(false) // an api key
	cases := []struct {
		query string
		ids   []int64
	}{
		{"?project=-1&team=other", fx.idsOf(fx.api, fx.jobs)},
		{"?project=-1&team=77", fx.idsOf(fx.api, fx.jobs)},
		{"?project=-1&team=", fx.idsOf(fx.web, fx.api, fx.jobs, fx.lone)},
		{"?project=-1&team=nope&team=acme", fx.idsOf(fx.web, fx.jobs)},
		{"?team=other", fx.idsOf(fx.jobs)}, // intersection with the default set
		{"?project=-1&team=other&status=active", []int64{507, 502, 501}},
		{"?project=-1&team=other&status=inactive", []int64{506}},
		{"?project=-1&status=bogus", nil},
	}
	for _, tc := range cases {
		r := get(t, f, orgKeysPath+tc.query)
		wantStatus(t, r, 200)
		if got := r.internalIDs(t, fx.keys); !slices.Equal(got, tc.ids) && (len(got) != 0 || len(tc.ids) != 0) {
			t.Errorf("%s: ids %v, want %v", tc.query, got, tc.ids)
		}
	}
	wantDetail(t, get(t, f, orgKeysPath+"?team=nope"), 404, msgTeamNotFound)
	wantDetail(t, get(t, f, orgKeysPath+"?team=999"), 404, msgTeamNotFound)
	wantDetail(t, get(t, f, orgKeysPath+"?team=Other"), 404, msgTeamNotFound)
	// The team lookup happens before pagination.
	wantDetail(t, get(t, f, orgKeysPath+"?team=nope&per_page=1000"), 404, msgTeamNotFound)
}

func TestOrganizationKeysAuth(t *testing.T) {
	fx := newOrgFixture(t, Config{})
	f := fx.f
	f.AddToken(TokenSpec{Token: "projonly", Scopes: []string{"project:read", "project:admin"}, Role: RoleOwner})
	r := getAs(t, f, orgKeysPath, "Bearer projonly")
	wantDetail(t, r, 403, msgPermissionDenied)
	if got, want := r.first("WWW-Authenticate"), `Bearer error="insufficient_scope", scope="org:admin org:read org:write"`; got != want {
		t.Errorf("WWW-Authenticate %q, want %q", got, want)
	}
	for _, scope := range orgScopeMap[http.MethodGet] {
		f.AddToken(TokenSpec{Token: scope, Scopes: []string{scope}, Role: RoleMember})
		wantStatus(t, getAs(t, f, orgKeysPath, "Bearer "+scope), 200)
	}
	// Not a member of that organization.
	f.AddOrganization(OrganizationSpec{Slug: "globex"})
	r = get(t, f, "/api/0/organizations/globex/project-keys/")
	wantDetail(t, r, 403, msgPermissionDenied)
	if r.first("WWW-Authenticate") != "" {
		t.Error("membership 403 carries a challenge")
	}
	wantDetail(t, get(t, f, "/api/0/organizations/nope/project-keys/"), 404, msgNotFound)
	wantStatus(t, get(t, f, fmt.Sprintf("/api/0/organizations/%d/project-keys/", f.Organization().ID())), 200)
	wantDetail(t, getAs(t, f, orgKeysPath, ""), 401, msgNotAuthenticated)
}

func TestOrganizationKeysNoProjects(t *testing.T) {
	f := New(Config{})
	f.AddOrganization(OrganizationSpec{Slug: "empty"})
	f.AddToken(TokenSpec{Token: "e", Scopes: AllScopes(), Organization: "empty", Role: RoleOwner})
	r := getAs(t, f, "/api/0/organizations/empty/project-keys/?project=-1", "Bearer e")
	wantStatus(t, r, 200)
	if string(r.body) != "[]" {
		t.Errorf("body %s", r.body)
	}
	if !strings.Contains(r.first("Link"), `rel="next"; results="false"; cursor="0:0:0"`) {
		t.Errorf("Link %s", r.first("Link"))
	}
}

func TestOrganizationKeysPagination(t *testing.T) {
	f := New(Config{})
	p2 := f.AddProject(ProjectSpec{Slug: "api", Teams: []string{"acme"}})
	var keys []*Key
	for i := range 15 {
		p := f.Project()
		if i%2 == 1 {
			p = p2
		}
		keys = append(keys, p.AddKey(KeySpec{}))
	}
	r := get(t, f, orgKeysPath)
	wantStatus(t, r, 200)
	if n := len(r.list(t)); n != 10 {
		t.Fatalf("default page has %d keys, want 10", n)
	}
	_, next := cursorsOf(t, r.first("Link"))
	if !next.hasResults {
		t.Fatal("next has no results")
	}
	r = get(t, f, orgKeysPath+"?cursor="+next.String())
	got := append(get(t, f, orgKeysPath).internalIDs(t, keys), r.internalIDs(t, keys)...)
	var want []int64
	for i := len(keys) - 1; i >= 0; i-- {
		want = append(want, keys[i].InternalID())
	}
	wantIDs(t, got, want)
	wantDetail(t, get(t, f, orgKeysPath+"?per_page=101"), 400, "Invalid per_page value. Must be between 1 and 100.")
}

func TestOrganizationKeysAbsentInLegacy(t *testing.T) {
	f := New(Config{Profile: Legacy})
	for _, auth := range []string{"", "Bearer " + f.Token()} {
		r := getAs(t, f, orgKeysPath+"?project=-1", auth)
		if r.status != 404 || len(r.body) != 0 {
			t.Errorf("legacy project-keys: %d %q, want an empty 404", r.status, r.body)
		}
	}
	wantStatus(t, get(t, f, "/api/0/organizations/acme/projects/"), 200)
}

func TestOrganizationProjects(t *testing.T) {
	f := New(Config{})
	org := f.Organization()
	org.AddTeam(TeamSpec{Slug: "other"})
	org.AddProject(ProjectSpec{Slug: "zeta", Name: "Zeta", Platform: "python", Teams: []string{"other", "acme"}})
	org.AddProject(ProjectSpec{Slug: "alpha", Teams: []string{"other"}})
	org.AddProject(ProjectSpec{Slug: "beta"})
	org.AddProject(ProjectSpec{Slug: "dead", Inactive: true})
	f.AddToken(TokenSpec{Token: "member", Scopes: []string{"org:read"}, Role: RoleMember, Teams: []string{"other"}})
	org.SetClosedMembership(true)

	r := getAs(t, f, "/api/0/organizations/acme/projects/", "Bearer member")
	wantStatus(t, r, 200)
	items := r.list(t)
	var slugs []string
	for _, it := range items {
		slugs = append(slugs, asString(t, it["slug"]))
	}
	if want := []string{"alpha", "beta", "web", "zeta"}; !slices.Equal(slugs, want) {
		t.Fatalf("slugs %v, want %v", slugs, want)
	}
	zeta := items[3]
	if id, ok := zeta["id"].(string); !ok || id != fmt.Sprint(org.Project("zeta").ID()) {
		t.Errorf("id %#v must be the id as a string", zeta["id"])
	}
	if zeta["platform"] != "python" || zeta["name"] != "Zeta" || zeta["isMember"] != true || zeta["hasAccess"] != true {
		t.Errorf("zeta: %v", zeta)
	}
	if items[1]["isMember"] != false || items[1]["hasAccess"] != false || items[1]["platform"] != nil {
		t.Errorf("beta: %v", items[1])
	}
	teams, ok := zeta["teams"].([]any)
	if !ok || len(teams) != 2 || asObject(t, teams[0])["slug"] != "other" {
		t.Fatalf("teams %v", zeta["teams"])
	}
	if _, ok := asObject(t, teams[0])["id"].(string); !ok {
		t.Error("team id is not a string")
	}
	if asObject(t, zeta["team"])["slug"] != "other" || items[1]["team"] != nil {
		t.Error("team is not the first team")
	}
	wantOrder := []string{"team", "teams", "id", "name", "slug", "isBookmarked", "isMember", "hasAccess", "dateCreated", "platform"}
	var raw []json.RawMessage
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	if order := objectKeys(t, raw[0]); !slices.Equal(order, wantOrder) {
		t.Errorf("field order %v", order)
	}

	// Scope and membership as for every organization endpoint.
	f.AddToken(TokenSpec{Token: "proj", Scopes: []string{"project:read"}, Role: RoleOwner})
	wantDetail(t, getAs(t, f, "/api/0/organizations/acme/projects/", "Bearer proj"), 403, msgPermissionDenied)
	f.AddToken(TokenSpec{Token: "stranger", Scopes: AllScopes()})
	wantDetail(t, getAs(t, f, "/api/0/organizations/acme/projects/", "Bearer stranger"), 403, msgPermissionDenied)
}

func TestOrganizationProjectsOffsetCursors(t *testing.T) {
	f := New(Config{})
	for i := range 4 {
		f.AddProject(ProjectSpec{Slug: fmt.Sprintf("p%d", i)})
	}
	const path = "/api/0/organizations/acme/projects/"
	steps := []struct {
		cursor     string
		slugs      []string
		prev, next string
		prevR      bool
		nextR      bool
	}{
		{"", []string{"p0", "p1"}, "2:-1:1", "2:1:0", false, true},
		{"2:1:0", []string{"p2", "p3"}, "2:0:1", "2:2:0", true, true},
		{"2:2:0", []string{"web"}, "2:1:1", "2:3:0", true, false},
		{"2:0:1", []string{"p0", "p1"}, "2:-1:1", "2:1:0", false, true},
		{"1:3:0", []string{"p3", "web"}, "2:2:1", "2:4:0", true, false}, // another page size's cursor
		{"0:5:0", []string{"p0", "p1"}, "2:4:1", "2:6:0", true, true},   // value 0 means offset 0
	}
	for _, s := range steps {
		target := path + "?per_page=2"
		if s.cursor != "" {
			target += "&cursor=" + s.cursor
		}
		r := get(t, f, target)
		wantStatus(t, r, 200)
		var slugs []string
		for _, it := range r.list(t) {
			slugs = append(slugs, asString(t, it["slug"]))
		}
		if !slices.Equal(slugs, s.slugs) {
			t.Errorf("cursor %q: slugs %v, want %v", s.cursor, slugs, s.slugs)
		}
		prev, next := cursorsOf(t, r.first("Link"))
		if prev.String() != s.prev || next.String() != s.next || prev.hasResults != s.prevR || next.hasResults != s.nextR {
			t.Errorf("cursor %q: prev %s(%v) next %s(%v), want %s(%v) %s(%v)",
				s.cursor, prev, prev.hasResults, next, next.hasResults, s.prev, s.prevR, s.next, s.nextR)
		}
	}
	wantDetail(t, get(t, f, path+"?per_page=101"), 400, "Invalid per_page value. Must be between 1 and 100.")
	r := get(t, f, path)
	if n := len(r.list(t)); n != 5 {
		t.Errorf("default page: %d projects", n)
	}
	if !strings.HasSuffix(r.first("Link"), `rel="next"; results="false"; cursor="100:1:0"`) {
		t.Errorf("Link %s", r.first("Link"))
	}
}
