package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// TestDescribeReadErrorShape checks every error class's diagnostic: a Title
// Case summary, a detail sentence naming the target, and no token, markup or
// Go formatting artefacts.
func TestDescribeReadErrorShape(t *testing.T) {
	const token = "sntryu_do_not_print_me"
	answers := map[string]func(w http.ResponseWriter){
		"401": func(w http.ResponseWriter) {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"detail": "Invalid token"}`)
		},
		"403": func(w http.ResponseWriter) {
			w.WriteHeader(403)
			fmt.Fprint(w, `{"detail": "You do not have permission to perform this action."}`)
		},
		"404": func(w http.ResponseWriter) { w.WriteHeader(404) },
		"400": func(w http.ResponseWriter) {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"detail": "Invalid per_page parameter."}`)
		},
		"429": func(w http.ResponseWriter) {
			w.WriteHeader(429)
			fmt.Fprint(w, `{"detail": "You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds"}`)
		},
		"502 HTML": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			fmt.Fprint(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
		},
		"200 HTML": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><head><title>Sign in</title></head><body>form</body></html>")
		},
		"bad JSON": func(w http.ResponseWriter) { fmt.Fprint(w, `[{"id": 5}]`) },
	}
	retries := 0
	for name, answer := range answers {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { answer(w) }))
			defer srv.Close()
			c, err := sentry.New(sentry.Config{BaseURL: srv.URL, Token: token, MaxRetries: &retries})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListProjectKeys(context.Background(), "acme", "web", "")
			if err == nil {
				t.Fatal("no error")
			}
			summary, detail := describeReadError(err, projectTarget("acme", "web"))
			checkDiagnosticShape(t, summary, detail)
			if !strings.Contains(detail, `project "web" in organization "acme"`) {
				t.Errorf("the detail does not name the target: %s", detail)
			}
			if strings.Contains(summary+detail, token) {
				t.Errorf("the diagnostic contains the token: %s", detail)
			}
			if strings.Contains(detail, "<html") || strings.Contains(detail, "<body") {
				t.Errorf("the diagnostic contains markup: %s", detail)
			}
		})
	}
}

func TestDescribeReadErrorOtherClasses(t *testing.T) {
	for _, err := range []error{
		context.Canceled,
		&sentry.TransportError{Method: "GET", URL: "https://sentry.io/api/0/x/", Attempts: 3, Err: errors.New("dial tcp: connection refused")},
		&sentry.TransportError{Method: "GET", URL: "https://sentry.io/api/0/x/", Attempts: 1, Timeout: true, Err: context.DeadlineExceeded},
		&sentry.PaginationError{URL: "https://sentry.io/api/0/x/", Pages: 3, Reason: "Sentry sent the cursor 1:0:0 twice"},
		&sentry.RedirectError{From: "https://a.example.com/", To: "https://b.example.com/"},
		&sentry.PaginationError{URL: "https://sentry.io/api/0/x/", Pages: 1, Reason: "bad Link", Err: &sentry.LinkHeaderError{URL: "https://sentry.io/api/0/x/", Reason: "an entry has no URL"}},
		&sentry.BodyTooLargeError{Method: "GET", URL: "https://sentry.io/api/0/x/", StatusCode: 200, Limit: 64 << 20},
		errors.New("something else"),
	} {
		summary, detail := describeReadError(err, projectTarget("acme", "web"))
		checkDiagnosticShape(t, summary, detail)
	}
}

func checkDiagnosticShape(t *testing.T, summary, detail string) {
	t.Helper()
	for _, word := range strings.Fields(summary) {
		if r := word[0]; r < 'A' || r > 'Z' {
			t.Errorf("summary %q is not Title Case", summary)
			break
		}
	}
	if !strings.HasSuffix(detail, ".") {
		t.Errorf("detail is not a sentence: %q", detail)
	}
	for _, artefact := range []string{"%!", "<nil>", "&{", "%v", "%s", "%d"} {
		if strings.Contains(detail, artefact) {
			t.Errorf("detail has a formatting artefact %q: %s", artefact, detail)
		}
	}
}

func TestDescribeLinkAndSizeErrors(t *testing.T) {
	link := &sentry.PaginationError{URL: "https://sentry.io/api/0/x/", Pages: 1, Reason: "bad Link", Err: &sentry.LinkHeaderError{URL: "https://sentry.io/api/0/x/", Reason: "an entry has no URL"}}
	if summary, detail := describeReadError(link, projectTarget("acme", "web")); summary != "Unreadable Sentry Pagination" || !strings.Contains(detail, "an entry has no URL") {
		t.Errorf("link header error: %q %q", summary, detail)
	}
	large := &sentry.BodyTooLargeError{Method: "GET", URL: "https://sentry.example.com/api/0/x/", StatusCode: 200, Limit: 64 << 20}
	if summary, detail := describeReadError(large, projectTarget("acme", "web")); summary != "Unexpected Response From Sentry" || !strings.Contains(detail, "https://sentry.example.com/api/0/") {
		t.Errorf("oversize body: %q %q", summary, detail)
	}
}

// TestDescribeWriteErrors checks the diagnostics only writes have: Sentry's
// field errors on the attributes they name, and a create that may have made
// a key.
func TestDescribeWriteErrors(t *testing.T) {
	var diags diag.Diagnostics
	addWriteError(&diags, &sentry.APIError{Method: "PUT", StatusCode: 400, FieldErrors: []sentry.FieldError{
		{Field: "browserSdkVersion", Messages: []string{`"11.x" is not a valid choice.`}},
		{Field: "rateLimit.window", Messages: []string{"Ensure this value is less than or equal to 86400."}},
		{Field: "somethingNew", Messages: []string{"Nope."}},
	}}, updateTarget("acme", "web", "0123"))
	want := []struct {
		path   string
		detail string
	}{
		{"browser_sdk_version", `"\"11.x\" is not a valid choice."`},
		{"rate_limit.window", "less than or equal to 86400"},
		{"", "somethingNew"},
	}
	if len(diags) != len(want) {
		t.Fatalf("%d diagnostics: %v", len(diags), diags)
	}
	for i, w := range want {
		d := diags[i]
		checkDiagnosticShape(t, d.Summary(), d.Detail())
		got := ""
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			got = withPath.Path().String()
		}
		named := w.path
		if named == "" {
			named = "somethingNew"
		}
		if d.Summary() != "Sentry Rejected The Value" || got != w.path || !strings.Contains(d.Detail(), w.detail) ||
			!strings.Contains(d.Detail(), "rejected "+named+" while") || !strings.Contains(d.Detail(), `client key "0123" of project "web" in organization "acme"`) {
			t.Errorf("diagnostic %d: %q at %q: %q", i, d.Summary(), got, d.Detail())
		}
	}

	date := "2026-12-01T10:00:00.000000Z"
	for _, tc := range []struct {
		e        *sentry.AmbiguousCreateError
		severity diag.Severity
		summary  string
		parts    []string
	}{
		{&sentry.AmbiguousCreateError{Organization: "acme", Project: "web", Name: "web", KeyID: "0123456789abcdef0123456789abcdef", Err: errors.New("HTTP 502")},
			diag.SeverityError, "Sentry Client Key May Have Been Created", []string{"terraform import ADDRESS acme/web/0123456789abcdef0123456789abcdef"}},
		{&sentry.AmbiguousCreateError{Organization: "acme", Project: "web", Name: "web", KeyID: "0123456789abcdef0123456789abcdef", Err: errors.New("timeout"), LookupErr: errors.New("HTTP 503")},
			diag.SeverityError, "Sentry Client Key May Have Been Created", []string{"Reading the outcome failed too (HTTP 503)", "acme/web/0123456789abcdef0123456789abcdef"}},
		{&sentry.AmbiguousCreateError{Organization: "acme", Project: "web", Name: "web", Err: errors.New("HTTP 502"),
			Candidates: []sentry.ProjectKey{{ID: "aaaa", DateCreated: &date}, {ID: "bbbb"}}},
			diag.SeverityError, "Sentry Client Key May Have Been Created", []string{"ignores the public key", "aaaa (created " + date + ")", "bbbb (created at an unknown time)"}},
		{&sentry.AmbiguousCreateError{Organization: "acme", Project: "web", Name: "web", Err: errors.New("HTTP 502"),
			Created: &sentry.ProjectKey{ID: "cccc"}, Candidates: []sentry.ProjectKey{{ID: "aaaa"}}},
			diag.SeverityWarning, "Sentry Client Key May Have Been Created Twice", []string{"aaaa"}},
	} {
		var diags diag.Diagnostics
		// Wrapped, as the client's Unwrap makes it look like its cause.
		addWriteError(&diags, fmt.Errorf("create: %w", tc.e), createTarget("acme", "web", tc.e.Name))
		if len(diags) != 1 || diags[0].Severity() != tc.severity || diags[0].Summary() != tc.summary || !containsAll(diags[0].Detail(), tc.parts...) {
			t.Errorf("%v: %v", tc.e, diags)
			continue
		}
		checkDiagnosticShape(t, diags[0].Summary(), diags[0].Detail())
	}
}
