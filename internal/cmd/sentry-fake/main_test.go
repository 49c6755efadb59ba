package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestRunServesUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{
			"-listen", "127.0.0.1:0", "-profile", "saas", "-token", "demo-token",
			"-organization", "demo-org", "-project", "web", "-keys", "12", "-projects", "2",
			"-url-prefix", "https://sentry.example.com", "-rate-limit", "40", "-latency", "0s",
			"-url-file", urlFile,
		}, &stdout, &stderr)
	}()

	var base string
	deadline := time.Now().Add(5 * time.Second)
	for base == "" {
		b, err := os.ReadFile(urlFile)
		if err == nil {
			base = string(b)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no URL file; stderr %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(base) {
		t.Fatalf("URL file holds %q", base)
	}

	list := func(path string) []map[string]any {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer demo-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		if !strings.HasPrefix(resp.Header.Get("Link"), "<https://sentry.example.com/api/0/") {
			t.Errorf("%s: Link %q", path, resp.Header.Get("Link"))
		}
		var items []map[string]any
		if err := json.Unmarshal(body, &items); err != nil {
			t.Fatal(err)
		}
		return items
	}
	if n := len(list("/api/0/projects/demo-org/web/keys/?per_page=100")); n != 12 {
		t.Errorf("main project has %d keys, want 12", n)
	}
	if n := len(list("/api/0/organizations/demo-org/project-keys/?per_page=100")); n != 18 {
		t.Errorf("organization has %d keys, want 18", n)
	}
	if n := len(list("/api/0/organizations/demo-org/projects/")); n != 3 {
		t.Errorf("organization has %d projects, want 3", n)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	if got, want := stdout.String(), "listening on "+base+"\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-profile", "cloud"},
		{"-keys", "-1"},
		{"-random-503", "2"},
		{"-nope"},
		{"extra"},
		{"-listen", "256.0.0.1:0"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if err := run(context.Background(), []string{"-h"}, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

// start runs the command with args plus a free port and a URL file, and
// returns its base URL; the command stops when the test ends.
func start(t *testing.T, args ...string) string {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0", "-url-file", urlFile}, args...), io.Discard, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(urlFile); err == nil {
			return string(b)
		}
	}
	t.Fatalf("no URL file; stderr %s", stderr.String())
	return ""
}

// call sends one request with the default token and decodes a JSON answer.
func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer demo-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %d %q", method, url, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode, out
}

// TestRunServesWrites: the command serves the write endpoints with the
// project settings its flags choose.
func TestRunServesWrites(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		version   string
		rateLimit bool
	}{
		{nil, "10.x", true},
		{[]string{"-default-loader-version", "9.x", "-no-rate-limit-feature", "-projects", "1"}, "9.x", false},
	} {
		base := start(t, append([]string{"-token", "demo-token", "-keys", "1"}, tc.args...)...)
		keys := base + "/api/0/projects/acme/web/keys/"
		status, key := call(t, http.MethodPost, keys, `{"name": " demo ", "rateLimit": {"window": 60, "count": 10}, "isActive": false}`)
		if status != 201 || key["name"] != "demo" || key["isActive"] != true || key["browserSdkVersion"] != tc.version ||
			(key["rateLimit"] != nil) != tc.rateLimit {
			t.Fatalf("%v: POST: %d %v", tc.args, status, key)
		}
		id, ok := key["id"].(string)
		if !ok {
			t.Fatalf("id %#v", key["id"])
		}
		one := keys + id + "/"
		if status, got := call(t, http.MethodPut, one, `{"name": "renamed"}`); status != 200 || got["name"] != "renamed" || got["browserSdkVersion"] != tc.version {
			t.Errorf("%v: PUT: %d %v", tc.args, status, got)
		}
		if status, _ := call(t, http.MethodDelete, one, ""); status != 204 {
			t.Errorf("%v: DELETE: %d", tc.args, status)
		}
		if status, _ := call(t, http.MethodGet, one, ""); status != 404 {
			t.Errorf("%v: GET after DELETE: %d", tc.args, status)
		}
		if len(tc.args) > 0 {
			status, key := call(t, http.MethodPost, base+"/api/0/projects/acme/web-1/keys/", `{"rateLimit": {"window": 60, "count": 10}}`)
			if status != 201 || key["browserSdkVersion"] != tc.version || key["rateLimit"] != nil {
				t.Errorf("extra project: %d %v", status, key)
			}
		}
	}
}

// control posts a JSON body to a control endpoint, without a token, and
// returns the status and the plain-text message.
func control(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(msg))
}

// TestControlRename: /_fake/rename renames a project while the fake runs;
// the old slug then answers Sentry's 302.
func TestControlRename(t *testing.T) {
	base := start(t, "-token", "demo-token", "-organization", "demo-org", "-keys", "1", "-projects", "1")
	rename := base + "/_fake/rename"
	for _, tc := range []struct {
		body   string
		status int
		msg    string
	}{
		{`{"organization": "demo-org", "project": "web", "slug": "web-1"}`, 400, `slug "web-1" is taken`},
		{`{"organization": "demo-org", "project": "web", "slug": "Not A Slug"}`, 400, `slug "Not A Slug" is not a valid project slug`},
		{`{"organization": "demo-org", "project": "web", "slug": "123"}`, 400, `slug "123" is not a valid project slug`},
		{`{"organization": "demo-org", "project": "nope", "slug": "www"}`, 404, `no project "nope" in "demo-org"`},
		{`{"organization": "other", "project": "web", "slug": "www"}`, 404, `no organization "other"`},
		{`{"organization": "demo-org", "project": "web", "slug": "www", "extra": 1}`, 400, `invalid JSON body: json: unknown field "extra"`},
		{`{"organization": "demo-org", "project": "web", "slug": "www"}`, 204, ""},
	} {
		if status, msg := control(t, rename, tc.body); status != tc.status || msg != tc.msg {
			t.Errorf("%s: %d %q, want %d %q", tc.body, status, msg, tc.status, tc.msg)
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/0/projects/demo-org/web/keys/?per_page=5", nil)
	req.Header.Set("Authorization", "Bearer demo-token")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/api/0/projects/demo-org/www/keys/?per_page=5" {
		t.Errorf("old slug: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, _ := call(t, http.MethodGet, base+"/api/0/projects/demo-org/www/", ""); status != 200 {
		t.Errorf("new slug: %d", status)
	}
	// Only POST is served there.
	if resp, err := http.Get(rename); err != nil || resp.StatusCode != 405 {
		t.Errorf("GET %s: %v %v", rename, resp, err)
	}
}

// TestControlEvents: /_fake/events records outcomes the key's stats count.
func TestControlEvents(t *testing.T) {
	base := start(t, "-token", "demo-token", "-keys", "0")
	status, key := call(t, http.MethodPost, base+"/api/0/projects/acme/web/keys/", `{"name": "k"}`)
	if status != 201 {
		t.Fatalf("POST: %d", status)
	}
	id, _ := key["id"].(string)
	events := base + "/_fake/events"
	for _, tc := range []struct {
		body   string
		status int
		msg    string
	}{
		{`{"organization": "acme", "project": "web", "key": "` + id + `", "accepted": 5, "filtered": 1, "dropped": 2}`, 204, ""},
		{`{"organization": "acme", "project": "web", "key": "` + id + `", "accepted": 1}`, 204, ""},
		{`{"organization": "acme", "project": "web", "key": "` + id + `", "dropped": -1}`, 400, "counts must not be negative"},
		{`{"organization": "acme", "project": "web", "key": "nope", "accepted": 1}`, 404, `no key "nope" in project "web"`},
		{`{"organization": "acme", "project": "api", "key": "` + id + `"}`, 404, `no project "api" in "acme"`},
		{`[]`, 400, "invalid JSON body: *"},
	} {
		status, msg := control(t, events, tc.body)
		if prefix, ok := strings.CutSuffix(tc.msg, "*"); ok && strings.HasPrefix(msg, prefix) {
			msg = tc.msg
		}
		if status != tc.status || msg != tc.msg {
			t.Errorf("%s: %d %q, want %d %q", tc.body, status, msg, tc.status, tc.msg)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/0/projects/acme/web/keys/"+id+"/stats/", nil)
	req.Header.Set("Authorization", "Bearer demo-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buckets []struct{ Total, Accepted, Filtered, Dropped int }
	if err := json.NewDecoder(resp.Body).Decode(&buckets); err != nil || len(buckets) == 0 {
		t.Fatalf("stats: %v %v", buckets, err)
	}
	var sum struct{ Total, Accepted, Filtered, Dropped int }
	for _, b := range buckets {
		sum.Total, sum.Accepted, sum.Filtered, sum.Dropped = sum.Total+b.Total, sum.Accepted+b.Accepted, sum.Filtered+b.Filtered, sum.Dropped+b.Dropped
	}
	if sum.Total != 9 || sum.Accepted != 6 || sum.Filtered != 1 || sum.Dropped != 2 {
		t.Errorf("the last day's outcomes %+v", sum)
	}
}

// TestHelpNamesControlEndpoints: -help documents the control endpoints.
func TestHelpNamesControlEndpoints(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-help"}, io.Discard, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-help: %v", err)
	}
	for _, want := range []string{"POST /_fake/rename", "POST /_fake/events", "without authentication", "-listen"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("-help does not mention %q:\n%s", want, stderr.String())
		}
	}
}
