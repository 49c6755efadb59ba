package sentry

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// orgFixture seeds a fake with three projects whose keys interleave, a team
// that owns two of them, and a project only owners can reach.
func orgFixture(t *testing.T, profile sentrytest.Profile) *sentrytest.Server {
	t.Helper()
	srv := sentrytest.NewServer(sentrytest.Config{Profile: profile, RateLimit: -1})
	t.Cleanup(srv.Close)
	srv.AddTeam(sentrytest.TeamSpec{Slug: "backend"})
	api := srv.AddProject(sentrytest.ProjectSpec{Slug: "api", Teams: []string{"acme", "backend"}})
	worker := srv.AddProject(sentrytest.ProjectSpec{Slug: "worker", Teams: []string{"backend"}})
	srv.AddProject(sentrytest.ProjectSpec{Slug: "empty", Teams: []string{"acme"}})
	for i := range 5 {
		for _, p := range []*sentrytest.Project{srv.Project(), api, worker} {
			k := p.AddKey(sentrytest.KeySpec{Label: fmt.Sprintf("%s-%d", p.Slug(), i)})
			if p == worker && i == 2 {
				k.SetActive(false)
			}
		}
	}
	return srv
}

func newFakeClient(t *testing.T, srv *sentrytest.Server) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: srv.URL, Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// summary renders a result as project: key labels, to compare the two server
// generations.
func summary(r *OrganizationKeys) []string {
	var out []string
	for _, p := range r.Projects {
		s := p.Project.Slug + ":"
		for _, k := range p.Keys {
			s += " " + k.Label
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestListKeysByProject(t *testing.T) {
	want := map[string][]string{
		"all":                  {"api: api-4 api-3 api-2 api-1 api-0", "empty:", "web: web-4 web-3 web-2 web-1 web-0", "worker: worker-4 worker-3 worker-2 worker-1 worker-0"},
		"team backend, active": {"api: api-4 api-3 api-2 api-1 api-0", "worker: worker-4 worker-3 worker-1 worker-0"},
		"slugs":                {"empty:", "worker: worker-4 worker-3 worker-2 worker-1 worker-0"},
	}
	opts := map[string]KeysByProjectOptions{
		"all":                  {},
		"team backend, active": {Team: "backend", Status: KeyStatusActive},
		"slugs":                {ProjectSlugs: []string{"worker", "empty"}},
	}
	for _, profile := range []sentrytest.Profile{sentrytest.SaaS, sentrytest.Legacy} {
		for name, o := range opts {
			t.Run(profile.String()+" "+name, func(t *testing.T) {
				srv := orgFixture(t, profile)
				got, err := newFakeClient(t, srv).ListKeysByProject(context.Background(), "acme", o)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(summary(got)) != fmt.Sprint(want[name]) {
					t.Fatalf("got %q\nwant %q", summary(got), want[name])
				}
				if got.Fallback != (profile == sentrytest.Legacy) {
					t.Fatalf("Fallback = %t on %s", got.Fallback, profile)
				}
				if got.Requests != len(srv.Requests()) {
					t.Fatalf("Requests = %d, the fake saw %d", got.Requests, len(srv.Requests()))
				}
			})
		}
	}
}

func TestListKeysByProjectRequestCount(t *testing.T) {
	srv := sentrytest.NewServer(sentrytest.Config{RateLimit: -1})
	defer srv.Close()
	for i := range 200 {
		srv.AddProject(sentrytest.ProjectSpec{Slug: fmt.Sprintf("p%03d", i), Teams: []string{"acme"}}).AddKeys(2)
	}
	got, err := newFakeClient(t, srv).ListKeysByProject(context.Background(), "acme", KeysByProjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Projects) != 201 {
		t.Fatalf("%d projects", len(got.Projects))
	}
	// 400 keys and 201 projects: ceil(400/100) + ceil(201/100) = 7.
	if n := len(srv.Requests()); n != 7 {
		t.Fatalf("%d requests, want 7", n)
	}
}

func TestListKeysByProjectMissingSlugsAndAccess(t *testing.T) {
	srv := orgFixture(t, sentrytest.SaaS)
	srv.Organization().SetClosedMembership(true)
	srv.AddToken(sentrytest.TokenSpec{Token: "member", Scopes: []string{"org:read", "project:read"}, Role: sentrytest.RoleMember, Teams: []string{"backend"}})
	c, err := New(Config{BaseURL: srv.URL, Token: "member"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ListKeysByProject(context.Background(), "acme", KeysByProjectOptions{ProjectSlugs: []string{"api", "web", "nope"}})
	if err != nil {
		t.Fatal(err)
	}
	// A member of backend in a closed organization reads api and worker only.
	if fmt.Sprint(summary(got)) != fmt.Sprint([]string{"api: api-4 api-3 api-2 api-1 api-0"}) {
		t.Fatalf("got %q", summary(got))
	}
	if fmt.Sprint(got.MissingSlugs) != "[nope web]" {
		t.Fatalf("MissingSlugs = %q", got.MissingSlugs)
	}
}

func TestListKeysByProjectErrors(t *testing.T) {
	srv := orgFixture(t, sentrytest.SaaS)
	srv.AddToken(sentrytest.TokenSpec{Token: "project-only", Scopes: []string{"project:read"}, Role: sentrytest.RoleOwner, Teams: []string{"acme"}})
	c := newFakeClient(t, srv)

	_, err := c.ListKeysByProject(context.Background(), "acme", KeysByProjectOptions{Team: "nope"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Detail != "Team not found" {
		t.Fatalf("unknown team: %v", err)
	}

	_, err = c.ListKeysByProject(context.Background(), "nope", KeysByProjectOptions{})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.EmptyBody {
		t.Fatalf("unknown organization: %v (a JSON 404 must not trigger the fallback)", err)
	}

	pc, _ := New(Config{BaseURL: srv.URL, Token: "project-only"})
	_, err = pc.ListKeysByProject(context.Background(), "acme", KeysByProjectOptions{})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || len(apiErr.RequiredScopes) != 3 || apiErr.RequiredScopes[0] != "org:admin" {
		t.Fatalf("project-only token: %v", err)
	}
}
