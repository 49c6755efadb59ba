package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// spans records when the provider's plan and apply calls run, so that a
// benchmark can tell the provider's share of a Terraform run from
// Terraform's own walks.
type spans struct {
	tfprotov6.ProviderServer
	mu    sync.Mutex
	calls map[string]*span
}

type span struct {
	first, last time.Time
	busy        time.Duration
	n           int
}

func newSpans(s tfprotov6.ProviderServer) *spans {
	return &spans{ProviderServer: s, calls: map[string]*span{}}
}

func (s *spans) record(name string, start time.Time) {
	end := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.calls[name]
	if sp == nil {
		sp = &span{first: start}
		s.calls[name] = sp
	}
	sp.last, sp.busy, sp.n = end, sp.busy+end.Sub(start), sp.n+1
}

// take returns the span of one kind of call and forgets it.
func (s *spans) take(name string) span {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.calls[name]
	delete(s.calls, name)
	if sp == nil {
		return span{}
	}
	return *sp
}

func (s *spans) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	defer s.record("read", time.Now())
	return s.ProviderServer.ReadDataSource(ctx, req)
}

func (s *spans) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	defer s.record("plan", time.Now())
	return s.ProviderServer.PlanResourceChange(ctx, req)
}

func (s *spans) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	defer s.record("apply", time.Now())
	return s.ProviderServer.ApplyResourceChange(ctx, req)
}

// quietLogs turns off the in-process provider's logs, which a benchmark
// would otherwise print at trace level.
func quietLogs(b testing.TB) {
	for _, name := range []string{"TF_LOG_PROVIDER", "TF_LOG_PROVIDER_SENTRY", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		b.Setenv(name, "off")
	}
}

// untilNextSecond sleeps until a new second starts, so that each run
// begins at the same point of the fake's fixed rate-limit windows.
func untilNextSecond() {
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
}

// BenchmarkForEachProjects times terraform plan of a for_each of
// sentry_project_keys over 200 projects of 3 keys, against the fake
// answering each request after 50 ms and allowing 40 requests per second on
// the key list in fixed one-second windows, at Terraform's default
// parallelism of 10. Sentry's windows are whole seconds, so the time depends
// on where in a second the plan starts: each iteration plans four times,
// starting 0, 250, 500 and 750 ms into a second, and the benchmark reports
// the mean and the worst, and splits the mean: Terraform's start until the
// first read, and the reads from the first to the last.
// "paced" is the provider; "ignoring-headers" the
// same provider behind a proxy that hides the rate-limit headers but on
// 429s, as a client that ignores them and retries its 429s would see them.
//
//	go test ./internal/provider -run '^$' -bench ForEachProjects -benchtime 2x
func BenchmarkForEachProjects(b *testing.B) {
	quietLogs(b)
	for _, mode := range []string{"paced", "ignoring-headers"} {
		b.Run(mode, func(b *testing.B) {
			const projects = 200
			srv := sentrytest.NewServer(sentrytest.Config{RateLimit: 40, Latency: 50 * time.Millisecond})
			defer srv.Close()
			slugs := []string{`"web"`}
			srv.Project().AddKeys(3)
			for i := range projects - 1 {
				slug := fmt.Sprintf("p%03d", i)
				srv.AddProject(sentrytest.ProjectSpec{Slug: slug, Teams: []string{"acme"}}).AddKeys(3)
				slugs = append(slugs, fmt.Sprintf("%q", slug))
			}
			base := srv.URL
			if mode == "ignoring-headers" {
				base = hideRateLimitHeaders(b, srv.URL)
			}
			config := requiredProviders + fmt.Sprintf(`
provider "sentry" {
  base_url = %q
  token    = %q
}

data "sentry_project_keys" "each" {
  for_each     = toset([%s])
  organization = "acme"
  project      = each.key
}

output "keys" {
  value = sum([for p in data.sentry_project_keys.each : length(p.keys)])
}
`, base, srv.Token(), strings.Join(slugs, ", "))
			server := newSpans(newProviderServer())
			terraform := terraformWorkdir(b, config, serveForCLI(b, server))

			var total, worst, before, reads time.Duration
			var requests, limited, plans int
			b.ResetTimer()
			for range b.N {
				for _, phase := range []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond} {
					b.StopTimer()
					untilNextSecond()
					time.Sleep(phase)
					srv.ResetRequests()
					b.StartTimer()
					start := time.Now()
					out, err := terraform("plan", "-input=false", "-no-color")
					took := time.Since(start)
					b.StopTimer()
					if err != nil || !strings.Contains(string(out), fmt.Sprintf("keys = %d", 3*projects)) {
						b.Fatalf("terraform plan: %v\n%s", err, out)
					}
					total, worst, plans = total+took, max(worst, took), plans+1
					sp := server.take("read")
					before, reads = before+sp.first.Sub(start), reads+sp.last.Sub(sp.first)
					requests += len(srv.Requests())
					limited += count429(srv)
					b.StartTimer()
				}
			}
			b.ReportMetric((total / time.Duration(plans)).Seconds(), "plan-s/op")
			b.ReportMetric(worst.Seconds(), "worst-plan-s")
			b.ReportMetric((before / time.Duration(plans)).Seconds(), "before-reads-s/op")
			b.ReportMetric((reads / time.Duration(plans)).Seconds(), "reads-s/op")
			b.ReportMetric(float64(requests)/float64(plans), "requests/op")
			b.ReportMetric(float64(limited)/float64(plans), "429s/op")
		})
	}
}

// hideRateLimitHeaders starts a proxy in front of target that removes
// Sentry's rate-limit headers from every answer but a 429's reset, and
// returns its address.
func hideRateLimitHeaders(b *testing.B, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		b.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		for name := range resp.Header {
			keep := resp.StatusCode == http.StatusTooManyRequests && name == "X-Sentry-Rate-Limit-Reset"
			if strings.HasPrefix(name, "X-Sentry-Rate-Limit-") && !keep {
				resp.Header.Del(name)
			}
		}
		return nil
	}
	front := httptest.NewServer(proxy)
	b.Cleanup(front.Close)
	return front.URL
}

// BenchmarkCreateKeys times terraform apply of 100 new keys (a for_each,
// a key per tenant), against the fake answering each request after 50 ms
// and allowing 40 creates per second, and splits the time: Terraform's
// plan walk until the first create, the provider's creates from the first
// to the last, and Terraform's work after them. At 40 a one-second window,
// 100 creates need three windows: the last ones go two window changes after
// the first, so the creates' floor is a little over 2 s.
//
//	go test ./internal/provider -run '^$' -bench CreateKeys -benchtime 3x
func BenchmarkCreateKeys(b *testing.B) {
	quietLogs(b)
	const keys = 100
	srv := sentrytest.NewServer(sentrytest.Config{RateLimit: 40, Latency: 50 * time.Millisecond})
	defer srv.Close()
	config := requiredProviders + providerBlock(srv) + fmt.Sprintf(`
resource "sentry_project_key" "tenant" {
  for_each     = toset([for i in range(%d) : format("tenant-%%03d", i)])
  organization = "acme"
  project      = "web"
  name         = each.key
}
`, keys)
	server := newSpans(newProviderServer())
	terraform := terraformWorkdir(b, config, serveForCLI(b, server))

	var wall, before, creates, after time.Duration
	var requests, limited int
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		untilNextSecond()
		srv.ResetRequests()
		b.StartTimer()
		start := time.Now()
		out, err := terraform("apply", "-auto-approve", "-input=false", "-no-color")
		end := time.Now()
		b.StopTimer()
		if err != nil {
			b.Fatalf("terraform apply: %v\n%s", err, out)
		}
		if n := len(srv.Project().ListedKeys()); n != keys {
			b.Fatalf("%d keys after the apply, want %d", n, keys)
		}
		sp := server.take("apply")
		server.take("plan")
		wall += end.Sub(start)
		before += sp.first.Sub(start)
		creates += sp.last.Sub(sp.first)
		after += end.Sub(sp.last)
		requests += len(srv.Requests())
		limited += count429(srv)
		if out, err := terraform("destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
			b.Fatalf("terraform destroy: %v\n%s", err, out)
		}
		server.take("apply")
		server.take("plan")
		b.StartTimer()
	}
	n := time.Duration(b.N)
	b.ReportMetric((wall / n).Seconds(), "apply-s/op")
	b.ReportMetric((before / n).Seconds(), "before-creates-s/op")
	b.ReportMetric((creates / n).Seconds(), "creates-s/op")
	b.ReportMetric((after / n).Seconds(), "after-creates-s/op")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(limited)/float64(b.N), "429s/op")
}
