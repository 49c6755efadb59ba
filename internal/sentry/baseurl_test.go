package sentry

import (
	"strings"
	"testing"
)

func TestNormalizeBaseURL(t *testing.T) {
	accepted := map[string]string{
		"https://sentry.io":                   "https://sentry.io/api/0/",
		"https://sentry.io/":                  "https://sentry.io/api/0/",
		"https://sentry.io/api":               "https://sentry.io/api/0/",
		"https://sentry.io/api/":              "https://sentry.io/api/0/",
		"https://sentry.io/api/0":             "https://sentry.io/api/0/",
		"https://sentry.io/api/0/":            "https://sentry.io/api/0/",
		"https://de.sentry.io/api/0/":         "https://de.sentry.io/api/0/",
		"HTTPS://sentry.io":                   "https://sentry.io/api/0/",
		"  https://sentry.io  ":               "https://sentry.io/api/0/",
		"http://localhost:9000":               "http://localhost:9000/api/0/",
		"https://h.example.com/sentry":        "https://h.example.com/sentry/api/0/",
		"https://h.example.com/sentry/":       "https://h.example.com/sentry/api/0/",
		"https://h.example.com/sentry/api":    "https://h.example.com/sentry/api/0/",
		"https://h.example.com/sentry/api/0/": "https://h.example.com/sentry/api/0/",
		"https://h.example.com//":             "https://h.example.com/api/0/",
	}
	for in, want := range accepted {
		u, err := NormalizeBaseURL(in)
		if err != nil {
			t.Errorf("NormalizeBaseURL(%q): %v", in, err)
			continue
		}
		if u.String() != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, want %q", in, u, want)
		}
	}

	rejected := map[string]string{
		"":                                "empty",
		"sentry.io":                       "no scheme",
		"ftp://sentry.io":                 `scheme "ftp"`,
		"file:///etc/passwd":              `scheme "file"`,
		"https://":                        "no host",
		"https://user:hunter2@sentry.io/": "user information",
		"https://sentry.io/?x=1":          "query",
		"https://sentry.io/?":             "query",
		"https://sentry.io/#top":          "fragment",
		"https://sentry.io/%zz":           "cannot be parsed",
	}
	for in, want := range rejected {
		_, err := NormalizeBaseURL(in)
		if err == nil {
			t.Errorf("NormalizeBaseURL(%q) was accepted", in)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("NormalizeBaseURL(%q) error %q does not mention %q", in, err, want)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("NormalizeBaseURL(%q) error leaks the password: %q", in, err)
		}
	}
}

func TestRedactUserinfo(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pw@sentry.io/x": "https://…@sentry.io/x",
		"user:pw@sentry.io":           "…@sentry.io",
		"https://pw@sentry.io:%zz":    "https://…@sentry.io:%zz",
		"https://sentry.io/a@b":       "https://sentry.io/a@b",
		"sentry.io":                   "sentry.io",
	} {
		if got := redactUserinfo(in); got != want {
			t.Errorf("redactUserinfo(%q) = %q, want %q", in, got, want)
		}
	}
}
