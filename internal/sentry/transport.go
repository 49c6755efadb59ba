package sentry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// transport wraps the real RoundTripper. Every attempt (first tries, retries
// and redirects alike) passes through it, so it is where attempts are counted,
// the pacer is consulted, Sentry's clock is read from Date headers, each
// attempt is timed and each exchange is logged. It never logs headers, so the
// Authorization header cannot leak into logs.
//
// The attempt's timeout starts once the pacer has admitted the request: a
// wait for a rate-limit window to reset (up to Config.MaxRateLimitWait) is not
// the server being slow. It runs until the body is closed, so it covers
// reading the body too.
type transport struct {
	next   http.RoundTripper
	client *Client
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st := stateFrom(ctx)
	if st == nil {
		st = &requestState{route: "other", bucket: req.Method + " other", attempts: 1}
	}
	if c, ok := ctx.Value(counterKey{}).(*requestCounter); ok {
		c.n.Add(1)
	}
	log := t.client.log
	route, attempt := st.route, st.attempts

	release, waited, err := t.client.pacer.acquire(ctx, st.bucket)
	if err != nil {
		return nil, err
	}
	if waited > 10*time.Millisecond {
		log.Debug(ctx, "Paced a Sentry API request to stay under the rate limit", map[string]any{
			"method": req.Method, "endpoint": route, "waited_ms": waited.Milliseconds(),
		})
	}
	log.Trace(ctx, "Sending Sentry API request", map[string]any{
		"method": req.Method, "url": req.URL.Redacted(), "endpoint": route, "attempt": attempt,
		"request_bytes": max(req.ContentLength, 0),
	})

	actx, cancel := context.WithCancel(ctx)
	if t.client.timeout > 0 {
		actx, cancel = context.WithTimeoutCause(ctx, t.client.timeout, &attemptTimeoutError{timeout: t.client.timeout})
	}
	// From the moment the transport has a connection, the request may
	// reach Sentry: a POST that fails after that is not sent again.
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { st.sent.Store(true) },
	})
	sent := t.client.now()
	st.dispatched.Store(true)
	resp, err := t.next.RoundTrip(req.WithContext(actx))
	received := t.client.now()
	elapsed := received.Sub(sent)
	if err != nil {
		err = attemptError(ctx, actx, err)
		cancel()
		release()
		log.Debug(ctx, "Sentry API request failed", map[string]any{
			"method": req.Method, "url": req.URL.Redacted(), "attempt": attempt,
			"duration_ms": elapsed.Milliseconds(), "error": err.Error(),
		})
		return nil, err
	}
	t.client.pacer.observe(st.bucket, resp, sent, received)

	fields := map[string]any{
		"method": req.Method, "url": req.URL.Redacted(), "attempt": attempt,
		"status": resp.StatusCode, "duration_ms": elapsed.Milliseconds(),
	}
	if resp.ContentLength >= 0 {
		fields["response_bytes"] = resp.ContentLength
	}
	for key, header := range rateLimitHeaders {
		if v := resp.Header.Get(header); v != "" {
			fields[key] = v
		}
	}
	log.Debug(ctx, "Received Sentry API response", fields)

	resp.Body = &attemptBody{ReadCloser: resp.Body, release: release, cancel: cancel, ctx: ctx, actx: actx}
	return resp, nil
}

// attemptTimeoutError is the cause of an attempt's context when the request
// timeout ends it. It counts as a timeout for net.Error and errors.Is.
type attemptTimeoutError struct {
	timeout time.Duration
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within the request timeout of %s", e.timeout)
}

func (e *attemptTimeoutError) Timeout() bool   { return true }
func (e *attemptTimeoutError) Temporary() bool { return true }

func (e *attemptTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// attemptError names an error that the attempt's own timeout caused as that
// timeout, whatever the HTTP stack made of the cancellation. The caller's
// cancellation or deadline is left as it is.
func attemptError(ctx, actx context.Context, err error) error {
	if err == nil || ctx.Err() != nil {
		return err
	}
	var timeout *attemptTimeoutError
	if cause := context.Cause(actx); errors.As(cause, &timeout) && !errors.As(err, &timeout) {
		return timeout
	}
	return err
}

var rateLimitHeaders = map[string]string{
	"rate_limit_limit":                "X-Sentry-Rate-Limit-Limit",
	"rate_limit_remaining":            "X-Sentry-Rate-Limit-Remaining",
	"rate_limit_reset":                "X-Sentry-Rate-Limit-Reset",
	"rate_limit_concurrent_limit":     "X-Sentry-Rate-Limit-ConcurrentLimit",
	"rate_limit_concurrent_remaining": "X-Sentry-Rate-Limit-ConcurrentRemaining",
}

// attemptBody ends an attempt when its body is closed: it frees the request's
// pacer slot (a request counts against Sentry's concurrency limit until it is
// fully read) and stops the attempt's timeout. A read that the timeout cut
// short says so.
type attemptBody struct {
	io.ReadCloser
	once      sync.Once
	release   func()
	cancel    context.CancelFunc
	ctx, actx context.Context
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = attemptError(b.ctx, b.actx, err)
	}
	return n, err
}

func (b *attemptBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(func() {
		b.cancel()
		b.release()
	})
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
