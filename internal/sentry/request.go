package sentry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/go-retryablehttp"
)

// call is one API request.
type call struct {
	method string
	// route names the endpoint for logs and, with the method, for pacing,
	// e.g. "project-keys": Sentry limits the rate of each endpoint and
	// method separately.
	route string
	url   *url.URL
	// body is sent as JSON when not nil.
	body any
	// attempts bounds the attempts, retries included; zero means
	// 1 + Config.MaxRetries.
	attempts int
}

// response is a fully read answer.
type response struct {
	status int
	header http.Header
	body   []byte
	// url is where the request ended, after any redirect; moved says when
	// that is another project's address than the request's.
	url   *url.URL
	moved *ProjectMove
}

// requestState travels with a request's context through the retries: the
// transport reads the pacing bucket and marks attempts that may have reached
// Sentry, checkRetry decides by method, PrepareRetry starts each new attempt.
type requestState struct {
	method string
	route  string
	// bucket is the pacer's bucket: method and route.
	bucket string
	// attempts counts the attempts started: the first and each retry;
	// maxAttempts bounds them.
	attempts, maxAttempts int
	// dispatched is set once the pacer let the current attempt go to the
	// network; sent once the transport got a connection for it. From then
	// on it may have reached Sentry.
	dispatched, sent atomic.Bool
	// applied is true when the current attempt may have been carried out
	// by Sentry (it was answered with a status other than 429, or failed
	// when it may have been sent; see observe); earlierApplied when an
	// earlier attempt may have been.
	applied, earlierApplied bool
	// body is the body of the answer the response handler read.
	body []byte
}

// nextAttempt is called before each retry.
func (st *requestState) nextAttempt() {
	st.attempts++
	st.earlierApplied = st.earlierApplied || st.applied
	st.applied = false
	st.dispatched.Store(false)
	st.sent.Store(false)
	st.body = nil
}

// observe records what an attempt's outcome says about whether Sentry may
// have carried it out. Any answer but a 429 may come after the work was done;
// a failure may too, unless the request surely was not sent.
func (st *requestState) observe(resp *http.Response, err error) {
	switch {
	case resp != nil:
		st.applied = st.applied || resp.StatusCode != http.StatusTooManyRequests
	case err != nil:
		st.applied = st.applied || !surelyNotSent(st, err)
	}
}

type stateKey struct{}

func stateFrom(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

// prepareRetry implements retryablehttp.PrepareRetry: it starts a new attempt
// of the request. The library rewinds the JSON body itself.
func prepareRetry(req *http.Request) error {
	if st := stateFrom(req.Context()); st != nil {
		st.nextAttempt()
	}
	return nil
}

// do sends one request, with retries by its method (see checkRetry), and
// returns the read answer of a success. Any other outcome is an error: the
// caller's own context error, *APIError, *TransportError, *NotJSONError,
// *BodyTooLargeError or *RedirectError. The returned state tells the write
// methods whether a failed attempt may have reached Sentry.
//
// A write answered with a renamed project's 302 to the same scheme and host
// is sent again, with the same method and body, to the project's new URL
// (a read follows any same-host redirect on its own); the response says so
// in moved. The hops count against the call's attempts.
func (c *Client) do(ctx context.Context, cl call) (*response, *requestState, error) {
	if cl.attempts <= 0 {
		cl.attempts = c.retries + 1
	}
	from, used := cl.url, 0
	for hops := 0; ; hops++ {
		resp, st, err := c.send(ctx, cl)
		used += st.attempts
		st.attempts = used
		var moved *projectMovedError
		if !errors.As(err, &moved) {
			if resp != nil {
				resp.moved = c.projectMove(from, resp.url)
			}
			return resp, st, err
		}
		if cl.attempts -= st.attempts; cl.attempts <= 0 || hops == 10 {
			return nil, st, moved.APIError
		}
		c.log.Debug(ctx, "Sentry says the project was renamed; sending the request to its new address", map[string]any{
			"method": cl.method, "from": cl.url.Redacted(), "to": moved.to.Redacted(),
		})
		cl.url = moved.to
	}
}

// projectMovedError is a write answered with a renamed project's 302 that
// may be followed: to is the same request at the project's new address.
type projectMovedError struct {
	*APIError
	to *url.URL
}

// movedTarget reads a renamed project's 302 (Sentry's ProjectMoved: a JSON
// body whose detail.extra holds the new url and slug, with or without
// detail.code "resource-moved", and a Location header) and returns where
// the request should go, or nil when the answer is no such 302.
func movedTarget(from *url.URL, h http.Header, body []byte) *url.URL {
	var moved struct {
		Slug   string
		Detail struct{ Extra struct{ URL, Slug string } }
	}
	if json.Unmarshal(body, &moved) != nil || moved.Slug == "" && moved.Detail.Extra.Slug == "" {
		return nil
	}
	loc := moved.Detail.Extra.URL
	if loc == "" {
		loc = h.Get("Location")
	}
	to, err := from.Parse(loc)
	if loc == "" || err != nil {
		return nil
	}
	if to.RawQuery == "" {
		to.RawQuery = from.RawQuery
	}
	return to
}

// projectMove compares the project of two request URLs below the API root.
func (c *Client) projectMove(from, to *url.URL) *ProjectMove {
	project := func(u *url.URL) string {
		parts := strings.Split(strings.TrimPrefix(u.EscapedPath(), c.base.EscapedPath()), "/")
		if len(parts) < 3 || parts[0] != "projects" {
			return ""
		}
		p, _ := url.PathUnescape(parts[2])
		return p
	}
	if to == nil || project(from) == project(to) {
		return nil
	}
	return &ProjectMove{From: project(from), To: project(to)}
}

// send is one request of do, with its retries.
func (c *Client) send(ctx context.Context, cl call) (*response, *requestState, error) {
	st := &requestState{method: cl.method, route: cl.route, bucket: cl.method + " " + cl.route, attempts: 1, maxAttempts: cl.attempts}
	ctx = context.WithValue(ctx, stateKey{}, st)
	display := cl.url.Redacted()

	var body any // nil, or []byte that the library rewinds for every attempt
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, st, fmt.Errorf("%s %s: encoding the request: %w", cl.method, display, err)
		}
		body = b
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, cl.url.String(), body)
	if err != nil {
		return nil, st, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	// The body is read inside the retry loop (the handler runs for every
	// answer that is not retried for its status), so that a success whose
	// connection breaks mid-body is retried like any broken connection,
	// when the method allows. Nothing else about a body is transient: one
	// over the size limit is an error of its own, and an error answer is
	// reported with whatever could be read of it.
	req.SetResponseHandler(func(resp *http.Response) error {
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			body, err := readBody(resp.Body, resp.ContentLength, c.maxBody)
			if errors.Is(err, errBodyTooLarge) {
				return &BodyTooLargeError{Method: cl.method, URL: display, StatusCode: resp.StatusCode, Limit: c.maxBody}
			}
			st.body = body
			return err
		}
		st.body = readErrorBody(resp.Body)
		return nil
	})

	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, st, ctxErr
		}
		var redirErr *RedirectError
		var tooLarge *BodyTooLargeError
		switch {
		case errors.As(err, &redirErr):
			return nil, st, redirErr
		case errors.As(err, &tooLarge):
			return nil, st, tooLarge
		}
		return nil, st, &TransportError{Method: cl.method, URL: display, Attempts: st.attempts, Timeout: isTimeout(err),
			NotSent: !st.applied && !st.earlierApplied, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()

	rbody := st.body
	if rbody == nil {
		// Retries ran out on a retryable status, so the handler never ran.
		rbody = readErrorBody(resp.Body)
	}

	r := &response{status: resp.StatusCode, header: resp.Header, body: rbody, url: resp.Request.URL}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// Sentry answers a delete with 204 and nothing else without a
		// JSON body; a page (an SSO login, say) is not Sentry's answer.
		empty := len(bytes.TrimSpace(rbody)) == 0
		if looksLikeJSON(rbody) || empty && (resp.StatusCode == http.StatusNoContent || cl.method == http.MethodDelete) {
			return r, st, nil
		}
		return nil, st, &NotJSONError{Method: cl.method, URL: display, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Title: htmlTitle(rbody)}
	}
	apiErr := &APIError{
		Method:         cl.method,
		URL:            display,
		StatusCode:     resp.StatusCode,
		Detail:         parseDetail(rbody),
		EmptyBody:      len(strings.TrimSpace(string(rbody))) == 0,
		RequiredScopes: parseScopeChallenge(resp.Header),
		Attempts:       st.attempts,
	}
	if resp.StatusCode == http.StatusBadRequest {
		apiErr.FieldErrors = parseFieldErrors(rbody)
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		// A write: Go would turn it into a GET that reads instead of
		// writing (see checkRedirect).
		apiErr.Location = resp.Header.Get("Location")
		if to := movedTarget(cl.url, resp.Header, rbody); to != nil {
			if to.Scheme != cl.url.Scheme || !strings.EqualFold(to.Host, cl.url.Host) {
				return nil, st, &RedirectError{From: display, To: to.Redacted()}
			}
			return nil, st, &projectMovedError{APIError: apiErr, to: to}
		}
	}
	if reset, ok := parseReset(resp.Header); ok && resp.StatusCode == http.StatusTooManyRequests {
		apiErr.RateLimitReset = c.clock.toLocal(reset)
	}
	return nil, st, apiErr
}

// decode unmarshals a success's JSON body into v.
func decode(r *response, method, display string, v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return &DecodeError{Method: method, URL: display, StatusCode: r.status, Err: err}
	}
	return nil
}

// decodeKey reads a key from a success's body. A body without an id is an
// error that says what came back, never a key with an empty id.
func decodeKey(r *response, method, display string) (*ProjectKey, error) {
	var k ProjectKey
	if err := decode(r, method, display, &k); err != nil {
		return nil, err
	}
	if k.ID == "" {
		return nil, &DecodeError{Method: method, URL: display, StatusCode: r.status, Err: fmt.Errorf("HTTP %d with %s, and no key id", r.status, describeJSON(r.body))}
	}
	k.Moved = r.moved
	return &k, nil
}

// describeJSON names the shape of a JSON body in a few words, never its
// values: a body may hold a secret.
func describeJSON(body []byte) string {
	var v any
	_ = json.Unmarshal(body, &v)
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			return "an empty JSON object"
		}
		var names []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			names = append(names, strconv.Quote(shorten(k, 20)))
		}
		if len(names) > 5 {
			names = append(names[:5], "…")
		}
		return "a JSON object with the fields " + strings.Join(names, ", ")
	case []any:
		return fmt.Sprintf("a JSON list of %d items", len(v))
	}
	return "a JSON value that is not an object"
}
