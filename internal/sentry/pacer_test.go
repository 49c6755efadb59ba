package sentry

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// windowLimiter imitates Sentry's fixed one-second rate-limit windows.
type windowLimiter struct {
	mu       sync.Mutex
	limit    int
	window   int64
	count    int
	rejected int
}

func (l *windowLimiter) serve(w http.ResponseWriter) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if sec := now.Unix(); sec != l.window {
		l.window, l.count = sec, 0
	}
	l.count++
	remaining := max(l.limit-l.count, 0)
	w.Header().Set("X-Sentry-Rate-Limit-Limit", fmt.Sprint(l.limit))
	w.Header().Set("X-Sentry-Rate-Limit-Remaining", fmt.Sprint(remaining))
	w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(l.window+1))
	if l.count > l.limit {
		l.rejected++
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"detail": "You are attempting to use this endpoint too frequently. Limit is 5 requests in 1 seconds"}`)
		return false
	}
	return true
}

func runConcurrently(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i)
		}()
	}
	wg.Wait()
}

func TestPacerStaysUnderTheRateLimit(t *testing.T) {
	lim := &windowLimiter{limit: 5}
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if lim.serve(w) {
			fmt.Fprint(w, "[]")
		}
	})
	c := newTestClient(t, rec, func(c *Config) { c.MaxRetries = intPtr(5) })
	// Learn the limit from one answer, then read 12 projects at once.
	if _, err := c.ListProjectKeys(context.Background(), "acme", "p", ""); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 12)
	runConcurrently(12, func(i int) {
		_, errs[i] = c.ListProjectKeys(context.Background(), "acme", fmt.Sprint("p", i), "")
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("read %d: %v", i, err)
		}
	}
	// A window boundary can fall between the learning request and the
	// burst; the pacer may be wrong at most once per window in that case.
	if lim.rejected > 1 {
		t.Errorf("Sentry answered 429 %d times; the pacer should have waited instead", lim.rejected)
	}
}

func TestPacerWithoutHeadersNeverSerializes(t *testing.T) {
	var inflight, peak atomic.Int32
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cur := inflight.Add(1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		time.Sleep(150 * time.Millisecond)
		inflight.Add(-1)
		fmt.Fprint(w, "[]")
	})
	c := newTestClient(t, rec)
	runConcurrently(10, func(i int) {
		if _, err := c.ListProjectKeys(context.Background(), "acme", fmt.Sprint("p", i), ""); err != nil {
			t.Error(err)
		}
	})
	if peak.Load() != 10 {
		t.Fatalf("at most %d requests ran at once, want all 10 (self-hosted sends no rate-limit headers)", peak.Load())
	}
}

func TestPacerHonoursTheConcurrencyLimit(t *testing.T) {
	var inflight, peak atomic.Int32
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cur := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		w.Header().Set("X-Sentry-Rate-Limit-ConcurrentLimit", "3")
		w.Header().Set("X-Sentry-Rate-Limit-ConcurrentRemaining", fmt.Sprint(3-cur))
		time.Sleep(50 * time.Millisecond)
		fmt.Fprint(w, "[]")
	})
	c := newTestClient(t, rec)
	if _, err := c.ListProjectKeys(context.Background(), "acme", "p", ""); err != nil {
		t.Fatal(err)
	}
	peak.Store(0)
	runConcurrently(10, func(i int) {
		if _, err := c.ListProjectKeys(context.Background(), "acme", fmt.Sprint("p", i), ""); err != nil {
			t.Error(err)
		}
	})
	if p := peak.Load(); p > 3 || p < 2 {
		t.Fatalf("%d requests ran at once, want at most 3 (and some parallelism)", p)
	}
}

func TestBucketAdmit(t *testing.T) {
	now := time.Unix(1000, 0)
	b := &bucket{known: true, limit: 2, remaining: 1, reset: now.Add(time.Second), changed: make(chan struct{})}
	if _, ok := b.admit(now); !ok {
		t.Fatal("the last allowed request was refused")
	}
	wait, ok := b.admit(now)
	if ok || wait < time.Second || wait > 1200*time.Millisecond {
		t.Fatalf("admit over the limit = %s, %t; want a wait until the reset", wait, ok)
	}
	if _, ok := b.admit(now.Add(time.Second)); !ok {
		t.Fatal("a request after the reset was refused")
	}
	if b.remaining != 1 || !b.reset.IsZero() {
		t.Fatalf("after the reset remaining=%d reset=%s, want a fresh allowance of 2 (1 left) and an unknown reset", b.remaining, b.reset)
	}
}
