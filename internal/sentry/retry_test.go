package sentry

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func responseWith(status int, header ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{StatusCode: status, Header: h}
}

// TestHugeWaitsAreClamped is issue 12's item 5: Retry-After: 9300000000
// overflowed time.Duration into a negative wait, so the retry fired at once.
func TestHugeWaitsAreClamped(t *testing.T) {
	now := time.Now()
	for _, v := range []string{"9300000000", "9223372036854775807", "99999999999999999999999", now.AddDate(500, 0, 0).UTC().Format(http.TimeFormat)} {
		d, ok := retryAfter(http.Header{"Retry-After": {v}}, now)
		if !ok || d != maxHeaderWait {
			t.Errorf("Retry-After %s = %s, %t; want %s", v, d, ok, maxHeaderWait)
		}
	}
	for _, v := range []string{"9300000000", "1e300", "9223372036854775807", "Inf"} {
		reset, ok := parseReset(http.Header{"X-Sentry-Rate-Limit-Reset": {v}})
		if !ok || reset.Before(now) {
			t.Errorf("Reset %s = %s, %t; want a time far in the future", v, reset, ok)
		}
	}
	for _, v := range []string{"-1", "0", "NaN", "-Inf", "soon"} {
		if reset, ok := parseReset(http.Header{"X-Sentry-Rate-Limit-Reset": {v}}); ok {
			t.Errorf("Reset %s = %s, want it ignored", v, reset)
		}
	}

	b := backoffPolicy{min: time.Millisecond, max: 5 * time.Millisecond, maxRateLimit: 60 * time.Second}
	for _, resp := range []*http.Response{
		responseWith(http.StatusServiceUnavailable, "Retry-After", "9300000000"),
		responseWith(http.StatusTooManyRequests, "Retry-After", "9300000000"),
		responseWith(http.StatusTooManyRequests, "X-Sentry-Rate-Limit-Reset", "9300000000"),
		responseWith(http.StatusTooManyRequests, "X-Sentry-Rate-Limit-Reset", "1e300"),
		responseWith(http.StatusTooManyRequests, "X-Sentry-Rate-Limit-Reset", fmt.Sprint(now.Add(time.Hour).Unix())),
	} {
		if got := b.wait(0, 0, 0, resp); got != b.maxRateLimit {
			t.Errorf("wait after %d %v = %s, want the cap %s", resp.StatusCode, resp.Header, got, b.maxRateLimit)
		}
	}
}
