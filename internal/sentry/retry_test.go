package sentry

import (
	"context"
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

	b := &backoffPolicy{min: time.Millisecond, max: 5 * time.Millisecond, maxRateLimit: 60 * time.Second, clock: &serverClock{}, now: time.Now}
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

// TestBackoffWaitsForTheReset pins the back-off's own wait for
// X-Sentry-Rate-Limit-Reset on a 429, read on Sentry's clock. The pacer
// cannot help here: the answer carries no Remaining header.
func TestBackoffWaitsForTheReset(t *testing.T) {
	server := time.Unix(1_800_000_000, 400*int64(time.Millisecond))
	for _, skew := range []time.Duration{-30 * time.Second, 0, 5 * time.Second} {
		t.Run(fmt.Sprint("local clock off by ", skew), func(t *testing.T) {
			clk := &fakeClock{t: server.Add(skew)}
			b := &backoffPolicy{min: time.Millisecond, max: 5 * time.Millisecond, maxRateLimit: time.Minute, clock: &serverClock{}, now: clk.now}
			resp := responseWith(http.StatusTooManyRequests,
				"Date", server.UTC().Format(http.TimeFormat),
				"X-Sentry-Rate-Limit-Reset", fmt.Sprint(server.Unix()+2))
			b.clock.observe(resp.Header, clk.now(), clk.now())
			// The reset is 1.6 s away; Date's resolution may add 0.4 s.
			if got := b.wait(0, 0, 0, resp); got < 1600*time.Millisecond || got > 2100*time.Millisecond {
				t.Fatalf("wait = %s, want 1.6 to 2.1 s (until the reset)", got)
			}
		})
	}
}

// TestRateLimitWithOnlyAResetWaitsForIt is the end-to-end form: a 429 with
// only X-Sentry-Rate-Limit-Reset, which the pacer ignores, so only the
// back-off can hold the retry until the reset.
func TestRateLimitWithOnlyAResetWaitsForIt(t *testing.T) {
	var reset time.Time
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			reset = time.Unix(time.Now().Unix()+1, 0)
			w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(reset.Unix()))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if time.Now().Before(reset) {
			t.Errorf("retried at %s, before the reset at %s", time.Now().Format(time.StampMilli), reset.Format(time.StampMilli))
		}
		fmt.Fprint(w, "[]")
	})
	if _, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", ""); err != nil {
		t.Fatal(err)
	}
	if rec.count() != 2 {
		t.Fatalf("made %d requests, want 2", rec.count())
	}
}
