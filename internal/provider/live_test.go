package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// Live tests read a real Sentry organization. They only run with TF_ACC=1
// (resource.Test skips them otherwise) and SENTRY_AUTH_TOKEN,
// SENTRY_TEST_ORGANIZATION and SENTRY_TEST_PROJECT set; SENTRY_BASE_URL
// picks a self-hosted Sentry or a region. The reads need a token with
// project:read (and org:read for the organization-wide listing); the
// lifecycle test also creates, changes and deletes a key named tf-acc-…,
// which needs project:write and project:admin.

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

// liveKeyPrefix starts the name of every key the live tests create, so that
// the sweeper can find and delete what a failed run left behind.
const liveKeyPrefix = "tf-acc-"

// TestAccLive_projectKeyLifecycle creates, updates, imports and destroys a
// key in the live test project. It needs a token with project:write and
// project:admin (for the delete).
func TestAccLive_projectKeyLifecycle(t *testing.T) {
	org, project := liveTarget(t)
	name := liveKeyPrefix + acctest.RandString(8)
	config := func(body string) string {
		return fmt.Sprintf(`
provider "sentry" {}

resource "sentry_project_key" "live" {
  organization = %q
  project      = %q
  name         = %q
%s
}
`, org, project, name, body)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			keys, err := liveClient(t).ListProjectKeys(context.Background(), org, project, sentry.KeyStatusAll)
			if err != nil {
				return err
			}
			for _, k := range keys {
				if k.Name == name {
					return fmt.Errorf("key %s (%s) is still in %s/%s", k.ID, name, org, project)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("sentry_project_key.live", tfjsonpath.New("dsn").AtMapKey("public"), knownvalue.StringRegexp(dsnRe)),
					statecheck.ExpectSensitiveValue("sentry_project_key.live", tfjsonpath.New("dsn").AtMapKey("secret")),
				},
			},
			{
				Config: config(`
  is_active = false
  dynamic_sdk_loader_options = {
    has_debug = true
  }
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("sentry_project_key.live", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:                         "sentry_project_key.live",
				ImportState:                          true,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					id, err := stateKeyID(s, "sentry_project_key.live")
					return org + "/" + project + "/" + id, err
				},
			},
		},
	})
}

// liveClient is a client for the live organization, from the environment.
func liveClient(t testing.TB) *sentry.Client {
	t.Helper()
	c, err := sentry.New(sentry.Config{BaseURL: os.Getenv(EnvBaseURL), Token: os.Getenv(EnvAuthToken), UserAgent: "terraform-provider-sentry/test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func init() {
	// make sweep (go test -sweep) deletes the keys a failed live run left
	// in the live test project: every key whose name starts with tf-acc-.
	resource.AddTestSweepers("sentry_project_key", &resource.Sweeper{
		Name: "sentry_project_key",
		F: func(string) error {
			org, project := os.Getenv("SENTRY_TEST_ORGANIZATION"), os.Getenv("SENTRY_TEST_PROJECT")
			if org == "" || project == "" || os.Getenv(EnvAuthToken) == "" {
				return fmt.Errorf("the sweeper needs %s, SENTRY_TEST_ORGANIZATION and SENTRY_TEST_PROJECT", EnvAuthToken)
			}
			c, err := sentry.New(sentry.Config{BaseURL: os.Getenv(EnvBaseURL), Token: os.Getenv(EnvAuthToken), UserAgent: "terraform-provider-sentry/sweeper"})
			if err != nil {
				return err
			}
			return sweepKeys(context.Background(), c, org, project)
		},
	})
}

// sweepKeys deletes the keys of a project whose name starts with
// liveKeyPrefix, and only those.
func sweepKeys(ctx context.Context, c *sentry.Client, org, project string) error {
	keys, err := c.ListProjectKeys(ctx, org, project, sentry.KeyStatusAll)
	if err != nil {
		return err
	}
	var errs []error
	for _, k := range keys {
		if !strings.HasPrefix(k.Name, liveKeyPrefix) {
			continue
		}
		if err := c.DeleteProjectKey(ctx, org, project, k.ID); err != nil {
			errs = append(errs, fmt.Errorf("key %s (%s): %w", k.ID, k.Name, err))
		}
	}
	return errors.Join(errs...)
}

func TestMain(m *testing.M) {
	resource.TestMain(m)
}
