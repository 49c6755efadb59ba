package provider

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Live tests read a real Sentry organization. They only run with TF_ACC=1
// (resource.Test skips them otherwise) and SENTRY_AUTH_TOKEN,
// SENTRY_TEST_ORGANIZATION and SENTRY_TEST_PROJECT set; SENTRY_BASE_URL
// picks a self-hosted Sentry or a region. They only read, so a token with
// project:read (and org:read for the organization-wide listing) is enough.

func liveTarget(t *testing.T) (org, project string) {
	t.Helper()
	for _, name := range []string{"TF_ACC", EnvAuthToken, "SENTRY_TEST_ORGANIZATION", "SENTRY_TEST_PROJECT"} {
		if os.Getenv(name) == "" {
			t.Skipf("live test: set TF_ACC, %s, SENTRY_TEST_ORGANIZATION and SENTRY_TEST_PROJECT to run it (%s is unset)", EnvAuthToken, name)
		}
	}
	return os.Getenv("SENTRY_TEST_ORGANIZATION"), os.Getenv("SENTRY_TEST_PROJECT")
}

var dsnRe = regexp.MustCompile(`^https?://[0-9a-f]{32}@[^/]+(/.*)?/\d+$`)

func TestAccLive_projectKeys(t *testing.T) {
	org, project := liveTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "sentry" {}

data "sentry_project_keys" "all" {
  organization = %[1]q
  project      = %[2]q
}

data "sentry_project_keys" "active" {
  organization = %[1]q
  project      = %[2]q
  status       = "active"
}
`, org, project),
			ConfigStateChecks: []statecheck.StateCheck{
				// Every project starts with a key; the live project must keep one.
				statecheck.ExpectKnownValue("data.sentry_project_keys.all", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("dsn").AtMapKey("public"), knownvalue.StringRegexp(dsnRe)),
				statecheck.ExpectSensitiveValue("data.sentry_project_keys.all", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("secret")),
				statecheck.ExpectSensitiveValue("data.sentry_project_keys.all", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("dsn").AtMapKey("secret")),
				statecheck.ExpectKnownValue("data.sentry_project_keys.active", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("is_active"), knownvalue.Bool(true)),
			},
		}},
	})
}

func TestAccLive_unknownProject(t *testing.T) {
	org, _ := liveTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "sentry" {}

data "sentry_project_keys" "missing" {
  organization = %q
  project      = "this-project-does-not-exist-0d2c"
}
`, org),
			ExpectError: errorRe("Sentry Object Not Found", "HTTP 404"),
		}},
	})
}
