package sentry

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// pacer spaces requests by what Sentry's rate-limit headers say, so that a
// provider reading hundreds of projects slows down before Sentry answers 429
// instead of after.
//
// Sentry limits each endpoint separately (per caller), with fixed windows
// announced by X-Sentry-Rate-Limit-Limit, -Remaining and -Reset (unix seconds)
// and optionally a cap on concurrent requests (-ConcurrentLimit). The pacer
// keeps one bucket per endpoint. A bucket that has never seen those headers
// (self-hosted Sentry sends none) never delays or serializes anything.
//
// Resets are times on Sentry's clock; the pacer reads them against the Date
// of Sentry's answers (serverClock), so a local clock that is off does not
// matter, and takes none to be further away than Config.MaxRateLimitWait. A
// window whose reset has passed starts a fresh allowance.
type pacer struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
	// clock reads X-Sentry-Rate-Limit-Reset, a time on Sentry's clock.
	clock *serverClock
	// maxWait caps how far ahead a window's reset may be taken to be, so
	// no request waits longer than Config.MaxRateLimitWait for it.
	maxWait time.Duration
}

type bucket struct {
	// known is set once a response carried rate-limit headers.
	known bool
	limit int
	// remaining estimates the requests still allowed before reset. It is
	// lowered on every send and corrected by every response.
	remaining int
	// reset ends the current window, in local time; zero when the window
	// rolled over and no response has announced the next reset yet.
	reset time.Time
	// window is the current window's reset as Sentry sent it, on its
	// clock: it tells an answer of this window from one of another.
	window time.Time

	inflight   int
	concurrent int // 0: no concurrency limit announced

	// changed is closed (and replaced) whenever the bucket changes, waking
	// the requests waiting on it.
	changed chan struct{}
}

func newPacer(now func() time.Time, clock *serverClock, maxWait time.Duration) *pacer {
	return &pacer{buckets: map[string]*bucket{}, now: now, clock: clock, maxWait: maxWait}
}

func (p *pacer) bucket(route string) *bucket {
	b := p.buckets[route]
	if b == nil {
		b = &bucket{changed: make(chan struct{})}
		p.buckets[route] = b
	}
	return b
}

// acquire waits until a request to route may be sent and reserves it. The
// returned release must be called once the response is finished.
func (p *pacer) acquire(ctx context.Context, route string) (release func(), waited time.Duration, err error) {
	start := p.now()
	for {
		p.mu.Lock()
		b := p.bucket(route)
		wait, ok := b.admit(p.now())
		if ok {
			b.inflight++
			p.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { p.release(route) }) }, p.now().Sub(start), nil
		}
		changed := b.changed
		p.mu.Unlock()

		var t *time.Timer
		var timer <-chan time.Time
		if wait > 0 {
			t = time.NewTimer(wait)
			timer = t.C
		}
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-changed:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
		if err != nil {
			return nil, p.now().Sub(start), err
		}
	}
}

// admit decides whether a request may go now. When it may not, it returns how
// long to wait at most (zero: until the bucket changes).
func (b *bucket) admit(now time.Time) (time.Duration, bool) {
	if b.concurrent > 0 && b.inflight >= b.concurrent {
		return 0, false
	}
	if !b.known {
		return 0, true
	}
	if !b.reset.IsZero() && !now.Before(b.reset) {
		// The window rolled over: a full allowance until a response
		// announces the next reset.
		b.remaining = b.limit
		b.reset = time.Time{}
	}
	if b.remaining > 0 {
		b.remaining--
		return 0, true
	}
	if b.reset.IsZero() {
		if b.inflight == 0 {
			// Nothing in flight will tell us the next reset; probe.
			return 0, true
		}
		return 0, false
	}
	return b.reset.Sub(now) + resetMargin(), false
}

func (p *pacer) release(route string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.bucket(route)
	b.inflight--
	b.notify()
}

// observe learns from a response's rate-limit headers. The reset is read on
// Sentry's clock (see serverClock) and taken to be at most maxWait away.
func (p *pacer) observe(route string, resp *http.Response) {
	h := resp.Header
	limit, hasLimit := headerInt(h, "X-Sentry-Rate-Limit-Limit")
	remaining, hasRemaining := headerInt(h, "X-Sentry-Rate-Limit-Remaining")
	reset, hasReset := parseReset(h)
	concurrent, hasConcurrent := headerInt(h, "X-Sentry-Rate-Limit-ConcurrentLimit")
	limited := resp.StatusCode == http.StatusTooManyRequests
	if !hasRemaining && !hasReset && !hasConcurrent {
		return
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.bucket(route)
	defer b.notify()

	if hasConcurrent && concurrent > 0 {
		b.concurrent = concurrent
	}
	if !hasRemaining || !hasReset {
		return
	}
	if limited {
		// Whatever Remaining says, Sentry refused this request: the
		// window has nothing left.
		remaining = 0
	}
	if hasLimit && limit > 0 {
		b.limit = limit
	} else if !b.known || remaining+1 > b.limit {
		b.limit = remaining + 1
	}
	b.known = true
	now := p.now()
	window := reset
	reset = p.clock.toLocal(reset)
	if limit := now.Add(p.maxWait); reset.After(limit) {
		reset = limit
	}
	if !reset.After(now) {
		// The window this answer belongs to is already over. Unless a
		// newer answer announced the current one, start afresh: a full
		// allowance, less what is in flight besides this answer, until
		// an answer tells the next reset. Keeping the old count would
		// leave the bucket at zero and serialize every request.
		if b.reset.IsZero() || !b.reset.After(now) {
			b.reset = time.Time{}
			b.remaining = max(b.limit-max(b.inflight-1, 0), 0)
		}
		return
	}
	// Windows are told apart by the reset as Sentry sent it: the local
	// time it converts to moves as the clock estimate narrows.
	switch {
	case b.reset.IsZero() || window.After(b.window):
		// A newer window. Requests still in flight may count against
		// it; assume they do.
		b.window, b.reset = window, reset
		b.remaining = max(remaining-max(b.inflight-1, 0), 0)
	case window.Equal(b.window):
		b.remaining = min(b.remaining, remaining)
	default:
		// An answer from an older window tells nothing about this one.
	}
}

func (b *bucket) notify() {
	close(b.changed)
	b.changed = make(chan struct{})
}
