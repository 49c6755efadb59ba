package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

const keyAddress = "sentry_project_key.test"

// keyResource is a sentry_project_key named test in acme/web with body as
// its further arguments.
func keyResource(body string) string {
	return fmt.Sprintf(`
resource "sentry_project_key" "test" {
  organization = "acme"
  project      = "web"
%s
}
`, body)
}

// stateKeyID returns the id in the state of the resource at address.
func stateKeyID(s *terraform.State, address string) (string, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return "", fmt.Errorf("%s is not in the state", address)
	}
	return rs.Primary.Attributes["id"], nil
}

// checkStoredKey runs check on the key the fake stores for
// sentry_project_key.test: what Sentry kept, independently of what the
// provider says.
func checkStoredKey(srv *sentrytest.Server, check func(k *sentrytest.Key) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := stateKeyID(s, keyAddress)
		if err != nil {
			return err
		}
		k := srv.Project().Key(id)
		if k == nil {
			return fmt.Errorf("the fake has no key %s", id)
		}
		return check(k)
	}
}

// checkKeyCount fails unless the project holds n keys.
func checkKeyCount(srv *sentrytest.Server, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(srv.Project().ListedKeys()); got != n {
			return fmt.Errorf("the project has %d keys, want %d", got, n)
		}
		return nil
	}
}

// writes returns the fake's logged requests with the method.
func writes(srv *sentrytest.Server, method string) []sentrytest.Request {
	var out []sentrytest.Request
	for _, r := range srv.Requests() {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// bodyFields decodes a request body into its top-level fields.
func bodyFields(r sentrytest.Request) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &fields); err != nil {
		return nil, fmt.Errorf("%s %s body %q: %w", r.Method, r.Path, r.Body, err)
	}
	return fields, nil
}

// checkWriteBodies holds every write to Sentry's rules: a POST carries only
// what POST honours and a public key of its own, and every PUT carries browserSdkVersion, since Sentry
// resets it when a PUT leaves it out.
func checkWriteBodies(srv *sentrytest.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range writes(srv, http.MethodPost) {
			fields, err := bodyFields(r)
			if err != nil {
				return err
			}
			for name, value := range fields {
				switch {
				case name == "public":
					// The create's own public key, to read it back after a failure.
					if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).Match(value) {
						return fmt.Errorf("a POST sent public = %s, not 32 lowercase hexadecimal characters", value)
					}
				case name != "name" && name != "rateLimit":
					return fmt.Errorf("a POST sent %s, which Sentry ignores on create: %s", name, r.Body)
				}
			}
		}
		for _, r := range writes(srv, http.MethodPut) {
			fields, err := bodyFields(r)
			if err != nil {
				return err
			}
			for _, name := range []string{"browserSdkVersion", "isActive", "rateLimit", "name"} {
				if _, ok := fields[name]; !ok {
					return fmt.Errorf("a PUT did not send %s (every update sends the whole desired state): %s", name, r.Body)
				}
			}
		}
		return nil
	}
}

// expectRequests fails unless the fake saw exactly n requests with method.
func expectRequests(srv *sentrytest.Server, method string, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(writes(srv, method)); got != n {
			return fmt.Errorf("%d %s requests, want %d", got, method, n)
		}
		return nil
	}
}

// checkKeyGone is a CheckDestroy: the fake must not hold the key any more.
func checkKeyGone(srv *sentrytest.Server) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for address, rs := range s.RootModule().Resources {
			if rs.Type != "sentry_project_key" || strings.HasPrefix(address, "data.") {
				continue
			}
			if k := srv.Project().Key(rs.Primary.Attributes["id"]); k != nil {
				return fmt.Errorf("key %s still exists after destroy", rs.Primary.Attributes["id"])
			}
		}
		return nil
	}
}

func TestAccProjectKeyResource_leastArguments(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	srv.Project().SetDefaultLoaderVersion("9.x")

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + keyResource(""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("id"), knownvalue.StringRegexp(keyIDPattern)),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("name"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Z][a-z]+ [A-Z][a-z]+$`))),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("is_active"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("rate_limit"), knownvalue.Null()),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("browser_sdk_version"), knownvalue.StringExact("9.x")),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("dynamic_sdk_loader_options"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"has_replay": knownvalue.Bool(true), "has_performance": knownvalue.Bool(true), "has_debug": knownvalue.Bool(false),
					"has_feedback": knownvalue.Bool(false), "has_logs_and_metrics": knownvalue.Bool(false),
				})),
				statecheck.ExpectSensitiveValue(keyAddress, tfjsonpath.New("secret")),
				statecheck.ExpectSensitiveValue(keyAddress, tfjsonpath.New("dsn").AtMapKey("secret")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkKeyCount(srv, 1),
				expectRequests(srv, http.MethodPost, 1),
				// Nothing POST ignores was configured: no PUT.
				expectRequests(srv, http.MethodPut, 0),
				checkWriteBodies(srv),
				checkStoredKey(srv, func(k *sentrytest.Key) error {
					if !k.Active() || k.BrowserSDKVersion() != "9.x" {
						return fmt.Errorf("stored key: active %t, browser SDK %q", k.Active(), k.BrowserSDKVersion())
					}
					return nil
				}),
				// The state is Sentry's answer, key by key.
				func(s *terraform.State) error {
					id, _ := stateKeyID(s, keyAddress)
					return checkStateMatchesAPI(s, keyAddress, srv.Project().Key(id).JSON())
				},
			),
		}},
	})
}

// checkStateMatchesAPI compares the flat state of a key with what the API
// sends for it.
func checkStateMatchesAPI(s *terraform.State, address string, k map[string]any) error {
	attrs := s.RootModule().Resources[address].Primary.Attributes
	for attr, field := range map[string]string{"id": "id", "name": "name", "label": "label", "public": "public", "secret": "secret",
		"browser_sdk_version": "browserSdkVersion", "date_created": "dateCreated"} {
		if attrs[attr] != fmt.Sprint(k[field]) {
			return fmt.Errorf("%s = %q in state, %q from the API", attr, attrs[attr], k[field])
		}
	}
	dsn, _ := k["dsn"].(map[string]any)
	for _, name := range dsnNames {
		if attrs["dsn."+name] != fmt.Sprint(dsn[name]) {
			return fmt.Errorf("dsn.%s = %q in state, %q from the API", name, attrs["dsn."+name], dsn[name])
		}
	}
	return nil
}

func TestAccProjectKeyResource_everyArgument(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + keyResource(`
  name      = "web (prod)"
  is_active = false
  rate_limit = {
    window = 3600
    count  = 1000
  }
  browser_sdk_version = "8.x"
  dynamic_sdk_loader_options = {
    has_replay           = false
    has_performance      = false
    has_debug            = true
    has_feedback         = true
    has_logs_and_metrics = true
  }
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("name"), knownvalue.StringExact("web (prod)")),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("label"), knownvalue.StringExact("web (prod)")),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("is_active"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("rate_limit"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"window": knownvalue.Int64Exact(3600), "count": knownvalue.Int64Exact(1000),
				})),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("browser_sdk_version"), knownvalue.StringExact("8.x")),
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("dynamic_sdk_loader_options"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"has_replay": knownvalue.Bool(false), "has_performance": knownvalue.Bool(false), "has_debug": knownvalue.Bool(true),
					"has_feedback": knownvalue.Bool(true), "has_logs_and_metrics": knownvalue.Bool(true),
				})),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkKeyCount(srv, 1),
				// POST for the name and rate limit, one PUT for the rest.
				expectRequests(srv, http.MethodPost, 1),
				expectRequests(srv, http.MethodPut, 1),
				checkWriteBodies(srv),
				checkStoredKey(srv, func(k *sentrytest.Key) error {
					window, count := k.RateLimit()
					want := sentrytest.LoaderOptions{HasDebug: true, HasFeedback: true, HasLogsAndMetrics: true}
					if k.Name() != "web (prod)" || k.Active() || window != 3600 || count != 1000 || k.BrowserSDKVersion() != "8.x" || k.Loader() != want {
						return fmt.Errorf("stored key: %q active %t rate %d/%d sdk %q loader %+v", k.Name(), k.Active(), count, window, k.BrowserSDKVersion(), k.Loader())
					}
					return nil
				}),
			),
		}},
	})
}

// TestAccProjectKeyResource_updates walks a key through every in-place
// update, each followed by an empty plan. A consumer of the DSN must not be
// planned to change, and a rename must keep a browser_sdk_version that
// differs from the project's default.
func TestAccProjectKeyResource_updates(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	consumer := `
resource "terraform_data" "consumer" {
  input = sentry_project_key.test.dsn.public
}
`
	step := func(body string, check func(k *sentrytest.Key) error) resource.TestStep {
		return resource.TestStep{
			Config: providerBlock(srv) + keyResource(body) + consumer,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(keyAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("terraform_data.consumer", plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(keyAddress, tfjsonpath.New("dsn").AtMapKey("public"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(keyAddress, tfjsonpath.New("id"), knownvalue.StringRegexp(keyIDPattern)),
					plancheck.ExpectKnownValue(keyAddress, tfjsonpath.New("date_created"), knownvalue.NotNull()),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(checkStoredKey(srv, check), checkWriteBodies(srv), checkKeyCount(srv, 1)),
		}
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + keyResource(`
  name                = "web"
  browser_sdk_version = "7.x"
`) + consumer,
				Check: checkStoredKey(srv, func(k *sentrytest.Key) error {
					if k.BrowserSDKVersion() != "7.x" {
						return fmt.Errorf("browser SDK %q", k.BrowserSDKVersion())
					}
					return nil
				}),
			},
			// A rename sends the version too: Sentry would reset it to the
			// project's default (10.x) otherwise.
			step(`
  name                = "web (renamed)"
  browser_sdk_version = "7.x"
`, func(k *sentrytest.Key) error {
				if k.Name() != "web (renamed)" || k.BrowserSDKVersion() != "7.x" {
					return fmt.Errorf("after the rename: %q, browser SDK %q", k.Name(), k.BrowserSDKVersion())
				}
				return nil
			}),
			// The same when browser_sdk_version is not in the configuration
			// at all: the version in state is kept.
			step(`
  name = "web (again)"
`, func(k *sentrytest.Key) error {
				if k.Name() != "web (again)" || k.BrowserSDKVersion() != "7.x" {
					return fmt.Errorf("after the second rename: %q, browser SDK %q", k.Name(), k.BrowserSDKVersion())
				}
				return nil
			}),
			step(`
  name      = "web (again)"
  is_active = false
`, func(k *sentrytest.Key) error {
				if k.Active() {
					return fmt.Errorf("the key is still active")
				}
				return nil
			}),
			step(`
  name      = "web (again)"
  is_active = false
  rate_limit = {
    window = 60
    count  = 100
  }
`, func(k *sentrytest.Key) error {
				if w, c := k.RateLimit(); w != 60 || c != 100 {
					return fmt.Errorf("rate limit %d per %d s", c, w)
				}
				return nil
			}),
			step(`
  name      = "web (again)"
  is_active = false
  rate_limit = {
    window = 86400
    count  = 5
  }
  browser_sdk_version = "10.x"
  dynamic_sdk_loader_options = {
    has_feedback = true
  }
`, func(k *sentrytest.Key) error {
				want := sentrytest.LoaderOptions{HasReplay: true, HasPerformance: true, HasFeedback: true}
				if w, c := k.RateLimit(); w != 86400 || c != 5 || k.BrowserSDKVersion() != "10.x" || k.Loader() != want {
					return fmt.Errorf("rate limit %d per %d s, browser SDK %q, loader %+v", c, w, k.BrowserSDKVersion(), k.Loader())
				}
				return nil
			}),
			// Removing rate_limit clears Sentry's limit; removing the
			// loader options keeps Sentry's values.
			step(`
  name = "web (again)"
`, func(k *sentrytest.Key) error {
				want := sentrytest.LoaderOptions{HasReplay: true, HasPerformance: true, HasFeedback: true}
				if w, c := k.RateLimit(); w != 0 || c != 0 || !k.Active() || k.Loader() != want || k.BrowserSDKVersion() != "10.x" {
					return fmt.Errorf("rate limit %d per %d s, active %t, loader %+v, browser SDK %q", c, w, k.Active(), k.Loader(), k.BrowserSDKVersion())
				}
				return nil
			}),
		},
	})
}

// TestAccProjectKeyResource_rateLimitFeatureOff configures a rate limit on
// a project whose plan has no per-key rate limits: Sentry drops it without
// an error, and the provider says so on the attribute instead of letting
// Terraform report an inconsistent result. The key stays in the state.
func TestAccProjectKeyResource_rateLimitFeatureOff(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	srv.Project().SetRateLimitFeature(false)

	limited := providerBlock(srv) + keyResource(`
  name = "limited"
  rate_limit = {
    window = 60
    count  = 10
  }
`)
	unlimited := providerBlock(srv) + keyResource(`
  name = "limited"
`)
	notKept := errorRe("Sentry Did Not Keep The Configured Value", "rate_limit = { count = 10, window = 60 }",
		"Sentry kept null", "per-key rate limits")

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{Config: limited, ExpectError: notKept},
			{
				// The key was kept in the state (tainted): without the rate
				// limit the next apply replaces it, and no key is left over.
				Config: unlimited,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddress, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: checkKeyCount(srv, 1),
			},
			// The same on an update, where every planned value is known.
			{Config: limited, ExpectError: notKept},
			{
				// An update that fails this way leaves the key as Sentry has
				// it, not tainted: without the rate limit, nothing to do.
				Config: unlimited,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkKeyCount(srv, 1),
			},
		},
	})
}

// TestAccProjectKeyResource_validation sends no request for what Sentry
// would reject or rewrite.
func TestAccProjectKeyResource_validation(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	cases := map[string]struct {
		body string
		want *regexp.Regexp
	}{
		"empty name":            {`name = ""`, errorRe("Invalid Attribute Value Length", "name", "between 1 and 64")},
		"name with edge spaces": {`name = " web "`, errorRe("Invalid Attribute Value", "name", "white space", `"web"`)},
		"name too long":         {`name = "` + strings.Repeat("x", 65) + `"`, errorRe("Invalid Attribute Value Length", "name", "between 1 and 64")},
		"zero window":           {"rate_limit = {\n window = 0\n count = 1\n}", errorRe("Invalid Attribute Value", "rate_limit.window", "between 1 and 86400")},
		"window over a day":     {"rate_limit = {\n window = 86401\n count = 1\n}", errorRe("Invalid Attribute Value", "rate_limit.window", "between 1 and 86400")},
		"zero count":            {"rate_limit = {\n window = 60\n count = 0\n}", errorRe("Invalid Attribute Value", "rate_limit.count", "between 1 and")},
		"half a rate limit":     {"rate_limit = {\n window = 60\n}", errorRe("Incorrect attribute value type", "count", "required")},
		"empty browser sdk":     {`browser_sdk_version = ""`, errorRe("Invalid Attribute Value Length", "browser_sdk_version")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv.ResetRequests()
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: providerBlock(srv) + keyResource(tc.body), ExpectError: tc.want}},
			})
			if n := len(srv.Requests()); n != 0 {
				t.Fatalf("%d requests were sent for a configuration that fails validation", n)
			}
		})
	}
	t.Run("empty project", func(t *testing.T) {
		srv.ResetRequests()
		resource.UnitTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      providerBlock(srv) + `resource "sentry_project_key" "test" {` + "\n organization = \"acme\"\n project = \"\"\n}\n",
				ExpectError: errorRe("Empty Sentry Identifier", "project"),
			}},
		})
		if n := len(srv.Requests()); n != 0 {
			t.Fatalf("%d requests were sent", n)
		}
	})
}

func TestAccProjectKeyResource_drift(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	config := providerBlock(srv) + keyResource(`  name = "drift"`)
	var first string

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					var err error
					first, err = stateKeyID(s, keyAddress)
					return err
				},
			},
			{
				// Changed outside Terraform: an in-place update back.
				PreConfig: func() {
					k := srv.Project().Key(first)
					k.SetLabel("renamed in Sentry")
					k.SetActive(false)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(keyAddress, tfjsonpath.New("name"), knownvalue.StringExact("drift")),
						plancheck.ExpectKnownValue(keyAddress, tfjsonpath.New("is_active"), knownvalue.Bool(true)),
					},
				},
				Check: checkStoredKey(srv, func(k *sentrytest.Key) error {
					if k.Name() != "drift" || !k.Active() {
						return fmt.Errorf("after the update: %q active %t", k.Name(), k.Active())
					}
					return nil
				}),
			},
			{
				// Deleted outside Terraform: the refresh drops it and the
				// plan creates a new key.
				PreConfig: func() { srv.Project().Key(first).Delete() },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddress, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkKeyCount(srv, 1),
					func(s *terraform.State) error {
						if id, _ := stateKeyID(s, keyAddress); id == first {
							return fmt.Errorf("the deleted key %s is still in the state", id)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccProjectKeyResource_import(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	existing := srv.AddKey(sentrytest.KeySpec{Label: "imported", RateLimitWindow: 60, RateLimitCount: 5, BrowserSDKVersion: "8.x"})

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + keyResource(`
  name = "managed"
`),
			},
			{
				ResourceName:                         keyAddress,
				ImportState:                          true,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					id, err := stateKeyID(s, keyAddress)
					return "acme/web/" + id, err
				},
			},
			{
				// An import block adopts a key made outside Terraform, and
				// the configuration that matches it plans clean.
				Config: providerBlock(srv) + keyResource(`
  name = "managed"
`) + fmt.Sprintf(`
import {
  to = sentry_project_key.adopted
  id = "acme/web/%s"
}

resource "sentry_project_key" "adopted" {
  organization        = "acme"
  project             = "web"
  name                = "imported"
  browser_sdk_version = "8.x"
  rate_limit = {
    window = 60
    count  = 5
  }
}
`, existing.ID()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("sentry_project_key.adopted", plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("sentry_project_key.adopted", tfjsonpath.New("id"), knownvalue.StringExact(existing.ID())),
				},
				Check: checkKeyCount(srv, 2),
			},
			{
				// A key id alone is not enough. (The step keeps the prior
				// configuration, whose provider source the harness wrote:
				// OpenTofu needs it.)
				ResourceName:  keyAddress,
				ImportState:   true,
				ImportStateId: existing.ID(),
				ExpectError:   errorRe("Invalid Import ID", "organization/project/key_id", "acme/web/0123456789abcdef0123456789abcdef"),
			},
		},
	})
}

func TestAccProjectKeyResource_destroy(t *testing.T) {
	isolateEnv(t)
	t.Run("deleted outside Terraform", func(t *testing.T) {
		// The destroy's refresh finds the key gone: nothing is left to do.
		srv := newFake(t, sentrytest.Config{})
		var id string
		resource.UnitTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkKeyGone(srv),
			Steps: []resource.TestStep{
				{
					Config: providerBlock(srv) + keyResource(""),
					Check: func(s *terraform.State) error {
						var err error
						id, err = stateKeyID(s, keyAddress)
						return err
					},
				},
				{
					PreConfig: func() { srv.Project().Key(id).Delete() },
					Config:    providerBlock(srv) + keyResource(""),
					Destroy:   true,
				},
			},
		})
		if n := len(writes(srv, http.MethodDelete)); n != 0 {
			t.Fatalf("%d DELETEs for a key already gone", n)
		}
	})

	t.Run("gone between refresh and delete", func(t *testing.T) {
		// The DELETE answers Sentry's 404: the key is gone, which is what
		// the destroy wanted.
		srv := newFake(t, sentrytest.Config{})
		resource.UnitTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: providerBlock(srv) + keyResource("")},
				{
					PreConfig: func() {
						srv.InjectFaults(sentrytest.FaultResponse(http.StatusNotFound, http.Header{"Content-Type": {"application/json"}},
							[]byte(`{"detail": "The requested resource does not exist"}`)).ForMethod(http.MethodDelete))
					},
					Config:  providerBlock(srv) + keyResource(""),
					Destroy: true,
				},
			},
		})
		if n := len(writes(srv, http.MethodDelete)); n != 1 || srv.PendingFaults() != 0 {
			t.Fatalf("%d DELETEs, %d faults left; want the one DELETE answered 404", n, srv.PendingFaults())
		}
	})

	t.Run("token without project:admin", func(t *testing.T) {
		srv := newFake(t, sentrytest.Config{})
		srv.AddToken(sentrytest.TokenSpec{Token: "writer", Scopes: []string{"project:read", "project:write"}, Role: sentrytest.RoleAdmin, Teams: []string{"acme"}})
		writer := fmt.Sprintf("provider \"sentry\" {\n  base_url = %q\n  token = \"writer\"\n}\n", srv.URL)
		resource.UnitTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             checkKeyGone(srv),
			Steps: []resource.TestStep{
				{Config: writer + keyResource(`  name = "kept"`), Check: checkKeyCount(srv, 1)},
				{
					Config:      writer,
					ExpectError: errorRe("Insufficient Sentry Permissions", "deleting client key", "HTTP 403", "project:admin"),
				},
				// With an owner's token the destroy at the end succeeds.
				{Config: providerBlock(srv) + keyResource(`  name = "kept"`)},
			},
		})
	})
}

func TestAccProjectKeyResource_createFaults(t *testing.T) {
	isolateEnv(t)
	cases := map[string]sentrytest.Fault{
		// Sentry did not process a 429: the POST is retried.
		"rate limited":                 sentrytest.FaultRateLimited(),
		"created, then a 502":          sentrytest.FaultProcessedThenBadGateway(),
		"created, then the connection": sentrytest.FaultProcessedThenDropped(),
	}
	for name, fault := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newFake(t, sentrytest.Config{})
			srv.AddKeys(3)
			srv.InjectFaults(fault.ForMethod(http.MethodPost))
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkKeyGone(srv),
				Steps: []resource.TestStep{{
					Config: providerBlock(srv) + keyResource(`  name = "exactly one"`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					// One key for the resource, next to the three others.
					Check: resource.ComposeAggregateTestCheckFunc(
						checkKeyCount(srv, 4),
						checkStoredKey(srv, func(k *sentrytest.Key) error {
							if k.Name() != "exactly one" {
								return fmt.Errorf("the state holds key %q", k.Name())
							}
							return nil
						}),
						func(*terraform.State) error {
							if srv.PendingFaults() != 0 {
								return fmt.Errorf("the fault was not served")
							}
							return nil
						},
					),
				}},
			})
		})
	}
}

// TestSweepKeysDeletesOnlyTestKeys runs the sweeper's work against the fake:
// it deletes the keys live tests leave behind, and nothing else.
func TestSweepKeysDeletesOnlyTestKeys(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	keep := []*sentrytest.Key{
		srv.AddKey(sentrytest.KeySpec{Label: "Default"}),
		srv.AddKey(sentrytest.KeySpec{Label: "tf-acc"}),
		srv.AddKey(sentrytest.KeySpec{Label: "prod tf-acc-x"}),
	}
	var gone []*sentrytest.Key
	for i := range 120 {
		gone = append(gone, srv.AddKey(sentrytest.KeySpec{Label: fmt.Sprintf("%s%03d", liveKeyPrefix, i)}))
	}
	c, err := sentry.New(sentry.Config{BaseURL: srv.URL, Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	if err := sweepKeys(context.Background(), c, "acme", "web"); err != nil {
		t.Fatal(err)
	}
	for _, k := range keep {
		if srv.Project().Key(k.ID()) == nil {
			t.Errorf("the sweeper deleted %q", k.Name())
		}
	}
	for _, k := range gone {
		if srv.Project().Key(k.ID()) != nil {
			t.Errorf("the sweeper left %q", k.Name())
		}
	}
}

// TestAccProjectKeyResource_createSettingsRejected creates a key whose
// settings Sentry then refuses: Sentry's field error lands on the
// attribute, the key stays in the state (tainted), and fixing the
// configuration replaces it without leaving a key behind.
func TestAccProjectKeyResource_createSettingsRejected(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + keyResource(`
  name                = "web"
  browser_sdk_version = "11.x"
`),
				ExpectError: errorRe("Sentry Rejected The Value", "browser_sdk_version", `"11.x\" is not a valid choice`, "untaint"),
				Check:       checkKeyCount(srv, 1),
			},
			{
				Config: providerBlock(srv) + keyResource(`
  name                = "web"
  browser_sdk_version = "9.x"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddress, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkKeyCount(srv, 1),
					checkStoredKey(srv, func(k *sentrytest.Key) error {
						if k.BrowserSDKVersion() != "9.x" {
							return fmt.Errorf("browser SDK %q", k.BrowserSDKVersion())
						}
						return nil
					}),
				),
			},
		},
	})
}
