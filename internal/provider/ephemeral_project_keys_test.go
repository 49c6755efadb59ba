package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// withEcho adds the test harness's echo provider, which copies its
// configuration (where ephemeral values may go) into an echo resource's state.
var withEcho = map[string]func() (tfprotov6.ProviderServer, error){
	"sentry": testAccProtoV6ProviderFactories["sentry"],
	"echo":   echoprovider.NewProviderServer(),
}

// stateLacks fails when any of the strings appears anywhere in the state,
// values, sensitive or not, included.
type stateLacks []string

func (s stateLacks) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	b, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	for _, secret := range s {
		if strings.Contains(string(b), secret) {
			resp.Error = fmt.Errorf("the state contains %q", secret)
			return
		}
	}
}

// stateHas fails unless every string appears in the state: the control that
// shows stateLacks can see what it looks for.
type stateHas []string

func (s stateHas) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	b, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	for _, v := range s {
		if !strings.Contains(string(b), v) {
			resp.Error = fmt.Errorf("the state does not contain %q", v)
			return
		}
	}
}

func keySecrets(t testing.TB, k *sentrytest.Key) []string {
	t.Helper()
	return []string{k.Secret(), dsnOf(t, k, "secret")}
}

func TestAccEphemeralProjectKeys_secretsStayOutOfState(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(130)
	var secrets []string
	for _, k := range keys {
		secrets = append(secrets, keySecrets(t, k)...)
	}
	dflt := keys[0]
	publicDSN := dsnOf(t, dflt, "public")

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsEphemeral},
		ProtoV6ProviderFactories: withEcho,
		Steps: []resource.TestStep{
			{
				// The whole result, secrets included, flows into another
				// provider's configuration; only what the echo resource is
				// given (the public DSN and the key count) is stored.
				Config: providerBlock(srv) + `
ephemeral "sentry_project_keys" "web" {
  organization = "acme"
  project      = "web"
}

provider "echo" {
  data = {
    dsn     = one([for k in ephemeral.sentry_project_keys.web.keys : k.dsn.public if k.name == "Default"])
    count   = length(ephemeral.sentry_project_keys.web.keys)
    secrets = length([for k in ephemeral.sentry_project_keys.web.keys : k.dsn.secret if k.secret != ""])
  }
}

resource "echo" "consumer" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.consumer", tfjsonpath.New("data"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"dsn":     knownvalue.StringExact(publicDSN),
						"count":   knownvalue.Int64Exact(130),
						"secrets": knownvalue.Int64Exact(130),
					})),
					stateLacks(secrets),
				},
				Check: checkReads(srv, 2, nil),
			},
			{
				// The control: the data source does store the secrets,
				// so stateLacks above could have failed.
				Config: providerBlock(srv) + projectKeysConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					stateHas(keySecrets(t, dflt)),
				},
			},
		},
	})
}

func TestAccEphemeralProjectKeys_statusAndErrors(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(3)
	keys[1].SetActive(false)

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsEphemeral},
		ProtoV6ProviderFactories: withEcho,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + `
ephemeral "sentry_project_keys" "inactive" {
  organization = "acme"
  project      = "web"
  status       = "inactive"
}

provider "echo" {
  data = [for k in ephemeral.sentry_project_keys.inactive.keys : k.id]
}

resource "echo" "ids" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.ids", tfjsonpath.New("data"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(keys[1].ID())})),
				},
				Check: checkReads(srv, 1, map[string]string{"status": "inactive"}),
			},
			{
				Config: providerBlock(srv) + `
ephemeral "sentry_project_keys" "missing" {
  organization = "acme"
  project      = "nope"
}
`,
				ExpectError: errorRe("Sentry Object Not Found", `project "nope" in organization "acme"`, "HTTP 404"),
			},
		},
	})
}
