package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// TestAccLoad_forEachOverProjects is the load test of make test: one
// terraform plan of a for_each over 100 projects of 150 keys each, against a
// fake that enforces sentry.io's 40 requests per second and answers 1% of
// requests with a 503. Every one of the 15,000 keys must arrive, without an
// error. It reports the requests, the 429s and the wall time next to the
// floor of requests/40 seconds.
func TestAccLoad_forEachOverProjects(t *testing.T) {
	const (
		projects       = 100
		keysPerProject = 150
		rateLimit      = 40
	)
	isolateEnv(t)
	quietLogs(t) // 15,000 keys' trace logs would bury -v's output
	srv := newFake(t, sentrytest.Config{RateLimit: rateLimit, Random503Rate: 0.01, Seed: 7})
	for i := range projects {
		p := srv.AddProject(sentrytest.ProjectSpec{Slug: fmt.Sprintf("service-%03d", i), Teams: []string{"acme"}})
		p.AddKeys(keysPerProject)
	}
	config := providerBlock(srv) + fmt.Sprintf(`
data "sentry_project_keys" "each" {
  for_each     = toset([for i in range(%d) : format("service-%%03d", i)])
  organization = "acme"
  project      = each.key
}

output "keys" {
  value = sum([for d in data.sentry_project_keys.each : length(d.keys)])
}

output "projects_complete" {
  value = alltrue([for d in data.sentry_project_keys.each : length(d.keys) == %d])
}
`, projects, keysPerProject)

	server := &timedServer{ProviderServer: newProviderServer()}
	terraform := terraformWorkdir(t, requiredProviders+config, serveForCLI(t, server))
	start := time.Now()
	out, err := terraform("plan", "-input=false", "-no-color")
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	for _, want := range []string{fmt.Sprintf(`keys += %d`, projects*keysPerProject), `projects_complete += true`} {
		if !regexp.MustCompile(want).Match(out) {
			t.Fatalf("the plan does not show %q:\n%s", want, out)
		}
	}

	var requests, limited, unavailable int
	for _, r := range srv.Requests() {
		if !strings.HasSuffix(r.Path, "/keys/") {
			continue
		}
		requests++
		switch r.Status {
		case http.StatusTooManyRequests:
			limited++
		case http.StatusServiceUnavailable:
			unavailable++
		}
	}
	floor := time.Duration(float64(requests) / rateLimit * float64(time.Second))
	t.Logf("load: %d projects x %d keys: %d requests (%d answered 429, %d answered 503); terraform plan took %s, floor %s (requests/%d per second); "+
		"the %d reads ran from %s to %s after the plan started and took %s each on average",
		projects, keysPerProject, requests, limited, unavailable, elapsed.Round(100*time.Millisecond), floor.Round(100*time.Millisecond), rateLimit,
		server.reads, server.first.Sub(start).Round(100*time.Millisecond), server.last.Sub(start).Round(100*time.Millisecond),
		(server.busy / time.Duration(max(server.reads, 1))).Round(time.Millisecond))
	if server.reads != projects {
		t.Errorf("%d reads, want one per project (%d)", server.reads, projects)
	}
	if unavailable == 0 {
		t.Errorf("the fake answered no 503 in %d requests; the test lost its faults", requests)
	}
}
