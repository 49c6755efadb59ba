package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

const projectKeysConfig = `
data "sentry_project_keys" "test" {
  organization = "acme"
  project      = "web"
}
`

// statuses returns the statuses the fake answered on path, in order.
func statuses(srv *sentrytest.Server, path string) []int {
	var out []int
	for _, r := range srv.Requests() {
		if r.Path == path {
			out = append(out, r.Status)
		}
	}
	return out
}

func TestAccFaults_transientFailuresAreRetried(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(120)
	srv.InjectFaults(
		sentrytest.FaultRateLimited(),
		sentrytest.FaultServiceUnavailable(),
		sentrytest.FaultBadGateway(),
		sentrytest.FaultInternalError(),
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv, "max_retries = 4") + projectKeysConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys"), expectKeys(t, newestFirst(keys), false)),
			},
			Check: func(*terraform.State) error {
				got := statuses(srv, keysPath)
				want := []int{429, 503, 502, 500, 200, 200}
				if len(got) < len(want) || fmt.Sprint(got[:len(want)]) != fmt.Sprint(want) {
					return fmt.Errorf("statuses %v, want them to start with %v: each failure retried, then both pages read", got, want)
				}
				return nil
			},
		}},
	})
}

func TestAccFaults_exhaustedRetries(t *testing.T) {
	isolateEnv(t)
	cases := []struct {
		name  string
		fault sentrytest.Fault
		want  *regexp.Regexp
	}{
		{"rate limited", sentrytest.FaultRateLimited(),
			errorRe("Sentry Rate Limit Exceeded", `project "web" in organization "acme"`, "HTTP 429", "Limit is 40 requests in 1 seconds", "3 attempts", "max_retries")},
		{"server error", sentrytest.FaultInternalError(),
			errorRe("Sentry Server Error", `project "web" in organization "acme"`, `HTTP 500: "Internal Error"`, "3 attempts", "try again later")},
		{"proxy 503", sentrytest.FaultServiceUnavailable(),
			errorRe("Sentry Server Error", "HTTP 503", "3 attempts")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, sentrytest.Config{})
			srv.AddKeys(1)
			srv.InjectFaults(tc.fault.Times(3)...)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerBlock(srv, "max_retries = 2") + projectKeysConfig,
					ExpectError: tc.want,
				}},
			})
			if n := srv.CountRequests(keysPath); n != 3 {
				t.Errorf("made %d requests, want 3 (1 + max_retries)", n)
			}
		})
	}
}

func TestAccFaults_maxRetriesFromEnvironment(t *testing.T) {
	isolateEnv(t)
	t.Setenv(EnvMaxRetries, "0")
	srv := newFake(t, sentrytest.Config{})
	srv.AddKeys(1)
	srv.InjectFaults(sentrytest.FaultServiceUnavailable())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock(srv) + projectKeysConfig,
			ExpectError: errorRe("Sentry Server Error", "HTTP 503", "1 attempt"),
		}},
	})
	if n := srv.CountRequests(keysPath); n != 1 {
		t.Errorf("made %d requests, want 1 with %s=0", n, EnvMaxRetries)
	}
}

func TestAccFaults_timeout(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{Latency: 3 * time.Second})
	srv.AddKeys(1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock(srv, `request_timeout = "300ms"`, "max_retries = 1") + projectKeysConfig,
			ExpectError: errorRe("Sentry Request Timed Out", `project "web" in organization "acme"`, "2 attempts", "request_timeout"),
		}},
	})
	// Both attempts reached the fake and gave up before it answered.
	for _, r := range srv.Requests() {
		if r.Path == keysPath && r.Status != 0 {
			t.Errorf("an attempt got an answer (%d) despite the 300ms timeout", r.Status)
		}
	}
}

func TestAccFaults_timeoutFromEnvironment(t *testing.T) {
	isolateEnv(t)
	t.Setenv(EnvRequestTimeout, "200ms")
	t.Setenv(EnvMaxRetries, "0")
	srv := newFake(t, sentrytest.Config{Latency: 2 * time.Second})
	srv.AddKeys(1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock(srv) + projectKeysConfig,
			ExpectError: errorRe("Sentry Request Timed Out", "1 attempt"),
		}},
	})
}

func TestAccFaults_badResponses(t *testing.T) {
	isolateEnv(t)
	cases := []struct {
		name  string
		setup func(*sentrytest.Server)
		want  *regexp.Regexp
	}{
		{"HTML login page", func(s *sentrytest.Server) { s.InjectFaults(sentrytest.FaultLoginPage()) },
			errorRe("Unexpected Response From Sentry", `project "web" in organization "acme"`, "HTTP 200", `titled "Login | Sentry"`, "text/html",
				"base URL", "/api/0/", "proxy or single sign-on page")},
		{"malformed JSON", func(s *sentrytest.Server) { s.InjectFaults(sentrytest.FaultMalformedJSON()) },
			errorRe("Unexpected Response From Sentry", `project "web" in organization "acme"`, "not the shape Sentry documents")},
		{"bad request", func(s *sentrytest.Server) {
			s.InjectFaults(sentrytest.FaultResponse(http.StatusBadRequest, http.Header{"Content-Type": {"application/json"}}, []byte(`{"detail": "Invalid cursor parameter."}`)))
		}, errorRe("Sentry Rejected The Request", `project "web" in organization "acme"`, `HTTP 400: "Invalid cursor parameter."`)},
		{"cursor loop", func(s *sentrytest.Server) { s.SetCursorLoop(true) },
			errorRe("Sentry Pagination Did Not End", `project "web" in organization "acme"`, "twice", "No partial list")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, sentrytest.Config{})
			srv.AddKeys(150)
			tc.setup(srv)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: providerBlock(srv) + projectKeysConfig, ExpectError: tc.want}},
			})
		})
	}
}

func TestAccFaults_responseWithoutLinkHeaderIsTheLastPage(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{NoLinkHeader: true})
	keys := srv.AddKeys(30)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + projectKeysConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys"), expectKeys(t, newestFirst(keys), false)),
			},
			Check: checkReads(srv, 1, nil),
		}},
	})
}

func TestAccFaults_renamedProjectIsFollowed(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(3)
	srv.Project().Rename("web-renamed")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + projectKeysConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_project_keys.test", tfjsonpath.New("keys"), expectKeys(t, newestFirst(keys), false)),
			},
			Check: func(*terraform.State) error {
				if got := statuses(srv, keysPath); len(got) == 0 || got[0] != http.StatusFound {
					return fmt.Errorf("statuses on the old slug %v, want a 302 first", got)
				}
				if srv.CountRequests("/api/0/projects/acme/web-renamed/keys/") == 0 {
					return fmt.Errorf("the redirect to the new slug was not followed")
				}
				return nil
			},
		}},
	})
}

func TestAccFaults_redirectToAnotherHostIsRefused(t *testing.T) {
	isolateEnv(t)
	other := newFake(t, sentrytest.Config{})
	srv := newFake(t, sentrytest.Config{})
	srv.InjectFaults(sentrytest.FaultResponse(http.StatusFound, http.Header{"Location": {other.URL + keysPath}}, nil))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock(srv) + projectKeysConfig,
			ExpectError: errorRe("Sentry Redirected To Another Host", `project "web" in organization "acme"`, other.URL, "only sends the token to the configured base URL"),
		}},
	})
	if n := len(other.Requests()); n != 0 {
		t.Fatalf("the other host received %d requests", n)
	}
}

func TestAccFaults_legacyForbiddenNamesDefaultScopes(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{Profile: sentrytest.Legacy})
	srv.AddToken(sentrytest.TokenSpec{Token: "org-only", Scopes: []string{"org:read"}, Role: sentrytest.RoleOwner, Teams: []string{"acme"}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"sentry\" {\n  base_url = %q\n  token = \"org-only\"\n}\n", srv.URL) + projectKeysConfig,
			// No insufficient_scope challenge on old servers: the provider
			// names the endpoint's scopes itself.
			ExpectError: errorRe("Insufficient Sentry Permissions", "HTTP 403", "project:read, project:write or project:admin"),
		}},
	})
}

// TestAccSecurity_tokenNeverLogged reads at TF_LOG=TRACE, with the provider's
// and Terraform's logs in files, and searches them for the token.
func TestAccSecurity_tokenNeverLogged(t *testing.T) {
	isolateEnv(t)
	dir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(dir, "%s.log"))
	srv := newFake(t, sentrytest.Config{})
	srv.AddKeys(15)
	srv.InjectFaults(sentrytest.FaultRateLimited(), sentrytest.FaultLoginPage())
	// The token comes from the environment: the test harness logs the
	// configuration itself, which must not be what is searched.
	t.Setenv(EnvAuthToken, srv.Token())
	config := fmt.Sprintf("provider \"sentry\" {\n  base_url = %q\n}\n", srv.URL) + projectKeysConfig

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ExpectError: errorRe("Unexpected Response From Sentry")},
			{
				Config: config,
				Check: func(s *terraform.State) error {
					for name, res := range s.RootModule().Resources {
						for k, v := range res.Primary.Attributes {
							if strings.Contains(v, srv.Token()) {
								return fmt.Errorf("%s.%s holds the token", name, k)
							}
						}
					}
					return nil
				},
			},
		},
	})

	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatal("no log file was written")
	}
	sawRequests := false
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), srv.Token()) {
			t.Errorf("%s contains the token", filepath.Base(f))
		}
		if strings.Contains(string(b), "Bearer") {
			t.Errorf("%s contains an Authorization header", filepath.Base(f))
		}
		sawRequests = sawRequests || strings.Contains(string(b), "Received Sentry API response")
	}
	if !sawRequests {
		t.Fatal("the logs hold no Sentry request, so the search proves nothing")
	}
}

// TestAccScale_concurrentReadsShareThePacer reads 12 projects at once against
// a fake that allows 5 requests a second and 3 in flight: whatever 429s the
// first burst meets, the shared pacer and the retries must end without error.
func TestAccScale_concurrentReadsShareThePacer(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{RateLimit: 5, ConcurrentLimit: 3})
	var config strings.Builder
	config.WriteString(providerBlock(srv))
	for i := range 12 {
		p := srv.AddProject(sentrytest.ProjectSpec{Slug: fmt.Sprintf("p%d", i), Teams: []string{"acme"}})
		p.AddKeys(2)
	}
	config.WriteString(`
data "sentry_project_keys" "p" {
  for_each     = toset([for i in range(12) : "p${i}"])
  organization = "acme"
  project      = each.key
}

output "total" {
  value = sum([for d in data.sentry_project_keys.p : length(d.keys)])
}
`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: append([]resource.TestStep{{
			Config:            config.String(),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("total", knownvalue.Int64Exact(24))},
		}}, dropForEachStep(srv)),
	})
	t.Logf("%d requests, %d answered 429", len(srv.Requests()), count429(srv))
}

// dropForEachStep ends a test whose data sources use for_each: the test
// harness converts the final state to its legacy form, which has no place for
// for_each keys, so the last step must not have them.
func dropForEachStep(srv *sentrytest.Server) resource.TestStep {
	return resource.TestStep{Config: providerBlock(srv)}
}
