package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

const orgKeysPath = "/api/0/organizations/acme/project-keys/"

// orgProjects seeds n projects named p000… (the fake's default project "web"
// counts as one) with keysEach keys, and returns each project's keys.
func orgProjects(t *testing.T, srv *sentrytest.Server, n, keysEach int) map[string][]*sentrytest.Key {
	t.Helper()
	keys := map[string][]*sentrytest.Key{"web": srv.Project().AddKeys(keysEach)}
	for i := range n - 1 {
		p := srv.AddProject(sentrytest.ProjectSpec{Slug: fmt.Sprintf("p%03d", i), Teams: []string{"acme"}})
		keys[p.Slug()] = p.AddKeys(keysEach)
	}
	return keys
}

// expectProjects checks the projects map against the API's JSON of each
// project's keys, secrets left out.
func expectProjects(t *testing.T, srv *sentrytest.Server, keys map[string][]*sentrytest.Key) knownvalue.Check {
	t.Helper()
	projects := map[string]knownvalue.Check{}
	for slug, ks := range keys {
		p := srv.Organization().Project(slug)
		projects[slug] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":   knownvalue.Int64Exact(p.ID()),
			"slug": knownvalue.StringExact(slug),
			"keys": expectKeys(t, newestFirst(ks), true),
		})
	}
	return knownvalue.MapExact(projects)
}

// checkOrgReads verifies that each read took exactly perRead requests.
func checkOrgReads(srv *sentrytest.Server, perRead int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reads := 0
		for _, r := range srv.Requests() {
			if r.Path == orgKeysPath && !r.Query().Has("cursor") {
				reads++
				if r.Query().Get("project") != "-1" {
					return fmt.Errorf("%s?%s lacks project=-1", r.Path, r.RawQuery)
				}
			}
		}
		if reads == 0 || len(srv.Requests()) != reads*perRead {
			return fmt.Errorf("%d requests in %d reads, want %d per read", len(srv.Requests()), reads, perRead)
		}
		return nil
	}
}

const orgKeysConfig = `
data "sentry_organization_project_keys" "all" {
  organization = "acme"
  %s
}
`

func TestAccOrganizationProjectKeys_twoHundredProjectsInSixRequests(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := orgProjects(t, srv, 200, 2)
	var secrets []string
	for _, ks := range keys {
		for _, k := range ks {
			secrets = append(secrets, keySecrets(t, k)...)
		}
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + fmt.Sprintf(orgKeysConfig, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_organization_project_keys.all", tfjsonpath.New("projects"), expectProjects(t, srv, keys)),
				stateLacks(secrets),
			},
			// 400 keys and 200 projects: 4 pages of keys and 2 of projects.
			Check: checkOrgReads(srv, 6),
		}},
	})
}

func TestAccOrganizationProjectKeys_filters(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	srv.AddTeam(sentrytest.TeamSpec{Slug: "backend"})
	keys := orgProjects(t, srv, 3, 3)
	api := srv.AddProject(sentrytest.ProjectSpec{Slug: "api", Teams: []string{"backend"}})
	keys["api"] = api.AddKeys(2)
	keys["api"][0].SetActive(false)
	srv.AddProject(sentrytest.ProjectSpec{Slug: "idle", Teams: []string{"backend"}})
	keys["idle"] = nil

	only := func(slugs ...string) map[string][]*sentrytest.Key {
		out := map[string][]*sentrytest.Key{}
		for _, s := range slugs {
			out[s] = keys[s]
		}
		return out
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + fmt.Sprintf(orgKeysConfig, `team = "backend"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sentry_organization_project_keys.all", tfjsonpath.New("projects"), expectProjects(t, srv, only("api", "idle"))),
				},
			},
			{
				Config: providerBlock(srv) + fmt.Sprintf(orgKeysConfig, "team = \"backend\"\n  status = \"inactive\""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sentry_organization_project_keys.all", tfjsonpath.New("projects"), knownvalue.MapExact(map[string]knownvalue.Check{
						"api":  knownvalue.ObjectPartial(map[string]knownvalue.Check{"keys": expectKeys(t, keys["api"][:1], true)}),
						"idle": knownvalue.ObjectPartial(map[string]knownvalue.Check{"keys": knownvalue.ListExact([]knownvalue.Check{})}),
					})),
				},
			},
			{
				// project_slugs filters locally: still one request of each.
				PreConfig: srv.ResetRequests,
				Config:    providerBlock(srv) + fmt.Sprintf(orgKeysConfig, `project_slugs = ["p001", "idle"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sentry_organization_project_keys.all", tfjsonpath.New("projects"), expectProjects(t, srv, only("p001", "idle"))),
				},
				Check: checkOrgReads(srv, 2),
			},
		},
	})
}

func TestAccOrganizationProjectKeys_olderServerFallsBack(t *testing.T) {
	isolateEnv(t)
	dir := t.TempDir()
	t.Setenv("TF_LOG", "DEBUG")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(dir, "%s.log"))
	srv := newFake(t, sentrytest.Config{Profile: sentrytest.Legacy})
	keys := orgProjects(t, srv, 12, 3)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + fmt.Sprintf(orgKeysConfig, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_organization_project_keys.all", tfjsonpath.New("projects"), expectProjects(t, srv, keys)),
			},
			Check: func(*terraform.State) error {
				for slug := range keys {
					if srv.CountRequests("/api/0/projects/acme/"+slug+"/keys/") == 0 {
						return fmt.Errorf("the fallback did not read project %s", slug)
					}
				}
				return nil
			},
		}},
	})
	logs, _ := filepath.Glob(filepath.Join(dir, "*"))
	found := false
	for _, f := range logs {
		b, _ := os.ReadFile(f)
		found = found || strings.Contains(string(b), "no organization-wide keys endpoint")
	}
	if !found {
		t.Error("no debug log says that the fallback happened")
	}
}

func TestAccOrganizationProjectKeys_errors(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	orgProjects(t, srv, 2, 1)
	srv.AddToken(sentrytest.TokenSpec{Token: "project-only", Scopes: []string{"project:read"}, Role: sentrytest.RoleOwner, Teams: []string{"acme"}})
	projectOnly := fmt.Sprintf("provider \"sentry\" {\n  base_url = %q\n  token = \"project-only\"\n}\n", srv.URL)

	cases := map[string]struct {
		config string
		want   []string
	}{
		"project scope only": {projectOnly + fmt.Sprintf(orgKeysConfig, ""),
			[]string{"Insufficient Sentry Permissions", `organization "acme"`, "HTTP 403", "org:admin, org:read or org:write", "Unlike sentry_project_keys"}},
		"unknown team": {providerBlock(srv) + fmt.Sprintf(orgKeysConfig, `team = "nope"`),
			[]string{"Sentry Team Not Found", `Organization "acme" has no team "nope"`, "Team not found"}},
		"unknown projects": {providerBlock(srv) + fmt.Sprintf(orgKeysConfig, `project_slugs = ["web", "nope", "gone"]`),
			[]string{"Unknown Sentry Projects", `organization "acme"`, "gone, nope"}},
		"unknown org": {providerBlock(srv) + `data "sentry_organization_project_keys" "all" { organization = "nope" }`,
			[]string{"Sentry Object Not Found", `organization "nope"`, "HTTP 404"}},
		"empty project_slugs": {providerBlock(srv) + fmt.Sprintf(orgKeysConfig, `project_slugs = []`),
			[]string{"Invalid Attribute Value", "project_slugs", "at least 1"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv.ResetRequests()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: errorRe(tc.want...)}},
			})
			if name == "empty project_slugs" && len(srv.Requests()) > 0 {
				t.Errorf("an empty project_slugs sent %d requests; it must fail at plan time", len(srv.Requests()))
			}
		})
	}
}
