package provider

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// TestAccProjectKeyResource_destroyWarnsOfAKeyInUse plans the destroy of
// two keys, one that accepted error events in the last 24 hours and one
// that did not: the plan warns of the first only, with its count; and when
// Sentry's key statistics cannot be read, the plan says so and still
// succeeds. A replacement by another project warns the same way.
func TestAccProjectKeyResource_destroyWarnsOfAKeyInUse(t *testing.T) {
	isolateEnv(t)
	quietLogs(t)
	srv := newFake(t, sentrytest.Config{})
	srv.AddProject(sentrytest.ProjectSpec{Slug: "api", Teams: []string{"acme"}})
	config := requiredProviders + providerBlock(srv) + `
resource "sentry_project_key" "busy" {
  organization = "acme"
  project      = "web"
  name         = "busy"
}

resource "sentry_project_key" "idle" {
  organization = "acme"
  project      = "web"
  name         = "idle"
}
`
	dir, run := terraformDir(t, config, serveForCLI(t, newProviderServer()))
	ctx := context.Background()
	if out, err := run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	for _, k := range srv.Project().ListedKeys() {
		if k.Name() == "busy" {
			k.AddEvents(time.Now().Add(-time.Hour), 42, 3, 1)
			k.AddEvents(time.Now().Add(-30*time.Hour), 1000, 0, 0) // older than a day
		}
	}

	out, err := run(ctx, "plan", "-destroy", "-input=false", "-no-color")
	plan := string(out)
	if err != nil || strings.Count(plan, "Sentry Client Key In Use") != 1 ||
		!errorRe(`client key "busy"`, "accepted 42 error events in the last 24 hours", "spans, logs and metrics").MatchString(plan) ||
		strings.Contains(plan, `client key "idle"`) {
		t.Fatalf("terraform plan -destroy: %v\n%s", err, plan)
	}

	// Statistics Sentry does not answer (a token without project:read, an
	// older server) never fail the plan.
	srv.InjectFaults(sentrytest.FaultResponse(http.StatusForbidden, http.Header{"Content-Type": {"application/json"}},
		[]byte(`{"detail": "You do not have permission to perform this action."}`)).ForMethod(http.MethodGet).Times(2)...)
	out, err = run(ctx, "plan", "-destroy", "-refresh=false", "-input=false", "-no-color")
	plan = string(out)
	// Terraform shows the second warning of the same summary as "one more".
	if err != nil || !errorRe("Sentry Client Key Use Unknown", "HTTP 403", "one more similar warning").MatchString(plan) {
		t.Fatalf("terraform plan -destroy without statistics: %v\n%s", err, plan)
	}

	// A replacement by another project warns too.
	srv.ClearFaults()
	replaced := strings.Replace(config, `project      = "web"
  name         = "busy"`, `project      = "api"
  name         = "busy"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(replaced), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = run(ctx, "plan", "-input=false", "-no-color")
	plan = string(out)
	if err != nil || !strings.Contains(plan, "must be replaced") || !errorRe("Sentry Client Key In Use", "Replacing client key \"busy\"", "accepted 42 error events").MatchString(plan) {
		t.Fatalf("terraform plan replacing the key: %v\n%s", err, plan)
	}
}
