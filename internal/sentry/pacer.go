package sentry

import (
	"context"
	"math"
	"net/http"
	"sync"
	"time"
)

// pacer holds requests back by Sentry's rate-limit headers, so that a
// provider reading hundreds of projects waits for a window instead of being
// answered 429. Sentry limits each endpoint and method in fixed windows of a
// second on its clock: X-Sentry-Rate-Limit-Reset names a window's end, and
// whoever sends the whole allowance as a window opens gets all of it. A
// bucket that never saw those headers (self-hosted Sentry) delays nothing.
// Requests go while the allowance lasts; the rest wait until the window has
// surely ended (read on Sentry's clock, see serverClock), then go at once.
type pacer struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
	clock   *serverClock
	maxWait time.Duration
}

type bucket struct {
	limit int // a window's allowance; zero until an answer said
	// end is the window's end on Sentry's clock, remaining what is left of
	// it (less every send, corrected by answers), low the lowest Remaining
	// Sentry sent for it, capAt the latest local instant to wait for it.
	// Once the window surely ended (rolled), remaining is the next one's.
	end        time.Time
	remaining  int
	low        int
	rolled     bool
	capAt      time.Time
	rtt        time.Duration // the last round trip
	inflight   int
	concurrent int           // 0: no concurrency limit announced
	changed    chan struct{} // closed and replaced on every change
}

func (p *pacer) bucket(route string) *bucket {
	b := p.buckets[route]
	if b == nil {
		b = &bucket{changed: make(chan struct{})}
		p.buckets[route] = b
	}
	return b
}

// acquire waits until a request to route may go; release it once read.
func (p *pacer) acquire(ctx context.Context, route string) (release func(), waited time.Duration, err error) {
	start := p.now()
	for {
		lo, hi, _ := p.clock.bounds()
		p.mu.Lock()
		b := p.bucket(route)
		wait, ok := b.admit(p.now(), lo, hi)
		if ok {
			b.inflight++
			p.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { p.release(route) }) }, p.now().Sub(start), nil
		}
		changed := b.changed
		p.mu.Unlock()

		var timer <-chan time.Time
		if wait > 0 {
			timer = time.After(wait)
		}
		select {
		case <-ctx.Done():
			return nil, p.now().Sub(start), ctx.Err()
		case <-changed:
		case <-timer:
		}
	}
}

// admit decides whether a request may go now; if not, how long to wait at
// most (zero: for a change).
func (b *bucket) admit(now time.Time, lo, hi time.Duration) (time.Duration, bool) {
	if b.concurrent > 0 && b.inflight >= b.concurrent {
		return 0, false
	}
	if b.limit == 0 {
		return 0, true
	}
	ends := b.end.Add(-lo) // when the window has surely ended, locally
	if ends.After(b.capAt) {
		ends = b.capAt
	}
	if !b.rolled && !now.Before(ends) {
		// A new window's allowance, less what is in flight.
		b.rolled, b.remaining = true, max(b.limit-b.inflight, 0)
	}
	if b.remaining > 0 {
		if at := b.probeAt(ends, lo, hi); now.Before(at) && at.Sub(now) < maxProbeWait {
			return at.Sub(now), false
		}
		b.remaining--
		return 0, true
	}
	if b.rolled {
		if b.inflight == 0 {
			return 0, true // nothing in flight will tell the window's end: ask
		}
		return 0, false
	}
	return ends.Sub(now), false
}

// probeAt is when the window's last slot may go (zero: now). While the end is
// uncertain by more than two round trips, the slot goes half a round trip
// before the end by the local clock (usually in sync), kept within the
// bounds: counted before the end and dated after it, it narrows the estimate
// to a round trip. Being the window's own slot, it never meets a 429; with a
// clock that is off, it lands early (and narrows) or late (and is lost).
func (b *bucket) probeAt(ends time.Time, lo, hi time.Duration) time.Time {
	if b.rolled || b.remaining != 1 || hi-lo <= 2*b.rtt {
		return time.Time{}
	}
	guess := b.end // on the local clock
	if earliest := b.end.Add(-hi); guess.Before(earliest) {
		guess = earliest
	}
	if guess.After(ends) {
		guess = ends
	}
	return guess.Add(-b.rtt / 2)
}

// maxProbeWait bounds the hold of a probe: windows of a minute are not probed.
const maxProbeWait = 2 * time.Second

func (p *pacer) release(route string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.bucket(route)
	b.inflight--
	b.notify()
}

// observe learns Sentry's clock and the bucket's window from an answer.
func (p *pacer) observe(route string, resp *http.Response, sent, received time.Time) {
	h := resp.Header
	limit, hasLimit := headerInt(h, "X-Sentry-Rate-Limit-Limit")
	remaining, hasRemaining := headerInt(h, "X-Sentry-Rate-Limit-Remaining")
	end, hasReset := parseReset(h)
	concurrent, hasConcurrent := headerInt(h, "X-Sentry-Rate-Limit-ConcurrentLimit")

	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.bucket(route)
	var after time.Time // a rollover: the window before this answer's ended
	if hasReset && end.After(b.end) {
		after = b.end
	}
	p.clock.observe(h, sent, received, after)
	if !hasRemaining && !hasReset && !hasConcurrent {
		return
	}
	defer b.notify()
	b.rtt = received.Sub(sent)
	if hasConcurrent && concurrent > 0 {
		b.concurrent = concurrent
	}
	if !hasRemaining || !hasReset {
		return
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		remaining = 0 // whatever Remaining says
	}
	if hasLimit && limit > 0 {
		b.limit = limit
	} else {
		b.limit = max(b.limit, remaining+1)
	}
	// Remaining counts what reached Sentry before this answer; what else is
	// in flight may come after. Both that and the count kept since the
	// window began are floors: take the higher, never above what Sentry says.
	switch {
	case end.After(b.end):
		floor := remaining - max(b.inflight-1, 0)
		if b.rolled {
			floor = max(floor, b.remaining) // counted since this window began
		}
		b.end, b.rolled, b.capAt, b.low = end, false, received.Add(p.maxWait), remaining
		b.remaining = min(floor, remaining)
	case end.Equal(b.end) && !b.rolled:
		b.low = min(b.low, remaining)
		b.remaining = min(max(b.remaining, b.low-max(b.inflight-1, 0)), b.low)
	}
}

func (b *bucket) notify() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// serverClock bounds the offset of Sentry's clock from the local one (server
// minus local), as Sentry read its clock between sending and receiving:
//
//   - Date (to the second): date - received <= offset < date + 1s - sent;
//   - X-Sentry-Rate-Limit-Reset, as the counting window had not ended:
//     offset < reset - sent;
//   - an answer from a later window than one seen before (a rollover), as
//     that window had ended: offset >= end - received.
//
// It keeps the intersection (about a round trip once a window's end falls
// between two answers), starting again on a contradiction (a stepped clock).
// The lower bound is used: a server time read as local time is never early.
type serverClock struct {
	mu     sync.Mutex
	known  bool
	lo, hi time.Duration
}

// observe narrows the estimate with an answer; after, when not zero, is a
// window's end that had passed when Sentry counted it.
func (c *serverClock) observe(h http.Header, sent, received, after time.Time) {
	const inf = time.Duration(math.MaxInt64)
	lo, hi := -inf, inf
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		lo, hi = date.Sub(received), date.Add(time.Second).Sub(sent)
	}
	// A bound that contradicts the Date is a server's mistake: ignore it.
	if reset, ok := parseReset(h); ok && reset.Sub(sent) > lo {
		hi = min(hi, reset.Sub(sent))
	}
	if !after.IsZero() && after.Sub(received) < hi {
		lo = max(lo, after.Sub(received))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.known && lo < c.hi && hi > c.lo:
		c.lo, c.hi = max(c.lo, lo), min(c.hi, hi)
	case lo > -inf && hi < inf: // the first answer, or a contradiction
		c.known, c.lo, c.hi = true, lo, hi
	}
}

// bounds returns the bounds of the offset; zero (the local clock) before any.
func (c *serverClock) bounds() (lo, hi time.Duration, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lo, c.hi, c.known
}

// toLocal reads a time on the server's clock as local time, never early.
func (c *serverClock) toLocal(t time.Time) time.Time {
	lo, _, _ := c.bounds()
	return t.Add(-lo)
}
