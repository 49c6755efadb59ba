package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// Every create sends a public key of its own, so that after a failure that
// may have reached Sentry the provider reads back exactly that key: there,
// the create is done; not there, the same create is sent again. These tests
// hold the resource to that through Terraform.

// keyNames checks the names of the project's keys, and that every key in
// the state is a key of its own in the project. It reads Terraform's JSON
// state, which holds for_each instances.
type keyNames struct {
	srv  *sentrytest.Server
	want map[string]int
}

func (c keyNames) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check(req.State)
}

func (c keyNames) check(state *tfjson.State) error {
	got := map[string]int{}
	for _, k := range c.srv.Project().ListedKeys() {
		got[k.Name()]++
	}
	if fmt.Sprint(got) != fmt.Sprint(c.want) {
		return fmt.Errorf("the project's keys by name: %v, want %v", got, c.want)
	}
	if state == nil || state.Values == nil {
		return nil
	}
	held := map[string]string{}
	for _, r := range state.Values.RootModule.Resources {
		if r.Type != "sentry_project_key" || r.Mode != tfjson.ManagedResourceMode {
			continue
		}
		id, _ := r.AttributeValues["id"].(string)
		if other, dup := held[id]; dup || c.srv.Project().Key(id) == nil {
			return fmt.Errorf("%s holds key %q, which %s holds too or the project lacks", r.Address, id, other)
		}
		held[id] = r.Address
	}
	return nil
}

// TestAccProjectKeyResource_createsThroughFaults creates 30 keys with a
// for_each while a third of the creates meet a 502 after Sentry made the key
// and another third a 429: one apply, no error, exactly 30 keys, the plan
// after it empty. (Terraform runs here directly: the testing library's
// legacy state cannot hold for_each instances.)
func TestAccProjectKeyResource_createsThroughFaults(t *testing.T) {
	isolateEnv(t)
	quietLogs(t)
	srv := newFake(t, sentrytest.Config{})
	for range 10 {
		srv.InjectFaults(sentrytest.FaultProcessedThenBadGateway().ForMethod(http.MethodPost), sentrytest.FaultRateLimited().ForMethod(http.MethodPost))
	}
	want := map[string]int{}
	for i := range 30 {
		want[fmt.Sprintf("tenant-%02d", i)] = 1
	}
	_, run := terraformDir(t, requiredProviders+providerBlock(srv)+`
resource "sentry_project_key" "tenant" {
  for_each     = toset([for i in range(30) : format("tenant-%02d", i)])
  organization = "acme"
  project      = "web"
  name         = each.key
}
`, serveForCLI(t, newProviderServer()))
	ctx := context.Background()
	if out, err := run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil || strings.Contains(string(out), "Warning") {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	if n := srv.PendingFaults(); n != 0 {
		t.Errorf("%d faults were not served", n)
	}
	out, err := run(ctx, "show", "-json")
	var state tfjson.State
	if err != nil || json.Unmarshal(out, &state) != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	if err := (keyNames{srv, want}).check(&state); err != nil {
		t.Fatal(err)
	}
	if out, err := run(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the plan after the apply is not empty: %v\n%s", err, out)
	}
}

// TestAccProjectKeyResource_sameNameAmbiguousCreates creates two keys of the
// same name at once, both meeting a 502 after Sentry made them: each
// resource ends with its own key.
func TestAccProjectKeyResource_sameNameAmbiguousCreates(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	srv.InjectFaults(sentrytest.FaultProcessedThenBadGateway().ForMethod(http.MethodPost).Times(2)...)
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
resource "sentry_project_key" "a" {
  organization = "acme"
  project      = "web"
  name         = "twin"
}

resource "sentry_project_key" "b" {
  organization = "acme"
  project      = "web"
  name         = "twin"
}
`,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{keyNames{srv, map[string]int{"twin": 2}}},
		}},
	})
}

// TestAccProjectKeyResource_neverAdoptsAnotherKey drops a create before it
// reaches Sentry while someone else creates a key of the same name: the
// provider reads back its own public key, finds nothing, creates its key
// again, and leaves the other one alone.
func TestAccProjectKeyResource_neverAdoptsAnotherKey(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	var other *sentrytest.Key
	srv.InjectFaults(sentrytest.FaultDropped().ForMethod(http.MethodPost).Do(func() {
		other = srv.AddKey(sentrytest.KeySpec{Label: "solo"})
	}))
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + keyResource(`  name = "solo"`),
			ConfigStateChecks: []statecheck.StateCheck{keyNames{srv, map[string]int{"solo": 2}}},
			Check: func(s *terraform.State) error {
				if id, _ := stateKeyID(s, keyAddress); other == nil || id == other.ID() {
					return fmt.Errorf("the resource holds the key someone else created (%v)", other)
				}
				return nil
			},
		}},
		// The other key survives the destroy.
		CheckDestroy: func(*terraform.State) error {
			if srv.Project().Key(other.ID()) == nil {
				return fmt.Errorf("the destroy deleted someone else's key")
			}
			return keyNames{srv, map[string]int{"solo": 1}}.check(nil)
		},
	})
}

// TestAccProjectKeyResource_serverIgnoringPublic creates keys on a server
// that ignores the public key a create sends. The first create's answer
// shows it; a later create that meets a 502 after the server made its key
// can then not be read back, so it is neither sent again nor adopted: the
// apply fails and lists the keys of that name.
func TestAccProjectKeyResource_serverIgnoringPublic(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{IgnoreKeyMaterial: true})
	srv.InjectFaults(sentrytest.Fault{}.ForMethod(http.MethodPost), sentrytest.FaultProcessedThenBadGateway().ForMethod(http.MethodPost))
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + keyResource(`  name = "first"`) + `
resource "sentry_project_key" "second" {
  organization = "acme"
  project      = "web"
  name         = "second"
  depends_on   = [sentry_project_key.test]
}
`,
			ExpectError: errorRe("Sentry Client Key May Have Been Created", "ignores the public key", `keys named "second"`),
		}},
	})
	// After the destroy of what the state holds: the key the failed create
	// made, neither sent twice nor adopted.
	if err := (keyNames{srv, map[string]int{"second": 1}}).check(nil); err != nil {
		t.Fatal(err)
	}
}
