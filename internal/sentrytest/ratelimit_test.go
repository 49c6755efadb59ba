package sentrytest

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestFixedWindowRateLimit(t *testing.T) {
	c := &clock{}
	c.set(time.Unix(1_700_000_000, 100_000_000))
	f := New(Config{Now: c.now})
	f.AddKeys(2)

	for i := 1; i <= 40; i++ {
		r := get(t, f, keysPath)
		wantStatus(t, r, 200)
		if got := r.first("X-Sentry-Rate-Limit-Remaining"); got != strconv.Itoa(40-i) {
			t.Fatalf("request %d: Remaining %s, want %d", i, got, 40-i)
		}
		if r.first("X-Sentry-Rate-Limit-Limit") != "40" || r.first("X-Sentry-Rate-Limit-Reset") != "1700000001" {
			t.Fatalf("request %d: Limit %s Reset %s", i, r.first("X-Sentry-Rate-Limit-Limit"), r.first("X-Sentry-Rate-Limit-Reset"))
		}
	}
	c.set(time.Unix(1_700_000_000, 900_000_000)) // same window
	r := get(t, f, keysPath)
	wantStatus(t, r, 429)
	if want := `{"detail":"You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds"}`; string(r.body) != want {
		t.Errorf("429 body %s", r.body)
	}
	if r.first("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("429 Content-Type %q", r.first("Content-Type"))
	}
	if _, ok := r.header["Retry-After"]; ok {
		t.Error("429 has Retry-After")
	}
	if r.first("X-Sentry-Rate-Limit-Remaining") != "0" || r.first("X-Sentry-Rate-Limit-Reset") != "1700000001" {
		t.Errorf("429 headers %v", r.header)
	}
	// Other endpoints and other callers have their own buckets.
	wantStatus(t, get(t, f, orgKeysPath), 200)
	f.AddToken(TokenSpec{Token: "second", Scopes: AllScopes(), Role: RoleOwner})
	wantStatus(t, getAs(t, f, keysPath, "Bearer second"), 200)
	// Unlimited endpoints carry no rate-limit headers.
	r = get(t, f, "/api/0/organizations/acme/projects/")
	if _, ok := r.header["X-Sentry-Rate-Limit-Limit"]; ok {
		t.Error("projects list has rate-limit headers")
	}

	// The next second opens a new window.
	c.set(time.Unix(1_700_000_001, 0))
	r = get(t, f, keysPath)
	wantStatus(t, r, 200)
	if r.first("X-Sentry-Rate-Limit-Remaining") != "39" || r.first("X-Sentry-Rate-Limit-Reset") != "1700000002" {
		t.Errorf("new window: Remaining %s Reset %s", r.first("X-Sentry-Rate-Limit-Remaining"), r.first("X-Sentry-Rate-Limit-Reset"))
	}
}

func TestRateLimitHeadersOnErrors(t *testing.T) {
	f := New(Config{RateLimit: 3})
	// Error answers of a limited endpoint carry the headers and count.
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/api/0/projects/acme/nope/keys/", 404},
		{keysPath + "?per_page=0", 400},
		{keysPath, 200},
		{keysPath, 429},
	} {
		r := get(t, f, tc.target)
		wantStatus(t, r, tc.status)
		if r.first("X-Sentry-Rate-Limit-Limit") != "3" {
			t.Errorf("%d: no rate-limit headers", tc.status)
		}
	}
	// Callers without a valid token are limited by address: they have their
	// own bucket, shared by every bad token.
	for _, tc := range []struct {
		auth   string
		status int
	}{
		{"", 401},
		{"Bearer unknown", 401},
		{"Bearer other-unknown", 401},
		{"", 429},
	} {
		r := getAs(t, f, keysPath, tc.auth)
		wantStatus(t, r, tc.status)
	}
	// Runtime change of the limit.
	f.SetRateLimit(-1)
	r := get(t, f, keysPath)
	wantStatus(t, r, 200)
	if _, ok := r.header["X-Sentry-Rate-Limit-Limit"]; ok {
		t.Error("headers sent with rate limiting off")
	}
}

func TestLegacyNeverRateLimits(t *testing.T) {
	f := New(Config{Profile: Legacy, RateLimit: 1})
	for range 5 {
		r := get(t, f, keysPath)
		wantStatus(t, r, 200)
		for name := range r.header {
			if len(name) > 12 && name[:12] == "X-Sentry-Rat" {
				t.Fatalf("legacy sent %s", name)
			}
		}
	}
}

func TestConcurrentLimit(t *testing.T) {
	srv := NewServer(Config{ConcurrentLimit: 2, Latency: time.Second})
	defer srv.Close()
	type answer struct {
		status    int
		remaining string
		limit     string
		body      string
	}
	answers := make(chan answer, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := mustGetNoFatal(srv, "projects/acme/web/keys/")
			if resp == nil {
				answers <- answer{}
				return
			}
			defer resp.Body.Close()
			buf := make([]byte, 512)
			n, _ := resp.Body.Read(buf)
			answers <- answer{resp.StatusCode, resp.Header.Get("X-Sentry-Rate-Limit-ConcurrentRemaining"),
				resp.Header.Get("X-Sentry-Rate-Limit-ConcurrentLimit"), string(buf[:n])}
		}()
	}
	wg.Wait()
	close(answers)
	ok, limited := 0, 0
	for a := range answers {
		if a.limit != "2" {
			t.Errorf("ConcurrentLimit %q", a.limit)
		}
		switch a.status {
		case http.StatusOK:
			ok++
			if a.remaining != "1" && a.remaining != "0" {
				t.Errorf("ConcurrentRemaining %q", a.remaining)
			}
		case http.StatusTooManyRequests:
			limited++
			if a.body != `{"detail":"You are attempting to go above the allowed concurrency for this endpoint. Concurrency limit is 2"}` {
				t.Errorf("429 body %s", a.body)
			}
		default:
			t.Errorf("status %d", a.status)
		}
	}
	if ok != 2 || limited != 2 {
		t.Errorf("%d ok, %d limited; want 2 and 2", ok, limited)
	}
	// Slots are freed when requests finish.
	srv.SetLatency(0)
	resp := mustGet(t, srv, srv.Token())
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Sentry-Rate-Limit-ConcurrentRemaining") != "1" {
		t.Errorf("after the burst: %d remaining %q", resp.StatusCode, resp.Header.Get("X-Sentry-Rate-Limit-ConcurrentRemaining"))
	}
}

// TestRateLimitOverNetwork checks the wire spelling of the headers.
func TestRateLimitOverNetwork(t *testing.T) {
	srv := NewServer(Config{RateLimit: 1, ConcurrentLimit: 5})
	defer srv.Close()
	resp := mustGet(t, srv, srv.Token())
	resp.Body.Close()
	if resp.Header.Get("X-Sentry-Rate-Limit-Remaining") != "0" || resp.Header.Get("X-Sentry-Rate-Limit-Concurrentlimit") != "5" {
		t.Errorf("headers %v", resp.Header)
	}
	// A burst within one second (retry until both requests share a window).
	for attempt := 0; ; attempt++ {
		first := mustGet(t, srv, srv.Token())
		first.Body.Close()
		second := mustGet(t, srv, srv.Token())
		second.Body.Close()
		if second.StatusCode == 429 {
			if second.Header.Get("Retry-After") != "" {
				t.Error("429 has Retry-After")
			}
			reset, _ := strconv.ParseInt(second.Header.Get("X-Sentry-Rate-Limit-Reset"), 10, 64)
			if now := time.Now().Unix(); reset < now || reset > now+1 {
				t.Errorf("Reset %d, now %d", reset, now)
			}
			return
		}
		if attempt > 5 {
			t.Fatal("no 429 after six bursts")
		}
	}
}

func TestRateLimitKeyDetails(t *testing.T) {
	c := &clock{}
	c.set(time.Unix(1_700_000_000, 0))
	for _, limited := range []bool{false, true} {
		f := New(Config{Now: c.now, RateLimit: 2, RateLimitKeyDetails: limited})
		key := f.AddKeys(1)[0]
		path := keysPath + key.ID() + "/"
		for i := 0; i < 2; i++ {
			wantStatus(t, get(t, f, path), 200)
		}
		r := get(t, f, path)
		switch {
		case limited && r.status != 429:
			t.Errorf("with RateLimitKeyDetails the third GET of a key in one second answered %d, want 429", r.status)
		case !limited && (r.status != 200 || r.first("X-Sentry-Rate-Limit-Limit") != ""):
			t.Errorf("without RateLimitKeyDetails the third GET of a key answered %d with limit %q, want 200 and no rate-limit headers", r.status, r.first("X-Sentry-Rate-Limit-Limit"))
		}
	}
}
