package sentry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a test server that answers with a handler and records what it
// was asked.
type recorder struct {
	mu       sync.Mutex
	requests []*http.Request
	server   *httptest.Server
}

func newRecorder(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.requests = append(rec.requests, r)
		n := len(rec.requests)
		rec.mu.Unlock()
		handler(w, r, n)
	}))
	t.Cleanup(rec.server.Close)
	return rec
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

func (r *recorder) request(i int) *http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[i]
}

func intPtr(n int) *int { return &n }

// newTestClient returns a client of rec's server with fast retries.
func newTestClient(t *testing.T, rec *recorder, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:        rec.server.URL,
		Token:          "test-token",
		UserAgent:      "terraform-provider-sentry/test Terraform/1.11.4",
		MaxRetries:     intPtr(2),
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   5 * time.Millisecond,
		RequestTimeout: 5 * time.Second,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keyJSON renders a minimal current-shape key.
func keyJSON(i int) string {
	pk := fmt.Sprintf("%032x", i)
	return fmt.Sprintf(`{"id":%q,"name":"Key %d","label":"Key %d","public":%q,"secret":"s%d","projectId":4505281256090153,"isActive":true,"rateLimit":null,`+
		`"dsn":{"secret":"https://%s:s@o1.ingest.us.sentry.io/4505281256090153","public":"https://%s@o1.ingest.us.sentry.io/4505281256090153"},`+
		`"browserSdkVersion":"10.x","browserSdk":{"choices":[["10.x","10.x"]]},"dateCreated":"2026-01-29T17:41:02.969782Z"}`, pk, i, i, pk, i, pk, pk)
}

func page(from, to int) string {
	parts := []string{}
	for i := from; i > to; i-- {
		parts = append(parts, keyJSON(i))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// sentryLink renders a Sentry Link header whose URLs point at another host,
// as sentry.io's do (they use the configured URL prefix).
func sentryLink(path, query, prev string, prevResults bool, next string, nextResults bool) string {
	u := "https://sentry.example.com" + path + "?" + query
	return fmt.Sprintf(`<%s&cursor=%s>; rel="previous"; results="%t"; cursor="%s", <%s&cursor=%s>; rel="next"; results="%t"; cursor="%s"`,
		u, prev, prevResults, prev, u, next, nextResults, next)
}

func TestListProjectKeysFollowsEveryCursor(t *testing.T) {
	const path = "/api/0/projects/acme/web/keys/"
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path != path {
			t.Errorf("unexpected path %q", r.URL.Path)
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("cursor") {
		case "":
			w.Header().Set("Link", sentryLink(path, "per_page=100", "300:0:1", false, "200:0:0", true))
			fmt.Fprint(w, page(300, 200))
		case "200:0:0":
			w.Header().Set("Link", sentryLink(path, "per_page=100", "200:0:1", true, "100:0:0", true))
			fmt.Fprint(w, page(200, 100))
		case "100:0:0":
			w.Header().Set("Link", sentryLink(path, "per_page=100", "100:0:1", true, "50:0:0", true))
			fmt.Fprint(w, page(100, 50))
		case "50:0:0":
			w.Header().Set("Link", sentryLink(path, "per_page=100", "50:0:1", true, "1:1:0", false))
			fmt.Fprint(w, page(50, 0))
		default:
			t.Errorf("unexpected cursor %q", r.URL.Query().Get("cursor"))
			w.WriteHeader(http.StatusBadRequest)
		}
	})
	c := newTestClient(t, rec)

	keys, err := c.ListProjectKeys(context.Background(), "acme", "web", KeyStatusAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 300 {
		t.Fatalf("got %d keys, want 300", len(keys))
	}
	for i, k := range keys {
		if want := fmt.Sprintf("%032x", 300-i); k.ID != want {
			t.Fatalf("key %d has id %s, want %s (API order)", i, k.ID, want)
		}
	}
	if got := rec.count(); got != 4 {
		t.Fatalf("made %d requests, want 4 (no request after results=\"false\")", got)
	}
	wantCursors := []string{"", "200:0:0", "100:0:0", "50:0:0"}
	for i, want := range wantCursors {
		r := rec.request(i)
		q := r.URL.Query()
		if q.Get("cursor") != want || q.Get("per_page") != "100" || q.Has("status") {
			t.Errorf("request %d query = %q, want cursor %q and per_page=100 without status", i, r.URL.RawQuery, want)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer test-token" {
			t.Errorf("request %d Authorization = %q", i, got)
		}
		if got := r.Header.Get("User-Agent"); got != "terraform-provider-sentry/test Terraform/1.11.4" {
			t.Errorf("request %d User-Agent = %q", i, got)
		}
	}
}

func TestListProjectKeysStatusFilter(t *testing.T) {
	for _, status := range []KeyStatus{KeyStatusActive, KeyStatusInactive} {
		t.Run(string(status), func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				fmt.Fprint(w, "[]")
			})
			keys, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", status)
			if err != nil {
				t.Fatal(err)
			}
			if keys == nil || len(keys) != 0 {
				t.Fatalf("got %#v, want an empty, non-nil slice", keys)
			}
			if got := rec.request(0).URL.Query().Get("status"); got != string(status) {
				t.Fatalf("status = %q, want %q", got, status)
			}
		})
	}
}

func TestListProjectKeysRejectsUnknownStatus(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { fmt.Fprint(w, "[]") })
	_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "Active")
	if err == nil || !strings.Contains(err.Error(), `"Active"`) {
		t.Fatalf("err = %v, want a status error", err)
	}
	if rec.count() != 0 {
		t.Fatal("a request was sent for an invalid status; Sentry would answer 200 []")
	}
}

func TestListProjectKeysEscapesPathSegments(t *testing.T) {
	cases := []struct{ org, project, wantPath string }{
		{"a/b", "web", "/api/0/projects/a%2Fb/web/keys/"},
		{"acme", "../x", "/api/0/projects/acme/..%2Fx/keys/"},
		{"acme", "%2F", "/api/0/projects/acme/%252F/keys/"},
		{"acme", "w?x#y", "/api/0/projects/acme/w%3Fx%23y/keys/"},
	}
	for _, tc := range cases {
		t.Run(tc.org+" "+tc.project, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { fmt.Fprint(w, "[]") })
			if _, err := newTestClient(t, rec).ListProjectKeys(context.Background(), tc.org, tc.project, ""); err != nil {
				t.Fatal(err)
			}
			r := rec.request(0)
			if got := r.URL.EscapedPath(); got != tc.wantPath {
				t.Fatalf("path = %q, want %q", got, tc.wantPath)
			}
			if r.URL.RawQuery != "per_page=100" {
				t.Fatalf("query = %q: the value leaked into the query", r.URL.RawQuery)
			}
		})
	}
	for _, bad := range []string{"", ".", ".."} {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { fmt.Fprint(w, "[]") })
		if _, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", bad, ""); err == nil {
			t.Errorf("project %q was accepted", bad)
		}
		if rec.count() != 0 {
			t.Errorf("project %q sent a request", bad)
		}
	}
}

func TestListProjectKeysWithoutLinkHeaderIsOnePage(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { fmt.Fprint(w, page(3, 0)) })
	keys, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || rec.count() != 1 {
		t.Fatalf("got %d keys in %d requests, want 3 in 1", len(keys), rec.count())
	}
}

func TestListProjectKeysRepeatedCursorIsAnError(t *testing.T) {
	const path = "/api/0/projects/acme/web/keys/"
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Link", sentryLink(path, "per_page=100", "9:0:1", false, "9:0:0", true))
		fmt.Fprint(w, page(1, 0))
	})
	_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	var pe *PaginationError
	if !errors.As(err, &pe) || !strings.Contains(pe.Reason, "twice") {
		t.Fatalf("err = %v, want a repeated-cursor PaginationError", err)
	}
	if rec.count() != 2 {
		t.Fatalf("made %d requests, want 2", rec.count())
	}
}

func TestListProjectKeysPageCap(t *testing.T) {
	const path = "/api/0/projects/acme/web/keys/"
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		// The listing ends after 20 pages, so a client without a cap
		// finishes (and fails the test) instead of running forever.
		w.Header().Set("Link", sentryLink(path, "per_page=100", "0:0:1", false, fmt.Sprintf("%d:0:0", n), n < 20))
		fmt.Fprint(w, page(n, n-1))
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := newTestClient(t, rec, func(c *Config) { c.MaxPages = 5 }).ListProjectKeys(ctx, "acme", "web", "")
	var pe *PaginationError
	if !errors.As(err, &pe) || pe.Pages != 5 {
		t.Fatalf("err = %v, want a PaginationError after 5 pages", err)
	}
	if rec.count() != 5 {
		t.Fatalf("made %d requests, want 5", rec.count())
	}
}

func TestListProjectKeysNextWithoutCursor(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Link", `<https://sentry.example.com/x>; rel="next"; results="true"`)
		fmt.Fprint(w, "[]")
	})
	_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	var pe *PaginationError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a PaginationError", err)
	}
}

func TestDecodesFixtures(t *testing.T) {
	t.Run("openapi example", func(t *testing.T) {
		var keys []ProjectKey
		if err := json.Unmarshal(readFixture(t, "list-client-keys.openapi-example.json"), &keys); err != nil {
			t.Fatal(err)
		}
		k := keys[0]
		if k.ProjectID != 4505281256090153 {
			t.Errorf("projectId = %d, want 4505281256090153 exactly", k.ProjectID)
		}
		if k.RateLimit == nil || k.RateLimit.Window != 7200 || k.RateLimit.Count != 1000 {
			t.Errorf("rateLimit = %+v", k.RateLimit)
		}
		if keys[1].RateLimit != nil {
			t.Errorf("second key rateLimit = %+v, want nil", keys[1].RateLimit)
		}
		for name, v := range map[string]*string{"otlp_logs": k.DSN.OTLPLogs, "playstation": k.DSN.Playstation, "integration": k.DSN.Integration, "crons": k.DSN.Crons, "nel": k.DSN.NEL, "unreal": k.DSN.Unreal} {
			if v == nil || *v == "" {
				t.Errorf("dsn.%s missing", name)
			}
		}
		o := k.DynamicSDKLoaderOptions
		if o == nil || o.HasFeedback == nil || *o.HasFeedback || o.HasReplay == nil || !*o.HasReplay {
			t.Errorf("dynamicSdkLoaderOptions = %+v", o)
		}
		if len(k.BrowserSDK.Choices) != 2 || k.BrowserSDK.Choices[1] != (BrowserSDKChoice{"7.x", "7.x"}) {
			t.Errorf("browserSdk = %+v", k.BrowserSDK)
		}
		if k.UseCase != nil {
			t.Errorf("useCase = %q, want nil", *k.UseCase)
		}
	})
	t.Run("go-sentry 2024", func(t *testing.T) {
		var keys []ProjectKey
		if err := json.Unmarshal(readFixture(t, "list-client-keys.go-sentry-2024.json"), &keys); err != nil {
			t.Fatal(err)
		}
		o := keys[0].DynamicSDKLoaderOptions
		if o == nil || o.HasDebug == nil || o.HasFeedback != nil || o.HasLogsAndMetrics != nil {
			t.Errorf("loader options = %+v, want three set and two nil", o)
		}
		if keys[0].DSN.Playstation != nil || keys[0].DSN.Crons == nil {
			t.Errorf("dsn = %+v", keys[0].DSN)
		}
	})
	t.Run("legacy self-hosted", func(t *testing.T) {
		var keys []ProjectKey
		if err := json.Unmarshal(readFixture(t, "list-client-keys.go-sentry-2021-legacy.json"), &keys); err != nil {
			t.Fatal(err)
		}
		k := keys[0]
		if k.ProjectID != 2 || k.DynamicSDKLoaderOptions != nil || k.DSN.NEL != nil || k.DSN.Unreal != nil {
			t.Errorf("legacy key = %+v", k)
		}
		if k.DSN.CDN == nil || *k.DSN.CDN != "https://sentry.io/js-sdk-loader/cfc7b0341c6e4f6ea1a9d256a30dba00.min.js" {
			t.Errorf("dsn.cdn = %v", k.DSN.CDN)
		}
		if k.DateCreated == nil || *k.DateCreated != "2018-09-20T15:48:07.397Z" {
			t.Errorf("dateCreated = %v", k.DateCreated)
		}
	})
	t.Run("unknown fields and string ids", func(t *testing.T) {
		var k ProjectKey
		if err := json.Unmarshal([]byte(`{"id":"x","projectId":"4505281256090153","somethingNew":{"a":1},"dsn":{"future":"x"}}`), &k); err != nil {
			t.Fatal(err)
		}
		if k.ProjectID != 4505281256090153 {
			t.Errorf("projectId = %d", k.ProjectID)
		}
	})
}

func TestErrorClasses(t *testing.T) {
	fixtures := map[string]struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	}{}
	var list []struct {
		Case    string            `json:"case"`
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	}
	if err := json.Unmarshal(readFixture(t, "error-responses.json"), &list); err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		fixtures[e.Case] = struct {
			Status  int               `json:"status"`
			Headers map[string]string `json:"headers"`
			Body    json.RawMessage   `json:"body"`
		}{e.Status, e.Headers, e.Body}
	}

	for _, e := range list {
		if e.Status == http.StatusFound || e.Status == http.StatusTooManyRequests || e.Status >= 500 {
			continue // covered by the redirect and retry tests
		}
		t.Run(e.Case, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				for k, v := range e.Headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(e.Status)
				if string(e.Body) != "null" {
					_, _ = w.Write(e.Body)
				}
			})
			_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if apiErr.StatusCode != e.Status {
				t.Errorf("status = %d, want %d", apiErr.StatusCode, e.Status)
			}
			var body struct{ Detail string }
			_ = json.Unmarshal(e.Body, &body)
			if apiErr.Detail != body.Detail {
				t.Errorf("detail = %q, want %q", apiErr.Detail, body.Detail)
			}
			if apiErr.EmptyBody != (string(e.Body) == "null") {
				t.Errorf("EmptyBody = %t", apiErr.EmptyBody)
			}
			if strings.Contains(e.Headers["WWW-Authenticate"], "insufficient_scope") {
				if got := strings.Join(apiErr.RequiredScopes, " "); got != "project:admin project:read project:write" {
					t.Errorf("scopes = %q", got)
				}
			} else if apiErr.RequiredScopes != nil {
				t.Errorf("scopes = %q, want none", apiErr.RequiredScopes)
			}
			if rec.count() != 1 {
				t.Errorf("made %d requests; a %d must not be retried", rec.count(), e.Status)
			}
			if strings.Contains(err.Error(), "test-token") {
				t.Errorf("the error message contains the token: %v", err)
			}
		})
	}
}

func TestServerErrorsAreRetriedThenReported(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"detail": "Internal Error", "errorId": "abc"}`)
	})
	_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Detail != "Internal Error" || apiErr.Attempts != 3 {
		t.Fatalf("err = %#v, want a 500 after 3 attempts", err)
	}
	if rec.count() != 3 {
		t.Fatalf("made %d requests, want 3 (1 + max_retries 2)", rec.count())
	}
}

func TestTransientFailuresRecover(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><title>502 Bad Gateway</title></html>")
		case 2:
			// Break the connection mid-body.
			w.Header().Set("Content-Length", "1000")
			fmt.Fprint(w, "[")
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			_ = conn.Close()
		default:
			fmt.Fprint(w, page(2, 0))
		}
	})
	keys, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || rec.count() != 3 {
		t.Fatalf("got %d keys in %d requests", len(keys), rec.count())
	}
}

func TestRateLimitWaitsForReset(t *testing.T) {
	var reset time.Time
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			reset = time.Now().Add(1200 * time.Millisecond).Truncate(time.Second).Add(time.Second)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("X-Sentry-Rate-Limit-Limit", "40")
			w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(reset.Unix()))
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"detail": "You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds"}`)
			return
		}
		if time.Now().Before(reset) {
			t.Errorf("retried at %s, before the reset at %s", time.Now().Format(time.StampMilli), reset.Format(time.StampMilli))
		}
		fmt.Fprint(w, page(1, 0))
	})
	keys, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys %d, err %v", len(keys), err)
	}
}

func TestRateLimitExhaustedReportsTheLimit(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()))
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"detail": "You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds"}`)
	})
	_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Attempts != 3 || !strings.Contains(apiErr.Detail, "Limit is 40") {
		t.Fatalf("err = %v", err)
	}
}

func TestRetryAfterFromAProxyIsHonoured(t *testing.T) {
	var first time.Time
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if since := time.Since(first); since < 900*time.Millisecond {
			t.Errorf("retried after %s, before Retry-After's second", since)
		}
		fmt.Fprint(w, "[]")
	})
	if _, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", ""); err != nil {
		t.Fatal(err)
	}
}

func TestNonJSONSuccessIsAnError(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Sign in &middot; Example SSO</title></head><body>secret-page-content</body></html>")
	})
	_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	var nj *NotJSONError
	if !errors.As(err, &nj) {
		t.Fatalf("err = %v, want *NotJSONError", err)
	}
	if nj.Title != "Sign in · Example SSO" || nj.ContentType != "text/html; charset=utf-8" || nj.StatusCode != 200 {
		t.Fatalf("NotJSONError = %+v", nj)
	}
	if strings.Contains(err.Error(), "secret-page-content") {
		t.Fatal("the error dumps the page")
	}
	if rec.count() != 1 {
		t.Fatalf("made %d requests, want 1", rec.count())
	}
}

func TestMalformedJSONIsAnError(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"id": "abc", "projectId": tru`)
	})
	_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want *DecodeError", err)
	}
}

func TestRedirects(t *testing.T) {
	t.Run("same host is followed", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if r.URL.Path == "/api/0/projects/acme/old/keys/" {
				w.Header().Set("Location", "/api/0/projects/acme/new/keys/?"+r.URL.RawQuery)
				w.WriteHeader(http.StatusFound)
				fmt.Fprint(w, `{"slug": "new", "detail": {"extra": {"url": "/api/0/projects/acme/new/keys/", "slug": "new"}}}`)
				return
			}
			if r.Header.Get("Authorization") != "Bearer test-token" {
				t.Errorf("the redirected request lost its token")
			}
			fmt.Fprint(w, page(1, 0))
		})
		keys, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "old", "")
		if err != nil || len(keys) != 1 {
			t.Fatalf("keys %d, err %v", len(keys), err)
		}
		if got := rec.request(1).URL.Query().Get("per_page"); got != "100" {
			t.Errorf("the redirect lost the query: %q", rec.request(1).URL.RawQuery)
		}
	})
	t.Run("another host is refused", func(t *testing.T) {
		other := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			t.Errorf("the other host was contacted, Authorization %q", r.Header.Get("Authorization"))
		})
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Location", other.server.URL+"/api/0/projects/acme/web/keys/")
			w.WriteHeader(http.StatusFound)
		})
		_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
		var re *RedirectError
		if !errors.As(err, &re) {
			t.Fatalf("err = %v, want *RedirectError", err)
		}
		if rec.count() != 1 {
			t.Fatalf("made %d requests, want 1 (not retried)", rec.count())
		}
	})
}

func TestTimeoutIsReported(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	})
	c := newTestClient(t, rec, func(c *Config) { c.RequestTimeout = 50 * time.Millisecond; c.MaxRetries = intPtr(1) })
	_, err := c.ListProjectKeys(context.Background(), "acme", "web", "")
	var te *TransportError
	if !errors.As(err, &te) || !te.Timeout || te.Attempts != 2 {
		t.Fatalf("err = %v, want a timeout after 2 attempts", err)
	}
}

func TestCancellationStopsAtOnce(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := newTestClient(t, rec, func(c *Config) {
		c.MaxRetries = intPtr(10)
		c.RetryWaitMin, c.RetryWaitMax = 10*time.Second, 10*time.Second
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(100 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, err := c.ListProjectKeys(ctx, "acme", "web", "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %s to stop", d)
	}
}

func TestGetProjectKey(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.EscapedPath() != "/api/0/projects/acme/web/keys/"+fmt.Sprintf("%032x", 7)+"/" {
			t.Errorf("path = %q", r.URL.EscapedPath())
		}
		fmt.Fprint(w, keyJSON(7))
	})
	k, err := newTestClient(t, rec).GetProjectKey(context.Background(), "acme", "web", fmt.Sprintf("%032x", 7))
	if err != nil || k.Label != "Key 7" {
		t.Fatalf("key %+v, err %v", k, err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := New(Config{Token: ""}); err == nil {
		t.Error("an empty token was accepted")
	}
	if _, err := New(Config{Token: "x", BaseURL: "ftp://sentry.io"}); err == nil {
		t.Error("an ftp base URL was accepted")
	}
	if _, err := New(Config{Token: "x", MaxRetries: intPtr(-1)}); err == nil {
		t.Error("negative retries were accepted")
	}
	c, err := New(Config{Token: "x"})
	if err != nil || c.BaseURL() != DefaultBaseURL {
		t.Errorf("default base URL = %v, %v", c, err)
	}
}

func TestTLSIsVerified(t *testing.T) {
	var hits int
	var mu sync.Mutex
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		fmt.Fprint(w, "[]")
	}))
	defer srv.Close()
	// The default transport, as the provider uses it: the test server's
	// self-signed certificate is not in the system roots.
	c, err := New(Config{BaseURL: srv.URL, Token: "test-token", MaxRetries: intPtr(3), RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListProjectKeys(context.Background(), "acme", "web", "")
	var te *TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a certificate error", err)
	}
	if te.Attempts != 1 {
		t.Fatalf("%d attempts: a certificate that does not verify must not be retried", te.Attempts)
	}
	if hits != 0 {
		t.Fatal("the request reached the handler over an unverified connection")
	}
}

// TestOversizeBodyIsNotRetried pins the body-size limit and issue 12's item
// 4: a body over the limit was retried (and downloaded) three times.
func TestOversizeBodyIsNotRetried(t *testing.T) {
	for _, announced := range []bool{true, false} {
		t.Run(fmt.Sprintf("Content-Length announced %t", announced), func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				body := "[" + strings.Repeat(" ", 2000) + "]"
				if announced {
					w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				} else {
					flush(w) // chunked: the size is only known by reading
				}
				fmt.Fprint(w, body)
			})
			c := newTestClient(t, rec)
			c.maxBody = 1024
			_, err := c.ListProjectKeys(context.Background(), "acme", "web", "")
			var tooLarge *BodyTooLargeError
			if !errors.As(err, &tooLarge) || tooLarge.Limit != 1024 || tooLarge.StatusCode != 200 || !strings.Contains(err.Error(), "1 KiB") {
				t.Fatalf("err = %v, want a BodyTooLargeError over 1 KiB", err)
			}
			if rec.count() != 1 {
				t.Fatalf("made %d requests, want 1: an oversize body is not transient", rec.count())
			}
		})
	}
}

// TestErrorBodyCutShortIsTheAPIError is issue 12's item 4: a 4xx whose body
// could not be read was retried as if the connection broke.
func TestErrorBodyCutShortIsTheAPIError(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"detail": "You do not have permission`)
		flush(w)
		dropConnection(w)
	})
	_, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || apiErr.EmptyBody {
		t.Fatalf("err = %v, want the 403 as an APIError", err)
	}
	if rec.count() != 1 {
		t.Fatalf("made %d requests, want 1: a 403 stays a 403", rec.count())
	}
}

// TestTimeoutCoversTheBody pins that the attempt's timeout, which now starts
// after the pacer, still covers reading the body: a server that sends its
// headers and then stalls times the attempt out.
func TestTimeoutCoversTheBody(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", "1000")
		fmt.Fprint(w, "[")
		flush(w)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := newTestClient(t, rec, func(c *Config) { c.RequestTimeout = 100 * time.Millisecond; c.MaxRetries = intPtr(1) })
	_, err := c.ListProjectKeys(context.Background(), "acme", "web", "")
	var te *TransportError
	if !errors.As(err, &te) || !te.Timeout || te.Attempts != 2 || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout after 2 attempts", err)
	}
}

// TestCallerDeadlineIsNotATimeoutOfTheClient pins that the caller's own
// deadline comes back as context.DeadlineExceeded, not as a request that
// timed out (which would suggest raising request_timeout).
func TestCallerDeadlineIsNotATimeoutOfTheClient(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := newTestClient(t, rec).ListProjectKeys(ctx, "acme", "web", "")
	var te *TransportError
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
		t.Fatalf("err = %#v, want the caller's context.DeadlineExceeded", err)
	}
}
