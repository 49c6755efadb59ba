package sentrytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFaultConstructors(t *testing.T) {
	now := time.Unix(1_700_000_000, 250_000_000)
	cases := []struct {
		name        string
		fault       Fault
		status      int
		contentType string
		headers     map[string]string
		body        string // exact, or a prefix when it ends with "*"
	}{
		{"rate limited", FaultRateLimited(), 429, "text/html; charset=utf-8",
			map[string]string{"X-Sentry-Rate-Limit-Limit": "40", "X-Sentry-Rate-Limit-Remaining": "0",
				"X-Sentry-Rate-Limit-Reset": "1700000001", "Retry-After": ""},
			`{"detail":"You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds"}`},
		{"concurrency limited", FaultConcurrencyLimited(25), 429, "text/html; charset=utf-8",
			map[string]string{"X-Sentry-Rate-Limit-ConcurrentLimit": "25", "X-Sentry-Rate-Limit-ConcurrentRemaining": "0"},
			`{"detail":"You are attempting to go above the allowed concurrency for this endpoint. Concurrency limit is 25"}`},
		{"retry after", FaultRetryAfter(1500 * time.Millisecond), 429, "text/html",
			map[string]string{"Retry-After": "2"}, "<html>*"},
		{"internal error", FaultInternalError(), 500, "application/json", nil, `{"detail":"Internal Error","errorId":"*`},
		{"bad gateway", FaultBadGateway(), 502, "text/html", nil, "<html>\r\n<head><title>502 Bad Gateway</title>*"},
		{"unavailable", FaultServiceUnavailable(), 503, "text/html", nil, "<html>\r\n<head><title>503 Service Temporarily Unavailable</title>*"},
		{"login page", FaultLoginPage(), 200, "text/html; charset=utf-8", nil, "<!DOCTYPE html>*"},
		{"malformed", FaultMalformedJSON(), 200, "application/json", nil, `[{"id":"*`},
		{"custom", FaultResponse(418, http.Header{"X-Teapot": {"yes"}}, []byte("short and stout")), 418, "",
			map[string]string{"X-Teapot": "yes"}, "short and stout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := New(Config{Now: func() time.Time { return now }})
			f.InjectFaults(tc.fault)
			r := get(t, f, keysPath)
			if r.status != tc.status || r.first("Content-Type") != tc.contentType {
				t.Fatalf("status %d %q, want %d %q", r.status, r.first("Content-Type"), tc.status, tc.contentType)
			}
			for name, want := range tc.headers {
				if got := r.first(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			body := string(r.body)
			if prefix, ok := strings.CutSuffix(tc.body, "*"); ok {
				if !strings.HasPrefix(body, prefix) {
					t.Errorf("body %q, want prefix %q", body, prefix)
				}
			} else if body != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
			if tc.status == 200 && decodes(r.body) {
				t.Error("a broken 200 decodes as JSON")
			}
			// The fault was consumed: the next request is normal.
			wantStatus(t, get(t, f, keysPath), 200)
		})
	}
}

func decodes(b []byte) bool {
	var v any
	return json.Unmarshal(b, &v) == nil
}

func TestFaultQueueOrderAndPrefix(t *testing.T) {
	f := New(Config{})
	f.InjectFaults(FaultBadGateway().ForPath("/api/0/organizations/"), FaultInternalError())
	f.InjectFaults(FaultServiceUnavailable().Times(2)...)
	if n := f.PendingFaults(); n != 4 {
		t.Fatalf("pending %d, want 4", n)
	}
	statuses := []int{}
	for range 3 {
		statuses = append(statuses, get(t, f, keysPath).status)
	}
	if want := []int{500, 503, 503}; !equalInts(statuses, want) {
		t.Errorf("project statuses %v, want %v (prefixed fault skipped)", statuses, want)
	}
	wantStatus(t, get(t, f, "/api/0/organizations/acme/projects/"), 502)
	wantStatus(t, get(t, f, keysPath), 200)

	f.InjectFaults(FaultInternalError(), FaultInternalError())
	f.ClearFaults()
	if f.PendingFaults() != 0 {
		t.Error("ClearFaults left faults")
	}
	wantStatus(t, get(t, f, keysPath), 200)
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRandom503IsSeeded(t *testing.T) {
	run := func(seed uint64) []int {
		f := New(Config{Seed: seed, Random503Rate: 0.3, RateLimit: -1})
		var out []int
		for range 200 {
			out = append(out, get(t, f, keysPath).status)
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	if !equalInts(a, b) {
		t.Error("same seed, different 503 pattern")
	}
	if equalInts(a, c) {
		t.Error("different seeds, same 503 pattern")
	}
	n := 0
	for _, s := range a {
		if s == 503 {
			n++
		} else if s != 200 {
			t.Fatalf("status %d", s)
		}
	}
	if n < 30 || n > 90 {
		t.Errorf("%d of 200 requests got 503 at rate 0.3", n)
	}
	f := New(Config{Random503Rate: 1})
	wantStatus(t, get(t, f, keysPath), 503)
	f.SetRandom503Rate(0)
	wantStatus(t, get(t, f, keysPath), 200)
}

func TestCursorLoopAndNoLink(t *testing.T) {
	f := New(Config{CursorLoop: true})
	f.AddKeys(3)
	r := get(t, f, keysPath+"?per_page=2")
	_, next := cursorsOf(t, r.first("Link"))
	if !next.hasResults {
		t.Fatal("loop mode: first next has no results")
	}
	for range 3 {
		r = get(t, f, keysPath+"?per_page=2&cursor="+next.String())
		wantStatus(t, r, 200)
		_, again := cursorsOf(t, r.first("Link"))
		if again.String() != next.String() || !again.hasResults {
			t.Fatalf("loop mode: next %s(%v), want %s(true)", again, again.hasResults, next)
		}
	}
	// Even a single last page claims more results in loop mode.
	single := New(Config{CursorLoop: true})
	single.AddKeys(1)
	if _, n := cursorsOf(t, get(t, single, keysPath).first("Link")); !n.hasResults || n.String() != "1000001:10:0" {
		t.Errorf("loop mode, single page: next %s(%v)", n, n.hasResults)
	}
	f.SetCursorLoop(false)
	_, last := cursorsOf(t, get(t, f, keysPath+"?per_page=2&cursor="+next.String()).first("Link"))
	if last.hasResults {
		t.Error("loop mode off: last page still claims results")
	}

	f.SetNoLinkHeader(true)
	for _, path := range []string{keysPath, orgKeysPath, "/api/0/organizations/acme/projects/"} {
		r := get(t, f, path)
		wantStatus(t, r, 200)
		if _, ok := r.header["Link"]; ok {
			t.Errorf("%s: Link header present in no-link mode", path)
		}
	}
	if _, ok := get(t, New(Config{NoLinkHeader: true}), keysPath).header["Link"]; ok {
		t.Error("Config.NoLinkHeader: Link header present")
	}
}

func TestLatency(t *testing.T) {
	srv := NewServer(Config{Latency: 80 * time.Millisecond})
	defer srv.Close()
	start := time.Now()
	resp := mustGet(t, srv, srv.Token())
	resp.Body.Close()
	if elapsed := time.Since(start); elapsed < 80*time.Millisecond {
		t.Errorf("answered after %v, want at least 80ms", elapsed)
	}

	// A client that gives up during the delay is logged with status 0.
	srv.SetLatency(2 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.APIURL()+"projects/acme/web/keys/", nil)
	_, err := srv.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		reqs := srv.Requests()
		if len(reqs) == 2 && reqs[1].Status == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("abandoned request not logged: %+v", reqs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func mustGet(t *testing.T, srv *Server, token string) *http.Response {
	const apiPath = "projects/acme/web/keys/"
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.APIURL()+apiPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestRequestLog(t *testing.T) {
	srv := NewServer(Config{})
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/0/projects/acme/a%2Fb/keys/?status=active&per_page=2", nil)
	req.Header.Set("Authorization", "Bearer secret-token")
	req.Header.Set("User-Agent", "terraform-provider-sentry/test")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp = mustGet(t, srv, srv.Token())
	resp.Body.Close()

	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests logged", len(reqs))
	}
	first := reqs[0]
	if first.Method != "GET" || first.Path != "/api/0/projects/acme/a%2Fb/keys/" || first.RawQuery != "status=active&per_page=2" {
		t.Errorf("logged %+v", first)
	}
	if first.Header.Get("Authorization") != "Bearer secret-token" || first.Header.Get("User-Agent") != "terraform-provider-sentry/test" {
		t.Errorf("headers %v", first.Header)
	}
	if first.Status != 404 || reqs[1].Status != 200 {
		t.Errorf("statuses %d, %d", first.Status, reqs[1].Status)
	}
	if first.Query().Get("status") != "active" {
		t.Errorf("Query() = %v", first.Query())
	}
	if n := srv.CountRequests("/api/0/projects/acme/web/keys/"); n != 1 {
		t.Errorf("CountRequests = %d", n)
	}
	srv.ResetRequests()
	if len(srv.Requests()) != 0 || srv.CountRequests("/api/0/projects/acme/web/keys/") != 0 {
		t.Error("ResetRequests kept entries")
	}
}

// TestConcurrentUse hammers the server from many goroutines while data,
// faults and modes change; run it with -race.
func TestConcurrentUse(t *testing.T) {
	srv := NewServer(Config{RateLimit: -1})
	defer srv.Close()
	srv.AddKeys(30)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				path := "projects/acme/web/keys/?per_page=" + strconv.Itoa(1+(w+i)%20)
				if i%3 == 0 {
					path = "organizations/acme/project-keys/?project=-1"
				}
				resp := mustGetNoFatal(srv, path)
				if resp == nil {
					errs <- errors.New("request failed")
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 && resp.StatusCode != 500 && resp.StatusCode != 503 {
					errs <- errors.New("unexpected status " + resp.Status)
				}
			}
		}()
	}
	for i := range 20 {
		k := srv.AddKey(KeySpec{})
		k.SetLabel("changed")
		k.SetActive(i%2 == 0)
		srv.InjectFaults(FaultInternalError())
		srv.SetRandom503Rate(0.05)
		_ = k.JSON()
		_ = srv.Project().ListedKeys()
		_ = srv.Requests()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func mustGetNoFatal(srv *Server, apiPath string) *http.Response {
	req, err := http.NewRequest(http.MethodGet, srv.APIURL()+apiPath, nil)
	if err != nil {
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	resp, err := srv.Client().Do(req)
	if err != nil {
		return nil
	}
	return resp
}

// do sends a request with the default token through the server's client.
func do(t *testing.T, srv *Server, method, apiPath, body string) (*http.Response, []byte, error) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.APIURL()+apiPath, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// TestWriteFaults: faults that strike before processing leave the data
// alone; the FaultProcessedThen* faults let the write happen and then hide
// its answer.
func TestWriteFaults(t *testing.T) {
	const list = "projects/acme/web/keys/"
	cases := []struct {
		name     string
		fault    Fault
		status   int // 0: the connection is dropped
		bodyHas  string
		newKeys  int
		logged   int
		dropsLog bool
	}{
		{"processed then 502", FaultProcessedThenBadGateway(), 502, "<title>502 Bad Gateway</title>", 1, 502, false},
		{"processed then dropped", FaultProcessedThenDropped(), 0, "", 1, 0, true},
		{"dropped", FaultDropped(), 0, "", 0, 0, true},
		{"rate limited", FaultRateLimited(), 429, "too frequently", 0, 429, false},
		{"proxy 503", FaultServiceUnavailable(), 503, "503 Service", 0, 503, false},
		{"server error", FaultInternalError(), 500, `"Internal Error"`, 0, 500, false},
		{"zero fault", Fault{}, 201, `"isActive":true`, 1, 201, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := NewServer(Config{})
			defer srv.Close()
			srv.AddKeys(1)
			srv.InjectFaults(tc.fault.ForMethod(http.MethodPost))
			// The fault waits for a POST: reads pass it by.
			if resp, _, err := do(t, srv, http.MethodGet, list, ""); err != nil || resp.StatusCode != 200 {
				t.Fatalf("GET before the POST: %v %v", resp, err)
			}
			resp, body, err := do(t, srv, http.MethodPost, list, `{"name": "ambiguous"}`)
			switch {
			case tc.status == 0 && err == nil:
				t.Fatalf("got %d, want a dropped connection", resp.StatusCode)
			case tc.status != 0 && err != nil:
				t.Fatal(err)
			case tc.status != 0 && (resp.StatusCode != tc.status || !strings.Contains(string(body), tc.bodyHas)):
				t.Fatalf("got %d %q, want %d with %q", resp.StatusCode, body, tc.status, tc.bodyHas)
			}
			if n := len(srv.Project().ListedKeys()) - 1; n != tc.newKeys {
				t.Errorf("%d keys created, want %d", n, tc.newKeys)
			}
			if tc.newKeys == 1 && srv.Project().ListedKeys()[0].Name() != "ambiguous" {
				t.Error("the created key is not the one posted")
			}
			reqs := srv.Requests()
			last := reqs[len(reqs)-1]
			if last.Method != http.MethodPost || last.Status != tc.logged || string(last.Body) != `{"name": "ambiguous"}` {
				t.Errorf("logged %s %d %q", last.Method, last.Status, last.Body)
			}
			if srv.PendingFaults() != 0 {
				t.Error("the fault was not used")
			}
			// The next request is normal.
			if resp, _, err := do(t, srv, http.MethodPost, list, `{}`); err != nil || resp.StatusCode != 201 {
				t.Fatalf("POST after the fault: %v %v", resp, err)
			}
		})
	}
}

func TestFaultsOnUpdateAndDelete(t *testing.T) {
	srv := NewServer(Config{})
	defer srv.Close()
	keys := srv.AddKeys(2)
	a, b := keys[0], keys[1]
	pathA, pathB := "projects/acme/web/keys/"+a.ID()+"/", "projects/acme/web/keys/"+b.ID()+"/"
	prefixA := "/api/0/" + pathA

	// A fault for DELETE of key a passes by a PUT of a and a DELETE of b.
	srv.InjectFaults(FaultProcessedThenDropped().ForPath(prefixA).ForMethod(http.MethodDelete))
	if resp, _, err := do(t, srv, http.MethodPut, pathA, `{"name": "renamed"}`); err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	if resp, _, err := do(t, srv, http.MethodDelete, pathB, ""); err != nil || resp.StatusCode != 204 {
		t.Fatalf("DELETE b: %v %v", resp, err)
	}
	if srv.PendingFaults() != 1 {
		t.Fatal("the fault was used by another request")
	}
	if _, _, err := do(t, srv, http.MethodDelete, pathA, ""); err == nil {
		t.Fatal("DELETE a was answered")
	}
	if !a.Deleted() {
		t.Error("the dropped DELETE did not delete")
	}
	// A retried DELETE finds the key gone.
	if resp, body, err := do(t, srv, http.MethodDelete, pathA, ""); err != nil || resp.StatusCode != 404 ||
		string(body) != `{"detail":"The requested resource does not exist"}` {
		t.Fatalf("retried DELETE: %v %s %v", resp, body, err)
	}

	// A PUT processed then answered by a proxy's 502 took effect; a PUT
	// refused by the rate limiter did not.
	c := srv.AddKey(KeySpec{Label: "c"})
	pathC := "projects/acme/web/keys/" + c.ID() + "/"
	srv.InjectFaults(FaultProcessedThenBadGateway().ForMethod(http.MethodPut), FaultRateLimited().ForMethod(http.MethodPut))
	if resp, _, _ := do(t, srv, http.MethodPut, pathC, `{"name": "first", "browserSdkVersion": "8.x"}`); resp == nil || resp.StatusCode != 502 {
		t.Fatalf("first PUT: %v", resp)
	}
	if c.Name() != "first" || c.BrowserSDKVersion() != "8.x" {
		t.Errorf("the processed PUT left %q %q", c.Name(), c.BrowserSDKVersion())
	}
	resp, _, _ := do(t, srv, http.MethodPut, pathC, `{"name": "second"}`)
	if resp == nil || resp.StatusCode != 429 || resp.Header.Get("X-Sentry-Rate-Limit-Remaining") != "0" {
		t.Fatalf("second PUT: %v", resp)
	}
	if c.Name() != "first" || c.BrowserSDKVersion() != "8.x" {
		t.Errorf("the refused PUT changed the key: %q %q", c.Name(), c.BrowserSDKVersion())
	}
	srv.InjectFaults(FaultInternalError().ForMethod(http.MethodDelete))
	if resp, _, _ := do(t, srv, http.MethodDelete, pathC, ""); resp == nil || resp.StatusCode != 500 {
		t.Fatalf("DELETE with a 500 fault: %v", resp)
	}
	if c.Deleted() {
		t.Error("a DELETE that failed before processing deleted the key")
	}
}

// TestDroppedWithoutConnection: without a connection to take over, a
// dropping fault aborts the handler the way net/http understands.
func TestDroppedWithoutConnection(t *testing.T) {
	f := New(Config{})
	f.InjectFaults(FaultDropped())
	defer func() {
		if got := recover(); got != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", got)
		}
		if reqs := f.Requests(); len(reqs) != 1 || reqs[0].Status != 0 {
			t.Errorf("log %+v", reqs)
		}
	}()
	get(t, f, keysPath)
}

func TestRequestLogBodies(t *testing.T) {
	srv := NewServer(Config{})
	defer srv.Close()
	const sent = "{\"name\": \"web\",\n \"rateLimit\": {\"window\": 60, \"count\": 5}}"
	if _, _, err := do(t, srv, http.MethodPost, "projects/acme/web/keys/", sent); err != nil {
		t.Fatal(err)
	}
	if _, _, err := do(t, srv, http.MethodGet, "projects/acme/web/keys/", ""); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || string(reqs[0].Body) != sent || reqs[0].Method != "POST" || reqs[0].Status != 201 ||
		reqs[0].Header.Get("Content-Type") != "application/json" {
		t.Fatalf("POST logged as %+v", reqs[0])
	}
	if reqs[1].Body != nil {
		t.Errorf("GET logged a body %q", reqs[1].Body)
	}
	// The log holds copies.
	reqs[0].Body[0] = 'X'
	reqs[0].Header.Set("Authorization", "changed")
	if again := srv.Requests()[0]; again.Body[0] != '{' || again.Header.Get("Authorization") != "Bearer "+srv.Token() {
		t.Error("Requests shares the log's bytes or headers")
	}
}

// TestConcurrentWrites creates, updates, reads and deletes keys from many
// goroutines while the test reads the stored keys; run it with -race.
func TestConcurrentWrites(t *testing.T) {
	srv := NewServer(Config{RateLimit: -1})
	defer srv.Close()
	const workers, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				resp, body, err := do(t, srv, http.MethodPost, "projects/acme/web/keys/", fmt.Sprintf(`{"name": "w%d-%d"}`, w, i))
				if err != nil || resp.StatusCode != 201 {
					errs <- fmt.Errorf("POST: %v %v", resp, err)
					return
				}
				var key struct{ ID string }
				if err := json.Unmarshal(body, &key); err != nil {
					errs <- err
					return
				}
				path := "projects/acme/web/keys/" + key.ID + "/"
				for _, step := range []struct {
					method, body string
					status       int
				}{
					{http.MethodPut, `{"isActive": false, "rateLimit": {"window": 60, "count": 5}, "browserSdkVersion": "9.x"}`, 200},
					{http.MethodGet, "", 200},
					{http.MethodDelete, "", 204},
					{http.MethodGet, "", 404},
				} {
					resp, _, err := do(t, srv, step.method, path, step.body)
					if err != nil || resp.StatusCode != step.status {
						errs <- fmt.Errorf("%s %s: %v %v", step.method, path, resp, err)
						return
					}
				}
			}
		}()
	}
	for range 50 {
		for _, k := range srv.Project().Keys() {
			_, _ = k.RateLimit()
			_ = k.Loader()
			_ = k.BrowserSDKVersion()
			_ = k.Deleted()
			_ = srv.Project().Key(k.ID())
		}
		srv.Project().SetDefaultLoaderVersion("8.x")
		srv.Project().SetRateLimitFeature(true)
		_ = srv.Requests()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(srv.Project().Keys()); n != 0 {
		t.Errorf("%d keys left", n)
	}
}

// TestFaultHooks: a fault's function runs when it strikes, before the
// answer and without the fake's lock (it may change data), after the
// processing for the FaultProcessedThen* faults and before it for the
// zero Fault.
func TestFaultHooks(t *testing.T) {
	srv := NewServer(Config{})
	defer srv.Close()
	const list = "projects/acme/web/keys/"
	var mu sync.Mutex // the hooks run on the server's goroutines
	var notes []string
	note := func(s string) { mu.Lock(); notes = append(notes, s); mu.Unlock() }
	notesSoFar := func() string { mu.Lock(); defer mu.Unlock(); return strings.Join(notes, ",") }

	// Another client creates a key of the same name while the create fails.
	srv.InjectFaults(FaultInternalError().ForMethod(http.MethodPost).Do(func() {
		srv.AddKey(KeySpec{Label: "race"})
		note("first")
	}).Do(func() { note("second") }))
	resp, _, err := do(t, srv, http.MethodPost, list, `{"name": "race"}`)
	if err != nil || resp.StatusCode != 500 {
		t.Fatalf("POST: %v %v", resp, err)
	}
	if keys := srv.Project().Keys(); len(keys) != 1 || keys[0].Name() != "race" || notesSoFar() != "first,second" {
		t.Errorf("keys %d, hooks %v", len(keys), notesSoFar())
	}

	// After processing, the hook sees the request's effect, then the
	// client gets the fault.
	srv.InjectFaults(FaultProcessedThenBadGateway().Do(func() { note(fmt.Sprint(len(srv.Project().Keys()))) }))
	if resp, _, err := do(t, srv, http.MethodPost, list, `{"name": "made"}`); err != nil || resp.StatusCode != 502 {
		t.Fatalf("POST: %v %v", resp, err)
	}
	if got := notesSoFar(); got != "first,second,2" {
		t.Errorf("the hook saw %s keys, want the created one too", got)
	}

	// The zero Fault runs its hook before a normal answer.
	k := srv.Project().Keys()[0]
	srv.InjectFaults(Fault{}.ForPath("/api/0/" + list + k.ID() + "/").Do(func() { k.SetLabel("changed") }))
	resp, body, err := do(t, srv, http.MethodGet, list+k.ID()+"/", "")
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(body), `"name":"changed"`) {
		t.Fatalf("GET: %v %s %v", resp, body, err)
	}

	// A dropped connection runs the hook too.
	srv.InjectFaults(FaultDropped().Do(func() { note("dropped") }))
	if _, _, err := do(t, srv, http.MethodPost, list, `{}`); err == nil || !strings.HasSuffix(notesSoFar(), ",dropped") {
		t.Errorf("dropped: err %v, hooks %s", err, notesSoFar())
	}
}
