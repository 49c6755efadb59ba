package sentry

import (
	"context"
	"crypto/tls"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// checkRetry implements retryablehttp.CheckRetry, within the call's attempts.
// A 429 is always retried (Sentry did nothing); GET, PUT and DELETE are on a
// 5xx but 501, a timeout or a broken connection (doing them again does no
// harm); a POST only when it surely did not reach Sentry (surelyNotSent).
// Nothing is after the caller gave up, nor on a redirect to another host, a
// body over the size limit or a certificate that does not verify.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateFrom(ctx)
	st.observe(resp, err)
	var redirErr *RedirectError
	var tooLarge *BodyTooLargeError
	if st.attempts >= st.maxAttempts || errors.As(err, &redirErr) || errors.As(err, &tooLarge) {
		return false, ctx.Err()
	}
	retry, _ := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if st.method == http.MethodPost && retry && (resp == nil || resp.StatusCode != http.StatusTooManyRequests) {
		return !st.applied, nil
	}
	return retry, nil
}

// surelyNotSent reports whether a failed attempt cannot have reached Sentry:
// the pacer never let it go, or the transport never had a connection for it
// (GotConn fires after the TLS handshake) and the error is one of connecting:
// DNS, dial, TLS handshake or certificate. A transport that does not report
// GotConn cannot make a write look unsent.
func surelyNotSent(st *requestState, err error) bool {
	if !st.dispatched.Load() {
		return true
	}
	if st.sent.Load() {
		return false
	}
	var (
		dnsErr    *net.DNSError
		certErr   *tls.CertificateVerificationError
		recordErr tls.RecordHeaderError
		alertErr  tls.AlertError
		opErr     *net.OpError
	)
	switch {
	case errors.As(err, &dnsErr), errors.As(err, &certErr), errors.As(err, &recordErr), errors.As(err, &alertErr),
		errors.Is(err, http.ErrSchemeMismatch):
		return true
	case errors.As(err, &opErr): // "remote error" and "local error" are TLS alerts
		return opErr.Op == "dial" || opErr.Op == "proxyconnect" || opErr.Op == "remote error" || opErr.Op == "local error"
	}
	return false
}

// backoffPolicy computes the wait before a retry.
type backoffPolicy struct {
	min, max, maxRateLimit time.Duration
	clock                  *serverClock
	now                    func() time.Time
}

// wait implements retryablehttp.Backoff: a proxy's Retry-After, or a 429's
// Reset read on Sentry's clock, capped by maxRateLimit; else exponential.
func (b *backoffPolicy) wait(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	now := b.now()
	if resp == nil {
		return b.exponential(attempt)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := retryAfter(resp.Header, now); ok {
			return min(d, b.maxRateLimit)
		}
	}
	if reset, ok := parseReset(resp.Header); ok && resp.StatusCode == http.StatusTooManyRequests {
		if d := b.clock.toLocal(reset).Sub(now); d > 0 {
			return min(d, maxHeaderWait, b.maxRateLimit)
		}
	}
	return b.exponential(attempt)
}

// exponential returns a wait in [d/2, d], d = min·2^attempt capped at max.
func (b *backoffPolicy) exponential(attempt int) time.Duration {
	d := b.max
	if x := b.min << min(attempt, 30); x > 0 && x < b.max {
		d = x
	}
	return d/2 + rand.N(d/2+1)
}

// maxHeaderWait bounds a header's wait, lest the time.Duration overflow.
const maxHeaderWait = 24 * time.Hour

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if s, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		return time.Duration(min(s, uint64(maxHeaderWait/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxHeaderWait), true
	}
	return 0, false
}

// parseReset reads X-Sentry-Rate-Limit-Reset (unix seconds), before 10000.
func parseReset(h http.Header) (time.Time, bool) {
	s, err := strconv.ParseFloat(strings.TrimSpace(h.Get("X-Sentry-Rate-Limit-Reset")), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(s) || s <= 0 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(min(s, 253402300799))
	return time.Unix(int64(sec), int64(frac*float64(time.Second))), true
}

// headerInt reads a non-negative integer header.
func headerInt(h http.Header, name string) (int, bool) {
	n, err := strconv.Atoi(h.Get(name))
	return n, err == nil && n >= 0
}
