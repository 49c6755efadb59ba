package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// TestAccLocalName_sentrykeys uses the provider under the local name
// sentrykeys, as a configuration that also uses the jianyuan/sentry
// provider (which takes the name sentry) must: every block names the
// provider, and the function is called as provider::sentrykeys::parse_dsn.
// The documentation's "Next to the jianyuan/sentry provider" section shows
// this configuration.
func TestAccLocalName_sentrykeys(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	dflt := srv.AddKey(sentrytest.KeySpec{Label: "Default"})

	resource.UnitTest(t, resource.TestCase{
		// Provider functions need Terraform 1.8.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{needsFunctions, needsManagedKeys},
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"sentrykeys": testAccProtoV6ProviderFactories["sentry"],
		},
		CheckDestroy: checkKeyGone(srv),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "sentrykeys" {
  base_url = %q
  token    = %q
}

data "sentry_project_key" "default" {
  provider     = sentrykeys
  organization = "acme"
  project      = "web"
  name         = "Default"
}

resource "sentry_project_key" "ci" {
  provider     = sentrykeys
  organization = "acme"
  project      = "web"
  name         = "ci"
}

output "default_host" {
  value = provider::sentrykeys::parse_dsn(data.sentry_project_key.default.dsn.public).host
}

output "ci_project_id" {
  value = provider::sentrykeys::parse_dsn(sentry_project_key.ci.dsn.public).project_id
}
`, srv.URL, srv.Token()),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sentry_project_key.default", tfjsonpath.New("id"), knownvalue.StringExact(dflt.ID())),
				statecheck.ExpectKnownOutputValue("default_host", knownvalue.StringExact(fmt.Sprintf("o%d.ingest.us.sentry.io", srv.Organization().ID()))),
				statecheck.ExpectKnownOutputValue("ci_project_id", knownvalue.Int64Exact(srv.Project().ID())),
			},
			Check: checkKeyCount(srv, 2),
		}},
	})
}
