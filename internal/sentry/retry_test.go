package sentry

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"
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
			b.clock.observe(resp.Header, clk.now(), clk.now(), time.Time{})
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

// dnsFailure fails the first n dials with the bare *net.DNSError a resolver
// gives (not wrapped in a dial error), then dials for real.
func dnsFailure(n int) http.RoundTripper {
	var mu sync.Mutex
	tr := cleanhttp.DefaultPooledTransport()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		n--
		fail := n >= 0
		mu.Unlock()
		if fail {
			return nil, &net.DNSError{Err: "no such host", Name: "sentry.invalid", IsNotFound: true}
		}
		return d.DialContext(ctx, network, addr)
	}
	return tr
}

// TestFailuresBeforeSendingAreNotSent: a DNS failure, a TLS handshake that
// fails and a certificate that does not verify cannot have reached Sentry,
// so a create is retried (the certificate aside: it would fail again), is
// never ambiguous, and its TransportError says NotSent.
func TestFailuresBeforeSendingAreNotSent(t *testing.T) {
	created := func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, webKeyJSON())
	}
	t.Run("a DNS failure, then the create", func(t *testing.T) {
		rec := newRecorder(t, created)
		k, err := newTestClient(t, rec, func(c *Config) { c.Transport = dnsFailure(1) }).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
		if err != nil || k.Name != "web" || rec.count() != 1 {
			t.Fatalf("key %+v, err %v, %d requests; want the key after one POST", k, err, rec.count())
		}
	})
	t.Run("DNS failures only", func(t *testing.T) {
		rec := newRecorder(t, created)
		_, err := newTestClient(t, rec, func(c *Config) { c.Transport = dnsFailure(100) }).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
		var te *TransportError
		var amb *AmbiguousCreateError
		if !errors.As(err, &te) || !te.NotSent || te.Attempts != 3 || errors.As(err, &amb) || !strings.Contains(err.Error(), "before reaching Sentry") {
			t.Fatalf("err = %#v, want a TransportError that says NotSent after 3 attempts", err)
		}
	})
	t.Run("TLS handshakes that fail", func(t *testing.T) {
		var hits atomic.Int32
		count := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
		plain := httptest.NewServer(count) // answers the handshake with HTTP
		defer plain.Close()
		old := httptest.NewUnstartedServer(count) // speaks only TLS 1.0
		old.TLS = &tls.Config{MaxVersion: tls.VersionTLS10}
		old.StartTLS()
		defer old.Close()
		for _, url := range []string{strings.Replace(plain.URL, "http:", "https:", 1), old.URL} {
			c, _ := New(Config{BaseURL: url, Token: "t", MaxRetries: intPtr(2), RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
			_, err := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
			var te *TransportError
			var amb *AmbiguousCreateError
			if !errors.As(err, &te) || !te.NotSent || te.Attempts != 3 || errors.As(err, &amb) {
				t.Errorf("err = %#v, want a TransportError that says NotSent after 3 attempts", err)
			}
		}
		if hits.Load() != 0 {
			t.Fatalf("the handler saw %d requests", hits.Load())
		}
	})
	t.Run("a certificate that does not verify", func(t *testing.T) {
		var hits atomic.Int32
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
		defer srv.Close()
		c, _ := New(Config{BaseURL: srv.URL, Token: "t", MaxRetries: intPtr(2), RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
		_, err := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
		var te *TransportError
		var amb *AmbiguousCreateError
		if !errors.As(err, &te) || !te.NotSent || te.Attempts != 1 || errors.As(err, &amb) || hits.Load() != 0 {
			t.Fatalf("err = %#v, %d hits; want a TransportError that says NotSent after 1 attempt", err, hits.Load())
		}
	})
	t.Run("a connection dropped after sending was sent", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { dropConnection(w) })
		_, err := newTestClient(t, rec).UpdateProjectKey(context.Background(), "acme", "web", "abc", ProjectKeyUpdate{BrowserSDKVersion: "10.x"})
		var te *TransportError
		if !errors.As(err, &te) || te.NotSent || rec.count() != 3 {
			t.Fatalf("err = %#v after %d requests, want a TransportError that may have been sent, after 3", err, rec.count())
		}
	})
}

// Test501IsNeverRetried: Not Implemented stays so, whatever the method.
func Test501IsNeverRetried(t *testing.T) {
	calls := map[string]func(*Client) error{
		"GET": func(c *Client) error {
			_, err := c.ListProjectKeys(context.Background(), "acme", "web", "")
			return err
		},
		"PUT": func(c *Client) error {
			_, err := c.UpdateProjectKey(context.Background(), "acme", "web", "abc", ProjectKeyUpdate{BrowserSDKVersion: "10.x"})
			return err
		},
		"DELETE": func(c *Client) error { return c.DeleteProjectKey(context.Background(), "acme", "web", "abc") },
		"POST": func(c *Client) error {
			_, err := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
			return err
		},
	}
	for method, call := range calls {
		t.Run(method, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(http.StatusNotImplemented)
				fmt.Fprint(w, `{"detail": "Not implemented"}`)
			})
			err := call(newTestClient(t, rec))
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotImplemented || fmt.Sprint(methods(rec)) != "["+method+"]" {
				t.Fatalf("err = %v after %v, want the 501 after one %s", err, methods(rec), method)
			}
		})
	}
}

// countingTransport counts the response body bytes the client reads.
type countingTransport struct{ read atomic.Int64 }

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(resp.Body, writerFunc(func(p []byte) { t.read.Add(int64(len(p))) })), resp.Body}
	}
	return resp, err
}

type writerFunc func([]byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

// TestErrorBodyReadUpToItsLimit: an error answer's body is read up to
// 1 MiB, however much the server sends.
func TestErrorBodyReadUpToItsLimit(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"detail": "`+strings.Repeat("a", 8<<20)+`"}`)
	})
	tr := &countingTransport{}
	_, err := newTestClient(t, rec, func(c *Config) { c.Transport = tr }).ListProjectKeys(context.Background(), "acme", "web", "")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Fatalf("err = %v, want the 404", err)
	}
	if n := tr.read.Load(); n > 1<<20+64<<10 {
		t.Fatalf("read %d bytes of the error body, want at most 1 MiB", n)
	}
}
