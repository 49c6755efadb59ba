package sentry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// secretOf is the secret key of test key i: distinctive, so that a log or an
// error that leaks it is easy to spot.
func secretOf(i int) string { return fmt.Sprintf("5ec7e7%026x", i) }

// webKeyJSON renders key 1, named web and created now, as Sentry does.
func webKeyJSON() string {
	return keyWithID(fmt.Sprintf("%032x", 1), 1, "web", time.Now())
}

// keyWithID renders key i under the public key pk.
func keyWithID(pk string, i int, name string, created time.Time) string {
	return fmt.Sprintf(`{"id":%q,"name":%q,"label":%q,"public":%q,"secret":%q,"projectId":4505281256090153,"isActive":true,"rateLimit":null,`+
		`"dsn":{"secret":"https://%s:%s@o1.ingest.us.sentry.io/4505281256090153","public":"https://%s@o1.ingest.us.sentry.io/4505281256090153"},`+
		`"browserSdkVersion":"10.x","browserSdk":{"choices":[["10.x","10.x"]]},"dateCreated":%q,`+
		`"dynamicSdkLoaderOptions":{"hasReplay":true,"hasPerformance":true,"hasDebug":false,"hasFeedback":false,"hasLogsAndMetrics":false}}`,
		pk, name, name, pk, secretOf(i), pk, secretOf(i), pk, created.UTC().Format("2006-01-02T15:04:05.000000Z"))
}

// bodyOf reads a request's JSON body into a map, failing the test on
// anything else.
func bodyOf(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("reading the request body: %v", err)
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Errorf("the request body %q is not a JSON object: %v", b, err)
	}
	return m
}

// dropConnection closes the connection without an answer, after the request
// (body included) was read: the request reached the server.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("the test server cannot hijack connections")
	}
	if conn, _, err := hj.Hijack(); err == nil {
		_ = conn.Close()
	}
}

// flush sends what the handler wrote so far.
func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

func methods(rec *recorder) []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []string
	for _, r := range rec.requests {
		out = append(out, r.Method)
	}
	return out
}

func TestUpdateProjectKeyBody(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name string
		key  ProjectKeyUpdate
		want string
	}{
		{"everything", ProjectKeyUpdate{Name: " web\u00a0", IsActive: true, RateLimit: &RateLimit{Window: 3600, Count: 1000}, BrowserSDKVersion: "9.x",
			DynamicSDKLoaderOptions: &LoaderOptions{HasReplay: &no, HasFeedback: &yes}},
			`{"name":"web","isActive":true,"rateLimit":{"window":3600,"count":1000},"browserSdkVersion":"9.x","dynamicSdkLoaderOptions":{"hasReplay":false,"hasFeedback":true}}`},
		{"the least: the limit cleared, name and loader options kept", ProjectKeyUpdate{BrowserSDKVersion: "10.x"},
			`{"isActive":false,"rateLimit":null,"browserSdkVersion":"10.x"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Method != http.MethodPut || r.URL.Path != "/api/0/projects/acme/web/keys/"+fmt.Sprintf("%032x", 1)+"/" {
					t.Errorf("%s %s", r.Method, r.URL.Path)
				}
				b, _ := io.ReadAll(r.Body)
				got = string(b)
				fmt.Fprint(w, webKeyJSON())
			})
			k, err := newTestClient(t, rec).UpdateProjectKey(context.Background(), "acme", "web", fmt.Sprintf("%032x", 1), tc.key)
			if err != nil || k.Name != "web" {
				t.Fatalf("key %+v, err %v", k, err)
			}
			if got != tc.want {
				t.Fatalf("PUT body\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestUpdateProjectKeyNeedsTheLoaderVersion(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("a request was sent") })
	for _, v := range []string{"", "  "} {
		_, err := newTestClient(t, rec).UpdateProjectKey(context.Background(), "acme", "web", "abc", ProjectKeyUpdate{Name: "web", BrowserSDKVersion: v})
		if err == nil || !strings.Contains(err.Error(), "browserSdkVersion") {
			t.Fatalf("err = %v, want an error about browserSdkVersion", err)
		}
	}
}

func TestUpdateProjectKeyIsRetried(t *testing.T) {
	var bodies []string
	var mu sync.Mutex
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		switch n {
		case 1:
			w.WriteHeader(http.StatusBadGateway)
		case 2:
			dropConnection(w)
		case 3:
			w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()))
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			fmt.Fprint(w, webKeyJSON())
		}
	})
	c := newTestClient(t, rec, func(c *Config) { c.MaxRetries = intPtr(3) })
	if _, err := c.UpdateProjectKey(context.Background(), "acme", "web", "abc", ProjectKeyUpdate{Name: "web", BrowserSDKVersion: "10.x"}); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 4 {
		t.Fatalf("%d PUTs, want 4", len(bodies))
	}
	for i, b := range bodies {
		if b != bodies[0] || !strings.Contains(b, `"browserSdkVersion":"10.x"`) {
			t.Errorf("PUT %d sent %q, want the same whole state each time", i+1, b)
		}
	}
}

func TestDeleteProjectKey(t *testing.T) {
	gone := func(w http.ResponseWriter) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"detail": "The requested resource does not exist"}`)
	}
	deleted := func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }
	failed := func(w http.ResponseWriter) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"detail": "Internal Error", "errorId": "abc"}`)
	}
	limited := func(w http.ResponseWriter) {
		w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()))
		w.WriteHeader(http.StatusTooManyRequests)
	}
	page := func(status int) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			fmt.Fprint(w, "<html><title>Sign in</title></html>")
		}
	}
	cases := []struct {
		name    string
		answers []func(w http.ResponseWriter)
		// want is the status of the error wanted; 0 wants success.
		want int
	}{
		{"204", []func(http.ResponseWriter){deleted}, 0},
		{"200 with an empty body, as a proxy may answer", []func(http.ResponseWriter){func(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) }}, 0},
		{"200 with JSON", []func(http.ResponseWriter){func(w http.ResponseWriter) { fmt.Fprint(w, `{}`) }}, 0},
		{"502 then 204", []func(http.ResponseWriter){func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, deleted}, 0},
		{"dropped then 204", []func(http.ResponseWriter){dropConnection, deleted}, 0},
		{"404 after a 502: the first attempt deleted it", []func(http.ResponseWriter){func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, gone}, 0},
		{"404 after a dropped connection", []func(http.ResponseWriter){dropConnection, gone}, 0},
		{"404 at once: already gone", []func(http.ResponseWriter){gone}, 0},
		{"500, 429, then 404", []func(http.ResponseWriter){failed, limited, gone}, 0},
		{"an empty 404: sentry.io's unknown organization", []func(http.ResponseWriter){func(w http.ResponseWriter) { w.WriteHeader(http.StatusNotFound) }}, http.StatusNotFound},
		{"a 404 page", []func(http.ResponseWriter){page(http.StatusNotFound)}, http.StatusNotFound},
		{"a 200 page is never deleted", []func(http.ResponseWriter){page(http.StatusOK)}, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Method != http.MethodDelete || r.URL.Path != "/api/0/projects/acme/web/keys/abc/" {
					t.Errorf("%s %s", r.Method, r.URL.Path)
				}
				tc.answers[min(n, len(tc.answers))-1](w)
			})
			log := &captureLogger{}
			err := newTestClient(t, rec, func(c *Config) { c.Logger = log }).DeleteProjectKey(context.Background(), "acme", "web", "abc")
			var apiErr *APIError
			var notJSON *NotJSONError
			switch {
			case tc.want == 0 && err != nil:
				t.Fatalf("err = %v, want success", err)
			case tc.want == http.StatusOK && !errors.As(err, &notJSON):
				t.Fatalf("err = %v, want a NotJSONError", err)
			case tc.want == http.StatusNotFound && (!errors.As(err, &apiErr) || apiErr.StatusCode != tc.want):
				t.Fatalf("err = %v, want the %d as an APIError", err, tc.want)
			}
			if rec.count() != len(tc.answers) {
				t.Fatalf("made %d requests, want %d", rec.count(), len(tc.answers))
			}
			if ended := log.has("Debug", "the key is gone"); ended != (tc.want == 0 && strings.Contains(tc.name, "404")) {
				t.Errorf("a 404 that ended the delete was logged: %t", ended)
			}
		})
	}
}

func TestParseFieldErrors(t *testing.T) {
	cases := []struct {
		name, body string
		want       []FieldError
	}{
		{"nested and list", `{"rateLimit": {"window": ["Ensure this value is less than or equal to 86400."], "count": ["A valid integer is required."]}, "name": ["Ensure this field has no more than 64 characters."]}`,
			[]FieldError{
				{"name", []string{"Ensure this field has no more than 64 characters."}},
				{"rateLimit.count", []string{"A valid integer is required."}},
				{"rateLimit.window", []string{"Ensure this value is less than or equal to 86400."}},
			}},
		{"null object", `{"rateLimit": ["This field may not be null."]}`, []FieldError{{"rateLimit", []string{"This field may not be null."}}}},
		{"older flattened variant", `{"rateLimit": ["window"]}`, []FieldError{{"rateLimit", []string{"window"}}}},
		{"detail is no field", `{"detail": "Invalid cursor parameter."}`, nil},
		{"a plain string and several messages", `{"browserSdkVersion": "\"11.x\" is not a valid choice.", "public": ["a", "b"]}`,
			[]FieldError{{"browserSdkVersion", []string{`"11.x" is not a valid choice.`}}, {"public", []string{"a", "b"}}}},
		{"list elements", `{"items": [{}, {"name": ["bad"]}]}`, []FieldError{{"items.1.name", []string{"bad"}}}},
		{"not an object", `["x"]`, nil},
		{"not JSON", `<html>`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseFieldErrors([]byte(tc.body)); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestFieldErrorsOfA400(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"rateLimit": {"window": ["Ensure this value is less than or equal to 86400."]}, "browserSdkVersion": ["\"11.x\" is not a valid choice."]}`)
	})
	_, err := newTestClient(t, rec).UpdateProjectKey(context.Background(), "acme", "web", "abc", ProjectKeyUpdate{BrowserSDKVersion: "11.x", RateLimit: &RateLimit{Window: 90000, Count: 1}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Method != http.MethodPut || apiErr.Detail != "" {
		t.Fatalf("err = %v, want a PUT's APIError", err)
	}
	want := []FieldError{{"browserSdkVersion", []string{`"11.x" is not a valid choice.`}}, {"rateLimit.window", []string{"Ensure this value is less than or equal to 86400."}}}
	if !reflect.DeepEqual(apiErr.FieldErrors, want) {
		t.Fatalf("field errors %#v", apiErr.FieldErrors)
	}
	if !strings.Contains(err.Error(), `HTTP 400 Bad Request: browserSdkVersion: "11.x" is not a valid choice.; rateLimit.window: Ensure this value`) {
		t.Errorf("Error() = %s", err)
	}
	if rec.count() != 1 {
		t.Errorf("made %d requests, want 1", rec.count())
	}
}

// TestPacingIsPerMethod: Sentry limits each endpoint's methods separately, so
// creates that used up their window do not hold back the listing.
func TestPacingIsPerMethod(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Sentry-Rate-Limit-Limit", "40")
		w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()+50))
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, webKeyJSON())
			return
		}
		fmt.Fprint(w, "[]")
	})
	c := newTestClient(t, rec)
	if _, err := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.ListProjectKeys(ctx, "acme", "web", ""); err != nil {
		t.Fatalf("the listing waited for the creates' window: %v", err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancelShort()
	if _, err := c.ListProjectKeys(short, "acme", "web", ""); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v: the listing's own used-up window did not hold it back", err)
	}
}

// captureLogger keeps every message and its fields as text.
type captureLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", level, msg)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, fields[k])
	}
	l.mu.Lock()
	l.lines = append(l.lines, b.String())
	l.mu.Unlock()
}

func (l *captureLogger) Warn(_ context.Context, msg string, f map[string]any) { l.add("Warn", msg, f) }
func (l *captureLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.add("Debug", msg, f)
}
func (l *captureLogger) Trace(_ context.Context, msg string, f map[string]any) {
	l.add("Trace", msg, f)
}

func (l *captureLogger) has(level, part string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.HasPrefix(line, level+" ") && strings.Contains(line, part) {
			return true
		}
	}
	return false
}

func (l *captureLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// TestLogsCarryNoSecrets runs every method, failures included, and checks
// that no log line holds the token, the Authorization header or a key's
// secret, while sizes and statuses are there.
func TestLogsCarryNoSecrets(t *testing.T) {
	store := &keyServer{}
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == http.MethodPost && n == 2:
			// A create that fails after creating: the key is read back.
			store.post(t, r)
			dropConnection(w)
		case r.Method == http.MethodPut:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"secret": ["%s is not allowed"]}`, secretOf(1))
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			store.serve(t, w, r)
		}
	})
	log := &captureLogger{}
	c := newTestClient(t, rec, func(c *Config) { c.Logger = log })
	ctx := context.Background()
	first, err := c.CreateProjectKey(ctx, "acme", "web", ProjectKeyCreate{Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateProjectKey(ctx, "acme", "web", ProjectKeyCreate{Name: "api"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetProjectKey(ctx, "acme", "web", first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateProjectKey(ctx, "acme", "web", "abc", ProjectKeyUpdate{BrowserSDKVersion: "10.x"}); err == nil {
		t.Fatal("the PUT's 400 was not an error")
	}
	if err := c.DeleteProjectKey(ctx, "acme", "web", "abc"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListProjectKeys(ctx, "acme", "web", ""); err != nil {
		t.Fatal(err)
	}
	text := log.text()
	for _, secret := range []string{"test-token", "Bearer", "Authorization", secretOf(1), secretOf(2)} {
		if strings.Contains(text, secret) {
			t.Errorf("the logs contain %q:\n%s", secret, text)
		}
	}
	for _, want := range []string{"method=POST", "method=PUT", "method=DELETE", "status=201", "status=400", "status=204", "request_bytes=", "response_bytes="} {
		if !strings.Contains(text, want) {
			t.Errorf("no log line has %q", want)
		}
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
