package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
