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
// of a limited endpoint. The key endpoints allow 40 GETs per second.

const (
	defaultRateLimit   = 40
	rateLimitWindow    = 1 // seconds
	msgRateLimited     = "You are attempting to use this endpoint too frequently. Limit is %d requests in %d seconds"
	msgConcurrencyOver = "You are attempting to go above the allowed concurrency for this endpoint. Concurrency limit is %d"
)

// rateMeta is RateLimitMeta: what the headers report for one request.
type rateMeta struct {
	limit                  int
	remaining              int
	reset                  int64
	limited                bool
	concurrentLimit        int // 0 when no concurrent limit applies
	concurrentRemaining    int
	hasConcurrentRemaining bool
	concurrencyExceeded    bool
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

// rateLimitedResponse is the middleware's 429: JSON bytes in a plain Django
// HttpResponse, hence Django's default content type, and no Retry-After.
func rateLimitedResponse(m rateMeta) *response {
	msg := fmt.Sprintf(msgRateLimited, m.limit, rateLimitWindow)
	if !m.limited && m.concurrencyExceeded {
		msg = fmt.Sprintf(msgConcurrencyOver, m.concurrentLimit)
	}
	return newResponse(429, contentTypeHTML, marshalJSON(jsonObject{{"detail", msg}}))
}

// rateLimiter counts requests per key in fixed one-second windows aligned
// on unix seconds, and requests in flight per key.
type rateLimiter struct {
	mu       sync.Mutex
	windows  map[string]window
	inflight map[string]int
}

type window struct {
	start int64 // unix second
	count int
}

func (l *rateLimiter) init() {
	l.windows = map[string]window{}
	l.inflight = map[string]int{}
}

// start counts a request. The returned function must be called when the
// request is finished; it frees the concurrency slot if one was taken. A
// request over the window limit does not try the concurrent limit, as in
// above_rate_limit_check.
func (l *rateLimiter) start(key string, limit, concurrentLimit int, now time.Time) (rateMeta, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	bucket := now.Unix() / rateLimitWindow
	w := l.windows[key]
	if w.start != bucket {
		w = window{start: bucket}
	}
	w.count++
	l.windows[key] = w

	m := rateMeta{limit: limit, reset: (bucket + 1) * rateLimitWindow, concurrentLimit: concurrentLimit}
	m.limited = w.count > limit
	if !m.limited {
		m.remaining = limit - w.count
	}
	release := func() {}
	if m.limited || concurrentLimit <= 0 {
		return m, release
	}
	current := l.inflight[key]
	if current >= concurrentLimit {
		m.concurrencyExceeded = true
	} else {
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
	m.concurrentRemaining = concurrentLimit - current
	m.hasConcurrentRemaining = true
	return m, release
}
