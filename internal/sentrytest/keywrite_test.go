package sentrytest

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// These tests hold the write endpoints to section 0 of the project's
// research notes on Sentry's key writes (sentry-key-write.md), trap by
// trap, through plain HTTP requests.

var petNameRe = regexp.MustCompile(`^[A-Z][a-z]+ [A-Z][a-z]+$`)

func keyPath(k *Key) string { return keysPath + k.ID() + "/" }

// created decodes a 201 and returns the stored key of p it describes.
func created(t *testing.T, p *Project, r result) *Key {
	t.Helper()
	wantStatus(t, r, 201)
	id := asString(t, decodeObject(r.body)["id"])
	k := p.Key(id)
	if k == nil {
		t.Fatalf("the 201 names key %s, which the project does not have", id)
	}
	if string(r.body) != string(k.RawJSON()) {
		t.Fatalf("201 body\n%s\nis not the stored key\n%s", r.body, k.RawJSON())
	}
	return k
}

func TestCreateKey(t *testing.T) {
	now := time.Date(2026, 9, 1, 10, 15, 42, 123456789, time.UTC)
	f := New(Config{Now: func() time.Time { return now }})
	f.AddKeys(1)
	r := sendJSON(t, f, http.MethodPost, keysPath, `{"name": "  Terraform web key ", "rateLimit": {"window": 3600, "count": 1000}}`)
	k := created(t, f.Project(), r)
	if r.first("Content-Type") != "application/json" || r.first("X-Sentry-Rate-Limit-Limit") != "40" {
		t.Errorf("headers %v", r.header)
	}
	body := k.JSON()
	if body["name"] != "Terraform web key" || body["label"] != "Terraform web key" || body["isActive"] != true {
		t.Errorf("name %v label %v isActive %v", body["name"], body["label"], body["isActive"])
	}
	if got := string(rawMember(t, r.body, "rateLimit")); got != `{"window":3600,"count":1000}` {
		t.Errorf("rateLimit %s", got)
	}
	if body["dateCreated"] != "2026-09-01T10:15:42.123456Z" {
		t.Errorf("dateCreated %v, want the fake's clock", body["dateCreated"])
	}
	if !isKeyMaterial(k.Public()) || !isKeyMaterial(k.Secret()) || k.Public() == k.Secret() {
		t.Errorf("key material %s / %s", k.Public(), k.Secret())
	}
	// The newest key is listed first.
	if listed := f.Project().ListedKeys(); len(listed) != 2 || listed[0] != k {
		t.Errorf("ListedKeys does not start with the new key")
	}
	if w, c := k.RateLimit(); w != 3600 || c != 1000 {
		t.Errorf("stored rate limit %d/%d", w, c)
	}
	if got := string(get(t, f, keyPath(k)).body); got != string(r.body) {
		t.Errorf("GET after POST\n%s\nwant\n%s", got, r.body)
	}
}

// TestCreateKeyIgnoresLoaderAndStatus is trap 2: POST keeps only name,
// rateLimit and key material; the rest is dropped without a 400.
func TestCreateKeyIgnoresLoaderAndStatus(t *testing.T) {
	f := New(Config{})
	r := sendJSON(t, f, http.MethodPost, keysPath, `{"name": "web", "isActive": false, "browserSdkVersion": "7.x",
		"dynamicSdkLoaderOptions": {"hasReplay": false, "hasPerformance": false, "hasDebug": true, "hasFeedback": true, "hasLogsAndMetrics": true},
		"useCase": "profiling", "projectId": 1, "unknown": [1, 2]}`)
	k := created(t, f.Project(), r)
	if !k.Active() || k.BrowserSDKVersion() != "10.x" {
		t.Errorf("active %v version %q, want an active key on the project default 10.x", k.Active(), k.BrowserSDKVersion())
	}
	if want := (LoaderOptions{HasReplay: true, HasPerformance: true}); k.Loader() != want {
		t.Errorf("loader %+v, want the project default %+v", k.Loader(), want)
	}
	if got := string(rawMember(t, r.body, "dynamicSdkLoaderOptions")); got !=
		`{"hasReplay":true,"hasPerformance":true,"hasDebug":false,"hasFeedback":false,"hasLogsAndMetrics":false}` {
		t.Errorf("dynamicSdkLoaderOptions %s", got)
	}
	// useCase is honoured for superusers only: the key stays visible.
	if f.Project().ListedKeys()[0] != k {
		t.Error("the key is not listed: useCase was honoured")
	}
	// The key has no version of its own: it follows the project default.
	f.Project().SetDefaultLoaderVersion("9.x")
	if k.BrowserSDKVersion() != "9.x" || k.JSON()["browserSdkVersion"] != "9.x" {
		t.Errorf("after a default change: %q", k.BrowserSDKVersion())
	}
}

func TestCreateKeyProjectDefaults(t *testing.T) {
	f := New(Config{})
	custom := LoaderOptions{HasDebug: true, HasLogsAndMetrics: true}
	p := f.AddProject(ProjectSpec{Slug: "old", Teams: []string{"acme"}, DefaultLoaderVersion: "5.x", DefaultLoaderOptions: &custom})
	k := created(t, p, sendJSON(t, f, http.MethodPost, "/api/0/projects/acme/old/keys/", `{}`))
	if k.BrowserSDKVersion() != "5.x" || k.Loader() != custom {
		t.Errorf("version %q loader %+v", k.BrowserSDKVersion(), k.Loader())
	}
	p.SetDefaultLoaderOptions(LoaderOptions{})
	k2 := created(t, p, sendJSON(t, f, http.MethodPost, "/api/0/projects/acme/old/keys/", `{}`))
	if k2.Loader() != (LoaderOptions{}) || k.Loader() != custom {
		t.Errorf("new default: new key %+v, old key %+v", k2.Loader(), k.Loader())
	}
	// Keys added by the test follow the same defaults unless told.
	if got := p.AddKey(KeySpec{}); got.Loader() != (LoaderOptions{}) || got.BrowserSDKVersion() != "5.x" {
		t.Errorf("AddKey: %+v %q", got.Loader(), got.BrowserSDKVersion())
	}
	if got := p.AddKey(KeySpec{BrowserSDKVersion: "8.x"}); got.BrowserSDKVersion() != "8.x" {
		t.Errorf("AddKey with a version: %q", got.BrowserSDKVersion())
	}
	// An empty default goes back to the profile's.
	p.SetDefaultLoaderVersion("")
	if k.BrowserSDKVersion() != "10.x" {
		t.Errorf("reset default: %q", k.BrowserSDKVersion())
	}
	legacy := New(Config{Profile: Legacy})
	lk := created(t, legacy.Project(), sendJSON(t, legacy, http.MethodPost, keysPath, `{"name": "x"}`))
	if lk.BrowserSDKVersion() != "4.x" || lk.Loader() != (LoaderOptions{}) {
		t.Errorf("legacy: %q %+v", lk.BrowserSDKVersion(), lk.Loader())
	}
	if _, ok := lk.JSON()["dynamicSdkLoaderOptions"]; ok {
		t.Error("legacy key shows loader options")
	}
}

// TestCreateKeyNames is trap 6 on POST: trimmed, at most 64 characters,
// blank or null becomes a two-word name.
func TestCreateKeyNames(t *testing.T) {
	long := strings.Repeat("é", 64)
	cases := []struct {
		body, name, errors string
	}{
		{`{"name": "  web \t"}`, "web", ""},
		{`{"name": "` + long + `"}`, long, ""},
		{`{"name": " ` + long + ` "}`, long, ""},
		{`{"name": ""}`, "petname", ""},
		{`{"name": "   "}`, "petname", ""},
		{`{"name": null}`, "petname", ""},
		{`{}`, "petname", ""},
		{``, "petname", ""},
		{`{"name": "` + long + `x"}`, "", `{"name":["Ensure this field has no more than 64 characters."]}`},
		{`{"name": true}`, "", `{"name":["Not a valid string."]}`},
		{`{"name": 123}`, "", `{"name":["Not a valid string."]}`}, // no str() of numbers
		{`{"name": ["a"]}`, "", `{"name":["Not a valid string."]}`},
		{`{"name": "a\u0000b"}`, "", `{"name":["Null characters are not allowed."]}`},
	}
	for _, tc := range cases {
		f := New(Config{})
		r := sendJSON(t, f, http.MethodPost, keysPath, tc.body)
		if tc.errors != "" {
			wantBody(t, r, 400, tc.errors)
			if n := len(f.Project().Keys()); n != 0 {
				t.Errorf("%s: a 400 created %d keys", tc.body, n)
			}
			continue
		}
		k := created(t, f.Project(), r)
		switch name := k.Name(); {
		case tc.name == "petname" && !petNameRe.MatchString(name):
			t.Errorf("%s: name %q, want a generated two-word name", tc.body, name)
		case tc.name != "petname" && name != tc.name:
			t.Errorf("%s: name %q, want %q", tc.body, name, tc.name)
		}
	}
}

// TestCreateKeyRateLimit covers traps 3, 4 and 5 on POST.
func TestCreateKeyRateLimit(t *testing.T) {
	cases := []struct {
		rateLimit     string
		status        int
		window, count int    // stored
		errors        string // exact 400 body
	}{
		{`{"window": 3600, "count": 1000}`, 201, 3600, 1000, ""},
		{`{"window": 86400, "count": 2147483647}`, 201, 86400, 2147483647, ""},
		{`{"window": 0, "count": 10}`, 201, 0, 0, ""},
		{`{"window": 60, "count": 0}`, 201, 0, 0, ""},
		{`{"count": 0}`, 201, 0, 0, ""},                  // count is falsy: window is never looked up
		{`{"count": null, "window": 60}`, 201, 0, 0, ""}, //
		{`{"count": "", "window": ""}`, 201, 0, 0, ""},   // EmptyIntegerField: "" is None
		{`{"count": 10, "window": 60, "other": 1}`, 201, 60, 10, ""},
		{`{"count": 10}`, 500, 0, 0, ""},
		{`{"window": 60}`, 500, 0, 0, ""},
		{`{}`, 500, 0, 0, ""},
		{`{"other": 1}`, 500, 0, 0, ""},
		{`{"window": 60, "count": 2147483648}`, 500, 0, 0, ""}, // beyond the column
		{`null`, 400, 0, 0, `{"rateLimit":["This field may not be null."]}`},
		{`{"window": 90000, "count": 1}`, 400, 0, 0, `{"rateLimit":{"window":["Ensure this value is less than or equal to 86400."]}}`},
		{`{"window": -1, "count": -1}`, 400, 0, 0,
			`{"rateLimit":{"count":["Ensure this value is greater than or equal to 0."],"window":["Ensure this value is greater than or equal to 0."]}}`},
		{`{"window": 60, "count": "abc"}`, 400, 0, 0, `{"rateLimit":{"count":["A valid integer is required."]}}`},
		{`{"window": 60.5, "count": true}`, 400, 0, 0,
			`{"rateLimit":{"count":["A valid integer is required."],"window":["A valid integer is required."]}}`},
		// Only JSON integers are integers: no strings, no 5.0.
		{`{"window": "60", "count": 5.0}`, 400, 0, 0,
			`{"rateLimit":{"count":["A valid integer is required."],"window":["A valid integer is required."]}}`},
		{`[60, 10]`, 400, 0, 0, `{"rateLimit":{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}}`},
		{`"60/10"`, 400, 0, 0, `{"rateLimit":{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.rateLimit, func(t *testing.T) {
			f := New(Config{})
			r := sendJSON(t, f, http.MethodPost, keysPath, `{"name": "k", "rateLimit": `+tc.rateLimit+`}`)
			switch tc.status {
			case 201:
				k := created(t, f.Project(), r)
				if w, c := k.RateLimit(); w != tc.window || c != tc.count {
					t.Errorf("stored %d/%d, want %d/%d", w, c, tc.window, tc.count)
				}
				want := "null"
				if tc.window != 0 {
					want = fmt.Sprintf(`{"window":%d,"count":%d}`, tc.window, tc.count)
				}
				if got := string(rawMember(t, r.body, "rateLimit")); got != want {
					t.Errorf("rateLimit %s, want %s", got, want)
				}
			case 500:
				wantInternalError(t, r)
			default:
				wantBody(t, r, tc.status, tc.errors)
			}
			if tc.status != 201 && len(f.Project().Keys()) != 0 {
				t.Errorf("a %d created a key", tc.status)
			}
		})
	}
}

// TestCreateKeyRateLimitFeatureOff: without projects:rate-limits, rateLimit
// is validated but never read, so even half an object is harmless.
func TestCreateKeyRateLimitFeatureOff(t *testing.T) {
	f := New(Config{})
	p := f.AddProject(ProjectSpec{Slug: "free", Teams: []string{"acme"}, NoRateLimitFeature: true})
	for _, rl := range []string{`{"window": 3600, "count": 1000}`, `{"count": 10}`, `{}`} {
		r := sendJSON(t, f, http.MethodPost, "/api/0/projects/acme/free/keys/", `{"rateLimit": `+rl+`}`)
		wantStatus(t, r, 201)
		if got := string(rawMember(t, r.body, "rateLimit")); got != "null" {
			t.Errorf("%s: rateLimit %s", rl, got)
		}
	}
	wantBody(t, sendJSON(t, f, http.MethodPost, "/api/0/projects/acme/free/keys/", `{"rateLimit": {"window": 1000000}}`), 400,
		`{"rateLimit":{"window":["Ensure this value is less than or equal to 86400."]}}`)
	p.SetRateLimitFeature(true)
	wantInternalError(t, sendJSON(t, f, http.MethodPost, "/api/0/projects/acme/free/keys/", `{"rateLimit": {"count": 10}}`))
}

func TestCreateKeyMaterial(t *testing.T) {
	const pub, sec = "5b7e0c1d9a2f4e6b8c3d1a0f7e9b2c4d", "a1c3e5f7092b4d6f8e0a2c4e6a8b0d2f"
	f := New(Config{})
	k := created(t, f.Project(), sendJSON(t, f, http.MethodPost, keysPath, `{"public": " `+pub+`", "secret": "`+sec+`"}`))
	if k.ID() != pub || k.Secret() != sec {
		t.Errorf("key material %s/%s", k.ID(), k.Secret())
	}
	// A taken value breaks the table's unique constraint: 500, nothing added.
	wantInternalError(t, sendJSON(t, f, http.MethodPost, keysPath, `{"public": "`+pub+`"}`))
	wantInternalError(t, sendJSON(t, f, http.MethodPost, keysPath, `{"secret": "`+sec+`"}`))
	// The columns are unique across projects.
	other := f.AddProject(ProjectSpec{Slug: "api"}).AddKey(KeySpec{})
	wantInternalError(t, sendJSON(t, f, http.MethodPost, keysPath, `{"public": "`+other.Public()+`"}`))
	if n := len(f.Project().Keys()); n != 1 {
		t.Errorf("%d keys after duplicates", n)
	}
	wantBody(t, sendJSON(t, f, http.MethodPost, keysPath, `{"public": "`+strings.ToUpper(pub)+`", "secret": ""}`), 400,
		`{"public":["This value does not match the required pattern."],"secret":["This field may not be blank."]}`)
	// null means generated.
	k2 := created(t, f.Project(), sendJSON(t, f, http.MethodPost, keysPath, `{"public": null, "secret": null}`))
	if !isKeyMaterial(k2.ID()) || k2.ID() == pub {
		t.Errorf("generated %s", k2.ID())
	}
}

// TestCreateKeyIgnoringKeyMaterial: a server that ignores public and
// secret generates both, whatever was sent, taken or malformed.
func TestCreateKeyIgnoringKeyMaterial(t *testing.T) {
	const pub, sec = "5b7e0c1d9a2f4e6b8c3d1a0f7e9b2c4d", "a1c3e5f7092b4d6f8e0a2c4e6a8b0d2f"
	f := New(Config{IgnoreKeyMaterial: true})
	f.AddKey(KeySpec{Public: pub})
	for _, body := range []string{`{"public": "` + pub + `", "secret": "` + sec + `"}`, `{"public": "ABC", "secret": 5}`} {
		k := created(t, f.Project(), sendJSON(t, f, http.MethodPost, keysPath, body))
		if k.Public() == pub || k.Secret() == sec || !isKeyMaterial(k.Public()) || !isKeyMaterial(k.Secret()) {
			t.Errorf("%s: key material %s/%s", body, k.Public(), k.Secret())
		}
	}
	// Other fields are validated as usual.
	wantBody(t, sendJSON(t, f, http.MethodPost, keysPath, `{"public": "ABC", "name": 5}`), 400, `{"name":["Not a valid string."]}`)
}

// TestCreateKeyReportsEveryField: a 400 lists every failing field, in the
// serializer's declaration order.
func TestCreateKeyReportsEveryField(t *testing.T) {
	f := New(Config{})
	wantBody(t, sendJSON(t, f, http.MethodPost, keysPath, `{"rateLimit": null, "name": "`+strings.Repeat("x", 65)+`"}`), 400,
		`{"name":["Ensure this field has no more than 64 characters."],"rateLimit":["This field may not be null."]}`)
	wantBody(t, sendJSON(t, f, http.MethodPost, keysPath, `{"secret": "x", "public": "5", "rateLimit": {"window": "w"}, "name": {}}`), 400,
		`{"name":["Not a valid string."],"rateLimit":{"window":["A valid integer is required."]},`+
			`"public":["This value does not match the required pattern."],"secret":["This value does not match the required pattern."]}`)
}

func TestWriteBodies(t *testing.T) {
	f := New(Config{})
	k := f.AddKey(KeySpec{Label: "k"})
	for _, target := range []string{keysPath, keyPath(k)} {
		method := http.MethodPost
		if target != keysPath {
			method = http.MethodPut
		}
		cases := []struct {
			body, contentType string
			status            int
			want              string // exact body, or a prefix ending in "*"
		}{
			{`[1]`, "application/json", 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
			{`"x"`, "application/json", 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}`},
			{`null`, "application/json", 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got NoneType."]}`},
			{`{"name": `, "application/json", 400, `{"detail":"JSON parse error - *`},
			{`{"name": "x"}`, "text/plain", 415, `{"detail":"Unsupported media type \"text/plain\" in request."}`},
			{`{"name": "x"}`, "", 415, `{"detail":"Unsupported media type \"\" in request."}`},
		}
		for _, tc := range cases {
			h := map[string]string{"Authorization": "Bearer " + f.Token()}
			if tc.contentType != "" {
				h["Content-Type"] = tc.contentType
			}
			r := send(t, f, method, target, tc.body, h)
			if prefix, ok := strings.CutSuffix(tc.want, "*"); ok {
				wantStatus(t, r, tc.status)
				if !strings.HasPrefix(string(r.body), prefix) {
					t.Errorf("%s %q: body %s, want prefix %s", method, tc.body, r.body, prefix)
				}
			} else {
				wantBody(t, r, tc.status, tc.want)
			}
		}
		// An empty body is an empty dict, whatever the content type.
		r := send(t, f, method, target, "", map[string]string{"Authorization": "Bearer " + f.Token()})
		if r.status != 201 && r.status != 200 {
			t.Errorf("%s with no body: %d %s", method, r.status, r.body)
		}
	}
	if n := len(f.Project().Keys()); n != 2 {
		t.Errorf("%d keys, want the original and one from the empty POST", n)
	}
}

// putKey sends a PUT to the key and returns the answer.
func putKey(t *testing.T, f *Fake, k *Key, body string) result {
	t.Helper()
	return sendJSON(t, f, http.MethodPut, keyPath(k), body)
}

// updated checks a 200 whose body is the stored key.
func updated(t *testing.T, k *Key, r result) map[string]any {
	t.Helper()
	wantStatus(t, r, 200)
	if string(r.body) != string(k.RawJSON()) {
		t.Fatalf("200 body\n%s\nis not the stored key\n%s", r.body, k.RawJSON())
	}
	return decodeObject(r.body)
}

// TestUpdateResetsBrowserSDKVersion is trap 1: a PUT without
// browserSdkVersion stores the project's default, whatever it changed.
func TestUpdateResetsBrowserSDKVersion(t *testing.T) {
	f := New(Config{})
	k := f.AddKey(KeySpec{Label: "k", BrowserSDKVersion: "9.x"})
	if k.BrowserSDKVersion() != "9.x" {
		t.Fatalf("version %q", k.BrowserSDKVersion())
	}
	for _, body := range []string{`{"isActive": false}`, `{"name": "renamed"}`, `{"rateLimit": null}`, `{}`} {
		updated(t, k, putKey(t, f, k, `{"browserSdkVersion": "9.x"}`))
		if got := updated(t, k, putKey(t, f, k, body))["browserSdkVersion"]; got != "10.x" {
			t.Errorf("PUT %s: browserSdkVersion %v, want the project default 10.x", body, got)
		}
	}
	// What the PUT stored is the default of that moment, not a link to it.
	f.Project().SetDefaultLoaderVersion("8.x")
	if k.BrowserSDKVersion() != "10.x" {
		t.Errorf("after a default change: %q, want the 10.x stored by the PUT", k.BrowserSDKVersion())
	}
	if got := updated(t, k, putKey(t, f, k, `{}`))["browserSdkVersion"]; got != "8.x" {
		t.Errorf("next PUT: %v, want the new default", got)
	}
	// Sending the version keeps it.
	if got := updated(t, k, putKey(t, f, k, `{"name": "x", "browserSdkVersion": "latest"}`))["browserSdkVersion"]; got != "latest" {
		t.Errorf("PUT with the version: %v", got)
	}
}

// TestUpdateExample replays the example of the research notes (section 4).
func TestUpdateExample(t *testing.T) {
	f := New(Config{})
	k := f.AddKey(KeySpec{Label: "Terraform web key", RateLimitWindow: 3600, RateLimitCount: 1000})
	body := updated(t, k, putKey(t, f, k, `{"name": "Terraform web key", "isActive": false, "rateLimit": null,
		"browserSdkVersion": "9.x", "dynamicSdkLoaderOptions": {"hasReplay": false, "hasFeedback": true}}`))
	if body["isActive"] != false || body["rateLimit"] != nil || body["browserSdkVersion"] != "9.x" {
		t.Errorf("body %v", body)
	}
	if got := string(rawMember(t, k.RawJSON(), "dynamicSdkLoaderOptions")); got !=
		`{"hasReplay":false,"hasPerformance":true,"hasDebug":false,"hasFeedback":true,"hasLogsAndMetrics":false}` {
		t.Errorf("dynamicSdkLoaderOptions %s", got)
	}
	if got := updated(t, k, putKey(t, f, k, `{"name": "x"}`))["browserSdkVersion"]; got != "10.x" {
		t.Errorf("later rename: browserSdkVersion %v", got)
	}
	// The error example: both fields reported, in declaration order.
	wantBody(t, putKey(t, f, k, `{"browserSdkVersion": "11.x", "rateLimit": {"window": 90000}}`), 400,
		`{"rateLimit":{"window":["Ensure this value is less than or equal to 86400."]},"browserSdkVersion":["\"11.x\" is not a valid choice."]}`)
}

// keyState is what a PUT can change.
type keyState struct {
	name          string
	active        bool
	window, count int
	version       string
	loader        LoaderOptions
}

func stateOf(k *Key) keyState {
	w, c := k.RateLimit()
	return keyState{k.Name(), k.Active(), w, c, k.BrowserSDKVersion(), k.Loader()}
}

// TestUpdateFields is section 4's table, field by field. Every case starts
// from the same key; browserSdkVersion is sent unless the case is about it,
// so only the field under test changes.
func TestUpdateFields(t *testing.T) {
	start := keyState{"before", true, 60, 10, "9.x", LoaderOptions{HasReplay: true, HasPerformance: true}}
	cases := []struct {
		name   string
		body   string
		status int
		errors string            // exact 400 body
		change func(s *keyState) // what a success changes
	}{
		{"name trimmed", `{"name": "  after "}`, 200, "", func(s *keyState) { s.name = "after" }},
		{"name blank keeps", `{"name": "  "}`, 200, "", nil},
		{"name null keeps", `{"name": null}`, 200, "", nil},
		{"name too long", `{"name": "` + strings.Repeat("n", 65) + `"}`, 400, `{"name":["Ensure this field has no more than 64 characters."]}`, nil},
		{"deactivate", `{"isActive": false}`, 200, "", func(s *keyState) { s.active = false }},
		{"activate", `{"isActive": true}`, 200, "", nil},
		{"isActive as string", `{"isActive": "off"}`, 400, `{"isActive":["Must be a valid boolean."]}`, nil},
		{"isActive as 0", `{"isActive": 0}`, 400, `{"isActive":["Must be a valid boolean."]}`, nil},
		{"isActive null", `{"isActive": null}`, 400, `{"isActive":["This field may not be null."]}`, nil},
		{"isActive junk", `{"isActive": "maybe"}`, 400, `{"isActive":["Must be a valid boolean."]}`, nil},
		{"isActive 2", `{"isActive": 2}`, 400, `{"isActive":["Must be a valid boolean."]}`, nil},
		{"rate limit set", `{"rateLimit": {"window": 3600, "count": 5}}`, 200, "", func(s *keyState) { s.window, s.count = 3600, 5 }},
		{"rate limit zeros stored", `{"rateLimit": {"window": 0, "count": 0}}`, 200, "", func(s *keyState) { s.window, s.count = 0, 0 }},
		{"rate limit zero window", `{"rateLimit": {"window": 0, "count": 7}}`, 200, "", func(s *keyState) { s.window, s.count = 0, 7 }},
		{"rate limit null clears", `{"rateLimit": null}`, 200, "", func(s *keyState) { s.window, s.count = 0, 0 }},
		{"null count clears", `{"rateLimit": {"count": null, "window": 60}}`, 200, "", func(s *keyState) { s.window, s.count = 0, 0 }},
		{"null count alone clears", `{"rateLimit": {"count": null}}`, 200, "", func(s *keyState) { s.window, s.count = 0, 0 }},
		{"empty window clears", `{"rateLimit": {"count": 5, "window": ""}}`, 200, "", func(s *keyState) { s.window, s.count = 0, 0 }},
		{"rate limit {} keeps", `{"rateLimit": {}}`, 200, "", nil},
		{"unknown members keep", `{"rateLimit": {"burst": 3}}`, 200, "", nil},
		{"count alone", `{"rateLimit": {"count": 5}}`, 500, "", nil},
		{"window alone", `{"rateLimit": {"window": 60}}`, 500, "", nil},
		{"null window alone", `{"rateLimit": {"window": null}}`, 500, "", nil},
		{"count beyond the column", `{"rateLimit": {"window": 60, "count": 99999999999}}`, 500, "", nil},
		{"rate limit invalid", `{"rateLimit": {"window": 86401, "count": -5}}`, 400,
			`{"rateLimit":{"count":["Ensure this value is greater than or equal to 0."],"window":["Ensure this value is less than or equal to 86400."]}}`, nil},
		{"version 10.x", `{"browserSdkVersion": "10.x"}`, 200, "", func(s *keyState) { s.version = "10.x" }},
		{"version 4.x", `{"browserSdkVersion": "4.x"}`, 200, "", func(s *keyState) { s.version = "4.x" }},
		{"version latest", `{"browserSdkVersion": "latest"}`, 200, "", func(s *keyState) { s.version = "latest" }},
		{"version absent resets", `{}`, 200, "", func(s *keyState) { s.version = "10.x" }},
		{"version 11.x", `{"browserSdkVersion": "11.x"}`, 400, `{"browserSdkVersion":["\"11.x\" is not a valid choice."]}`, nil},
		{"version 10", `{"browserSdkVersion": 10}`, 400, `{"browserSdkVersion":["\"10\" is not a valid choice."]}`, nil},
		{"version null", `{"browserSdkVersion": null}`, 400, `{"browserSdkVersion":["This field may not be null."]}`, nil},
		{"version empty", `{"browserSdkVersion": ""}`, 400, `{"browserSdkVersion":["\"\" is not a valid choice."]}`, nil},
		{"loader merged", `{"dynamicSdkLoaderOptions": {"hasReplay": false, "hasDebug": true, "hasLogsAndMetrics": true}}`, 200, "",
			func(s *keyState) {
				s.loader = LoaderOptions{HasPerformance: true, HasDebug: true, HasLogsAndMetrics: true}
			}},
		{"loader every flag", `{"dynamicSdkLoaderOptions": {"hasReplay": false, "hasPerformance": false, "hasDebug": true, "hasFeedback": true, "hasLogsAndMetrics": true}}`, 200, "",
			func(s *keyState) {
				s.loader = LoaderOptions{HasDebug: true, HasFeedback: true, HasLogsAndMetrics: true}
			}},
		{"loader {} keeps", `{"dynamicSdkLoaderOptions": {}}`, 200, "", nil},
		{"loader null keeps", `{"dynamicSdkLoaderOptions": null}`, 200, "", nil},
		{"loader unknown keys dropped", `{"dynamicSdkLoaderOptions": {"hasTracing": false, "HasReplay": false}}`, 200, "", nil},
		{"loader junk", `{"dynamicSdkLoaderOptions": {"hasReplay": "maybe", "hasDebug": null}}`, 400,
			`{"dynamicSdkLoaderOptions":{"hasReplay":["Must be a valid boolean."],"hasDebug":["This field may not be null."]}}`, nil},
		{"loader string", `{"dynamicSdkLoaderOptions": "hasReplay"}`, 400,
			`{"dynamicSdkLoaderOptions":{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}}`, nil},
		{"loader list", `{"dynamicSdkLoaderOptions": ["hasReplay"]}`, 400,
			`{"dynamicSdkLoaderOptions":{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}}`, nil},
		{"ignored fields", `{"useCase": "profiling", "public": "x", "secret": null, "projectId": 5}`, 200, "", nil},
		{"every field fails", `{"dynamicSdkLoaderOptions": {"hasReplay": 3}, "browserSdkVersion": "x", "rateLimit": "x", "isActive": [], "name": false}`, 400,
			`{"name":["Not a valid string."],"isActive":["Must be a valid boolean."],` +
				`"rateLimit":{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]},` +
				`"browserSdkVersion":["\"x\" is not a valid choice."],"dynamicSdkLoaderOptions":{"hasReplay":["Must be a valid boolean."]}}`, nil},
		{"failure changes nothing", `{"name": "after", "isActive": false, "rateLimit": {"count": 3}}`, 500, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := New(Config{})
			k := f.AddKey(KeySpec{Label: start.name, RateLimitWindow: start.window, RateLimitCount: start.count,
				BrowserSDKVersion: start.version, Loader: &start.loader})
			body := tc.body
			if !strings.Contains(body, "browserSdkVersion") && tc.name != "version absent resets" {
				body = strings.Replace(body, "{", `{"browserSdkVersion": "9.x", `, 1)
				body = strings.Replace(body, ", }", "}", 1)
			}
			r := putKey(t, f, k, body)
			want := start
			switch tc.status {
			case 200:
				updated(t, k, r)
				if tc.change != nil {
					tc.change(&want)
				}
			case 500:
				wantInternalError(t, r)
			default:
				wantBody(t, r, tc.status, tc.errors)
			}
			if got := stateOf(k); got != want {
				t.Errorf("stored %+v\nwant   %+v", got, want)
			}
			if tc.status == 200 {
				wantRL := "null"
				if want.window != 0 && want.count != 0 {
					wantRL = fmt.Sprintf(`{"window":%d,"count":%d}`, want.window, want.count)
				}
				if got := string(rawMember(t, r.body, "rateLimit")); got != wantRL {
					t.Errorf("rateLimit %s, want %s", got, wantRL)
				}
			}
		})
	}
}

// TestUpdateRateLimitFeatureOff: the feature off, PUT neither sets nor
// clears a limit, and half an object is harmless.
func TestUpdateRateLimitFeatureOff(t *testing.T) {
	f := New(Config{})
	k := f.AddKey(KeySpec{RateLimitWindow: 60, RateLimitCount: 10})
	f.Project().SetRateLimitFeature(false)
	for _, rl := range []string{`null`, `{"window": 3600, "count": 5}`, `{"count": 5}`} {
		body := updated(t, k, putKey(t, f, k, `{"rateLimit": `+rl+`}`))
		if w, c := k.RateLimit(); w != 60 || c != 10 || body["rateLimit"] == nil {
			t.Errorf("%s: stored %d/%d, body %v", rl, w, c, body["rateLimit"])
		}
	}
	wantBody(t, putKey(t, f, k, `{"rateLimit": {"count": -1}}`), 400, `{"rateLimit":{"count":["Ensure this value is greater than or equal to 0."]}}`)
}

// TestLoaderOptionTable: each option of the table is merged on its own and
// serialised under its name, so the table is the only list of options.
func TestLoaderOptionTable(t *testing.T) {
	for i, o := range loaderOptionFields {
		f := New(Config{})
		k := f.AddKey(KeySpec{Loader: &LoaderOptions{}})
		body := updated(t, k, putKey(t, f, k, `{"browserSdkVersion": "10.x", "dynamicSdkLoaderOptions": {"`+o.name+`": true}}`))
		var want LoaderOptions
		*o.field(&want) = true
		if k.Loader() != want {
			t.Errorf("%s: stored %+v, want %+v", o.name, k.Loader(), want)
		}
		loader := asObject(t, body["dynamicSdkLoaderOptions"])
		if len(loader) != len(loaderOptionFields) || loader[o.name] != true {
			t.Errorf("%s: serialised %v", o.name, loader)
		}
		if names := objectKeys(t, rawMember(t, k.RawJSON(), "dynamicSdkLoaderOptions")); names[i] != o.name {
			t.Errorf("%s is not at position %d: %v", o.name, i, names)
		}
	}
}

func TestUpdateLegacyIgnoresLoaderOptions(t *testing.T) {
	f := New(Config{Profile: Legacy})
	k := f.AddKey(KeySpec{})
	before := k.Loader()
	updated(t, k, putKey(t, f, k, `{"browserSdkVersion": "4.x", "dynamicSdkLoaderOptions": 5}`))
	if k.Loader() != before {
		t.Errorf("legacy loader changed to %+v", k.Loader())
	}
}

// TestDelete: 204 with an empty body, then the key is gone for every method.
func TestDelete(t *testing.T) {
	f := New(Config{})
	keys := f.AddKeys(3)
	k := keys[1]
	r := sendJSON(t, f, http.MethodDelete, keyPath(k), "")
	if r.status != 204 || len(r.body) != 0 || r.first("Content-Type") != "" || r.first("Content-Length") != "" {
		t.Fatalf("DELETE: %d %q headers %v", r.status, r.body, r.header)
	}
	if !k.Deleted() || f.Project().Key(k.ID()) != nil {
		t.Error("the key is still stored")
	}
	if listed := f.Project().ListedKeys(); len(listed) != 2 || listed[0] != keys[2] || listed[1] != keys[0] {
		t.Errorf("ListedKeys %v", listed)
	}
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		wantDetail(t, sendJSON(t, f, method, keyPath(k), `{"name": "x"}`), 404, msgNotFound)
	}
	if ids := get(t, f, keysPath).publicIDs(t); len(ids) != 2 {
		t.Errorf("list after delete: %v", ids)
	}
	// A deleted key's public id is free again.
	again := f.AddKey(KeySpec{Public: k.Public()})
	wantStatus(t, get(t, f, keyPath(again)), 200)
	// Key.Delete is the same hard delete.
	keys[0].Delete()
	if !keys[0].Deleted() || f.Project().Key(keys[0].ID()) != nil {
		t.Error("Key.Delete left the key stored")
	}
	wantDetail(t, sendJSON(t, f, http.MethodDelete, keyPath(keys[0]), ""), 404, msgNotFound)
}

// TestWritesFindKeysLikeReads: inactive keys stay writable (trap 8);
// hidden keys, other projects' keys and unknown ids are 404s.
func TestWritesFindKeysLikeReads(t *testing.T) {
	f := New(Config{})
	inactive := f.AddKey(KeySpec{Label: "off", Inactive: true})
	internal := f.AddKey(KeySpec{UseCase: UseCaseProfiling})
	noStore := f.AddKey(KeySpec{NoStoreRole: true})
	other := f.AddProject(ProjectSpec{Slug: "api", Teams: []string{"acme"}}).AddKey(KeySpec{})

	wantStatus(t, get(t, f, keyPath(inactive)), 200)
	if body := updated(t, inactive, putKey(t, f, inactive, `{"name": "still off", "browserSdkVersion": "10.x"}`)); body["isActive"] != false {
		t.Errorf("PUT activated the key: %v", body["isActive"])
	}
	for _, k := range []*Key{internal, noStore, other} {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
			wantDetail(t, sendJSON(t, f, method, keyPath(k), `{}`), 404, msgNotFound)
		}
		if k.Deleted() {
			t.Errorf("a hidden key was deleted")
		}
	}
	for _, id := range []string{"0123456789abcdef0123456789abcdef", strings.ToUpper(inactive.ID())} {
		wantDetail(t, sendJSON(t, f, http.MethodPut, keysPath+id+"/", `{}`), 404, msgNotFound)
	}
	wantStatus(t, sendJSON(t, f, http.MethodDelete, keyPath(inactive), ""), 204)
	// Unknown projects and organizations are 404s before the body is read.
	wantDetail(t, sendJSON(t, f, http.MethodPost, "/api/0/projects/acme/nope/keys/", `[`), 404, msgNotFound)
	wantDetail(t, sendJSON(t, f, http.MethodPut, "/api/0/projects/nope/web/keys/"+other.ID()+"/", `[`), 404, msgNotFound)
	// Ids work as for reads.
	byID := fmt.Sprintf("/api/0/projects/%d/%d/keys/", f.Organization().ID(), f.Project().ID())
	created(t, f.Project(), sendJSON(t, f, http.MethodPost, byID, `{"name": "by id"}`))
}

// TestWriteScopes is ProjectPermission.scope_map: POST and PUT need
// project:write or project:admin, DELETE project:admin.
func TestWriteScopes(t *testing.T) {
	cases := []struct {
		method string
		scopes []string
		status int
		scope  string // the challenge's scope list on a 403
	}{
		{http.MethodGet, []string{"project:read"}, 200, ""},
		{http.MethodPost, []string{"project:read"}, 403, "project:admin project:write"},
		{http.MethodPost, []string{"project:write"}, 201, ""},
		{http.MethodPost, []string{"project:admin"}, 201, ""},
		{http.MethodPost, []string{"org:admin", "project:releases"}, 403, "project:admin project:write"},
		{http.MethodPut, []string{"project:read"}, 403, "project:admin project:write"},
		{http.MethodPut, []string{"project:write"}, 200, ""},
		{http.MethodPut, []string{"project:admin"}, 200, ""},
		{http.MethodDelete, []string{"project:read", "project:write"}, 403, "project:admin"},
		{http.MethodDelete, []string{"project:admin"}, 204, ""},
	}
	for _, profile := range []Profile{SaaS, Legacy} {
		for _, tc := range cases {
			f := New(Config{Profile: profile})
			k := f.AddKey(KeySpec{})
			f.AddToken(TokenSpec{Token: "t", Scopes: tc.scopes, Role: RoleMember, Teams: []string{"acme"}})
			target := keyPath(k)
			if tc.method == http.MethodPost {
				target = keysPath
			}
			r := send(t, f, tc.method, target, `{"browserSdkVersion": "8.x"}`,
				map[string]string{"Authorization": "Bearer t", "Content-Type": "application/json"})
			if r.status != tc.status {
				t.Errorf("%v %s with %v: %d, want %d (%s)", profile, tc.method, tc.scopes, r.status, tc.status, r.body)
				continue
			}
			if tc.status != 403 {
				continue
			}
			wantDetail(t, r, 403, msgPermissionDenied)
			want := `Bearer error="insufficient_scope", scope="` + tc.scope + `"`
			if profile == Legacy {
				want = ""
			}
			if got := r.first("WWW-Authenticate"); got != want {
				t.Errorf("%v %s with %v: challenge %q, want %q", profile, tc.method, tc.scopes, got, want)
			}
			if k.Deleted() || len(f.Project().Keys()) != 1 || k.BrowserSDKVersion() == "8.x" {
				t.Errorf("%v %s: a refused request changed data", profile, tc.method)
			}
		}
	}
}

// TestWriteAccess: membership and team access as for reads; a refused or
// unauthenticated write changes nothing, and a renamed project redirects.
func TestWriteAccess(t *testing.T) {
	f := New(Config{})
	k := f.AddKey(KeySpec{Label: "k"})
	f.AddToken(TokenSpec{Token: "stranger", Scopes: AllScopes()})
	other := f.Organization().AddTeam(TeamSpec{Slug: "other"})
	f.AddToken(TokenSpec{Token: "member", Scopes: AllScopes(), Role: RoleMember, Teams: []string{other.Slug()}})
	f.Organization().SetClosedMembership(true)
	for _, auth := range []string{"Bearer stranger", "Bearer member"} {
		h := map[string]string{"Authorization": auth, "Content-Type": "application/json"}
		for _, req := range [][3]string{{http.MethodPost, keysPath, `{}`}, {http.MethodPut, keyPath(k), `{"name": "x"}`}, {http.MethodDelete, keyPath(k), ""}} {
			r := send(t, f, req[0], req[1], req[2], h)
			wantDetail(t, r, 403, msgPermissionDenied)
			if r.first("WWW-Authenticate") != "" {
				t.Errorf("%s %s: membership 403 with a challenge", auth, req[0])
			}
		}
	}
	wantDetail(t, send(t, f, http.MethodPost, keysPath, `{}`, nil), 401, msgNotAuthenticated)
	wantDetail(t, send(t, f, http.MethodDelete, keyPath(k), "", map[string]string{"Authorization": "Bearer nope"}), 401, msgInvalidToken)
	if len(f.Project().Keys()) != 1 || k.Name() != "k" || k.Deleted() {
		t.Error("a refused write changed data")
	}

	f.Project().Rename("www")
	r := sendJSON(t, f, http.MethodPost, keysPath+"?x=1", `{}`)
	wantStatus(t, r, 302)
	if r.first("Location") != "/api/0/projects/acme/www/keys/?x=1" {
		t.Errorf("Location %q", r.first("Location"))
	}
	if len(f.Project().Keys()) != 1 {
		t.Error("a redirected POST created a key")
	}
}

// TestWriteRateLimits: POST of the key list has its own 40/s, apart from
// GET; the detail endpoint has no limit and no headers.
func TestWriteRateLimits(t *testing.T) {
	c := &clock{}
	c.set(time.Unix(1_700_000_000, 0))
	f := New(Config{Now: c.now})
	k := f.AddKey(KeySpec{})
	for i := 1; i <= 40; i++ {
		r := sendJSON(t, f, http.MethodPost, keysPath, `{}`)
		wantStatus(t, r, 201)
		if r.first("X-Sentry-Rate-Limit-Remaining") != fmt.Sprint(40-i) {
			t.Fatalf("POST %d: Remaining %q", i, r.first("X-Sentry-Rate-Limit-Remaining"))
		}
	}
	r := sendJSON(t, f, http.MethodPost, keysPath, `{}`)
	wantBody(t, r, 429, `{"detail":"You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds"}`)
	if n := len(f.Project().Keys()); n != 41 {
		t.Errorf("%d keys: the 429 created one", n)
	}
	r = get(t, f, keysPath)
	if r.status != 200 || r.first("X-Sentry-Rate-Limit-Remaining") != "39" {
		t.Errorf("GET after 41 POSTs: %d Remaining %q", r.status, r.first("X-Sentry-Rate-Limit-Remaining"))
	}
	for range 50 {
		r := putKey(t, f, k, `{"browserSdkVersion": "10.x"}`)
		wantStatus(t, r, 200)
		if _, ok := r.header["X-Sentry-Rate-Limit-Limit"]; ok {
			t.Fatal("the detail endpoint sends rate-limit headers")
		}
	}
}
