package provider

import (
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// recordedShapes returns every key of the recorded fixtures (current,
// partial loader options, legacy) and the edge cases they lack: loader
// flags explicitly null or absent, no browserSdk, a use case, a rate limit
// of null, a dsn without any URL, a 16-digit id beyond float precision.
func recordedShapes(t testing.TB) []json.RawMessage {
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
	return append(page,
		json.RawMessage(`{"id":"null-flags","name":"n","label":"n","public":"p","secret":"s","projectId":1,"isActive":false,"rateLimit":null,"dsn":{"public":"https://p@o1.ingest.sentry.io/1"},"browserSdkVersion":"latest","browserSdk":{"choices":[]},"dateCreated":"2024-01-02T03:04:05Z","dynamicSdkLoaderOptions":{"hasReplay":null,"hasPerformance":false,"hasDebug":null}}`),
		json.RawMessage(`{"id":"no-browser-sdk","name":"b","label":"b","public":"p","secret":null,"projectId":9007199254740993,"isActive":true,"rateLimit":{"window":1,"count":1},"dsn":{},"browserSdk":null,"useCase":"profiling","dynamicSdkLoaderOptions":{}}`),
	)
}

// TestKeyObjectIsTheAPIsKey builds each recorded key's object from the
// declaration and checks every attribute against the JSON Sentry sent,
// with the expectations the acceptance tests use (written from the API's
// field names, not from keyAttrs): a null flag must stay null, a missing
// object must be null, 16-digit ids must survive, and the public form must
// lack the secrets.
func TestKeyObjectIsTheAPIsKey(t *testing.T) {
	for _, raw := range recordedShapes(t) {
		var k sentry.ProjectKey
		if err := json.Unmarshal(raw, &k); err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		for _, public := range []bool{false, true} {
			obj := keyObject(&k)
			if public {
				obj = publicKeyObject(&k)
			}
			if err := expectKey(t, want, public).CheckValue(plain(t, obj)); err != nil {
				t.Errorf("key %s (public %t): %v", k.ID, public, err)
			}
		}
	}
}

// plain converts a state value into the form knownvalue checks read from
// a state: strings, json.Number, bools, maps, slices and nil.
func plain(t *testing.T, v tftypes.Value) any {
	t.Helper()
	if v.IsNull() {
		return nil
	}
	var err error
	var out any
	switch typ := v.Type(); {
	case typ.Is(tftypes.String):
		var s string
		err, out = v.As(&s), s
	case typ.Is(tftypes.Number):
		var n big.Float
		err = v.As(&n)
		out = json.Number(n.Text('f', -1))
	case typ.Is(tftypes.Bool):
		var b bool
		err, out = v.As(&b), b
	case typ.Is(tftypes.Object{}):
		var attrs map[string]tftypes.Value
		err = v.As(&attrs)
		m := map[string]any{}
		for name, a := range attrs {
			m[name] = plain(t, a)
		}
		out = m
	default:
		var elems []tftypes.Value
		err = v.As(&elems)
		l := []any{}
		for _, e := range elems {
			l = append(l, plain(t, e))
		}
		out = l
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestKeyListIsNeverNull(t *testing.T) {
	var elems []tftypes.Value
	if l := keyList(nil); l.IsNull() || l.As(&elems) != nil || len(elems) != 0 {
		t.Fatalf("keyList(nil) = %v, want an empty list", l)
	}
}

// TestFieldPath maps the fields of Sentry's 400 answers to attributes.
func TestFieldPath(t *testing.T) {
	for field, want := range map[string]path.Path{
		"name":                              path.Root("name"),
		"isActive":                          path.Root("is_active"),
		"rateLimit":                         path.Root("rate_limit"),
		"rateLimit.window":                  path.Root("rate_limit").AtName("window"),
		"browserSdkVersion":                 path.Root("browser_sdk_version"),
		"dynamicSdkLoaderOptions.hasReplay": path.Root("dynamic_sdk_loader_options").AtName("has_replay"),
		"dynamicSdkLoaderOptions.hasLogsAndMetrics": path.Root("dynamic_sdk_loader_options").AtName("has_logs_and_metrics"),
	} {
		if got, ok := fieldPath(field); !ok || !got.Equal(want) {
			t.Errorf("fieldPath(%q) = %v %t, want %v", field, got, ok, want)
		}
	}
	for _, field := range []string{"", "nope", "rateLimit.nope", "name.extra", "dynamicSdkLoaderOptions.hasFoo"} {
		if got, ok := fieldPath(field); ok {
			t.Errorf("fieldPath(%q) = %v, want none", field, got)
		}
	}
}
