package sentry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
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

	// PerPage is the page size the client asks for: Sentry's maximum. The
	// keys endpoints default to 10, so asking for 100 cuts round trips tenfold.
	PerPage = 100

	// maxBodyBytes bounds one response body. A page of 100 keys is about
	// 300 KB; anything near this size is not a Sentry API page.
	maxBodyBytes = 64 << 20
)

// Config configures a Client.
type Config struct {
	// BaseURL is any form accepted by NormalizeBaseURL; empty means
	// DefaultBaseURL.
	BaseURL string
	// Token is sent as "Authorization: Bearer <token>" and never logged.
	Token string
	// UserAgent is sent with every request.
	UserAgent string
	// MaxRetries bounds the retries after the first attempt of a request.
	// What is retried depends on the method: a 429 always; a 5xx (except
	// 501), a timeout or a broken connection for GET, PUT and DELETE; a
	// POST only when it surely was not sent (see CreateProjectKey). Nil
	// means DefaultMaxRetries; zero disables retries.
	MaxRetries *int
	// RequestTimeout bounds each attempt, from the moment the pacer lets
	// it go until its body is read. A wait for a rate-limit window is not
	// part of it. Zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxPages bounds the pages one listing may take. Zero means
	// DefaultMaxPages (100,000 keys at 100 per page).
	MaxPages int
	// RetryWaitMin and RetryWaitMax bound the exponential back-off between
	// retries of 5xx answers and connection errors. Zero means the defaults.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRateLimitWait caps one wait for a rate-limit window to reset (from
	// X-Sentry-Rate-Limit-Reset or a proxy's Retry-After), both before a
	// retry and when the pacer holds a request back. Zero means
	// DefaultMaxRateLimitWait.
	MaxRateLimitWait time.Duration
	// Logger receives structured debug and trace messages. Nil discards them.
	Logger Logger
	// Transport sends the requests. Nil means a pooled transport that honours
	// the proxy environment variables and verifies TLS with the system roots
	// (SSL_CERT_FILE and SSL_CERT_DIR add custom CAs).
	Transport http.RoundTripper
}

// Client talks to one Sentry installation. It is safe for concurrent use and
// meant to be shared: its pacing by Sentry's rate-limit headers only works
// when every request of a process goes through the same Client.
type Client struct {
	base      *url.URL
	token     string
	userAgent string
	maxPages  int
	maxBody   int64
	// retries is Config.MaxRetries: each request may take 1 + retries
	// attempts (a create's reads and resends count against its own).
	retries int
	// timeout bounds each attempt from the moment the pacer admits it
	// until its body is read (see transport).
	timeout time.Duration
	log     Logger
	http    *retryablehttp.Client
	pacer   *pacer
	backoff *backoffPolicy
	// clock estimates Sentry's clock from the Date of its answers.
	clock *serverClock
	// now is the local clock; tests replace it.
	now func() time.Time
	// ignoresPublic is set once the server answered a create with
	// another public key than the one sent (see CreateProjectKey).
	ignoresPublic atomic.Bool
}

// New returns a Client for cfg. It makes no request.
func New(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := NormalizeBaseURL(raw)
	if err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		return nil, errors.New("no Sentry auth token is configured")
	}
	retries := DefaultMaxRetries
	if cfg.MaxRetries != nil {
		retries = *cfg.MaxRetries
	}
	if retries < 0 {
		return nil, fmt.Errorf("max retries must not be negative, got %d", retries)
	}
	timeout := orDefault(cfg.RequestTimeout, DefaultRequestTimeout)
	if timeout < 0 {
		return nil, fmt.Errorf("the request timeout must be positive, got %s", timeout)
	}
	maxPages := cfg.MaxPages
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	log := cfg.Logger
	if log == nil {
		log = nopLogger{}
	}

	maxRateLimitWait := orDefault(cfg.MaxRateLimitWait, DefaultMaxRateLimitWait)
	if maxRateLimitWait < 0 {
		return nil, fmt.Errorf("the longest rate-limit wait must be positive, got %s", maxRateLimitWait)
	}

	c := &Client{
		base:      base,
		token:     cfg.Token,
		userAgent: cfg.UserAgent,
		maxPages:  maxPages,
		maxBody:   maxBodyBytes,
		retries:   retries,
		timeout:   timeout,
		log:       log,
		clock:     &serverClock{},
		now:       time.Now,
	}
	now := func() time.Time { return c.now() }
	c.pacer = newPacer(now, c.clock, maxRateLimitWait)
	c.backoff = &backoffPolicy{
		min:          orDefault(cfg.RetryWaitMin, DefaultRetryWaitMin),
		max:          orDefault(cfg.RetryWaitMax, DefaultRetryWaitMax),
		maxRateLimit: maxRateLimitWait,
		clock:        c.clock,
		now:          now,
	}

	rt := cfg.Transport
	if rt == nil {
		t := cleanhttp.DefaultPooledTransport()
		// A page of 100 keys is about 180 KB: read it in few system calls.
		t.ReadBufferSize = 64 << 10
		rt = t
	}
	c.http = &retryablehttp.Client{
		// No http.Client.Timeout: it would also cover the wait for the
		// pacer, so a long rate-limit wait would time the attempt out
		// before it was sent. The transport times each attempt instead.
		HTTPClient: &http.Client{
			Transport:     &transport{next: rt, client: c},
			CheckRedirect: checkRedirect,
		},
		// Logging goes through Logger with the request's context; the
		// library's own logger would write to stderr without it.
		Logger: nil,
		// Each call bounds its own attempts (see checkRetry).
		RetryMax:     math.MaxInt32,
		RetryWaitMin: c.backoff.min,
		RetryWaitMax: c.backoff.max,
		CheckRetry:   checkRetry,
		PrepareRetry: prepareRetry,
		Backoff:      c.backoff.wait,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

// BaseURL returns the normalized API root, ending in "/api/0/".
func (c *Client) BaseURL() string { return c.base.String() }

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// checkRedirect follows a redirect only to the same scheme and host, so the
// token can never travel to another server. A renamed project answers with a
// same-host 302, which is followed for a read. A write is never redirected
// here: Go would turn a POST, PUT or DELETE answered with 302 into a GET that
// "succeeds" without writing anything. The 3xx comes back, and do sends a
// renamed project's write again itself.
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

// endpointPath builds the escaped path below the API root from literal parts
// and user-supplied segments. Every segment is escaped, so a value such as
// "../x", "a/b" or "%2F" stays one path segment.
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

// readBody reads a whole body of at most limit bytes, in one allocation when
// the server announced its length.
func readBody(r io.Reader, length, limit int64) ([]byte, error) {
	if length > limit {
		return nil, errBodyTooLarge
	}
	var buf bytes.Buffer
	if length > 0 {
		buf.Grow(int(length) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	body := buf.Bytes()
	if int64(len(body)) > limit {
		return nil, errBodyTooLarge
	}
	if body == nil {
		body = []byte{}
	}
	return body, nil
}

// maxErrorBodyBytes bounds what is read of an error answer: its detail and
// field errors are a few hundred bytes.
const maxErrorBodyBytes = 1 << 20

// readErrorBody reads what it can of an error answer's body, at most
// maxErrorBodyBytes. A body cut short by a broken connection gives what
// arrived: the status is the answer, and retrying would not change it.
func readErrorBody(r io.Reader) []byte {
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(io.LimitReader(r, maxErrorBodyBytes))
	if buf.Len() == 0 {
		return []byte{}
	}
	return buf.Bytes()
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func itoa(n int) string { return strconv.Itoa(n) }
