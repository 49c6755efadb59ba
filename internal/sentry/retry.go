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

// checkRetry implements retryablehttp.CheckRetry. It decides whether an
// attempt is worth repeating, by method:
//
//   - a 429 always is: Sentry refused the request without carrying it out;
//   - GET, PUT and DELETE are on a server error (5xx except 501), a timeout
//     or a broken connection: reading again, sending the whole desired state
//     again or deleting again does no harm;
//   - a POST is only when it surely did not reach Sentry (see
//     surelyNotSent). Anything later may have created a key, and the create
//     reads the key it asked for instead (see CreateProjectKey);
//   - nothing is after the caller cancelled, on a 501, on a redirect to
//     another host, a body over the size limit or a certificate that does
//     not verify: a retry cannot change those.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateFrom(ctx)
	if st == nil {
		st = &requestState{method: http.MethodGet, maxAttempts: 1}
	}
	st.observe(resp, err)
	if st.attempts >= st.maxAttempts {
		return false, ctx.Err()
	}
	var redirErr *RedirectError
	var tooLarge *BodyTooLargeError
	if errors.As(err, &redirErr) || errors.As(err, &tooLarge) {
		return false, nil
	}
	// The library's policy: not after the caller gave up, a 429, a 5xx
	// but 501, any failure but a certificate that does not verify.
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
// the pacer never let it go (the caller gave up while it waited), or the
// transport never had a connection for it (the httptrace GotConn hook did
// not fire, which it does after the TLS handshake) and the error is one of
// connecting: a DNS failure, a dial error such as a refused connection, or a
// TLS handshake or certificate failure. Both of the latter must hold, so
// that a transport that does not report GotConn cannot make a write look
// unsent.
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
	case errors.As(err, &opErr):
		// "remote error" and "local error" are TLS alerts of the handshake.
		return opErr.Op == "dial" || opErr.Op == "proxyconnect" || opErr.Op == "remote error" || opErr.Op == "local error"
	}
	return false
}

// backoffPolicy computes the wait before a retry.
type backoffPolicy struct {
	min, max     time.Duration
	maxRateLimit time.Duration
	// clock reads X-Sentry-Rate-Limit-Reset, a time on Sentry's clock.
	clock *serverClock
	now   func() time.Time
}

// wait implements retryablehttp.Backoff. A proxy's Retry-After is honoured
// first. A 429 from Sentry waits until X-Sentry-Rate-Limit-Reset (Sentry sends
// no Retry-After), read on Sentry's clock. Both are capped by maxRateLimit.
// Everything else backs off exponentially with jitter.
func (b *backoffPolicy) wait(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	now := b.now()
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header, now); ok {
			return min(d, b.maxRateLimit)
		}
	}
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		if reset, ok := parseReset(resp.Header); ok {
			if d := b.clock.toLocal(reset).Sub(now); d > 0 {
				return min(d, maxHeaderWait, b.maxRateLimit)
			}
			// The window is already over: a new one has begun, and
			// the back-off below only spreads the retries out.
		}
	}
	return b.exponential(attempt)
}

// exponential returns a wait in [d/2, d] where d = min·2^attempt, capped at max
// ("equal jitter": spread out, yet never near zero).
func (b *backoffPolicy) exponential(attempt int) time.Duration {
	d := b.max
	if attempt < 30 {
		if x := b.min << attempt; x > 0 && x < b.max {
			d = x
		}
	}
	half := d / 2
	return half + rand.N(half+1)
}

// maxHeaderWait bounds any wait read from a header before it becomes a
// time.Duration, which overflows (into a negative wait, a retry at once)
// beyond 292 years. The back-off caps waits far lower anyway.
const maxHeaderWait = 24 * time.Hour

// retryAfter parses a Retry-After header (seconds or an HTTP date). The wait
// is at most maxHeaderWait.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseUint(v, 10, 64); err == nil {
		if s > uint64(maxHeaderWait/time.Second) {
			return maxHeaderWait, true
		}
		return time.Duration(s) * time.Second, true
	} else if errors.Is(err, strconv.ErrRange) {
		// More digits than any integer holds: still "a very long time".
		return maxHeaderWait, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxHeaderWait), true
	}
	return 0, false
}

// maxResetSeconds bounds X-Sentry-Rate-Limit-Reset (the year 9999), so that
// converting it to a time cannot overflow.
const maxResetSeconds = 253402300799

// parseReset reads X-Sentry-Rate-Limit-Reset (unix seconds, possibly with a
// fraction).
func parseReset(h http.Header) (time.Time, bool) {
	v := strings.TrimSpace(h.Get("X-Sentry-Rate-Limit-Reset"))
	if v == "" {
		return time.Time{}, false
	}
	s, err := strconv.ParseFloat(v, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return time.Time{}, false
	}
	if math.IsNaN(s) || s <= 0 {
		return time.Time{}, false
	}
	s = min(s, maxResetSeconds)
	sec, frac := math.Modf(s)
	return time.Unix(int64(sec), int64(frac*float64(time.Second))), true
}

// headerInt reads a non-negative integer header.
func headerInt(h http.Header, name string) (int, bool) {
	v := h.Get(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
