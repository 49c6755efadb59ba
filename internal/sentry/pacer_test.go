package sentry

import (
	"context"
	"errors"
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
	// A window may end between the learning request and the burst: the
	// requests in flight then are taken to count against the next one.
	if lim.rejected > 0 {
		t.Errorf("Sentry answered 429 %d times; the pacer should have waited instead", lim.rejected)
	}
}

// barrier holds each request until n are in flight at once, and records the
// most that ever were. If n never are (a client that serializes), it stops
// holding after a while, so that the test fails fast instead of hanging.
type barrier struct {
	n       int
	mu      sync.Mutex
	arrived int
	peak    int
	all     chan struct{}
	broken  atomic.Bool
}

func newBarrier(n int) *barrier { return &barrier{n: n, all: make(chan struct{})} }

func (b *barrier) wait() {
	b.mu.Lock()
	b.arrived++
	b.peak = max(b.peak, b.arrived)
	if b.arrived == b.n {
		close(b.all)
	}
	b.mu.Unlock()
	if !b.broken.Load() {
		select {
		case <-b.all:
		case <-time.After(3 * time.Second):
			b.broken.Store(true)
		}
	}
	b.mu.Lock()
	b.arrived--
	b.mu.Unlock()
}

func (b *barrier) maxInFlight() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.peak
}

func TestPacerWithoutHeadersNeverSerializes(t *testing.T) {
	bar := newBarrier(10)
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		bar.wait()
		fmt.Fprint(w, "[]")
	})
	c := newTestClient(t, rec)
	runConcurrently(10, func(i int) {
		if _, err := c.ListProjectKeys(context.Background(), "acme", fmt.Sprint("p", i), ""); err != nil {
			t.Error(err)
		}
	})
	if p := bar.maxInFlight(); p != 10 {
		t.Fatalf("at most %d requests ran at once, want all 10 (self-hosted sends no rate-limit headers)", p)
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
	b := &bucket{limit: 2, remaining: 1, end: now.Add(time.Second), capAt: now.Add(time.Minute), changed: make(chan struct{})}
	if _, ok := b.admit(now, 0, 0); !ok {
		t.Fatal("the last allowed request was refused")
	}
	b.inflight++
	wait, ok := b.admit(now, 0, 0)
	if ok || wait != time.Second {
		t.Fatalf("admit over the limit = %s, %t; want a wait until the window's end", wait, ok)
	}
	if _, ok := b.admit(now.Add(time.Second), 0, 0); !ok {
		t.Fatal("a request after the window's end was refused")
	}
	if b.remaining != 0 || !b.rolled {
		t.Fatalf("after the end remaining=%d rolled=%t, want the new window's 2 less the one in flight and the one just sent", b.remaining, b.rolled)
	}
}

// TestPacerUsesTheWholeWindowAtOnce: once the clock estimate is narrow,
// the whole allowance of the next window goes the moment it surely opened,
// and not one request more.
func TestPacerUsesTheWholeWindowAtOnce(t *testing.T) {
	server := time.Unix(1_800_000_000, 900*int64(time.Millisecond))
	p, clk, observe := newTestPacer(0, server)
	observe(rateLimitAnswer(http.StatusOK, server, 0))
	// The tick of server second 1_800_000_001 seen within 20 ms.
	p.clock.lo, p.clock.hi = -10*time.Millisecond, 10*time.Millisecond
	b := p.buckets["GET project-keys"]
	lo, hi, _ := p.clock.bounds()
	wait, ok := b.admit(clk.now(), lo, hi)
	if ok || wait != 110*time.Millisecond {
		t.Fatalf("admit = %s, %t; want a wait of 110 ms (the end, 100 ms away, read on the lower bound)", wait, ok)
	}
	clk.advance(wait)
	for i := range 40 {
		if _, ok := b.admit(clk.now(), lo, hi); !ok {
			t.Fatalf("request %d of the new window's 40 was held", i+1)
		}
		b.inflight++
	}
	if _, ok := b.admit(clk.now(), lo, hi); ok {
		t.Fatal("a 41st request went in the new window")
	}
}

// TestPacerCountsAWindowOnce: the answers of a new window come back in any
// order, each counting the requests that reached Sentry before it; none may
// make the pacer count a request twice and leave slots of the window unused.
func TestPacerCountsAWindowOnce(t *testing.T) {
	server := time.Unix(1_800_000_000, 0)
	p, clk, observe := newTestPacer(0, server)
	observe(rateLimitAnswer(http.StatusOK, server, 0)) // nothing left until server+1
	b := p.buckets["GET project-keys"]
	clk.advance(time.Second)
	for i := range 10 {
		if _, ok := admitNow(p, b, clk); !ok {
			t.Fatalf("request %d of the new window was held", i+1)
		}
		b.inflight++
	}
	for i, remaining := range []int{30, 35, 39, 31, 38, 32, 37, 33, 36, 34} {
		observe(rateLimitAnswer(http.StatusOK, server.Add(time.Second+time.Millisecond), remaining))
		b.inflight--
		if b.remaining != 30 {
			t.Fatalf("after answer %d (Remaining %d) the pacer counts %d left, want 30", i+1, remaining, b.remaining)
		}
	}
}

// TestPacerProbesAnUncertainEnd: while the window's end is uncertain, its
// last slot is held and sent where the local clock says the window ends, half
// a round trip early, kept within the span the bounds allow; the window never
// gives more than its allowance.
func TestPacerProbesAnUncertainEnd(t *testing.T) {
	ms := time.Millisecond
	now := time.Unix(1_800_000_000, int64(200*ms))
	end := time.Unix(1_800_000_001, 0) // on Sentry's clock
	for _, tc := range []struct {
		name   string
		lo, hi time.Duration
		// probe is when the last slot goes, relative to end; zero: at once.
		probe time.Duration
	}{
		{"the local clock within the bounds", -800 * ms, 100 * ms, -25 * ms},
		{"the local clock behind Sentry's: the latest end", 200 * ms, 900 * ms, -225 * ms},
		{"the local clock ahead of Sentry's: the earliest end", -900 * ms, -300 * ms, 275 * ms},
		{"a narrow estimate: no probe", -40 * ms, 40 * ms, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &bucket{limit: 40, remaining: 3, end: end, capAt: now.Add(time.Minute), rtt: 50 * ms, changed: make(chan struct{})}
			for i := range 2 {
				if _, ok := b.admit(now, tc.lo, tc.hi); !ok {
					t.Fatalf("request %d was held: only the last slot is a probe", i+1)
				}
			}
			at := now
			if wait, ok := b.admit(now, tc.lo, tc.hi); !ok {
				if at = now.Add(wait); tc.probe == 0 || !at.Equal(end.Add(tc.probe)) {
					t.Fatalf("the last slot waits until %s, want %s", at.Sub(end), tc.probe)
				}
				if _, ok := b.admit(at, tc.lo, tc.hi); !ok {
					t.Fatal("the probe was held at its time")
				}
			} else if tc.probe != 0 {
				t.Fatal("the last slot went at once")
			}
			if wait, ok := b.admit(at, tc.lo, tc.hi); ok || !at.Add(wait).Equal(end.Add(-tc.lo)) {
				t.Fatalf("admit after the window = %s, %t; want a wait for its surest end", wait, ok)
			}
		})
	}
}

// fakeClock is a local clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// rateLimitAnswer is an answer of Sentry generated at server time at, with
// its Date header and a window of 40 requests that resets at the next whole
// second.
func rateLimitAnswer(status int, at time.Time, remaining int) *http.Response {
	return responseWith(status,
		"Date", at.UTC().Format(http.TimeFormat),
		"X-Sentry-Rate-Limit-Limit", "40",
		"X-Sentry-Rate-Limit-Remaining", fmt.Sprint(remaining),
		"X-Sentry-Rate-Limit-Reset", fmt.Sprint(at.Unix()+1),
	)
}

// admitNow asks b whether a request may go at clk's time, with p's clock.
func admitNow(p *pacer, b *bucket, clk *fakeClock) (time.Duration, bool) {
	lo, hi, _ := p.clock.bounds()
	return b.admit(clk.now(), lo, hi)
}

// newTestPacer returns a pacer on a fake local clock that is skew ahead of
// the server's, and a function that feeds it an answer generated at server
// time at, received at once.
func newTestPacer(skew time.Duration, server time.Time) (*pacer, *fakeClock, func(*http.Response)) {
	clk := &fakeClock{t: server.Add(skew)}
	sc := &serverClock{}
	p := &pacer{buckets: map[string]*bucket{}, now: clk.now, clock: sc, maxWait: time.Minute}
	observe := func(resp *http.Response) {
		p.observe("GET project-keys", resp, clk.now(), clk.now())
	}
	return p, clk, observe
}

// TestPacerMeasuresResetAgainstDate is issue 12's item 3: the reset was read
// on the local clock, so a clock behind Sentry's waited far too long (until
// every attempt timed out) and a clock ahead forgot that the window was used
// up.
func TestPacerMeasuresResetAgainstDate(t *testing.T) {
	// 0.4 s into a second of the server's clock: the window resets in 0.6 s.
	server := time.Unix(1_800_000_000, 400*int64(time.Millisecond))
	for _, skew := range []time.Duration{-time.Hour, -30 * time.Second, -1500 * time.Millisecond, 0, 2 * time.Second, 30 * time.Second} {
		t.Run(fmt.Sprint("local clock off by ", skew), func(t *testing.T) {
			p, clk, observe := newTestPacer(skew, server)
			observe(rateLimitAnswer(http.StatusOK, server, 0))
			b := p.buckets["GET project-keys"]
			wait, ok := admitNow(p, b, clk)
			// Date says 0.0 s into the second, so the pacer may wait the
			// whole second; never less than the real 0.6 s, never more
			// than a second and the margin.
			if ok || wait < 600*time.Millisecond || wait > 1100*time.Millisecond {
				t.Fatalf("admit with nothing remaining = %s, %t; want a wait of 0.6 to 1.1 s", wait, ok)
			}
			clk.advance(wait)
			if _, ok := admitNow(p, b, clk); !ok {
				t.Fatal("a request after the reset was refused")
			}
		})
	}
}

// TestServerClockNarrows checks that answers whose Date ticked over at
// different moments narrow the estimate below Date's one-second resolution,
// and that it never overshoots the real offset.
func TestServerClockNarrows(t *testing.T) {
	const offset = 2*time.Second + 300*time.Millisecond // server minus local
	local := time.Unix(1_800_000_000, 0)
	sc := &serverClock{}
	for i := range 20 {
		sent := local.Add(time.Duration(i) * 170 * time.Millisecond)
		received := sent.Add(20 * time.Millisecond)
		generated := sent.Add(10 * time.Millisecond).Add(offset)
		h := http.Header{"Date": {generated.UTC().Format(http.TimeFormat)}}
		sc.observe(h, sent, received, time.Time{})
		lo, _, ok := sc.bounds()
		if !ok || lo > offset {
			t.Fatalf("after %d answers the lower bound is %s, above the real offset %s", i+1, lo, offset)
		}
	}
	if lo, _, _ := sc.bounds(); offset-lo > 50*time.Millisecond {
		t.Fatalf("after 20 answers the lower bound is %s, still %s below the real offset", lo, offset-lo)
	}
	// A stepped clock starts the estimate again.
	sc.observe(http.Header{"Date": {local.Add(time.Hour).UTC().Format(http.TimeFormat)}}, local, local, time.Time{})
	if lo, _, _ := sc.bounds(); lo < 59*time.Minute {
		t.Fatalf("after a jump of an hour the offset is %s", lo)
	}
	// No Date, no change.
	sc.observe(http.Header{}, local, local, time.Time{})
	if lo, _, _ := sc.bounds(); lo < 59*time.Minute {
		t.Fatalf("an answer without Date moved the offset to %s", lo)
	}
}

// TestServerClockReadsResetAndRollovers: X-Sentry-Rate-Limit-Reset bounds
// Sentry's clock from above (the window counting an answer had not ended),
// and an answer from a later window from below (the earlier one had), so
// that an answer counted before a second ticks and one after it narrow the
// estimate to about a round trip, with or without a Date header.
func TestServerClockReadsResetAndRollovers(t *testing.T) {
	ms := time.Millisecond
	local := func(d time.Duration) time.Time { return time.Unix(1_799_999_999, 0).Add(d) }
	server := time.Unix(1_800_000_000, 0) // a tick, at local(700ms): Sentry is 300 ms ahead
	answer := func(date bool, reset time.Time) http.Header {
		h := http.Header{"X-Sentry-Rate-Limit-Reset": {fmt.Sprint(reset.Unix())}}
		if date {
			h.Set("Date", server.UTC().Format(http.TimeFormat))
		}
		return h
	}
	t.Run("a reset narrows the Date", func(t *testing.T) {
		// Counted at 0.96 s on Sentry's clock, just before the tick, and
		// dated after it.
		sc := &serverClock{}
		sc.observe(answer(true, server), local(660*ms), local(720*ms), time.Time{})
		if lo, hi, _ := sc.bounds(); lo != 280*ms || hi != 340*ms {
			t.Fatalf("bounds [%s, %s), want [280ms, 340ms): the reset bounds it from above", lo, hi)
		}
	})
	t.Run("a rollover without Date", func(t *testing.T) {
		sc := &serverClock{}
		sc.observe(answer(false, server), local(600*ms), local(610*ms), time.Time{})
		if _, _, known := sc.bounds(); known {
			t.Fatal("a bound on one side started an estimate")
		}
		// Counted after the tick: its window is a later one.
		sc.observe(answer(false, server.Add(time.Second)), local(690*ms), local(720*ms), server)
		sc.observe(answer(false, server), local(650*ms), local(700*ms), time.Time{})
		if lo, hi, known := sc.bounds(); !known || lo != 280*ms || hi != 350*ms {
			t.Fatalf("bounds [%s, %s), %t; want [280ms, 350ms)", lo, hi, known)
		}
	})
}

// TestPacerWaitIsCapped pins MaxRateLimitWait for the pacer: a reset far
// ahead is taken to be at most the cap away.
func TestPacerWaitIsCapped(t *testing.T) {
	server := time.Unix(1_800_000_000, 0)
	p, clk, observe := newTestPacer(0, server)
	resp := rateLimitAnswer(http.StatusOK, server, 0)
	resp.Header.Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(server.Add(24*time.Hour).Unix()))
	observe(resp)
	wait, ok := admitNow(p, p.buckets["GET project-keys"], clk)
	if ok || wait > p.maxWait+100*time.Millisecond || wait < p.maxWait {
		t.Fatalf("admit = %s, %t; want a wait of the cap, %s", wait, ok, p.maxWait)
	}
}

// TestPacerTakes429AsNothingRemaining pins that a 429 empties the window
// whatever its Remaining header says.
func TestPacerTakes429AsNothingRemaining(t *testing.T) {
	server := time.Unix(1_800_000_000, 0)
	p, clk, observe := newTestPacer(0, server)
	observe(rateLimitAnswer(http.StatusTooManyRequests, server, 12))
	b := p.buckets["GET project-keys"]
	if b.remaining != 0 {
		t.Fatalf("remaining = %d after a 429, want 0", b.remaining)
	}
	if _, ok := admitNow(p, b, clk); ok {
		t.Fatal("a request was admitted right after a 429")
	}
}

// TestPacerPastResetRollsOver is issue 12's item 3: with the local clock
// ahead, every reset looked past, the bucket stayed at zero remaining and
// every request of the endpoint was serialized.
func TestPacerPastResetRollsOver(t *testing.T) {
	server := time.Unix(1_800_000_000, 0)
	p, _, observe := newTestPacer(2*time.Second, server)
	observe(rateLimitAnswer(http.StatusOK, server, 30))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for i := range 10 {
		// None is released: all ten are in flight at once.
		if _, _, err := p.acquire(ctx, "GET project-keys"); err != nil {
			t.Fatalf("request %d of 10 was not admitted while 30 remain: %v", i+1, err)
		}
	}
	// A reset that is really past (Sentry's own clock says so) starts a
	// fresh window rather than leaving the bucket empty, where only one
	// request at a time could probe for the next reset.
	p2, _, observe2 := newTestPacer(0, server)
	resp := rateLimitAnswer(http.StatusOK, server, 0)
	resp.Header.Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(server.Unix()-5))
	observe2(resp)
	for i := range 10 {
		if _, _, err := p2.acquire(ctx, "GET project-keys"); err != nil {
			t.Fatalf("request %d of 10 was not admitted after a window ended: %v", i+1, err)
		}
	}
}

// TestPacerConcurrentReadsWithClockAhead runs issue 12's case end to end:
// the local clock 2 s ahead of Sentry's, 10 concurrent reads must all be in
// flight at once.
func TestPacerConcurrentReadsWithClockAhead(t *testing.T) {
	const n = 10
	bar := newBarrier(n)
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("X-Sentry-Rate-Limit-Limit", "40")
		w.Header().Set("X-Sentry-Rate-Limit-Remaining", "30")
		w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()+1))
		if r.URL.Path != "/api/0/projects/acme/first/keys/" {
			bar.wait()
		}
		fmt.Fprint(w, "[]")
	})
	c := newTestClient(t, rec)
	c.now = func() time.Time { return time.Now().Add(2 * time.Second) }
	if _, err := c.ListProjectKeys(context.Background(), "acme", "first", ""); err != nil {
		t.Fatal(err)
	}
	runConcurrently(n, func(i int) {
		if _, err := c.ListProjectKeys(context.Background(), "acme", fmt.Sprint("p", i), ""); err != nil {
			t.Error(err)
		}
	})
	if p := bar.maxInFlight(); p != n {
		t.Fatalf("at most %d of %d reads were in flight at once: the pacer serialized them", p, n)
	}
}

// TestCancellationDuringAPacerWait pins that a caller who gives up while the
// pacer holds its request back gets context.Canceled at once, and that the
// request is never sent.
func TestCancellationDuringAPacerWait(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Sentry-Rate-Limit-Limit", "40")
		w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()+50))
		fmt.Fprint(w, "[]")
	})
	c := newTestClient(t, rec)
	if _, err := c.ListProjectKeys(context.Background(), "acme", "web", ""); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.ListProjectKeys(ctx, "acme", "web", "")
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let it reach the pacer; cancelling earlier must work too
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the read went on waiting for the rate-limit window after the caller gave up")
	}
	if rec.count() != 1 {
		t.Fatalf("the server saw %d requests, want 1: the held-back request must not be sent", rec.count())
	}
}

// TestPacingIsNotPartOfTheAttemptTimeout is issue 12's item 3: the attempt's
// timeout covered the pacer's wait, so a wait longer than the timeout failed
// every attempt without sending it.
func TestPacingIsNotPartOfTheAttemptTimeout(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("X-Sentry-Rate-Limit-Limit", "40")
			w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()+1))
		}
		fmt.Fprint(w, "[]")
	})
	c := newTestClient(t, rec, func(c *Config) { c.RequestTimeout = 500 * time.Millisecond; c.MaxRetries = intPtr(0) })
	if _, err := c.ListProjectKeys(context.Background(), "acme", "web", ""); err != nil {
		t.Fatal(err)
	}
	// The window resets in up to a second (up to two by Date's
	// resolution): longer than the timeout, which must not matter.
	if _, err := c.ListProjectKeys(context.Background(), "acme", "web", ""); err != nil {
		t.Fatalf("the paced read failed: %v", err)
	}
	if rec.count() != 2 {
		t.Fatalf("made %d requests, want 2", rec.count())
	}
}
