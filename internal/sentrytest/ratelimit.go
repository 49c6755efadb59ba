package sentrytest

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Sentry's rate limiting (src/sentry/middleware/ratelimit.py and
// src/sentry/ratelimits): a fixed window per caller and endpoint, counted
// before the view runs, with X-Sentry-Rate-Limit-* headers on every answer
// of a limited endpoint.

const (
	defaultRateLimit   = 40
	rateLimitWindow    = 1 // seconds
	msgRateLimited     = "You are attempting to use this endpoint too frequently. Limit is %d requests in %d seconds"
	msgConcurrencyOver = "You are attempting to go above the allowed concurrency for this endpoint. Concurrency limit is %d"
)

// rateMeta is RateLimitMeta: what the headers report for one request.
// concurrentLimit is 0 when no concurrent limit applies.
type rateMeta struct {
	limit, remaining, concurrentLimit, concurrentRemaining int
	reset                                                  int64
	limited, concurrencyExceeded, hasConcurrentRemaining   bool
}

// apply adds the rate-limit headers, as the middleware's process_response
// does. The names keep Sentry's spelling on the wire.
func (m rateMeta) apply(resp *response) {
	resp.set("X-Sentry-Rate-Limit-Remaining", strconv.Itoa(m.remaining))
	resp.set("X-Sentry-Rate-Limit-Limit", strconv.Itoa(m.limit))
	resp.set("X-Sentry-Rate-Limit-Reset", strconv.FormatInt(m.reset, 10))
	if m.hasConcurrentRemaining {
		resp.set("X-Sentry-Rate-Limit-ConcurrentRemaining", strconv.Itoa(m.concurrentRemaining))
	}
	if m.concurrentLimit > 0 {
		resp.set("X-Sentry-Rate-Limit-ConcurrentLimit", strconv.Itoa(m.concurrentLimit))
	}
}

// refuse is the middleware's 429 with its headers: JSON bytes in a plain
// Django HttpResponse, hence Django's default content type, and no
// Retry-After.
func (m rateMeta) refuse() *response {
	msg := fmt.Sprintf(msgRateLimited, m.limit, rateLimitWindow)
	if !m.limited && m.concurrencyExceeded {
		msg = fmt.Sprintf(msgConcurrencyOver, m.concurrentLimit)
	}
	resp := newResponse(429, contentTypeHTML, marshalJSON(jsonObject{{"detail", msg}}))
	m.apply(resp)
	return resp
}

// rateLimiter counts requests per key in fixed one-second windows aligned
// on unix seconds, and requests in flight per key.
type rateLimiter struct {
	mu       sync.Mutex
	windows  map[string]window
	inflight map[string]int
}

type window struct {
	second int64
	count  int
}

func (l *rateLimiter) init() {
	l.windows, l.inflight = map[string]window{}, map[string]int{}
}

// start counts a request. The returned function must be called when the
// request is finished; it frees the concurrency slot if one was taken. A
// request over the window limit does not try the concurrent limit, as in
// above_rate_limit_check.
func (l *rateLimiter) start(key string, limit, concurrentLimit int, now time.Time) (rateMeta, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := window{second: now.Unix() / rateLimitWindow, count: 1}
	if old := l.windows[key]; old.second == w.second {
		w.count += old.count
	}
	l.windows[key] = w
	m := rateMeta{limit: limit, remaining: max(limit-w.count, 0), reset: (w.second + 1) * rateLimitWindow,
		concurrentLimit: concurrentLimit, limited: w.count > limit}
	release := func() {}
	if m.limited || concurrentLimit <= 0 {
		return m, release
	}
	current := l.inflight[key]
	if m.concurrencyExceeded = current >= concurrentLimit; !m.concurrencyExceeded {
		current++
		l.inflight[key] = current
		release = func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.inflight[key]--; l.inflight[key] <= 0 {
				delete(l.inflight, key)
			}
		}
	}
	m.concurrentRemaining, m.hasConcurrentRemaining = concurrentLimit-current, true
	return m, release
}
