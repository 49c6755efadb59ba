package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// BenchmarkRefreshManagedKeys refreshes 200 sentry_project_key resources of
// one project with terraform plan -refresh-only: the fake answers each
// request after 50 ms and allows 40 requests per second on every key
// endpoint, as sentry.io does on the key list. "shared" is the provider as
// it is; "one_by_one" reads each key with its own request, as providers
// usually do.
//
//	go test ./internal/provider -run '^$' -bench RefreshManagedKeys -benchtime 1x
func BenchmarkRefreshManagedKeys(b *testing.B) {
	quietLogs(b)
	const keys = 200
	for _, mode := range []string{"shared", "one_by_one"} {
		b.Run(mode, func(b *testing.B) {
			srv := sentrytest.NewServer(sentrytest.Config{RateLimit: 40, RateLimitKeyDetails: true, Latency: 50 * time.Millisecond})
			defer srv.Close()
			added := srv.AddKeys(keys)

			// Adopt every key with import blocks: the setup, not timed.
			config := importedKeysConfig(srv, added, func(k *sentrytest.Key) string {
				return fmt.Sprintf("  name                = %q\n  browser_sdk_version = %q", k.Name(), k.BrowserSDKVersion())
			})
			p := &sentryProvider{version: "test", getenv: os.Getenv, readKeysOneByOne: mode == "one_by_one"}
			server := &readSpan{ProviderServer: providerserver.NewProtocol6(p)()}
			terraform := terraformWorkdir(b, config, serveForCLI(b, server))
			if out, err := terraform("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
				b.Fatalf("terraform apply: %v\n%s", err, out)
			}

			srv.ResetRequests()
			var wall, reads time.Duration
			b.ResetTimer()
			for range b.N {
				// A new window of Sentry's rate limit for each run.
				time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
				server.reset()
				start := time.Now()
				out, err := terraform("plan", "-refresh-only", "-input=false", "-no-color")
				wall += time.Since(start)
				reads += server.span()
				if err != nil || !strings.Contains(string(out), "No changes") {
					b.Fatalf("terraform plan -refresh-only: %v\n%s", err, out)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "requests/op")
			b.ReportMetric(float64(count429(srv))/float64(b.N), "429s/op")
			b.ReportMetric((wall / time.Duration(b.N)).Seconds(), "refresh-s/op")
			b.ReportMetric((reads / time.Duration(b.N)).Seconds(), "reads-s/op")
		})
	}
}

// readSpan records the time from the start of the first ReadResource call
// to the end of the last: the provider's share of a refresh, requests
// included.
type readSpan struct {
	tfprotov6.ProviderServer
	mu          sync.Mutex
	first, last time.Time
}

func (s *readSpan) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	start := time.Now()
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first.IsZero() || start.Before(s.first) {
		s.first = start
	}
	if now := time.Now(); now.After(s.last) {
		s.last = now
	}
	return resp, err
}

func (s *readSpan) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.first, s.last = time.Time{}, time.Time{}
}

func (s *readSpan) span() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last.Sub(s.first)
}
