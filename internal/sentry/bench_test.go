package sentry

import (
	"context"
	"fmt"
	"testing"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// BenchmarkListProjectKeys reads a project of N keys from the fake without
// latency: requests, Link parsing and JSON decoding, at 100 keys per page.
func BenchmarkListProjectKeys(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			srv := sentrytest.NewServer(sentrytest.Config{RateLimit: -1})
			defer srv.Close()
			srv.AddKeys(n)
			c, err := New(Config{BaseURL: srv.URL, Token: srv.Token()})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				keys, err := c.ListProjectKeys(context.Background(), "acme", "web", "")
				if err != nil || len(keys) != n {
					b.Fatalf("%d keys, %v", len(keys), err)
				}
			}
		})
	}
}
