package sentrytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// result is a response as seen by a test.
type result struct {
	status int
	header http.Header // exact names as written by the fake
	body   []byte
}

// serve sends one request straight to the handler and returns the answer
// with header names exactly as the fake wrote them.
func serve(t *testing.T, h http.Handler, method, target string, header map[string]string) result {
	t.Helper()
	return send(t, h, method, target, "", header)
}

// send is serve with a request body.
func send(t *testing.T, h http.Handler, method, target, body string, header map[string]string) result {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	answer, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{status: rec.Code, header: rec.Header(), body: answer}
}

// get sends an authenticated GET with the fake's default token.
func get(t *testing.T, f *Fake, target string) result {
	t.Helper()
	return serve(t, f, http.MethodGet, target, map[string]string{"Authorization": "Bearer " + f.Token()})
}

// sendJSON sends a JSON body with the fake's default token.
func sendJSON(t *testing.T, f *Fake, method, target, body string) result {
	t.Helper()
	return send(t, f, method, target, body, map[string]string{
		"Authorization": "Bearer " + f.Token(),
		"Content-Type":  "application/json",
	})
}

// wantBody checks the status and the exact body.
func wantBody(t *testing.T, r result, status int, body string) {
	t.Helper()
	if r.status != status || string(r.body) != body {
		t.Fatalf("got %d %s\nwant %d %s", r.status, r.body, status, body)
	}
}

// wantInternalError checks Sentry's 500 body.
func wantInternalError(t *testing.T, r result) {
	t.Helper()
	wantStatus(t, r, 500)
	body := decodeObject(r.body)
	if len(body) != 2 || body["detail"] != "Internal Error" || !isKeyMaterial(fmt.Sprint(body["errorId"])) {
		t.Fatalf("500 body %s", r.body)
	}
}

// getAs sends a GET with the given Authorization header value ("" for none).
func getAs(t *testing.T, f *Fake, target, authorization string) result {
	t.Helper()
	h := map[string]string{}
	if authorization != "" {
		h["Authorization"] = authorization
	}
	return serve(t, f, http.MethodGet, target, h)
}

// first returns the first value of an exactly named header.
func (r result) first(name string) string {
	if v := r.header[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// detail decodes an error body and returns its detail string.
func (r result) detail(t *testing.T) string {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	s, _ := body["detail"].(string)
	return s
}

// list decodes a JSON array of objects, keeping numbers exact.
func (r result) list(t *testing.T) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	var items []map[string]any
	if err := dec.Decode(&items); err != nil {
		t.Fatalf("body %q is not a JSON array: %v", r.body, err)
	}
	return items
}

// publicIDs returns the "id" of every item of a list response.
func (r result) publicIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, item := range r.list(t) {
		ids = append(ids, asString(t, item["id"]))
	}
	return ids
}

// internalIDs maps the public ids of a list response back to the keys'
// hidden ids.
func (r result) internalIDs(t *testing.T, keys []*Key) []int64 {
	t.Helper()
	byPublic := map[string]int64{}
	for _, k := range keys {
		byPublic[k.Public()] = k.InternalID()
	}
	ids := []int64{}
	for _, id := range r.publicIDs(t) {
		internal, ok := byPublic[id]
		if !ok {
			t.Fatalf("response lists unknown key %q", id)
		}
		ids = append(ids, internal)
	}
	return ids
}

func wantStatus(t *testing.T, r result, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

func wantDetail(t *testing.T, r result, status int, detail string) {
	t.Helper()
	wantStatus(t, r, status)
	if got := r.detail(t); got != detail {
		t.Fatalf("detail = %q, want %q", got, detail)
	}
	if want := string(marshalJSON(map[string]string{"detail": detail})); string(r.body) != want {
		t.Fatalf("body = %s, want %s", r.body, want)
	}
}

func wantIDs(t *testing.T, got, want []int64) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("internal ids = %v, want %v", got, want)
	}
}

// addKeyIDs adds keys with the given internal ids to a project.
func addKeyIDs(p *Project, ids ...int64) []*Key {
	var keys []*Key
	for _, id := range ids {
		keys = append(keys, p.AddKey(KeySpec{ID: id, Label: "k"}))
	}
	return keys
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clock is a settable time source for rate-limit tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// asString asserts that v is a string, failing the test otherwise.
func asString(t *testing.T, v any) string {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%#v is not a string", v)
	}
	return s
}

// asObject asserts that v is a JSON object, failing the test otherwise.
func asObject(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%#v is not an object", v)
	}
	return m
}
