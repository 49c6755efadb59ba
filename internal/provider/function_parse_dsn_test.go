package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

func parseDSNOutput(dsn string) string {
	return fmt.Sprintf(`
output "parsed" {
  value = provider::sentry::parse_dsn(%q)
}
`, dsn)
}

func TestAccFunctionParseDSN(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	key := srv.AddKeys(1)[0]

	parsed := func(attrs map[string]knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownOutputValue("parsed", knownvalue.ObjectExact(attrs))
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsFunctions},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// A DSN straight from the data source, secret included.
				Config: providerBlock(srv) + projectKeysConfig + `
output "parsed" {
  value     = provider::sentry::parse_dsn(data.sentry_project_keys.test.keys[0].dsn.secret)
  sensitive = true
}
`,
				ConfigStateChecks: []statecheck.StateCheck{parsed(map[string]knownvalue.Check{
					"scheme":     knownvalue.StringExact("https"),
					"public_key": knownvalue.StringExact(key.Public()),
					"secret_key": knownvalue.StringExact(key.Secret()),
					"host":       knownvalue.StringExact(fmt.Sprintf("o%d.ingest.us.sentry.io", srv.Organization().ID())),
					"port":       knownvalue.Int64Exact(443),
					"path":       knownvalue.StringExact(""),
					"project_id": knownvalue.Int64Exact(key.ProjectID()),
					"api_url":    knownvalue.StringExact(fmt.Sprintf("https://o%d.ingest.us.sentry.io/api/%d/", srv.Organization().ID(), key.ProjectID())),
				})},
			},
			{
				Config: providerBlock(srv) + parseDSNOutput(dsnOf(t, key, "public")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValueAtPath("parsed", tfjsonpath.New("secret_key"), knownvalue.Null()),
				},
			},
			{
				Config: providerBlock(srv) + parseDSNOutput("http://abc123@sentry.example.com:9000/sentry/42"),
				ConfigStateChecks: []statecheck.StateCheck{parsed(map[string]knownvalue.Check{
					"scheme":     knownvalue.StringExact("http"),
					"public_key": knownvalue.StringExact("abc123"),
					"secret_key": knownvalue.Null(),
					"host":       knownvalue.StringExact("sentry.example.com"),
					"port":       knownvalue.Int64Exact(9000),
					"path":       knownvalue.StringExact("/sentry"),
					"project_id": knownvalue.Int64Exact(42),
					"api_url":    knownvalue.StringExact("http://sentry.example.com:9000/sentry/api/42/"),
				})},
			},
		},
	})
}

func TestAccFunctionParseDSN_malformed(t *testing.T) {
	isolateEnv(t)
	cases := map[string]*regexp.Regexp{
		"":                           errorRe("Invalid Sentry DSN: the DSN is empty."),
		"not a dsn":                  errorRe("Invalid Sentry DSN", "no scheme"),
		"https://sentry.io/42":       errorRe("Invalid Sentry DSN", "no public key"),
		"https://k@sentry.io/web":    errorRe("Invalid Sentry DSN", `project id "web" is not a number`),
		"ftp://k@sentry.io/1":        errorRe("Invalid Sentry DSN", `scheme is "ftp"`),
		"https://k@sentry.io/1?x=y":  errorRe("Invalid Sentry DSN", "query string"),
		"https://k:@sentry.io/1":     errorRe("Invalid Sentry DSN", "no secret key"),
		"https://k@sentry.io:0x1/12": errorRe("Invalid Sentry DSN"),
	}
	for in, want := range cases {
		t.Run(in, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsFunctions},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: parseDSNOutput(in), ExpectError: want}},
			})
		})
	}
}
