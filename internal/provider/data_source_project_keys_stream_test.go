package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// configuredServers returns the framework's own server and the streaming one,
// both configured against the Sentry API at baseURL.
func configuredServers(t testing.TB, baseURL, token string) (framework, streaming tfprotov6.ProviderServer) {
	t.Helper()
	framework = providerserver.NewProtocol6(New("test")())()
	streaming = NewServer("test")()
	for _, s := range []tfprotov6.ProviderServer{framework, streaming} {
		configure(t, s, baseURL, token)
	}
	return framework, streaming
}

// configure configures a provider server against the Sentry API at baseURL.
func configure(t testing.TB, s tfprotov6.ProviderServer, baseURL, token string) {
	t.Helper()
	configureWith(t, s, baseURL, token, -1)
}

// configureWith is configure with max_retries set, unless it is negative.
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

// readRequest builds a ReadDataSource request of sentry_project_keys.
func readRequest(t testing.TB, org, project string, status *string) *tfprotov6.ReadDataSourceRequest {
	t.Helper()
	config, err := tfprotov6.NewDynamicValue(projectKeysStateType, tftypes.NewValue(projectKeysStateType, map[string]tftypes.Value{
		"organization": tftypes.NewValue(tftypes.String, org),
		"project":      tftypes.NewValue(tftypes.String, project),
		"status":       tftypes.NewValue(tftypes.String, status),
		"keys":         tftypes.NewValue(projectKeysStateType.AttributeTypes["keys"], nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ReadDataSourceRequest{TypeName: projectKeysTypeName, Config: &config}
}

// TestStreamedReadMatchesFramework holds the streaming read to the framework's
// own: for the same Sentry answers both must return the same state, byte for
// byte, and the same diagnostics.
func TestStreamedReadMatchesFramework(t *testing.T) {
	inactive, bogus := "inactive", "Active"
	cases := []struct {
		name    string
		profile sentrytest.Profile
		keys    int
		project string
		status  *string
	}{
		{"three pages", sentrytest.SaaS, 250, "web", nil},
		{"inactive only", sentrytest.SaaS, 30, "web", &inactive},
		{"legacy server", sentrytest.Legacy, 7, "web", nil},
		{"empty project", sentrytest.SaaS, 0, "web", nil},
		{"unknown project", sentrytest.SaaS, 1, "nope", nil},
		{"bad status", sentrytest.SaaS, 1, "web", &bogus},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := sentrytest.NewServer(sentrytest.Config{Profile: tc.profile, RateLimit: -1})
			defer srv.Close()
			keys := srv.AddKeys(tc.keys)
			for i := 0; i < len(keys); i += 3 {
				keys[i].SetActive(false)
			}
			for i := 1; i < len(keys); i += 5 {
				keys[i].SetRateLimit(60, 10*i)
			}
			framework, streaming := configuredServers(t, srv.URL, srv.Token())
			req := readRequest(t, "acme", tc.project, tc.status)

			want, err := framework.ReadDataSource(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := streaming.ReadDataSource(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(diagnosticTexts(got.Diagnostics)) != fmt.Sprint(diagnosticTexts(want.Diagnostics)) {
				t.Fatalf("diagnostics differ:\n got %q\nwant %q", diagnosticTexts(got.Diagnostics), diagnosticTexts(want.Diagnostics))
			}
			if (got.State == nil) != (want.State == nil) {
				t.Fatalf("state present: got %t, want %t", got.State != nil, want.State != nil)
			}
			if want.State != nil && !bytes.Equal(got.State.MsgPack, want.State.MsgPack) {
				t.Fatalf("the streamed state (%d bytes) differs from the framework's (%d bytes)", len(got.State.MsgPack), len(want.State.MsgPack))
			}
			if len(want.Diagnostics) == 0 && len(want.State.MsgPack) < 100*tc.keys {
				t.Fatalf("the state holds %d bytes for %d keys", len(want.State.MsgPack), tc.keys)
			}
		})
	}
}

func diagnosticTexts(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, fmt.Sprintf("%d %s: %s (at %v)", d.Severity, d.Summary, d.Detail, d.Attribute))
	}
	return out
}

func TestProjectKeysStateTypeMatchesSchema(t *testing.T) {
	ctx := context.Background()
	schemas, err := NewServer("test")().GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := schemas.DataSourceSchemas[projectKeysTypeName].ValueType(); !got.Equal(projectKeysStateType) {
		t.Fatalf("the schema's type %s is not the streamed state's %s", got, projectKeysStateType)
	}
}

// recordedShapes returns, as one JSON page, every key of the recorded
// fixtures (current, partial loader options, legacy) and the edge cases
// they lack: loader flags explicitly null or absent, no browserSdk, a use
// case, a rate limit of null, a dsn without any URL.
func recordedShapes(t testing.TB) []byte {
	t.Helper()
	var page []json.RawMessage
	for _, f := range []string{"list-client-keys.openapi-example.json", "list-client-keys.go-sentry-2024.json", "list-client-keys.go-sentry-2021-legacy.json"} {
		b, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		var keys []json.RawMessage
		if err := json.Unmarshal(b, &keys); err != nil {
			t.Fatal(err)
		}
		page = append(page, keys...)
	}
	page = append(page,
		json.RawMessage(`{"id":"null-flags","name":"n","label":"n","public":"p","secret":"s","projectId":1,"isActive":false,"rateLimit":null,"dsn":{"public":"https://p@o1.ingest.sentry.io/1"},"browserSdkVersion":"latest","browserSdk":{"choices":[]},"dateCreated":"2024-01-02T03:04:05Z","dynamicSdkLoaderOptions":{"hasReplay":null,"hasPerformance":false,"hasDebug":null}}`),
		json.RawMessage(`{"id":"no-browser-sdk","name":"b","label":"b","public":"p","secret":null,"projectId":9007199254740993,"isActive":true,"rateLimit":{"window":1,"count":1},"dsn":{},"browserSdk":null,"useCase":"profiling","dynamicSdkLoaderOptions":{}}`),
		json.RawMessage(`{"id":"bare","projectId":"42"}`),
	)
	b, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStreamedReadMatchesFrameworkOnRecordedShapes holds the streamed read to
// the framework's on payloads recorded from real servers and on the null
// values the fake never sends, where a hand-written encoder is most likely
// to go wrong (a null flag written as false, a missing object written as
// empty).
func TestStreamedReadMatchesFrameworkOnRecordedShapes(t *testing.T) {
	page := recordedShapes(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/0/projects/acme/web/keys/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page) // no Link header: the last page
	}))
	defer api.Close()
	framework, streaming := configuredServers(t, api.URL, "token")
	req := readRequest(t, "acme", "web", nil)
	want, err := framework.ReadDataSource(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := streaming.ReadDataSource(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Diagnostics) > 0 || len(got.Diagnostics) > 0 {
		t.Fatalf("diagnostics: framework %q, streamed %q", diagnosticTexts(want.Diagnostics), diagnosticTexts(got.Diagnostics))
	}
	if !bytes.Equal(got.State.MsgPack, want.State.MsgPack) {
		t.Fatalf("the streamed state (%d bytes) differs from the framework's (%d bytes)", len(got.State.MsgPack), len(want.State.MsgPack))
	}
}

// TestKeyMsgPackMatchesTFTypes compares each key's hand-written msgpack
// with tftypes' encoding of the same key, one key at a time, so that a
// difference points at the key that shows it.
func TestKeyMsgPackMatchesTFTypes(t *testing.T) {
	var keys []sentry.ProjectKey
	if err := json.Unmarshal(recordedShapes(t), &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		t.Run(k.ID, func(t *testing.T) {
			m := newKeyModel(&k)
			var buf bytes.Buffer
			if err := m.encodeMsgPack(msgpack.NewEncoder(&buf)); err != nil {
				t.Fatal(err)
			}
			want, err := tfprotov6.NewDynamicValue(keyObjectType, m.tfValue())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want.MsgPack) {
				got, _ := (&tfprotov6.DynamicValue{MsgPack: buf.Bytes()}).Unmarshal(keyObjectType)
				diffs, _ := got.Diff(m.tfValue())
				t.Fatalf("the msgpack of key %s differs from tftypes' encoding: %v", k.ID, diffs)
			}
		})
	}
}
