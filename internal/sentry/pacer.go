package sentry

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// pacer holds requests back by what Sentry's rate-limit headers say, so that
// a provider reading hundreds of projects waits for a window instead of
// being answered 429.
//
// Sentry limits each endpoint and method separately (per caller) in fixed
// windows: a window is a whole second on Sentry's clock, whoever sends the
// whole allowance (X-Sentry-Rate-Limit-Limit) the moment a window opens gets
// all of it, and X-Sentry-Rate-Limit-Reset names the window's end (unix
// seconds). A cap on concurrent requests (-ConcurrentLimit) may come on top.
// The pacer keeps one bucket per endpoint and method; one that never saw
// those headers (self-hosted Sentry sends none) never delays anything.
//
// Within a window the pacer lets requests go while the window's allowance
// lasts, then holds the rest until the window has surely ended: its reset
// read on Sentry's clock (see serverClock), which is never early, and never
// more than Config.MaxRateLimitWait away. Then the next window's whole
// allowance goes at once. How late that is depends on how well the clock
// estimate knows the phase of Sentry's seconds, which only an answer around a
// window's end can tell; so while the estimate is wide, a window's last slot
// is sent where the window probably ends (see probeAt).
type pacer struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
	clock   *serverClock
	// maxWait caps how far ahead a window's end may be taken to be.
	maxWait time.Duration
}

type bucket struct {
	// limit is a window's allowance; zero until an answer carried
	// rate-limit headers.
	limit int
	// end is the current window's end as Sentry sent it (on its clock),
	// and remaining what is left of the window: lowered on every send,
	// corrected by every answer. Once the window has surely ended (rolled),
	// remaining is the next window's allowance until an answer tells its
	// end.
	end       time.Time
	remaining int
	rolled    bool
	// low is the lowest Remaining Sentry sent for the window.
	low int
	// capAt is the latest local instant to wait for the window's end.
	capAt time.Time
	// rtt is the bucket's last round trip.
	rtt time.Duration

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

// admit decides whether a request may go now, given the bounds of Sentry's
// clock offset. When it may not, it returns how long to wait at most (zero:
// until the bucket changes).
func (b *bucket) admit(now time.Time, lo, hi time.Duration) (time.Duration, bool) {
	if b.concurrent > 0 && b.inflight >= b.concurrent {
		return 0, false
	}
	if b.limit == 0 {
		return 0, true
	}
	// The local instant by which the window has surely ended.
	ends := b.end.Add(-lo)
	if ends.After(b.capAt) {
		ends = b.capAt
	}
	if !b.rolled && !now.Before(ends) {
		// A new window: its whole allowance, less what is in flight and
		// may count against it, until an answer tells its end.
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

// probeAt is when the window's last slot may go; zero when at once. While
// the window's end is uncertain by more than two round trips, that slot is
// held and sent where the local clock says the window ends (clocks are
// usually synchronised; the guess is kept within the span the bounds allow),
// half a round trip early. Counted before the end and answered after it, its
// Date shows the next second and narrows the estimate to a round trip, so that
// later windows are used from the moment they open. The slot is the window's
// own, so the probe never meets a 429; with a local clock that is off it only
// lands early (and narrows the span from below) or late, leaving that one
// slot of the window unused.
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

// maxProbeWait bounds how long a slot is held for a probe: an endpoint with
// windows of a minute is not probed, its requests would wait that long.
const maxProbeWait = 2 * time.Second

func (p *pacer) release(route string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.bucket(route)
	b.inflight--
	b.notify()
}

// observe learns from an answer sent and received at the given local
// instants: Sentry's clock from its Date and Reset (see serverClock), and the
// bucket's window from its rate-limit headers.
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
		// Whatever Remaining says, Sentry refused this request: the
		// window has nothing left.
		remaining = 0
	}
	if hasLimit && limit > 0 {
		b.limit = limit
	} else {
		b.limit = max(b.limit, remaining+1)
	}
	// Sentry's Remaining counts the requests that reached it before this
	// one; those in flight besides it may have come after. So the lowest
	// Remaining of a window, less what is in flight, is a floor of what is
	// left, and so is the count kept since the window began: the pacer
	// takes the higher, never above what Sentry says.
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
	// An answer from an older window tells nothing about this one.
}

func (b *bucket) notify() {
	close(b.changed)
	b.changed = make(chan struct{})
}
