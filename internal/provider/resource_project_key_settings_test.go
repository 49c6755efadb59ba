package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// TestAccProjectKeyResource_createOnlyDeactivated creates a key whose only
// argument is is_active = false: POST ignores isActive, so the PUT that
// follows it must deactivate the key, even with no loader setting asking
// for one.
func TestAccProjectKeyResource_createOnlyDeactivated(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + keyResource(`  is_active = false`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("is_active"), knownvalue.Bool(false)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				expectRequests(srv, http.MethodPut, 1),
				checkWriteBodies(srv),
				checkStoredKey(srv, func(k *sentrytest.Key) error {
					if k.Active() {
						return fmt.Errorf("the stored key is active")
					}
					return nil
				}),
			),
		}},
	})
}

// TestAccProjectKeyResource_createOneLoaderFlag creates a key that sets one
// loader flag: the PUT after the POST sends that flag alone, and the flags
// the configuration leaves out keep the project's defaults (replay and
// tracing on), which Sentry gave the new key.
func TestAccProjectKeyResource_createOneLoaderFlag(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + keyResource(`
  dynamic_sdk_loader_options = {
    has_debug = true
  }
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddress, tfjsonpath.New("dynamic_sdk_loader_options"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"has_replay": knownvalue.Bool(true), "has_performance": knownvalue.Bool(true), "has_debug": knownvalue.Bool(true),
					"has_feedback": knownvalue.Bool(false), "has_logs_and_metrics": knownvalue.Bool(false),
				})),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkStoredKey(srv, func(k *sentrytest.Key) error {
					want := sentrytest.LoaderOptions{HasReplay: true, HasPerformance: true, HasDebug: true}
					if k.Loader() != want {
						return fmt.Errorf("stored loader options %+v, want %+v", k.Loader(), want)
					}
					return nil
				}),
				func(*terraform.State) error {
					puts := writes(srv, http.MethodPut)
					if len(puts) != 1 {
						return fmt.Errorf("%d PUTs, want 1", len(puts))
					}
					fields, err := bodyFields(puts[0])
					if err != nil {
						return err
					}
					var loader map[string]bool
					if err := json.Unmarshal(fields["dynamicSdkLoaderOptions"], &loader); err != nil || len(loader) != 1 || !loader["hasDebug"] {
						return fmt.Errorf("the PUT sent dynamicSdkLoaderOptions %s, want only hasDebug = true", fields["dynamicSdkLoaderOptions"])
					}
					return nil
				},
			),
		}},
	})
}

// TestAccProjectKeyResource_refreshErrorsKeepTheKey refreshes a managed key
// while Sentry answers a 5xx, a 403 or nothing in time: each plan fails
// with Sentry's error, and once Sentry answers again the key is still the
// resource's, with nothing to create. A refresh that took a failure for a
// deleted key would plan a second key.
func TestAccProjectKeyResource_refreshErrorsKeepTheKey(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	config := providerBlock(srv, `max_retries = 0`, `request_timeout = "1s"`) + keyResource(`  name = "web"`)
	failing := func(expect string, fault func()) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				srv.ClearFaults()
				srv.SetLatency(0)
				fault()
			},
			Config:      config,
			PlanOnly:    true,
			ExpectError: errorRe(expect),
		}
	}
	forbidden := sentrytest.FaultResponse(http.StatusForbidden, http.Header{"Content-Type": {"application/json"}},
		[]byte(`{"detail": "You do not have permission to perform this action."}`))
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{Config: config, Check: checkKeyCount(srv, 1)},
			// The shared list fails, then the read by id: two faults.
			failing("Sentry Server Error", func() { srv.InjectFaults(sentrytest.FaultInternalError().ForPath(keysPath).Times(2)...) }),
			failing("Insufficient Sentry Permissions", func() { srv.InjectFaults(forbidden.ForPath(keysPath).Times(2)...) }),
			failing("Sentry Request Timed Out", func() { srv.SetLatency(1500 * time.Millisecond) }),
			{
				PreConfig: func() {
					srv.ClearFaults()
					srv.SetLatency(0)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkKeyCount(srv, 1), expectRequests(srv, http.MethodPost, 1)),
			},
		},
	})
}

// TestAccProjectKeyResource_labelFollowsNameInThePlan renames a key: the
// plan shows the new label, which Sentry keeps equal to the name, so that
// what reads the label sees it before the apply.
func TestAccProjectKeyResource_labelFollowsNameInThePlan(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{Config: providerBlock(srv) + keyResource(`  name = "before"`)},
			{
				Config: providerBlock(srv) + keyResource(`  name = "after"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(keyAddress, tfjsonpath.New("label"), knownvalue.StringExact("after")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
