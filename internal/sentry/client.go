package sentry

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Defaults used when a Config field is left at its zero value.
const (
	DefaultMaxRetries       = 5
	DefaultRequestTimeout   = 30 * time.Second
	DefaultMaxPages         = 1000
	DefaultRetryWaitMin     = 500 * time.Millisecond
	DefaultRetryWaitMax     = 30 * time.Second
	DefaultMaxRateLimitWait = 60 * time.Second

	// PerPage is the page size asked for: Sentry's maximum.
	PerPage = 100
	// maxBodyBytes bounds a body: a page of 100 keys is about 300 KB.
	maxBodyBytes = 64 << 20
)

// Config configures a Client. Zero values mean the defaults.
type Config struct {
	// BaseURL is any form NormalizeBaseURL accepts.
	BaseURL string
	// Token is sent as "Authorization: Bearer <token>" and never logged.
	Token, UserAgent string
	// MaxRetries bounds the retries after a request's first attempt (see
	// checkRetry and CreateProjectKey); nil means DefaultMaxRetries.
	MaxRetries *int
	// RequestTimeout bounds an attempt from the pacer's go to its body read.
	RequestTimeout time.Duration
	MaxPages       int
	// RetryWaitMin and RetryWaitMax bound the exponential back-off.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRateLimitWait caps a wait for a rate-limit window or Retry-After.
	MaxRateLimitWait time.Duration
	// Logger receives structured log messages; nil discards them.
	Logger Logger
	// Transport sends the requests; nil means cleanhttp's pooled one.
	Transport http.RoundTripper
}

// Client talks to one Sentry installation. It is safe for concurrent use and
// meant to be shared: pacing only works when every request goes through it.
type Client struct {
	base             *url.URL
	token, userAgent string
	maxPages         int
	maxBody          int64
	retries          int
	timeout          time.Duration
	log              Logger
	http             *retryablehttp.Client
	pacer            *pacer
	backoff          *backoffPolicy
	clock            *serverClock
	// now is the local clock; tests replace it.
	now func() time.Time
	// ignoresPublic: the server ignores a create's public key.
	ignoresPublic atomic.Bool
}

// Logger receives the client's structured log messages, which never hold the
// token or the Authorization header.
type Logger interface {
	Warn(ctx context.Context, msg string, fields map[string]any)
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Warn(context.Context, string, map[string]any)  {}
func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}

// New returns a Client for cfg. It makes no request.
func New(cfg Config) (*Client, error) {
	base, err := NormalizeBaseURL(cmp.Or(cfg.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, err
	}
	retries := DefaultMaxRetries
	if cfg.MaxRetries != nil {
		retries = *cfg.MaxRetries
	}
	timeout := cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout)
	maxWait := cmp.Or(cfg.MaxRateLimitWait, DefaultMaxRateLimitWait)
	switch {
	case cfg.Token == "":
		return nil, errors.New("no Sentry auth token is configured")
	case retries < 0:
		return nil, fmt.Errorf("max retries must not be negative, got %d", retries)
	case timeout < 0:
		return nil, fmt.Errorf("the request timeout must be positive, got %s", timeout)
	case maxWait < 0:
		return nil, fmt.Errorf("the longest rate-limit wait must be positive, got %s", maxWait)
	}
	c := &Client{base: base, token: cfg.Token, userAgent: cfg.UserAgent, maxPages: cmp.Or(max(cfg.MaxPages, 0), DefaultMaxPages),
		maxBody: maxBodyBytes, retries: retries, timeout: timeout, log: cmp.Or[Logger](cfg.Logger, nopLogger{}), clock: &serverClock{}, now: time.Now}
	now := func() time.Time { return c.now() }
	c.pacer = &pacer{buckets: map[string]*bucket{}, now: now, clock: c.clock, maxWait: maxWait}
	c.backoff = &backoffPolicy{min: cmp.Or(cfg.RetryWaitMin, DefaultRetryWaitMin), max: cmp.Or(cfg.RetryWaitMax, DefaultRetryWaitMax),
		maxRateLimit: maxWait, clock: c.clock, now: now}
	rt := cfg.Transport
	if rt == nil {
		t := cleanhttp.DefaultPooledTransport()
		t.ReadBufferSize = 64 << 10 // a page of 100 keys is about 180 KB
		rt = t
	}
	c.http = &retryablehttp.Client{
		// No Timeout: it would cover the pacer's wait (see transport).
		HTTPClient: &http.Client{Transport: &transport{next: rt, client: c}, CheckRedirect: checkRedirect},
		// No Logger: the library's would write to stderr; the transport
		// logs. Each call bounds its own attempts (see checkRetry).
		RetryMax:     math.MaxInt32,
		CheckRetry:   checkRetry,
		PrepareRetry: prepareRetry,
		Backoff:      c.backoff.wait,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

// BaseURL returns the normalized API root, ending in "/api/0/".
func (c *Client) BaseURL() string { return c.base.String() }

// checkRedirect follows a read's redirect only to the same scheme and host,
// where the token may go, and never a write's: Go would turn it into a GET
// that "succeeds" without writing. do follows a renamed project's itself.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if m := via[0].Method; m != http.MethodGet && m != http.MethodHead {
		return http.ErrUseLastResponse
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
		return &RedirectError{From: first.Redacted(), To: req.URL.Redacted()}
	}
	return nil
}

// endpointURL builds an address below the API root, escaping every segment:
// "../x", "a/b" or "%2F" stays one segment.
func (c *Client) endpointURL(format string, segments ...string) (*url.URL, error) {
	escaped := make([]any, len(segments))
	for i, s := range segments {
		if s == "" {
			return nil, errors.New("a path segment is empty")
		}
		if s == "." || s == ".." {
			return nil, fmt.Errorf("%q is not a valid organization, project or key identifier", s)
		}
		escaped[i] = url.PathEscape(s)
	}
	rel := fmt.Sprintf(format, escaped...)
	return url.Parse(strings.TrimSuffix(c.base.String(), "/") + "/" + rel)
}

// errBodyTooLarge is readBody's answer to a body over its limit.
var errBodyTooLarge = errors.New("the response body is over the size limit")

// readBody reads a body of at most limit bytes, in one allocation if it can.
func readBody(r io.Reader, length, limit int64) ([]byte, error) {
	if length > limit {
		return nil, errBodyTooLarge
	}
	buf := bytes.NewBuffer(make([]byte, 0, max(length, 0)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, errBodyTooLarge
	}
	return buf.Bytes(), nil
}

// maxErrorBodyBytes bounds an error answer's body: its detail is far smaller.
const maxErrorBodyBytes = 1 << 20

// readErrorBody reads what it can of an error answer's body: the status is
// the answer, and a connection broken meanwhile would not change it.
func readErrorBody(r io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, maxErrorBodyBytes))
	return b
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// DefaultBaseURL is the API root used when no base URL is configured.
const DefaultBaseURL = "https://sentry.io/api/0/"

// RegionBaseURLs maps Sentry's data-storage regions to their API roots.
var RegionBaseURLs = map[string]string{
	"us": "https://us.sentry.io/api/0/",
	"de": "https://de.sentry.io/api/0/",
}

// NormalizeBaseURL turns a Sentry address into its API root: "https://h",
// "https://h/api" and "https://h/api/0", with or without a slash and under
// any path prefix, mean "https://h/api/0/". Only http and https are accepted;
// user information, a query or a fragment, which usually hide a mistake (or
// a credential bound for the logs), are rejected.
func NormalizeBaseURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("the base URL is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("the base URL %q cannot be parsed: %w", redactUserinfo(s), unwrapURLError(err))
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		u.Scheme = strings.ToLower(u.Scheme)
	case "":
		return nil, fmt.Errorf("the base URL %q has no scheme; write it as https://%s", redactUserinfo(s), strings.TrimLeft(redactUserinfo(s), "/"))
	default:
		return nil, fmt.Errorf("the base URL %q uses the scheme %q; only http and https are supported", redactUserinfo(s), u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, fmt.Errorf("the base URL %q has no host", redactUserinfo(s))
	}
	if u.User != nil {
		return nil, fmt.Errorf("the base URL %q contains user information; set the token with the token attribute or SENTRY_AUTH_TOKEN instead", redactUserinfo(s))
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, fmt.Errorf("the base URL %q contains a query string, which an API root cannot have", s)
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return nil, fmt.Errorf("the base URL %q contains a fragment, which an API root cannot have", s)
	}
	p := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(p, "/api/0"):
	case strings.HasSuffix(p, "/api"):
		p += "/0"
	default:
		p += "/api/0"
	}
	u.Path = p + "/"
	u.RawPath = ""
	return u, nil
}

// userinfoRe finds a URL's user information, redacted from errors.
var userinfoRe = regexp.MustCompile(`^((?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//)?[^/?#]*@`)

func redactUserinfo(s string) string { return userinfoRe.ReplaceAllString(s, "${1}…@") }

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
