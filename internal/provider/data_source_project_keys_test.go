package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

const keysPath = "/api/0/projects/acme/web/keys/"

// keyListReads splits the fake's log of requests for the keys of acme/web
// into reads: each read starts with a request without a cursor.
func keyListReads(srv *sentrytest.Server) [][]sentrytest.Request {
	var reads [][]sentrytest.Request
	for _, r := range srv.Requests() {
		if r.Path != keysPath {
			continue
		}
		if !r.Query().Has("cursor") || len(reads) == 0 {
			reads = append(reads, nil)
		}
		reads[len(reads)-1] = append(reads[len(reads)-1], r)
	}
	return reads
}

// checkReads verifies that every read of the keys of acme/web took exactly
// pages requests, each with per_page=100, the bearer token and the
// provider's user agent.
func checkReads(srv *sentrytest.Server, pages int, query map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reads := keyListReads(srv)
		if len(reads) == 0 {
			return fmt.Errorf("no request to %s", keysPath)
		}
		for i, read := range reads {
			if len(read) != pages {
				return fmt.Errorf("read %d took %d requests, want %d", i, len(read), pages)
			}
			for _, r := range read {
				q := r.Query()
				if q.Get("per_page") != "100" {
					return fmt.Errorf("request %s?%s does not ask for 100 keys per page", r.Path, r.RawQuery)
				}
				for k, v := range query {
					if q.Get(k) != v {
						return fmt.Errorf("request %s?%s: %s = %q, want %q", r.Path, r.RawQuery, k, q.Get(k), v)
					}
				}
				if got := r.Header.Get("Authorization"); got != "Bearer "+srv.Token() {
					return fmt.Errorf("request %s sent Authorization %q", r.Path, got)
				}
				if ua := r.Header.Get("User-Agent"); !regexp.MustCompile(`^terraform-provider-sentry/test Terraform/\d+\.\d+\.\d+`).MatchString(ua) {
					return fmt.Errorf("request %s sent User-Agent %q", r.Path, ua)
				}
			}
		}
		return nil
	}
}

func TestAccProjectKeys_everyPageAndAttribute(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(250)
	// Vary what varies in real projects.
	keys[3].SetActive(false)
	keys[7].SetRateLimit(3600, 500)
	keys[11].SetLabel("")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "sentry_project_keys" "test" {
  organization = "acme"
  project      = "web"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys"), expectKeys(t, newestFirst(keys), false)),
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("status"), knownvalue.Null()),
				statecheck.ExpectSensitiveValue("data.sentry_project_keys.test", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("secret")),
				statecheck.ExpectSensitiveValue("data.sentry_project_keys.test", tfjsonpath.New("keys").AtSliceIndex(249).AtMapKey("dsn").AtMapKey("secret")),
			},
			// 250 keys at 100 per page: exactly 3 requests per read.
			Check: checkReads(srv, 3, map[string]string{"status": ""}),
		}},
	})
}

func TestAccProjectKeys_statusFilters(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(6)
	keys[1].SetActive(false)
	keys[4].SetActive(false)
	active := []*sentrytest.Key{keys[5], keys[3], keys[2], keys[0]}
	inactive := []*sentrytest.Key{keys[4], keys[1]}

	for status, want := range map[string][]*sentrytest.Key{"active": active, "inactive": inactive} {
		t.Run(status, func(t *testing.T) {
			srv.ResetRequests()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerBlock(srv) + fmt.Sprintf(`
data "sentry_project_keys" "test" {
  organization = "acme"
  project      = "web"
  status       = %q
}
`, status),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys"), expectKeys(t, want, false)),
						statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("status"), knownvalue.StringExact(status)),
					},
					Check: checkReads(srv, 1, map[string]string{"status": status}),
				}},
			})
		})
	}
}

func TestAccProjectKeys_legacySelfHosted(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{Profile: sentrytest.Legacy})
	keys := srv.AddKeys(3)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "sentry_project_keys" "test" {
  organization = "acme"
  project      = "web"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys"), expectKeys(t, newestFirst(keys), false)),
				// What old servers do not send is null, not empty.
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("dsn").AtMapKey("otlp_logs"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("dynamic_sdk_loader_options"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("dsn").AtMapKey("cdn"), knownvalue.StringRegexp(regexp.MustCompile(`/js-sdk-loader/[0-9a-f]{32}\.min\.js$`))),
			},
			Check: checkReads(srv, 1, nil),
		}},
	})
}

func TestAccProjectKeys_emptyProject(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "sentry_project_keys" "test" {
  organization = "acme"
  project      = "web"
}

output "count" {
  value = length(data.sentry_project_keys.test.keys)
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownOutputValue("count", knownvalue.Int64Exact(0)),
			},
		}},
	})
}

func TestAccProjectKeys_dsnFeedsAResource(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(12)
	keys[0].SetLabel("Default")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "sentry_project_keys" "test" {
  organization = "acme"
  project      = "web"
}

resource "terraform_data" "app" {
  input = {
    dsn = one([for k in data.sentry_project_keys.test.keys : k.dsn.public if k.name == "Default"])
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("terraform_data.app", tfjsonpath.New("output").AtMapKey("dsn"),
					knownvalue.StringExact(dsnOf(t, keys[0], "public"))),
			},
		}},
	})
}

func TestAccProjectKeys_environmentConfiguration(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(2)
	config := `
provider "sentry" {}

data "sentry_project_keys" "test" {
  organization = "acme"
  project      = "web"
}
`
	check := statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys"), expectKeys(t, newestFirst(keys), false))

	t.Run("SENTRY_AUTH_TOKEN", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv(EnvAuthToken, srv.Token())
		t.Setenv(EnvAuthTokenLegacy, "not-this-one")
		t.Setenv(EnvBaseURL, srv.URL+"/api/0/")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: []statecheck.StateCheck{check}}},
		})
	})
	t.Run("SENTRY_TOKEN", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv(EnvAuthTokenLegacy, srv.Token())
		t.Setenv(EnvBaseURL, srv.URL)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: []statecheck.StateCheck{check}}},
		})
	})
	t.Run("missing token", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv(EnvBaseURL, srv.URL)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      config,
				ExpectError: errorRe("Missing Sentry Auth Token", "SENTRY_AUTH_TOKEN", "SENTRY_TOKEN"),
			}},
		})
	})
	t.Run("bad SENTRY_BASE_URL", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv(EnvAuthToken, srv.Token())
		t.Setenv(EnvBaseURL, "ftp://"+strings.TrimPrefix(srv.URL, "http://"))
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      config,
				ExpectError: errorRe("Invalid Sentry Base URL", "SENTRY_BASE_URL", `scheme "ftp"`),
			}},
		})
	})
}

// TestAccProjectKeys_baseURLForms reads through every accepted form of the
// address, including a path prefix, one provider alias per form.
// TestAccProjectKeys_baseURLForms reads through each accepted form of
// base_url in its own step. Each step configures one provider with its own
// token, and the check looks for that token at the one path every form must
// lead to, so a broken form fails its own step every time. (Provider aliases
// in one configuration would share one in-process provider here, and a read
// could go through another alias's client.)
func TestAccProjectKeys_baseURLForms(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{PathPrefix: "/sentry"})
	keys := srv.AddKeys(1)
	base := srv.URL + "/sentry"
	forms := []string{base, base + "/", base + "/api", base + "/api/", base + "/api/0", base + "/api/0/"}

	var steps []resource.TestStep
	for i, form := range forms {
		token := fmt.Sprintf("sntryu_form_%d", i)
		srv.AddToken(sentrytest.TokenSpec{Token: token, Scopes: []string{"project:read"}, Role: sentrytest.RoleMember, Teams: []string{"acme"}})
		steps = append(steps, resource.TestStep{
			Config: fmt.Sprintf(`
provider "sentry" {
  base_url = %q
  token    = %q
}

data "sentry_project_keys" "test" {
  organization = "acme"
  project      = "web"
}
`, form, token),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_project_keys.test",
					tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringExact(keys[0].ID())),
			},
			Check: func(*terraform.State) error {
				sent := 0
				for _, r := range srv.Requests() {
					if r.Header.Get("Authorization") != "Bearer "+token {
						continue
					}
					sent++
					if r.Path != "/sentry"+keysPath || r.Status != http.StatusOK {
						return fmt.Errorf("base_url %q sent a request to %s, answered %d; want %s", form, r.Path, r.Status, "/sentry"+keysPath)
					}
				}
				if sent == 0 {
					return fmt.Errorf("base_url %q: no request carried its token %q", form, token)
				}
				return nil
			},
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

func TestAccProjectKeys_errors(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	srv.AddKeys(1)
	srv.AddToken(sentrytest.TokenSpec{Token: "no-scopes", Scopes: []string{"org:read"}, Role: sentrytest.RoleOwner, Teams: []string{"acme"}})
	gateway := newFake(t, sentrytest.Config{Gateway: true})

	dataSource := func(org, project, extra string) string {
		return fmt.Sprintf(`
data "sentry_project_keys" "test" {
  organization = %q
  project      = %q
  %s
}
`, org, project, extra)
	}
	withToken := func(token string) string {
		return fmt.Sprintf("provider \"sentry\" {\n  base_url = %q\n  token = %q\n}\n", srv.URL, token)
	}

	cases := []struct {
		name   string
		config string
		want   *regexp.Regexp
	}{
		{"invalid token", withToken("sntryu_wrong") + dataSource("acme", "web", ""),
			errorRe("Invalid Sentry Auth Token", `project "web" in organization "acme"`, `HTTP 401: "Invalid token"`, "SENTRY_AUTH_TOKEN")},
		{"insufficient scope", withToken("no-scopes") + dataSource("acme", "web", ""),
			errorRe("Insufficient Sentry Permissions", `project "web" in organization "acme"`, "HTTP 403", "You do not have permission", "project:admin, project:read or project:write")},
		{"unknown project", providerBlock(srv) + dataSource("acme", "nope", ""),
			errorRe("Sentry Object Not Found", `project "nope" in organization "acme"`, `HTTP 404: "The requested resource does not exist"`, "organization or project does not exist")},
		{"unknown organization on sentry.io", providerBlock(gateway) + dataSource("unknown-org", "web", ""),
			errorRe("Sentry Object Not Found", `organization "unknown-org"`, "HTTP 404 with an empty body", "unknown organization")},
		{"status is validated", providerBlock(srv) + dataSource("acme", "web", `status = "Active"`),
			errorRe("Invalid Attribute Value Match", `status`, `"active"`, `"inactive"`)},
		{"organization cannot change the path", providerBlock(srv) + dataSource("../x", "web", ""),
			errorRe("Invalid Sentry Identifier", "organization", `"../x"`)},
		{"project cannot change the path", providerBlock(srv) + dataSource("acme", "a/b", ""),
			errorRe("Invalid Sentry Identifier", "project", `"a/b"`)},
		{"escaped slash", providerBlock(srv) + dataSource("acme", "%2F", ""),
			errorRe("Invalid Sentry Identifier", "project", `"%2F"`)},
		{"empty project", providerBlock(srv) + dataSource("acme", "", ""),
			errorRe("Empty Sentry Identifier", "project")},
		{"bad base_url scheme", `provider "sentry" {
  base_url = "ftp://sentry.example.com"
  token    = "x"
}
` + dataSource("acme", "web", ""), errorRe("Invalid Sentry Base URL", `scheme "ftp"`)},
		{"base_url with credentials", `provider "sentry" {
  base_url = "https://me:hunter2@sentry.example.com"
  token    = "x"
}
` + dataSource("acme", "web", ""), errorRe("Invalid Sentry Base URL", "user information")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetRequests()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: tc.want}},
			})
			for _, r := range srv.Requests() {
				if strings.Contains(r.Path, "..") || strings.Contains(r.Path, "%2F") || r.Status == http.StatusBadRequest {
					t.Errorf("a request reached %s?%s", r.Path, r.RawQuery)
				}
			}
		})
	}
}

// TestAccProvider_emptyTokenDoesNotFallBack sets token = "" while
// SENTRY_AUTH_TOKEN holds a valid token: the empty argument is an error, not
// a silent switch to the environment's identity.
func TestAccProvider_emptyTokenDoesNotFallBack(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	srv.AddKeys(1)
	t.Setenv(EnvAuthToken, srv.Token())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "sentry" {
  base_url = %q
  token    = ""
}

data "sentry_project_keys" "test" {
  organization = "acme"
  project      = "web"
}
`, srv.URL),
			ExpectError: errorRe("Invalid Attribute Value Length", "token", "at least 1"),
		}},
	})
	if n := len(srv.Requests()); n > 0 {
		t.Fatalf("an empty token sent %d requests", n)
	}
}

func TestAccProvider_region(t *testing.T) {
	isolateEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "sentry" {
  token    = "x"
  region   = "de"
  base_url = "https://sentry.example.com/"
}
` + projectKeysConfig,
				ExpectError: errorRe("Invalid Attribute Combination", "base_url", "region"),
			},
			{
				Config: `
provider "sentry" {
  token  = "x"
  region = "eu"
}
` + projectKeysConfig,
				ExpectError: errorRe("Invalid Attribute Value Match", "region", `"de"`, `"us"`),
			},
		},
	})
}
