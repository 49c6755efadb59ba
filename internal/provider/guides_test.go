package provider

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// The guides' configurations run here as published, from examples/guides,
// with what a test must add: the provider block, and a consumer of the DSN
// standing for the Kubernetes secret or CI variable of the guide.

// timeProviderVersion is the hashicorp/time release the rotation guide's
// schedule is tested with.
const timeProviderVersion = "0.14.2"

// needsImportExpressions gates import blocks whose id is an expression.
var needsImportExpressions = needs("import ids from expressions", "1.6.0", "1.6.0")

// installTimeProvider builds hashicorp/time from the Go module proxy (Go's
// build cache keeps it after the first time), puts it in a filesystem
// mirror for both registries' addresses, and points Terraform's CLI
// configuration at it: the tests never reach a registry.
func installTimeProvider(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "install", "github.com/hashicorp/terraform-provider-time@v"+timeProviderVersion)
	build.Env = append(os.Environ(), "GOBIN="+bin, "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building hashicorp/time %s: %v\n%s", timeProviderVersion, err, out)
	}
	mirror := filepath.Join(dir, "mirror")
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		platform := filepath.Join(mirror, host, "hashicorp", "time", timeProviderVersion, runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(platform, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(filepath.Join(bin, "terraform-provider-time"), filepath.Join(platform, "terraform-provider-time_v"+timeProviderVersion)); err != nil {
			t.Fatal(err)
		}
	}
	config := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(config, fmt.Appendf(nil, `provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/hashicorp/time", "registry.opentofu.org/hashicorp/time"]
  }
}
`, mirror), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", config)
}

// dsnConsumer stands for what reads the key's DSN.
const dsnConsumer = `
resource "terraform_data" "consumer" {
  input = sentry_project_key.web.dsn.public
}
`

// rotated checks one rotation of sentry_project_key.web: a new key, created
// before the old one was deleted, alone in the project, its DSN already in
// the consumer.
func rotated(srv *sentrytest.Server, old *string) resource.TestStep {
	return resource.TestStep{
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.CompareValuePairs("sentry_project_key.web", tfjsonpath.New("dsn").AtMapKey("public"),
				"terraform_data.consumer", tfjsonpath.New("output"), compare.ValuesSame()),
		},
		Check: resource.ComposeAggregateTestCheckFunc(
			checkKeyCount(srv, 1),
			func(s *terraform.State) error {
				id, err := stateKeyID(s, "sentry_project_key.web")
				switch {
				case err != nil:
					return err
				case id == *old:
					return fmt.Errorf("the key %s was not replaced", id)
				}
				var created, deleted int
				for i, r := range srv.Requests() {
					switch {
					case r.Method == http.MethodPost:
						created = i
					case r.Method == http.MethodDelete && strings.Contains(r.Path, *old):
						deleted = i
					}
				}
				if deleted == 0 || created > deleted {
					return fmt.Errorf("the old key was deleted (request %d) before the new one was created (request %d)", deleted, created)
				}
				*old = id
				return nil
			},
		),
	}
}

// rememberKey stores the id of sentry_project_key.web.
func rememberKey(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) (err error) {
		*id, err = stateKeyID(s, "sentry_project_key.web")
		return err
	}
}

// TestAccGuide_rotateOnDemand runs the rotation guide's configuration:
// bumping the generation replaces the key in one apply.
func TestAccGuide_rotateOnDemand(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	config := providerBlock(srv) + exampleConfig(t, "guides/rotating-keys/on-demand.tf") + dsnConsumer
	var id string
	bumped := rotated(srv, &id)
	bumped.Config = strings.Replace(config, "input = 1", "input = 2", 1)
	bumped.ConfigPlanChecks.PreApply = []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("sentry_project_key.web", plancheck.ResourceActionCreateBeforeDestroy),
	}
	bumped.ConfigPlanChecks.PostApplyPostRefresh = []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checkKeyCount(srv, 1), rememberKey(&id))},
			bumped,
		},
	})
}

// TestAccGuide_rotateOnSchedule runs the guide's time_rotating schedule,
// with a minute instead of 90 days and the first period started 50 s ago:
// once time_rotating's time is up, Terraform recreates it (a create, which
// replace_triggered_by on time_rotating itself would not see), and the key
// is rotated through terraform_data.
func TestAccGuide_rotateOnSchedule(t *testing.T) {
	isolateEnv(t)
	installTimeProvider(t)
	srv := newFake(t, sentrytest.Config{})
	schedule := strings.Replace(exampleConfig(t, "guides/rotating-keys/scheduled.tf"), "rotation_days = 90", "rotation_minutes = 1", 1)
	config := providerBlock(srv) + schedule + dsnConsumer
	started := time.Now().Add(-50 * time.Second).UTC().Truncate(time.Second)
	first := strings.Replace(config, "rotation_minutes = 1", fmt.Sprintf("rotation_minutes = 1\n  rfc3339 = %q", started.Format(time.RFC3339)), 1)

	var id string
	due := rotated(srv, &id)
	due.PreConfig = func() { time.Sleep(time.Until(started.Add(time.Minute + time.Second))) }
	due.Config = config
	due.ConfigPlanChecks.PreApply = []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("time_rotating.web_key", plancheck.ResourceActionCreate),
		plancheck.ExpectResourceAction("sentry_project_key.web", plancheck.ResourceActionCreateBeforeDestroy),
	}
	due.ConfigPlanChecks.PostApplyPostRefresh = []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ExternalProviders:        map[string]resource.ExternalProvider{"time": {Source: "hashicorp/time", VersionConstraint: timeProviderVersion}},
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{Config: first, Check: resource.ComposeAggregateTestCheckFunc(checkKeyCount(srv, 1), rememberKey(&id))},
			due,
		},
	})
}

// TestAccGuide_adoptDefaultKey runs the managing-keys guide's adoption of
// the project's Default key: it is imported by the id the data source
// finds, no key is created, and the plan after it is empty.
func TestAccGuide_adoptDefaultKey(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(3) // keys[0] is "Default", the project's first
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsImportExpressions, needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + exampleConfig(t, "guides/managing-keys/default-key.tf"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("sentry_project_key.default", plancheck.ResourceActionNoop)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("sentry_project_key.default", tfjsonpath.New("id"), knownvalue.StringExact(keys[0].ID())),
			},
			Check: resource.ComposeAggregateTestCheckFunc(checkKeyCount(srv, 3), expectRequests(srv, http.MethodPost, 0), expectRequests(srv, http.MethodPut, 0)),
		}},
	})
}
