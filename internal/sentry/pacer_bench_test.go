package sentry

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// naiveTransport hides Sentry's rate-limit headers from the client, but for
// X-Sentry-Rate-Limit-Reset on a 429: the pacer never learns a limit, and
// the client only waits for the reset after each 429. It stands for a client
// without pacing, to compare with.
type naiveTransport struct{ next http.RoundTripper }

func (t naiveTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil {
		reset := resp.Header.Get("X-Sentry-Rate-Limit-Reset")
		for _, h := range rateLimitHeaders {
			resp.Header.Del(h)
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			resp.Header.Set("X-Sentry-Rate-Limit-Reset", reset)
		}
	}
	return resp, err
}

// BenchmarkPacedRequests sends 200 listings of a project's 3 keys, 10 at a
// time, to the fake with 50 ms of latency and sentry.io's 40 requests per
// second on the key list, for the paced client and for a naive one (no
// pacing, each 429 retried after the reset). Sentry's windows are whole
// seconds, so the time depends on when in a second a run starts: one op is
// four runs, started 0, 250, 500 and 750 ms into a second. It reports the
// mean and the longest run's wall time, and the requests and 429s of a run.
// At best a run takes 4.2 s less its start within the second: 40 requests
// in each of five windows, the last taking 0.2 s.
func BenchmarkPacedRequests(b *testing.B) {
	for _, name := range []string{"paced", "naive"} {
		b.Run(name, func(b *testing.B) {
			var runs []float64
			var requests, limited int
			for range b.N {
				for phase := range 4 {
					s, r, l := pacedRun(b, name == "naive", time.Duration(phase)*250*time.Millisecond)
					runs, requests, limited = append(runs, s), requests+r, limited+l
				}
			}
			n := float64(len(runs))
			var sum float64
			for _, s := range runs {
				sum += s
			}
			b.ReportMetric(sum/n, "s/run")
			b.ReportMetric(slices.Max(runs), "max-s/run")
			b.ReportMetric(float64(requests)/n, "requests/run")
			b.ReportMetric(float64(limited)/n, "429s/run")
		})
	}
}

// pacedRun starts phase into the next second and returns the run's wall
// time in seconds, and the requests and 429s the fake saw.
func pacedRun(b *testing.B, naive bool, phase time.Duration) (seconds float64, requests, limited int) {
	b.Helper()
	srv := sentrytest.NewServer(sentrytest.Config{Latency: 50 * time.Millisecond})
	defer srv.Close()
	srv.AddKeys(3)
	cfg := Config{BaseURL: srv.URL, Token: srv.Token(), MaxRetries: intPtr(20)}
	if naive {
		cfg.Transport = naiveTransport{next: http.DefaultTransport}
	}
	c, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	const calls, workers = 200, 10
	var next atomic.Int64
	var wg sync.WaitGroup
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + phase)))
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= calls {
				if keys, err := c.ListProjectKeys(context.Background(), "acme", "web", ""); err != nil || len(keys) != 3 {
					b.Errorf("%d keys, %v", len(keys), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	seconds = time.Since(start).Seconds()
	for _, r := range srv.Requests() {
		requests++
		if r.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	b.Logf("%s, %s into a second: %.2f s, %d requests, %d 429s", map[bool]string{false: "paced", true: "naive"}[naive], phase, seconds, requests, limited)
	return seconds, requests, limited
}
