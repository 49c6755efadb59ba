package provider

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// BenchmarkOrganizationVersusForEach reads the public DSNs of 200 projects
// with two keys each, against the fake enforcing sentry.io's 40 requests per
// second and answering each request after 20 ms, once with
// sentry_organization_project_keys and once with a for_each of
// sentry_project_key, one terraform plan per iteration each. For the
// organization-wide read it also reports the provider's read (the
// ReadDataSource call) next to its floor, the keys' four pages one after the
// other while the projects' two pages run beside them: nominally 4 x 20 ms,
// and as measured by sending the same requests with a bare HTTP client,
// which adds what the fake and the loopback network cost to each request.
//
//	go test ./internal/provider -run '^$' -bench OrganizationVersusForEach -benchtime 1x
func BenchmarkOrganizationVersusForEach(b *testing.B) {
	quietLogs(b)
	const projects, keysEach = 200, 2
	const latency = 20 * time.Millisecond
	configs := map[string]string{
		"organization": `
data "sentry_organization_project_keys" "all" {
  organization = "acme"
}

output "dsns" {
  value = length({ for slug, p in data.sentry_organization_project_keys.all.projects : slug => p.keys[0].dsn.public })
}
`,
		"for_each": fmt.Sprintf(`
data "sentry_project_key" "each" {
  for_each     = toset(concat(["web"], [for i in range(%d) : format("p%%03d", i)]))
  organization = "acme"
  project      = each.key
  first        = true
}

output "dsns" {
  value = length({ for slug, k in data.sentry_project_key.each : slug => k.dsn.public })
}
`, projects-1),
	}
	for _, name := range []string{"organization", "for_each"} {
		b.Run(name, func(b *testing.B) {
			srv := sentrytest.NewServer(sentrytest.Config{RateLimit: 40, Latency: latency})
			defer srv.Close()
			srv.Project().AddKeys(keysEach)
			for i := range projects - 1 {
				srv.AddProject(sentrytest.ProjectSpec{Slug: fmt.Sprintf("p%03d", i), Teams: []string{"acme"}}).AddKeys(keysEach)
			}
			server := &timedServer{ProviderServer: newProviderServer()}
			terraform := terraformWorkdir(b, requiredProviders+providerBlock(srv)+configs[name], serveForCLI(b, server))
			srv.ResetRequests()
			want := regexp.MustCompile(fmt.Sprintf(`dsns += %d`, projects))

			var wall time.Duration
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				out, err := terraform("plan", "-input=false", "-no-color")
				wall += time.Since(start)
				if err != nil || !want.Match(out) {
					b.Fatalf("terraform plan: %v\n%s", err, out)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "requests/op")
			b.ReportMetric(float64(count429(srv))/float64(b.N), "429s/op")
			b.ReportMetric((wall / time.Duration(b.N)).Seconds(), "plan-s/op")
			if name == "organization" {
				b.ReportMetric((server.busy / time.Duration(b.N)).Seconds(), "read-s/op")
				b.ReportMetric((4 * latency).Seconds(), "floor-s")
				b.ReportMetric(replayFloor(b, srv).Seconds(), "measured-floor-s")
			}
		})
	}
}

// replayFloor sends the requests of one read again with a bare HTTP client,
// as the read sent them (each endpoint's pages one after the other, the
// endpoints side by side), and returns how long the slowest endpoint took:
// the time the requests alone take here. It averages five replays, each in
// a new second of the fake's rate limit.
func replayFloor(b *testing.B, srv *sentrytest.Server) time.Duration {
	b.Helper()
	byPath := map[string][]sentrytest.Request{}
	complete := map[string]bool{}
	var order []string
	for _, r := range srv.Requests() {
		first := !strings.Contains(r.RawQuery, "cursor=")
		switch {
		case complete[r.Path]:
			continue
		case first && len(byPath[r.Path]) > 0:
			// The next read begins: one read is enough.
			complete[r.Path] = true
			continue
		case first:
			order = append(order, r.Path)
		}
		byPath[r.Path] = append(byPath[r.Path], r)
	}
	var total time.Duration
	const replays = 5
	for range replays {
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		start := time.Now()
		var wg sync.WaitGroup
		for _, path := range order {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, r := range byPath[path] {
					req, err := http.NewRequest(http.MethodGet, srv.URL+r.Path+"?"+r.RawQuery, nil)
					if err != nil {
						b.Error(err)
						return
					}
					req.Header.Set("Authorization", "Bearer "+srv.Token())
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
				}
			}()
		}
		wg.Wait()
		total += time.Since(start)
	}
	return total / replays
}
