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
