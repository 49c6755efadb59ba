package sentry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/go-retryablehttp"
)

// call is one API request. route names the endpoint for logs and, with the
// method, for pacing (Sentry limits each separately); body is sent as JSON
// when not nil; attempts bounds the attempts (zero: 1 + Config.MaxRetries).
type call struct {
	method, route string
	url           *url.URL
	body          any
	attempts      int
}

// response is a read answer; url is where it ended, moved if at another
// project.
type response struct {
	status int
	header http.Header
	body   []byte
	url    *url.URL
	moved  *ProjectMove
}

// requestState travels with a request through its attempts: dispatched (the
// pacer let it go), sent (it had a connection), applied (Sentry may have
// carried it out: any answer but a 429, or a failure that may have been
// sent) and earlierApplied (an earlier attempt may have).
type requestState struct {
	method, route, bucket   string
	attempts, maxAttempts   int
	dispatched, sent        atomic.Bool
	applied, earlierApplied bool
	body                    []byte
}

// observe records whether Sentry may have carried an attempt out.
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

// prepareRetry starts the next attempt; the library rewinds the body.
func prepareRetry(req *http.Request) error {
	st := stateFrom(req.Context())
	st.attempts++
	st.earlierApplied = st.earlierApplied || st.applied
	st.applied, st.body = false, nil
	st.dispatched.Store(false)
	st.sent.Store(false)
	return nil
}

// do sends a request, with retries by its method (see checkRetry), and
// returns a success's answer or an error: the caller's context error,
// *APIError, *TransportError, *NotJSONError, *BodyTooLargeError or
// *RedirectError. A write answered with a renamed project's same-host 302
// goes again to the new address, within the call's attempts (see moved).
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

// projectMovedError is a write answered with a renamed project's 302 to to.
type projectMovedError struct {
	*APIError
	to *url.URL
}

// movedTarget reads a renamed project's 302 (a JSON body with detail.extra's
// url and slug, and a Location): where to go, keeping the query, or nil.
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

// projectMove compares the projects of two addresses below the API root.
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
	for name, v := range map[string]string{"Authorization": "Bearer " + c.token, "Accept": "application/json", "User-Agent": c.userAgent} {
		if v != "" {
			req.Header.Set(name, v)
		}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// Read inside the retry loop: a body cut short is retried like any
	// broken connection.
	req.SetResponseHandler(func(resp *http.Response) error {
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			st.body = readErrorBody(resp.Body)
			return nil
		}
		body, err := readBody(resp.Body, resp.ContentLength, c.maxBody)
		if errors.Is(err, errBodyTooLarge) {
			return &BodyTooLargeError{Method: cl.method, URL: display, StatusCode: resp.StatusCode, Limit: c.maxBody}
		}
		st.body = body
		return err
	})

	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		var redirErr *RedirectError
		var tooLarge *BodyTooLargeError
		switch {
		case ctx.Err() != nil:
			return nil, st, ctx.Err()
		case errors.As(err, &redirErr):
			return nil, st, redirErr
		case errors.As(err, &tooLarge):
			return nil, st, tooLarge
		}
		return nil, st, &TransportError{Method: cl.method, URL: display, Attempts: st.attempts, Timeout: isTimeout(err),
			NotSent: !st.applied && !st.earlierApplied, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()

	r := &response{status: resp.StatusCode, header: resp.Header, body: st.body, url: resp.Request.URL}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// Only a delete answers without a JSON body; a page is not Sentry's.
		empty := len(bytes.TrimSpace(r.body)) == 0
		if looksLikeJSON(r.body) || empty && (resp.StatusCode == http.StatusNoContent || cl.method == http.MethodDelete) {
			return r, st, nil
		}
		return nil, st, &NotJSONError{Method: cl.method, URL: display, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Title: htmlTitle(r.body)}
	}
	apiErr := &APIError{Method: cl.method, URL: display, StatusCode: resp.StatusCode, Detail: parseDetail(r.body),
		EmptyBody: len(bytes.TrimSpace(r.body)) == 0, RequiredScopes: parseScopeChallenge(resp.Header), Attempts: st.attempts}
	switch {
	case resp.StatusCode == http.StatusBadRequest:
		apiErr.FieldErrors = parseFieldErrors(r.body)
	case resp.StatusCode == http.StatusTooManyRequests:
		if reset, ok := parseReset(resp.Header); ok {
			apiErr.RateLimitReset = c.clock.toLocal(reset)
		}
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		// A write's (see checkRedirect).
		apiErr.Location = resp.Header.Get("Location")
		if to := movedTarget(cl.url, resp.Header, r.body); to != nil && (to.Scheme != cl.url.Scheme || !strings.EqualFold(to.Host, cl.url.Host)) {
			return nil, st, &RedirectError{From: display, To: to.Redacted()}
		} else if to != nil {
			return nil, st, &projectMovedError{APIError: apiErr, to: to}
		}
	}
	return nil, st, apiErr
}

// get reads a JSON answer into v.
func (c *Client) get(ctx context.Context, route string, u *url.URL, v any) error {
	resp, _, err := c.do(ctx, call{method: http.MethodGet, route: route, url: u})
	if err != nil {
		return err
	}
	return decode(resp, http.MethodGet, u.Redacted(), v)
}

// decode unmarshals a success's JSON body into v.
func decode(r *response, method, display string, v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return &DecodeError{Method: method, URL: display, StatusCode: r.status, Err: err}
	}
	return nil
}

// decodeKey reads a key; a body without an id is an error naming its shape.
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
