package provider

import (
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// exampleConfig returns an example of the documentation, as published.
func exampleConfig(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// useFakeFromEnvironment points the provider's environment variables at
// srv, for examples that carry no provider block.
func useFakeFromEnvironment(t *testing.T, srv *sentrytest.Server) {
	t.Helper()
	isolateEnv(t)
	t.Setenv(EnvAuthToken, srv.Token())
	t.Setenv(EnvBaseURL, srv.URL)
}

// TestAccExample_projectKeysFailsWithoutExactlyOneDefault runs the
// sentry_project_keys example of the documentation unchanged: it must fail
// the plan when no key, or two keys, are named "Default" (one() alone would
// give null), and give the DSN when exactly one is.
func TestAccExample_projectKeysFailsWithoutExactlyOneDefault(t *testing.T) {
	config := exampleConfig(t, "data-sources/sentry_project_keys/data-source.tf")

	for name, keys := range map[string][]sentrytest.KeySpec{
		// An inactive key of that name does not count: status = "active".
		"none": {{Label: "Production"}, {Label: "Default", Inactive: true}},
		"two":  {{Label: "Default"}, {Label: "Default"}},
	} {
		t.Run(name, func(t *testing.T) {
			srv := newFake(t, sentrytest.Config{})
			for _, k := range keys {
				srv.AddKey(k)
			}
			useFakeFromEnvironment(t, srv)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      config,
					ExpectError: errorRe("postcondition failed", `exactly one active key named "Default"`),
				}},
			})
		})
	}

	t.Run("one", func(t *testing.T) {
		srv := newFake(t, sentrytest.Config{})
		dflt := srv.AddKey(sentrytest.KeySpec{Label: "Default"})
		srv.AddKey(sentrytest.KeySpec{Label: "Production"})
		useFakeFromEnvironment(t, srv)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("web_dsn", knownvalue.StringExact(dsnOf(t, dflt, "public"))),
				},
			}},
		})
	})
}

// TestAccExample_ephemeralPostconditionFailsWithoutDefault checks the form
// the ephemeral resource's example recommends: the postcondition fails the
// run when no key is named "Default".
func TestAccExample_ephemeralPostconditionFailsWithoutDefault(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	srv.AddKey(sentrytest.KeySpec{Label: "Production"})
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsEphemeral},
		ProtoV6ProviderFactories: withEcho,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
ephemeral "sentry_project_keys" "web" {
  organization = "acme"
  project      = "web"
  status       = "active"

  lifecycle {
    postcondition {
      condition     = length([for k in self.keys : k.id if k.name == "Default"]) == 1
      error_message = "Project acme/web must have exactly one active key named \"Default\"."
    }
  }
}

provider "echo" {
  data = one([for k in ephemeral.sentry_project_keys.web.keys : k.dsn.public if k.name == "Default"])
}

resource "echo" "consumer" {}
`,
			ExpectError: errorRe("postcondition failed", `exactly one active key named "Default"`),
		}},
	})
}

// TestAccExample_organizationLeavesOutProjectsWithoutDefault runs the
// sentry_organization_project_keys example with its Kubernetes secret
// swapped for an output: a project without exactly one key named "Default"
// is left out of the DSNs (never mapped to null), and the check names it.
func TestAccExample_organizationLeavesOutProjectsWithoutDefault(t *testing.T) {
	config := exampleConfig(t, "data-sources/sentry_organization_project_keys/data-source.tf")
	start := strings.Index(config, `resource "kubernetes_secret"`)
	end := strings.Index(config[start:], "\n}\n")
	if start < 0 || end < 0 {
		t.Fatal("the example has no kubernetes_secret resource to swap")
	}
	config = config[:start] + `output "default_dsns" {
  value = local.default_dsns
}` + config[start+end+2:]

	srv := newFake(t, sentrytest.Config{})
	web := srv.AddKey(sentrytest.KeySpec{Label: "Default"})
	srv.AddProject(sentrytest.ProjectSpec{Slug: "docs", Teams: []string{"acme"}}).AddKey(sentrytest.KeySpec{Label: "Production"})
	srv.AddTeam(sentrytest.TeamSpec{Slug: "backend"})
	for _, slug := range []string{"api", "worker"} {
		srv.AddProject(sentrytest.ProjectSpec{Slug: slug, Teams: []string{"backend"}}).AddKey(sentrytest.KeySpec{Label: "Default"})
	}
	useFakeFromEnvironment(t, srv)
	api := srv.Organization().Project("api").Keys()[0]
	worker := srv.Organization().Project("worker").Keys()[0]

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("default_dsns", knownvalue.MapExact(map[string]knownvalue.Check{
					"web":    knownvalue.StringExact(dsnOf(t, web, "public")),
					"api":    knownvalue.StringExact(dsnOf(t, api, "public")),
					"worker": knownvalue.StringExact(dsnOf(t, worker, "public")),
				})),
			},
		}},
	})
}
