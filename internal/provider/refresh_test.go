package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// TestAccRefresh_sharesTheKeyList refreshes 150 managed keys of one
// project with terraform plan -refresh-only: Terraform reads each key, and
// the reads share the project's key list, two pages of it, instead of
// sending 150 requests. The bound is min(N, ceil(P/100)) + 1 = 3.
func TestAccRefresh_sharesTheKeyList(t *testing.T) {
	isolateEnv(t)
	t.Setenv("TF_LOG_PROVIDER", "off")
	srv := newFake(t, sentrytest.Config{Latency: 10 * time.Millisecond})
	keys := srv.AddKeys(150)

	_, run := terraformDir(t, importedKeysConfig(srv, keys, nil), serveForCLI(t, newProviderServer()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, tail(out, 40))
	}
	// The imports read the keys the same way.
	if n := len(srv.Requests()); n > 3 {
		t.Errorf("importing 150 keys took %d requests, want at most 3", n)
	}

	srv.ResetRequests()
	out, err := run(ctx, "plan", "-refresh-only", "-input=false", "-no-color")
	if err != nil || !strings.Contains(string(out), "found no differences") {
		t.Fatalf("terraform plan -refresh-only: %v\n%s", err, tail(out, 40))
	}
	pages, single := keyRequests(srv)
	if pages+single > 3 || len(srv.Requests()) != pages+single {
		t.Fatalf("refreshing 150 keys took %d list pages and %d single reads (%d requests in all), want at most 3",
			pages, single, len(srv.Requests()))
	}
}
