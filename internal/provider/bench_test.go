package provider

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

var benchSizes = []int{100, 1000, 10000}

// benchKeys returns n keys as the fake serves them, decoded by the client.
func benchKeys(b *testing.B, n int) []sentry.ProjectKey {
	b.Helper()
	srv := sentrytest.NewServer(sentrytest.Config{RateLimit: -1})
	defer srv.Close()
	srv.AddKeys(n)
	c, err := sentry.New(sentry.Config{BaseURL: srv.URL, Token: srv.Token()})
	if err != nil {
		b.Fatal(err)
	}
	keys, err := c.ListProjectKeys(context.Background(), "acme", "web", "")
	if err != nil {
		b.Fatal(err)
	}
	return keys
}

// BenchmarkMapKeys measures turning decoded keys into what Terraform
// receives: values builds the keys as state values (keyList); state also
// encodes them as the data source's state to msgpack, as the framework does
// with a read's answer.
func BenchmarkMapKeys(b *testing.B) {
	for _, n := range benchSizes {
		keys := benchKeys(b, n)
		b.Run(fmt.Sprintf("keys=%d/values", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				keyList(keys)
			}
		})
		b.Run(fmt.Sprintf("keys=%d/state", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				state := tftypes.NewValue(projectKeysType, map[string]tftypes.Value{
					"organization": tftypes.NewValue(tftypes.String, "acme"), "project": tftypes.NewValue(tftypes.String, "web"),
					"status": tftypes.NewValue(tftypes.String, nil), "keys": keyList(keys),
				})
				if _, err := tfprotov6.NewDynamicValue(projectKeysType, state); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// heapSampler records the peak of the Go heap while it runs.
type heapSampler struct {
	stop chan struct{}
	done chan uint64
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func sampleHeap(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan uint64, 1)}
	go func() {
		var peak uint64
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			peak = max(peak, heapObjects())
			select {
			case <-h.stop:
				h.done <- max(peak, heapObjects())
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) peak() uint64 {
	close(h.stop)
	return <-h.done
}

// fullPlanUpTo is the largest key count whose terraform plan the end-to-end
// benchmark waits for. Beyond it Terraform's own handling of the sensitive
// values takes minutes (it grows with the square of the key count), so the
// benchmark stops Terraform once the provider has answered the read.
const fullPlanUpTo = 1000

// BenchmarkTerraformPlan times one terraform plan of sentry_project_keys on a
// project of N keys, against the fake answering each request after 20 ms. It
// reports the provider's read (the ReadDataSource call: requests, decoding,
// mapping and encoding) next to the floor of ceil(N/100) requests x 20 ms,
// the requests made, the peak heap above the idle process, and the whole
// plan's wall time where it waits for it.
//
//	go test ./internal/provider -run '^$' -bench TerraformPlan -benchtime 1x
func BenchmarkTerraformPlan(b *testing.B) {
	quietLogs(b)
	const latency = 20 * time.Millisecond
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			srv := sentrytest.NewServer(sentrytest.Config{RateLimit: -1, Latency: latency})
			defer srv.Close()
			srv.AddKeys(n)
			server := &timedServer{ProviderServer: newProviderServer(), read: make(chan time.Duration, 1)}
			terraform := terraformWorkdirContext(b, requiredProviders+providerBlock(srv)+projectKeysConfig, serveForCLI(b, server))

			var read, plan time.Duration
			var requests int
			var peak uint64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				srv.ResetRequests()
				runtime.GC()
				base := heapObjects()
				sampler := sampleHeap(5 * time.Millisecond)
				ctx, cancel := context.WithCancel(context.Background())
				b.StartTimer()

				start := time.Now()
				result := make(chan error, 1)
				go func() {
					out, err := terraform(ctx, "plan", "-input=false", "-no-color")
					if err != nil && ctx.Err() == nil {
						err = fmt.Errorf("%w\n%s", err, out)
					}
					result <- err
				}()
				var err error
				select {
				case d := <-server.read:
					read += d
					if n > fullPlanUpTo {
						cancel()
					}
					err = <-result
				case err = <-result:
					cancel()
					b.Fatalf("terraform plan ended before the read: %v", err)
				}
				plan += time.Since(start)
				cancel()

				b.StopTimer()
				if err != nil && n <= fullPlanUpTo {
					b.Fatal(err)
				}
				if p := sampler.peak(); p > base {
					peak = max(peak, p-base)
				}
				requests += len(srv.Requests())
				b.StartTimer()
			}
			floor := time.Duration(math.Ceil(float64(n)/sentry.PerPage)) * latency
			b.ReportMetric((read / time.Duration(b.N)).Seconds(), "read-s/op")
			b.ReportMetric(floor.Seconds(), "floor-s")
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			if n <= fullPlanUpTo {
				b.ReportMetric((plan / time.Duration(b.N)).Seconds(), "plan-s/op")
			}
		})
	}
}

// BenchmarkReadDataSource calls the provider's ReadDataSource in-process, as
// Terraform would over gRPC, against the fake without latency: the
// provider's whole share of a read (requests, decoding, mapping, encoding).
func BenchmarkReadDataSource(b *testing.B) {
	quietLogs(b)
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			srv := sentrytest.NewServer(sentrytest.Config{RateLimit: -1})
			defer srv.Close()
			srv.AddKeys(n)
			server := newProviderServer()
			configure(b, server, srv.URL, srv.Token())
			req := readRequest(b, "acme", "web", nil)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				resp, err := server.ReadDataSource(ctx, req)
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatalf("%v %s: %s", err, resp.Diagnostics[0].Summary, resp.Diagnostics[0].Detail)
				}
			}
		})
	}
}
