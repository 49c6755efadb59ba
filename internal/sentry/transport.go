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

// transport wraps the real RoundTripper: every attempt (retries and redirects
// alike) is paced, timed and logged here, never with its headers. Its timeout
// starts once the pacer admits it and runs until the body is closed.
type transport struct {
	next   http.RoundTripper
	client *Client
}

type counterKey struct{} // a context's *atomic.Int64 counting its requests

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, c := req.Context(), t.client
	st := stateFrom(ctx)
	if n, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
	release, waited, err := c.pacer.acquire(ctx, st.bucket)
	if err != nil {
		return nil, err
	}
	fields := map[string]any{"method": req.Method, "url": req.URL.Redacted(), "endpoint": st.route, "attempt": st.attempts}
	if waited > 10*time.Millisecond {
		c.log.Debug(ctx, "Paced a Sentry API request to stay under the rate limit", withFields(fields, map[string]any{"waited_ms": waited.Milliseconds()}))
	}
	c.log.Trace(ctx, "Sending Sentry API request", withFields(fields, map[string]any{"request_bytes": max(req.ContentLength, 0)}))

	actx, cancel := context.WithTimeoutCause(ctx, c.timeout, &attemptTimeoutError{timeout: c.timeout})
	// With a connection (after any TLS handshake) it may reach Sentry.
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { st.sent.Store(true) }})
	sent := c.now()
	st.dispatched.Store(true)
	resp, err := t.next.RoundTrip(req.WithContext(actx))
	received := c.now()
	fields["duration_ms"] = received.Sub(sent).Milliseconds()
	if err != nil {
		err = attemptError(ctx, actx, err)
		cancel()
		release()
		c.log.Debug(ctx, "Sentry API request failed", withFields(fields, map[string]any{"error": err.Error()}))
		return nil, err
	}
	c.pacer.observe(st.bucket, resp, sent, received)
	fields["status"] = resp.StatusCode
	if resp.ContentLength >= 0 {
		fields["response_bytes"] = resp.ContentLength
	}
	for key, header := range rateLimitHeaders {
		if v := resp.Header.Get(header); v != "" {
			fields[key] = v
		}
	}
	c.log.Debug(ctx, "Received Sentry API response", fields)
	resp.Body = &attemptBody{ReadCloser: resp.Body, release: release, cancel: cancel, ctx: ctx, actx: actx}
	return resp, nil
}

var rateLimitHeaders = map[string]string{
	"rate_limit_limit":                "X-Sentry-Rate-Limit-Limit",
	"rate_limit_remaining":            "X-Sentry-Rate-Limit-Remaining",
	"rate_limit_reset":                "X-Sentry-Rate-Limit-Reset",
	"rate_limit_concurrent_limit":     "X-Sentry-Rate-Limit-ConcurrentLimit",
	"rate_limit_concurrent_remaining": "X-Sentry-Rate-Limit-ConcurrentRemaining",
}

// attemptTimeoutError ends an attempt that timed out; it is a net.Error.
type attemptTimeoutError struct {
	timeout time.Duration
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within the request timeout of %s", e.timeout)
}

func (e *attemptTimeoutError) Timeout() bool        { return true }
func (e *attemptTimeoutError) Temporary() bool      { return true }
func (e *attemptTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// attemptError names an error the attempt's timeout caused as that timeout,
// whatever the HTTP stack made of it (the caller's own is left as it is).
func attemptError(ctx, actx context.Context, err error) error {
	var timeout *attemptTimeoutError
	if ctx.Err() == nil && errors.As(context.Cause(actx), &timeout) && !errors.As(err, &timeout) {
		return timeout
	}
	return err
}

// attemptBody ends an attempt when its body is closed (a request holds its
// pacer slot until read); a read the timeout cut short says so.
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
