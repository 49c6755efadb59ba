package provider

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

func fixtureKeys(t testing.TB, name string) []sentry.ProjectKey {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var keys []sentry.ProjectKey
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestNewKeyModelCurrentShape(t *testing.T) {
	keys := fixtureKeys(t, "list-client-keys.openapi-example.json")
	m := newKeyModel(&keys[0])

	if m.ID.ValueString() != "60120449b6b1d5e45f75561e6dabd80b" || m.Name.ValueString() != "Liked Pegasus" || m.Label.ValueString() != "Liked Pegasus" {
		t.Errorf("identity = %v %v %v", m.ID, m.Name, m.Label)
	}
	if m.Secret.ValueString() != "189485c3b8ccf582bf5e12c530ef8858" || m.Public.ValueString() != "60120449b6b1d5e45f75561e6dabd80b" {
		t.Errorf("keys = %v %v", m.Public, m.Secret)
	}
	if m.ProjectID.ValueInt64() != 4505281256090153 {
		t.Errorf("project_id = %v", m.ProjectID)
	}
	if !m.IsActive.ValueBool() {
		t.Error("is_active = false")
	}
	if m.RateLimit == nil || m.RateLimit.Window.ValueInt64() != 7200 || m.RateLimit.Count.ValueInt64() != 1000 {
		t.Errorf("rate_limit = %+v", m.RateLimit)
	}
	if got := m.DSN.OTLPLogs.ValueString(); got != "https://o4504765715316736.ingest.sentry.io/api/4505281256090153/integration/otlp/v1/logs" {
		t.Errorf("dsn.otlp_logs = %q", got)
	}
	if m.DSN.Secret.IsNull() || m.DSN.Public.IsNull() || m.DSN.Playstation.IsNull() {
		t.Errorf("dsn = %+v", m.DSN)
	}
	if m.BrowserSDKVersion.ValueString() != "7.x" || len(m.BrowserSDK.Choices) != 2 || m.BrowserSDK.Choices[0].Value.ValueString() != "latest" {
		t.Errorf("browser sdk = %v %+v", m.BrowserSDKVersion, m.BrowserSDK)
	}
	if m.DateCreated.ValueString() != "2023-06-21T19:50:26.036254Z" {
		t.Errorf("date_created = %v", m.DateCreated)
	}
	o := m.DynamicSDKLoaderOptions
	if o == nil || !o.HasReplay.ValueBool() || !o.HasDebug.ValueBool() || o.HasFeedback.IsNull() || o.HasFeedback.ValueBool() {
		t.Errorf("loader options = %+v", o)
	}
	if !m.UseCase.IsNull() {
		t.Errorf("use_case = %v, want null", m.UseCase)
	}
	if second := newKeyModel(&keys[1]); second.RateLimit != nil {
		t.Errorf("second key rate_limit = %+v, want nil (null)", second.RateLimit)
	}
}

func TestNewKeyModelLegacyShape(t *testing.T) {
	keys := fixtureKeys(t, "list-client-keys.go-sentry-2021-legacy.json")
	m := newKeyModel(&keys[0])
	if m.ProjectID.ValueInt64() != 2 || m.DynamicSDKLoaderOptions != nil {
		t.Errorf("legacy key = %+v", m)
	}
	for name, v := range map[string]types.String{"secret": m.DSN.Secret, "public": m.DSN.Public, "csp": m.DSN.CSP, "security": m.DSN.Security, "minidump": m.DSN.Minidump, "cdn": m.DSN.CDN} {
		if v.IsNull() {
			t.Errorf("dsn.%s is null; the legacy server sends it", name)
		}
	}
	for name, v := range map[string]types.String{"nel": m.DSN.NEL, "unreal": m.DSN.Unreal, "crons": m.DSN.Crons, "playstation": m.DSN.Playstation, "integration": m.DSN.Integration, "otlp_traces": m.DSN.OTLPTraces, "otlp_logs": m.DSN.OTLPLogs} {
		if !v.IsNull() {
			t.Errorf("dsn.%s = %v, want null: the legacy server does not send it", name, v)
		}
	}
}

func TestNewKeyModelPartialLoaderOptions(t *testing.T) {
	keys := fixtureKeys(t, "list-client-keys.go-sentry-2024.json")
	o := newKeyModel(&keys[0]).DynamicSDKLoaderOptions
	if o == nil || o.HasReplay.IsNull() || !o.HasFeedback.IsNull() || !o.HasLogsAndMetrics.IsNull() {
		t.Fatalf("loader options = %+v, want the three sent ones set and the two others null", o)
	}
}

func TestNewPublicKeyModelDropsSecrets(t *testing.T) {
	keys := fixtureKeys(t, "list-client-keys.openapi-example.json")
	full, public := newKeyModel(&keys[0]), newPublicKeyModel(&keys[0])
	if !reflect.DeepEqual(public.keyCommonModel, full.keyCommonModel) {
		t.Fatal("the public model differs from the full one in its common part")
	}
	if public.DSN != full.DSN.publicDSNModel {
		t.Fatalf("public dsn = %+v, want %+v", public.DSN, full.DSN.publicDSNModel)
	}
}

// edgeKeys covers the values the fixtures lack: every optional field absent,
// and a use case (superuser sessions see it).
func edgeKeys() []sentry.ProjectKey {
	useCase := "user"
	return []sentry.ProjectKey{
		{ID: "bare", ProjectID: 1},
		{ID: "superuser", ProjectID: 9007199254740993, UseCase: &useCase, BrowserSDK: &sentry.BrowserSDK{}},
	}
}

// TestTFValueMatchesFrameworkReflection holds the hand-written state encoding
// to the framework's own: State.Set of the same model must give the same value.
func TestTFValueMatchesFrameworkReflection(t *testing.T) {
	ctx := context.Background()
	var sr datasource.SchemaResponse
	NewProjectKeysDataSource().Schema(ctx, datasource.SchemaRequest{}, &sr)

	var keys []sentry.ProjectKey
	for _, f := range []string{"list-client-keys.openapi-example.json", "list-client-keys.go-sentry-2024.json", "list-client-keys.go-sentry-2021-legacy.json"} {
		keys = append(keys, fixtureKeys(t, f)...)
	}
	keys = append(keys, edgeKeys()...)

	for name, models := range map[string][]keyModel{"keys": newKeyModels(keys), "empty": newKeyModels(nil)} {
		t.Run(name, func(t *testing.T) {
			m := projectKeysModel{
				Organization: types.StringValue("acme"),
				Project:      types.StringValue("web"),
				Status:       types.StringNull(),
				Keys:         models,
			}
			got, err := m.tfValue(ctx, sr.Schema)
			checkMatchesReflection(t, sr, &m, got, err)
		})
	}
}

// checkMatchesReflection fails unless got (with its error) is exactly what
// the framework's State.Set stores for model.
func checkMatchesReflection(t *testing.T, sr datasource.SchemaResponse, model any, got tftypes.Value, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	want := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	if diags := want.Set(ctx, model); diags.HasError() {
		t.Fatalf("State.Set: %v", diags)
	}
	if !got.Equal(want.Raw) {
		diffs, _ := got.Diff(want.Raw)
		t.Fatalf("tfValue differs from State.Set in %d places, first: %v", len(diffs), diffs[0])
	}
}
