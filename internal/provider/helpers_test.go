package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// newFake starts the Sentry API fake for one test.
func newFake(t *testing.T, cfg sentrytest.Config) *sentrytest.Server {
	t.Helper()
	srv := sentrytest.NewServer(cfg)
	t.Cleanup(srv.Close)
	return srv
}

// isolateEnv clears every environment variable the provider reads, so a
// developer's own Sentry settings cannot leak into a test.
func isolateEnv(t *testing.T) {
	t.Helper()
	for _, name := range []string{EnvAuthToken, EnvAuthTokenLegacy, EnvBaseURL, EnvMaxRetries, EnvRequestTimeout, EnvRegion} {
		t.Setenv(name, "")
	}
}

// providerBlock configures the provider against srv with its default token.
func providerBlock(srv *sentrytest.Server, extra ...string) string {
	return fmt.Sprintf(`
provider "sentry" {
  base_url = %q
  token    = %q
  %s
}
`, srv.URL, srv.Token(), strings.Join(extra, "\n  "))
}

// errorRe matches a diagnostic containing every part in order. Terraform
// wraps long lines, so each space in a part matches any whitespace.
func errorRe(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}

var dsnNames = []string{"public", "secret", "csp", "security", "minidump", "nel", "unreal", "crons", "cdn", "playstation", "integration", "otlp_traces", "otlp_logs"}

var loaderOptionNames = map[string]string{
	"has_replay":           "hasReplay",
	"has_performance":      "hasPerformance",
	"has_debug":            "hasDebug",
	"has_feedback":         "hasFeedback",
	"has_logs_and_metrics": "hasLogsAndMetrics",
}

// expectKey builds the check of one key's state from what the API sent for
// it, attribute by attribute, independently of the provider's own mapping.
// With public set, the secret attributes must be absent.
func expectKey(t *testing.T, k map[string]any, public bool) knownvalue.Check {
	t.Helper()
	return knownvalue.ObjectExact(expectKeyAttrs(t, k, public))
}

// expectKeyAttrs is expectKey's check of each attribute, by name.
func expectKeyAttrs(t *testing.T, k map[string]any, public bool) map[string]knownvalue.Check {
	t.Helper()
	str := func(v any) knownvalue.Check {
		if v == nil {
			return knownvalue.Null()
		}
		s, ok := v.(string)
		if !ok {
			t.Fatalf("%v is not a string", v)
		}
		return knownvalue.StringExact(s)
	}
	num := func(v any) knownvalue.Check {
		n, ok := v.(json.Number)
		if !ok {
			t.Fatalf("%v is not a number", v)
		}
		i, err := n.Int64()
		if err != nil {
			t.Fatal(err)
		}
		return knownvalue.Int64Exact(i)
	}

	attrs := map[string]knownvalue.Check{
		"id":                  str(k["id"]),
		"name":                str(k["name"]),
		"label":               str(k["label"]),
		"public":              str(k["public"]),
		"project_id":          num(k["projectId"]),
		"is_active":           knownvalue.Bool(k["isActive"] == true),
		"browser_sdk_version": str(k["browserSdkVersion"]),
		"date_created":        str(k["dateCreated"]),
		"use_case":            str(k["useCase"]),
	}
	if !public {
		attrs["secret"] = str(k["secret"])
	}

	if rl, ok := k["rateLimit"].(map[string]any); ok {
		attrs["rate_limit"] = knownvalue.ObjectExact(map[string]knownvalue.Check{"window": num(rl["window"]), "count": num(rl["count"])})
	} else {
		attrs["rate_limit"] = knownvalue.Null()
	}

	dsn, _ := k["dsn"].(map[string]any)
	dsnChecks := map[string]knownvalue.Check{}
	for _, name := range dsnNames {
		if public && name == "secret" {
			continue
		}
		dsnChecks[name] = str(dsn[name])
	}
	attrs["dsn"] = knownvalue.ObjectExact(dsnChecks)

	if sdk, ok := k["browserSdk"].(map[string]any); ok {
		choices := []knownvalue.Check{}
		for _, c := range as[[]any](t, sdk["choices"]) {
			pair := as[[]any](t, c)
			choices = append(choices, knownvalue.ObjectExact(map[string]knownvalue.Check{"value": str(pair[0]), "label": str(pair[1])}))
		}
		attrs["browser_sdk"] = knownvalue.ObjectExact(map[string]knownvalue.Check{"choices": knownvalue.ListExact(choices)})
	} else {
		attrs["browser_sdk"] = knownvalue.Null()
	}

	if opts, ok := k["dynamicSdkLoaderOptions"].(map[string]any); ok {
		o := map[string]knownvalue.Check{}
		for attr, field := range loaderOptionNames {
			if v, ok := opts[field].(bool); ok {
				o[attr] = knownvalue.Bool(v)
			} else {
				o[attr] = knownvalue.Null()
			}
		}
		attrs["dynamic_sdk_loader_options"] = knownvalue.ObjectExact(o)
	} else {
		attrs["dynamic_sdk_loader_options"] = knownvalue.Null()
	}
	return attrs
}

// expectKeys checks a list of keys against the API's JSON, in order.
func expectKeys(t *testing.T, keys []*sentrytest.Key, public bool) knownvalue.Check {
	t.Helper()
	checks := make([]knownvalue.Check, len(keys))
	for i, k := range keys {
		checks[i] = expectKey(t, k.JSON(), public)
	}
	return knownvalue.ListExact(checks)
}

// newestFirst returns keys in the API's order.
func newestFirst(keys []*sentrytest.Key) []*sentrytest.Key {
	out := make([]*sentrytest.Key, len(keys))
	for i, k := range keys {
		out[len(keys)-1-i] = k
	}
	return out
}

// as asserts v's type, failing the test instead of panicking.
func as[T any](t testing.TB, v any) T {
	t.Helper()
	out, ok := v.(T)
	if !ok {
		t.Fatalf("%v is a %T, not a %T", v, v, out)
	}
	return out
}

// dsnOf returns one DSN of a key as the API sends it.
func dsnOf(t testing.TB, k *sentrytest.Key, name string) string {
	t.Helper()
	return as[string](t, as[map[string]any](t, k.JSON()["dsn"])[name])
}

// containsAll reports whether s contains every part.
func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// importedKeysConfig is a configuration that adopts keys of acme/web with
// import blocks: one sentry_project_key k<i> for each, with the arguments
// args writes for it (none when args is nil).
func importedKeysConfig(srv *sentrytest.Server, keys []*sentrytest.Key, args func(k *sentrytest.Key) string) string {
	var config strings.Builder
	config.WriteString(requiredProviders + providerBlock(srv))
	for i, k := range keys {
		extra := ""
		if args != nil {
			extra = args(k)
		}
		fmt.Fprintf(&config, `
import {
  to = sentry_project_key.k%[1]d
  id = "acme/web/%[2]s"
}

resource "sentry_project_key" "k%[1]d" {
  organization = "acme"
  project      = "web"
%[3]s
}
`, i, k.ID(), extra)
	}
	return config.String()
}

// count429 counts the fake's logged requests answered with 429.
func count429(srv *sentrytest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// dataSourceType returns the state type of a data source, from its schema.
func dataSourceType(d datasource.DataSource) tftypes.Type {
	ctx := context.Background()
	var sr datasource.SchemaResponse
	d.Schema(ctx, datasource.SchemaRequest{}, &sr)
	return sr.Schema.Type().TerraformType(ctx)
}

// configure configures a provider server against baseURL, as Terraform
// would.
func configure(t testing.TB, s tfprotov6.ProviderServer, baseURL, token string) {
	t.Helper()
	configureWith(t, s, baseURL, token, -1)
}

// configureWith is configure with max_retries set (-1: unset).
func configureWith(t testing.TB, s tfprotov6.ProviderServer, baseURL, token string, maxRetries int) {
	t.Helper()
	ctx := context.Background()
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.Provider.ValueType()
	retries := tftypes.NewValue(tftypes.Number, nil)
	if maxRetries >= 0 {
		retries = tftypes.NewValue(tftypes.Number, maxRetries)
	}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
		"token":           tftypes.NewValue(tftypes.String, token),
		"base_url":        tftypes.NewValue(tftypes.String, baseURL),
		"region":          tftypes.NewValue(tftypes.String, nil),
		"max_retries":     retries,
		"request_timeout": tftypes.NewValue(tftypes.String, nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &config})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
}

// readRequest is a ReadDataSource request of sentry_project_keys.
func readRequest(t testing.TB, org, project string, status *string) *tfprotov6.ReadDataSourceRequest {
	t.Helper()
	typ, ok := dataSourceType(NewProjectKeysDataSource()).(tftypes.Object)
	if !ok {
		t.Fatal("sentry_project_keys has no object type")
	}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
		"organization": tftypes.NewValue(tftypes.String, org),
		"project":      tftypes.NewValue(tftypes.String, project),
		"status":       tftypes.NewValue(tftypes.String, status),
		"keys":         tftypes.NewValue(typ.AttributeTypes["keys"], nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ReadDataSourceRequest{TypeName: "sentry_project_keys", Config: &config}
}

// diagnosticTexts renders protocol diagnostics for a test failure.
func diagnosticTexts(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, fmt.Sprintf("%d %s: %s (at %v)", d.Severity, d.Summary, d.Detail, d.Attribute))
	}
	return out
}
