package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// Resource identity needs Terraform 1.12 and terraform query 1.14. CI's
// Terraform is older, so these tests skip there; protocol_test.go covers
// the same ground on every machine. Run them with a newer Terraform:
//
//	TF_ACC_TERRAFORM_PATH=$HOME/tf115/terraform go test ./internal/provider -run 'TestAccIdentity|TestAccQuery'

func TestAccIdentity_setOnCreateAndImportByIdentity(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	existing := srv.AddKey(sentrytest.KeySpec{Label: "existing", BrowserSDKVersion: "9.x"})

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsIdentity},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + keyResource(`  name = "created"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(keyAddress, map[string]knownvalue.Check{
						"organization": knownvalue.StringExact("acme"),
						"project":      knownvalue.StringExact("web"),
						"id":           knownvalue.StringRegexp(keyIDPattern),
					}),
					statecheck.ExpectIdentityValueMatchesState(keyAddress, tfjsonpath.New("id")),
				},
			},
			{
				// The harness imports with an identity import block, then
				// compares the imported state with the one it has.
				ResourceName:    keyAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				// An import block written by hand, with identity.
				Config: providerBlock(srv) + keyResource(`  name = "created"`) + fmt.Sprintf(`
import {
  to = sentry_project_key.existing
  identity = {
    organization = "acme"
    project      = "web"
    id           = %q
  }
}

resource "sentry_project_key" "existing" {
  organization        = "acme"
  project             = "web"
  name                = "existing"
  browser_sdk_version = "9.x"
}
`, existing.ID()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("sentry_project_key.existing", plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("sentry_project_key.existing", map[string]knownvalue.Check{
						"organization": knownvalue.StringExact("acme"),
						"project":      knownvalue.StringExact("web"),
						"id":           knownvalue.StringExact(existing.ID()),
					}),
				},
			},
		},
	})
}

func TestAccQuery_listsEveryKey(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(250)
	keys[7].SetActive(false)
	newest := keys[len(keys)-1]

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsQuery},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// The harness wants a configuration before a query; the query
			// uses its provider block.
			{Config: providerBlock(srv)},
			{
				Query: true,
				Config: `
list "sentry_project_key" "all" {
  provider = sentry
  limit    = 1000
  config {
    organization = "acme"
    project      = "web"
  }
}

list "sentry_project_key" "inactive" {
  provider         = sentry
  include_resource = true
  config {
    organization = "acme"
    project      = "web"
    status       = "inactive"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("sentry_project_key.all", 250),
					querycheck.ExpectLength("sentry_project_key.inactive", 1),
					querycheck.ExpectIdentity("sentry_project_key.all", map[string]knownvalue.Check{
						"organization": knownvalue.StringExact("acme"),
						"project":      knownvalue.StringExact("web"),
						"id":           knownvalue.StringExact(newest.ID()),
					}),
					querycheck.ExpectResourceDisplayName("sentry_project_key.all",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
							"organization": knownvalue.StringExact("acme"),
							"project":      knownvalue.StringExact("web"),
							"id":           knownvalue.StringExact(newest.ID()),
						}), knownvalue.StringExact(newest.Name())),
					querycheck.ExpectIdentity("sentry_project_key.inactive", map[string]knownvalue.Check{
						"organization": knownvalue.StringExact("acme"),
						"project":      knownvalue.StringExact("web"),
						"id":           knownvalue.StringExact(keys[7].ID()),
					}),
				},
			},
			{
				// The documentation's example, unchanged: the active keys.
				Query:  true,
				Config: exampleConfig(t, "list-resources/sentry_project_key/list-resource.tfquery.hcl"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("sentry_project_key.web", 249),
				},
			},
		},
	})
}

// TestAccQuery_generatedConfigurationImportsAndPlansClean is the whole
// adoption of an existing project's keys with the real CLI: terraform query
// writes the configuration, apply imports every key (and creates none), and
// the next plan is empty.
func TestAccQuery_generatedConfigurationImportsAndPlansClean(t *testing.T) {
	isolateEnv(t)
	t.Setenv("TF_LOG_PROVIDER", "off")
	tf := terraformPath(t)
	if runningOpenTofu() || !terraformAtLeast(t, tf, 1, 14) {
		t.Skip("terraform query needs Terraform 1.14 or later")
	}
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(250)
	keys[3].SetActive(false)
	keys[5].SetRateLimit(3600, 100)
	keys[9].SetLabel("")

	dir, run := terraformDir(t, requiredProviders+providerBlock(srv), serveForCLI(t, newProviderServer()))
	query := `
list "sentry_project_key" "web" {
  provider         = sentry
  include_resource = true
  limit            = 1000
  config {
    organization = "acme"
    project      = "web"
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "keys.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := run(ctx, "query", "-no-color", "-generate-config-out=generated.tf")
	if err != nil {
		t.Fatalf("terraform query: %v\n%s", err, out)
	}
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(generated), "import {"); n != 250 {
		t.Fatalf("the generated configuration imports %d keys, want 250", n)
	}
	srv.ResetRequests()
	if out, err := run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	} else if !regexp.MustCompile(`250 imported, 0 added, 0 changed, 0 destroyed`).Match(out) {
		t.Fatalf("terraform apply did not import the 250 keys and nothing else:\n%s", tail(out, 40))
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Fatalf("the import sent %s %s", r.Method, r.Path)
		}
	}
	out, err = run(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("the plan after importing is not empty: %v\n%s", err, tail(out, 60))
	}
	if got := len(srv.Project().ListedKeys()); got != 250 {
		t.Fatalf("the project has %d keys after the import, want 250", got)
	}
}

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(string(out), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestAccQuery_numericIDsGenerateSlugs runs terraform query on a project
// named by the organization's and the project's numeric ids: the generated
// configuration writes their slugs, imports every key, and plans clean.
func TestAccQuery_numericIDsGenerateSlugs(t *testing.T) {
	isolateEnv(t)
	t.Setenv("TF_LOG_PROVIDER", "off")
	tf := terraformPath(t)
	if runningOpenTofu() || !terraformAtLeast(t, tf, 1, 14) {
		t.Skip("terraform query needs Terraform 1.14 or later")
	}
	srv := newFake(t, sentrytest.Config{})
	srv.AddKeys(3)
	dir, run := terraformDir(t, requiredProviders+providerBlock(srv), serveForCLI(t, newProviderServer()))
	query := fmt.Sprintf(`
list "sentry_project_key" "web" {
  provider         = sentry
  include_resource = true
  config {
    organization = "%d"
    project      = "%d"
  }
}
`, srv.Organization().ID(), srv.Project().ID())
	if err := os.WriteFile(filepath.Join(dir, "keys.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := run(ctx, "query", "-no-color", "-generate-config-out=generated.tf"); err != nil {
		t.Fatalf("terraform query: %v\n%s", err, out)
	}
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`organization = "acme"`, `project = "web"`} {
		if n := strings.Count(strings.Join(strings.Fields(string(generated)), " "), want); n != 6 {
			t.Fatalf("the generated configuration has %q %d times, want 6 (3 resources, 3 identities):\n%s", want, n, generated)
		}
	}
	if out, err := run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	} else if !regexp.MustCompile(`3 imported, 0 added, 0 changed, 0 destroyed`).Match(out) {
		t.Fatalf("terraform apply did not import the 3 keys and nothing else:\n%s", tail(out, 40))
	}
	if out, err := run(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the plan after importing is not empty: %v\n%s", err, tail(out, 60))
	}
}
