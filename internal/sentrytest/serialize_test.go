package sentrytest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	capturePK = "4b7c1a9e2d3f4a5b8c6d7e8f9a0b1c2d"
	captureSK = "9f8e7d6c5b4a49388a2b1c0d9e8f7a6b"
)

// TestSaaSShapeMatchesCapture rebuilds the sentry.io body quoted in
// sentry-api.md section 1.5 and compares it byte for byte: field order, the
// 13 dsn keys, hosts, loader options, microsecond timestamps.
func TestSaaSShapeMatchesCapture(t *testing.T) {
	f := New(Config{})
	if f.Organization().ID() != 4500000000000001 || f.Project().ID() != 4500000000000002 {
		t.Fatalf("default ids %d/%d, want 4500000000000001/4500000000000002", f.Organization().ID(), f.Project().ID())
	}
	f.AddKey(KeySpec{
		Public:  capturePK,
		Secret:  captureSK,
		Label:   "Default",
		Created: time.Date(2026, 1, 29, 17, 41, 2, 969782000, time.UTC),
	})
	r := get(t, f, keysPath)
	wantStatus(t, r, 200)
	got := strings.NewReplacer(capturePK, "<PK>", captureSK, "<SK>").Replace(string(r.body))
	want := strings.TrimSpace(string(readTestdata(t, "saas-capture-2026.json")))
	if got != want {
		t.Errorf("body differs from the capture\n got %s\nwant %s", got, want)
	}
}

// TestLegacyShapeMatchesFixture rebuilds the go-sentry 2021 legacy body.
func TestLegacyShapeMatchesFixture(t *testing.T) {
	f := New(Config{Profile: Legacy, URLPrefix: "https://sentry.io"})
	if f.Project().ID() != 2 {
		t.Fatalf("legacy default project id = %d, want 2", f.Project().ID())
	}
	k := f.AddKey(KeySpec{
		Public:  "cfc7b0341c6e4f6ea1a9d256a30dba00",
		Secret:  "a07dcd97aa56481f82aeabaed43ca448",
		Label:   "Fabulous Key",
		Created: time.Date(2018, 9, 20, 15, 48, 7, 397123000, time.UTC),
	})
	r := get(t, f, keysPath)
	wantStatus(t, r, 200)

	var got, want []map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(readTestdata(t, "list-client-keys.go-sentry-2021-legacy.json"), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("legacy body\n got %s\nwant %v", r.body, want)
	}
	// Field order follows the serializer (the fixture itself is sorted).
	wantOrder := []string{"id", "name", "label", "public", "secret", "projectId", "isActive", "rateLimit", "dsn",
		"browserSdkVersion", "browserSdk", "dateCreated"}
	if order := objectKeys(t, k.RawJSON()); !reflect.DeepEqual(order, wantOrder) {
		t.Errorf("field order %v, want %v", order, wantOrder)
	}
	wantDSN := []string{"secret", "public", "csp", "security", "minidump", "cdn"}
	if order := objectKeys(t, rawMember(t, k.RawJSON(), "dsn")); !reflect.DeepEqual(order, wantDSN) {
		t.Errorf("dsn order %v, want %v", order, wantDSN)
	}
}

// objectKeys returns the member names of a JSON object in order.
func objectKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, asString(t, tok))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func rawMember(t *testing.T, raw []byte, name string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

func TestKeyFields(t *testing.T) {
	f := New(Config{})
	plain := f.AddKey(KeySpec{Public: capturePK})
	limited := f.AddKey(KeySpec{Label: "CI", RateLimitWindow: 60, RateLimitCount: 1000, Inactive: true,
		BrowserSDKVersion: "8.x", Loader: &LoaderOptions{HasDebug: true, HasLogsAndMetrics: true}})
	half := f.AddKey(KeySpec{RateLimitWindow: 60})

	p := plain.JSON()
	if p["name"] != capturePK[:14] || p["label"] != capturePK[:14] {
		t.Errorf("empty label: name %v label %v, want %s", p["name"], p["label"], capturePK[:14])
	}
	if p["rateLimit"] != nil || half.JSON()["rateLimit"] != nil {
		t.Error("rateLimit must be null unless window and count are both set")
	}
	if _, ok := p["useCase"]; ok {
		t.Error("useCase must be omitted")
	}
	if p["projectId"] != json.Number("4500000000000002") {
		t.Errorf("projectId = %#v", p["projectId"])
	}

	l := limited.JSON()
	if l["name"] != "CI" || l["isActive"] != false || l["browserSdkVersion"] != "8.x" {
		t.Errorf("limited key: %v", l)
	}
	if got := string(rawMember(t, limited.RawJSON(), "rateLimit")); got != `{"window":60,"count":1000}` {
		t.Errorf("rateLimit = %s", got)
	}
	if got := string(rawMember(t, limited.RawJSON(), "dynamicSdkLoaderOptions")); got !=
		`{"hasReplay":false,"hasPerformance":false,"hasDebug":true,"hasFeedback":false,"hasLogsAndMetrics":true}` {
		t.Errorf("dynamicSdkLoaderOptions = %s", got)
	}
	if got := string(rawMember(t, plain.RawJSON(), "browserSdk")); got !=
		`{"choices":[["10.x","10.x"],["9.x","9.x"],["8.x","8.x"],["7.x","7.x"]]}` {
		t.Errorf("browserSdk = %s", got)
	}
	for _, k := range []*Key{plain, limited, half} {
		if !isKeyMaterial(k.Public()) || !isKeyMaterial(k.Secret()) {
			t.Errorf("key material %q/%q", k.Public(), k.Secret())
		}
	}
}

// TestKeyJSONIsWhatTheAPISends compares every item of a list with the
// per-key accessors.
func TestKeyJSONIsWhatTheAPISends(t *testing.T) {
	f := New(Config{DefaultPerPage: 100})
	keys := f.AddKeys(12)
	items := bytes.TrimSuffix(bytes.TrimPrefix(get(t, f, keysPath).body, []byte("[")), []byte("]"))
	var want [][]byte
	for i := len(keys) - 1; i >= 0; i-- {
		want = append(want, keys[i].RawJSON())
	}
	if !bytes.Equal(items, bytes.Join(want, []byte(","))) {
		t.Error("list body is not the concatenation of the keys' RawJSON")
	}
	j := keys[0].JSON()
	if j["id"] != keys[0].ID() || j["secret"] != keys[0].Secret() || j["label"] != "Default" {
		t.Errorf("JSON() = %v", j)
	}
	if j["projectId"] != json.Number("4500000000000002") {
		t.Errorf("projectId %#v", j["projectId"])
	}
}

func TestDSNEndpoints(t *testing.T) {
	cases := []struct {
		name       string
		cfg        Config
		wantPublic string
		wantCDN    string
		wantCSP    string
	}{
		{"saas", Config{}, "https://PK@o4500000000000001.ingest.us.sentry.io/4500000000000002",
			"https://js.sentry-cdn.com/PK.min.js",
			"https://o4500000000000001.ingest.us.sentry.io/api/4500000000000002/csp-report/?sentry_key=PK"},
		{"saas relay", Config{IngestEndpoint: "https://relay.example.com/ingest/"},
			"https://PK@relay.example.com/ingest/4500000000000002",
			"https://js.sentry-cdn.com/PK.min.js",
			"https://relay.example.com/ingest/api/4500000000000002/csp-report/?sentry_key=PK"},
		{"legacy", Config{Profile: Legacy, URLPrefix: "http://sentry.local:9000/"},
			"http://PK@sentry.local:9000/2",
			"http://sentry.local:9000/js-sdk-loader/PK.min.js",
			"http://sentry.local:9000/api/2/csp-report/?sentry_key=PK"},
		{"no host", Config{Profile: Legacy, IngestEndpoint: "sentry"}, "", "sentry/js-sdk-loader/PK.min.js",
			"sentry/api/2/csp-report/?sentry_key=PK"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := New(tc.cfg)
			k := f.AddKey(KeySpec{})
			dsn := asObject(t, k.JSON()["dsn"])
			rep := strings.NewReplacer("PK", k.Public())
			if dsn["public"] != rep.Replace(tc.wantPublic) {
				t.Errorf("public = %v", dsn["public"])
			}
			if dsn["cdn"] != rep.Replace(tc.wantCDN) {
				t.Errorf("cdn = %v", dsn["cdn"])
			}
			if dsn["csp"] != rep.Replace(tc.wantCSP) {
				t.Errorf("csp = %v", dsn["csp"])
			}
			wantSecret := ""
			if tc.wantPublic != "" {
				wantSecret = strings.Replace(rep.Replace(tc.wantPublic), k.Public()+"@", k.Public()+":"+k.Secret()+"@", 1)
			}
			if dsn["secret"] != wantSecret {
				t.Errorf("secret = %v, want %v", dsn["secret"], wantSecret)
			}
		})
	}
}

func TestTimestampFormats(t *testing.T) {
	cases := []struct {
		t            time.Time
		saas, legacy string
	}{
		{time.Date(2023, 6, 21, 19, 50, 26, 36254000, time.UTC), "2023-06-21T19:50:26.036254Z", "2023-06-21T19:50:26.036Z"},
		{time.Date(2018, 9, 20, 15, 48, 7, 397999000, time.UTC), "2018-09-20T15:48:07.397999Z", "2018-09-20T15:48:07.397Z"},
		{time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), "2020-01-02T03:04:05.000000Z", "2020-01-02T03:04:05Z"},
		{time.Date(2020, 1, 2, 3, 4, 5, 500, time.UTC), "2020-01-02T03:04:05.000000Z", "2020-01-02T03:04:05Z"},
		{time.Date(2020, 1, 2, 4, 4, 5, 1000, time.FixedZone("x", 3600)), "2020-01-02T03:04:05.000001Z", "2020-01-02T03:04:05.000Z"},
	}
	for _, tc := range cases {
		if got := formatMicros(tc.t); got != tc.saas {
			t.Errorf("formatMicros(%v) = %s, want %s", tc.t, got, tc.saas)
		}
		if got := formatMillis(tc.t); got != tc.legacy {
			t.Errorf("formatMillis(%v) = %s, want %s", tc.t, got, tc.legacy)
		}
	}
}

func TestNoHTMLEscaping(t *testing.T) {
	f := New(Config{})
	k := f.AddKey(KeySpec{Label: "<a&b>"})
	if !bytes.Contains(k.RawJSON(), []byte(`"name":"<a&b>"`)) {
		t.Errorf("label escaped: %s", k.RawJSON())
	}
}
