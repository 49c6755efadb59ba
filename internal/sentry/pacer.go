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
type pacer struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	// known is set once a response carried rate-limit headers.
	known bool
	limit int
	// remaining estimates the requests still allowed before reset. It is
	// lowered on every send and corrected by every response.
	remaining int
	// reset ends the current window; zero when the window rolled over and
	// no response has announced the next reset yet.
	reset time.Time

	inflight   int
	concurrent int // 0: no concurrency limit announced

	// changed is closed (and replaced) whenever the bucket changes, waking
	// the requests waiting on it.
	changed chan struct{}
}

func newPacer() *pacer {
	return &pacer{buckets: map[string]*bucket{}, now: time.Now}
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

// observe learns from a response's rate-limit headers.
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
		remaining = 0
	}
	if hasLimit && limit > 0 {
		b.limit = limit
	} else if !b.known || remaining+1 > b.limit {
		b.limit = remaining + 1
	}
	b.known = true
	if !reset.After(p.now()) {
		// The window this answer belongs to is already over.
		return
	}
	switch {
	case b.reset.IsZero() || reset.After(b.reset):
		// A newer window. Requests still in flight may count against
		// it; assume they do.
		b.reset = reset
		b.remaining = max(remaining-max(b.inflight-1, 0), 0)
	case reset.Equal(b.reset):
		b.remaining = min(b.remaining, remaining)
	default:
		// An answer from an older window tells nothing about this one.
	}
}

func (b *bucket) notify() {
	close(b.changed)
	b.changed = make(chan struct{})
}
