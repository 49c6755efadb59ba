package sentry

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// transport wraps the real RoundTripper. Every attempt (first tries, retries
// and redirects alike) passes through it, so it is where attempts are counted,
// the pacer is consulted and each exchange is logged. It never logs headers,
// so the Authorization header cannot leak into logs.
type transport struct {
	next   http.RoundTripper
	client *Client
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	route := "other"
	attempt := 1
	if st := stateFrom(ctx); st != nil {
		st.attempts++
		route, attempt = st.route, st.attempts
	}
	if c, ok := ctx.Value(counterKey{}).(*requestCounter); ok {
		c.n.Add(1)
	}
	log := t.client.log

	release, waited, err := t.client.pacer.acquire(ctx, route)
	if err != nil {
		return nil, err
	}
	if waited > 10*time.Millisecond {
		log.Debug(ctx, "Paced a Sentry API request to stay under the rate limit", map[string]any{
			"endpoint": route, "waited_ms": waited.Milliseconds(),
		})
	}
	log.Trace(ctx, "Sending Sentry API request", map[string]any{
		"method": req.Method, "url": req.URL.Redacted(), "endpoint": route, "attempt": attempt,
	})

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start)
	if err != nil {
		release()
		log.Debug(ctx, "Sentry API request failed", map[string]any{
			"method": req.Method, "url": req.URL.Redacted(), "attempt": attempt,
			"duration_ms": elapsed.Milliseconds(), "error": err.Error(),
		})
		return nil, err
	}
	t.client.pacer.observe(route, resp)

	fields := map[string]any{
		"method": req.Method, "url": req.URL.Redacted(), "attempt": attempt,
		"status": resp.StatusCode, "duration_ms": elapsed.Milliseconds(),
	}
	for key, header := range rateLimitHeaders {
		if v := resp.Header.Get(header); v != "" {
			fields[key] = v
		}
	}
	log.Debug(ctx, "Received Sentry API response", fields)

	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

var rateLimitHeaders = map[string]string{
	"rate_limit_limit":                "X-Sentry-Rate-Limit-Limit",
	"rate_limit_remaining":            "X-Sentry-Rate-Limit-Remaining",
	"rate_limit_reset":                "X-Sentry-Rate-Limit-Reset",
	"rate_limit_concurrent_limit":     "X-Sentry-Rate-Limit-ConcurrentLimit",
	"rate_limit_concurrent_remaining": "X-Sentry-Rate-Limit-ConcurrentRemaining",
}

// releasingBody frees the request's pacer slot when the body is closed: a
// request counts against Sentry's concurrency limit until it is fully read.
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// requestCounter counts the requests sent with a context.
type requestCounter struct {
	n atomic.Int64
}

type counterKey struct{}

func withRequestCounter(ctx context.Context, c *requestCounter) context.Context {
	return context.WithValue(ctx, counterKey{}, c)
}

func (c *requestCounter) count() int { return int(c.n.Load()) }
