package sentry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// APIError is an answer from Sentry whose status is not a success. It carries
// what a user needs to act: the status, Sentry's own "detail" message and, for
// a 403 caused by a token's scopes, the scopes Sentry asks for.
type APIError struct {
	// Method and URL identify the request. The URL never contains a
	// credential.
	Method string
	URL    string
	// StatusCode is the HTTP status of the last attempt.
	StatusCode int
	// Detail is Sentry's "detail" message, empty when the body had none.
	Detail string
	// EmptyBody is true when the response had no body at all, as sentry.io's
	// API gateway sends for an unknown organization and older servers send
	// for an endpoint they do not have.
	EmptyBody bool
	// RequiredScopes lists the scopes named in an RFC 6750
	// insufficient_scope challenge, when Sentry sent one.
	RequiredScopes []string
	// RateLimitReset is when Sentry's rate-limit window resets, for a 429
	// that said so.
	RateLimitReset time.Time
	// Attempts is how many times the request was sent.
	Attempts int
	// FieldErrors are the validation errors of a 400 answer, one per field,
	// sorted by Field.
	FieldErrors []FieldError
	// Location is where a redirect that was not followed pointed.
	Location string
}

// FieldError is what Sentry's validation said about one field of a request
// body (Django REST framework's error format).
type FieldError struct {
	// Field is the dotted JSON path of the field, e.g. "rateLimit.window";
	// an element of a list is its index, e.g. "items.0.name".
	Field string
	// Messages are Sentry's messages, in its order.
	Messages []string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	} else if e.EmptyBody {
		b.WriteString(" (empty body)")
	}
	if e.Location != "" {
		fmt.Fprintf(&b, " (a redirect to %s that was not followed: a write only follows a renamed project's, on the same host)", e.Location)
	}
	for i, f := range e.FieldErrors {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(&b, "%s%s: %s", sep, f.Field, strings.Join(f.Messages, " "))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// NotJSONError is a successful status whose body is not JSON, typically an
// HTML login page of an SSO proxy or a web server that is not Sentry's API.
type NotJSONError struct {
	// Method is the request's method; empty means GET.
	Method      string
	URL         string
	StatusCode  int
	ContentType string
	// Title is the <title> of an HTML page, shortened, when there was one. The
	// rest of the page is never kept.
	Title string
}

func (e *NotJSONError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d with a body that is not JSON (Content-Type %q", methodOrGet(e.Method), e.URL, e.StatusCode, e.ContentType)
	if e.Title != "" {
		msg += fmt.Sprintf(", page title %q", e.Title)
	}
	msg += ")"
	if e.Method == http.MethodPost && e.StatusCode != http.StatusCreated {
		// Sentry answers a create with 201: another page is something
		// in front of it, such as a single sign-on proxy.
		msg += ", not Sentry's answer: nothing was created"
	}
	return msg
}

// PaginationError reports a listing the client cannot finish faithfully: a
// cursor that repeats, more pages than the client allows, or a Link header it
// cannot read. No partial list is returned with it.
type PaginationError struct {
	URL    string
	Reason string
	Pages  int
	Cursor string
	// Err is the underlying cause when there is one, such as a
	// *LinkHeaderError.
	Err error
}

func (e *PaginationError) Error() string {
	return fmt.Sprintf("GET %s: pagination stopped after %d pages: %s", e.URL, e.Pages, e.Reason)
}

func (e *PaginationError) Unwrap() error { return e.Err }

// LinkHeaderError is a page whose Link header is present but cannot be read
// (RFC 8288), so the client cannot tell whether more pages follow. Reason is
// short and quotes at most an excerpt of the header.
type LinkHeaderError struct {
	URL    string
	Reason string
}

func (e *LinkHeaderError) Error() string {
	return fmt.Sprintf("GET %s: the Link header cannot be read: %s", e.URL, e.Reason)
}

// TransportError is a request that got no usable HTTP response: a refused
// connection, a DNS failure, a TLS failure or a timeout, after every retry.
type TransportError struct {
	Method   string
	URL      string
	Attempts int
	// Timeout is true when the last attempt ran out of time.
	Timeout bool
	// NotSent is true when the request surely never reached Sentry: every
	// attempt failed to connect (DNS, dial, TLS handshake or certificate)
	// or was refused with a 429. A create that failed so created nothing.
	NotSent bool
	Err     error
}

func (e *TransportError) Error() string {
	what := "request failed"
	if e.Timeout {
		what = "request timed out"
	}
	s := fmt.Sprintf("%s %s: %s", e.Method, e.URL, what)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.NotSent {
		s += " before reaching Sentry"
	}
	return s + ": " + e.Err.Error()
}

func (e *TransportError) Unwrap() error { return e.Err }

// BodyTooLargeError is a successful answer whose body is larger than any
// Sentry API answer (a page of 100 keys is about 300 KB). It is not retried:
// the same URL would send the same body again.
type BodyTooLargeError struct {
	Method     string
	URL        string
	StatusCode int
	// Limit is the size limit in bytes.
	Limit int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d with a body larger than %s, more than any Sentry API answer; check that the base URL points at Sentry's API",
		e.Method, e.URL, e.StatusCode, byteSize(e.Limit))
}

// byteSize renders a size limit: "64 MiB", "512 KiB" or "100 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// RedirectError is a redirect the client refused to follow because it leads to
// another scheme or host, where the token must not be sent.
type RedirectError struct {
	From, To string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused to follow a redirect from %s to %s: the token is only sent to the configured base URL", e.From, e.To)
}

// errorBody is the JSON body of a Sentry error. "detail" is usually a string
// and sometimes an object (a renamed project's 302, newer error envelopes).
type errorBody struct {
	Detail json.RawMessage `json:"detail"`
}

// parseDetail extracts Sentry's "detail" message from an error body. It never
// returns markup: a body that is not a JSON object with a readable detail gives
// the empty string.
func parseDetail(body []byte) string {
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err != nil || len(eb.Detail) == 0 {
		return ""
	}
	var s string
	if err := json.Unmarshal(eb.Detail, &s); err == nil {
		return strings.TrimSpace(s)
	}
	var obj struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(eb.Detail, &obj); err == nil {
		return strings.TrimSpace(obj.Message)
	}
	return ""
}

// parseFieldErrors reads the validation errors of a Django REST framework
// 400 body: an object whose keys are fields (except "detail", which is
// Sentry's message) and whose values are a list of messages, a message, or
// an object of the same shape for a nested field:
//
//	{"name": ["Ensure this field has no more than 64 characters."],
//	 "rateLimit": {"window": ["Ensure this value is less than or equal to 86400."]}}
//
// gives name and rateLimit.window. An older Sentry flattened nested errors
// into their keys ({"rateLimit": ["window"]}); a list of strings is always
// taken as the messages of its field, so that reads as a message "window"
// of rateLimit. Objects inside a list (errors of list elements) are named by
// their index. Anything else gives nothing.
func parseFieldErrors(body []byte) []FieldError {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil
	}
	var out []FieldError
	for k, v := range obj {
		if k == "detail" {
			continue
		}
		collectFieldErrors(k, v, &out)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func collectFieldErrors(path string, raw json.RawMessage, out *[]FieldError) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		*out = append(*out, FieldError{Field: path, Messages: []string{s}})
		return
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err == nil {
		var msgs []string
		for i, item := range list {
			if err := json.Unmarshal(item, &s); err == nil {
				msgs = append(msgs, s)
				continue
			}
			collectFieldErrors(path+"."+strconv.Itoa(i), item, out)
		}
		if len(msgs) > 0 {
			*out = append(*out, FieldError{Field: path, Messages: msgs})
		}
		return
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err == nil {
		for k, v := range obj {
			collectFieldErrors(path+"."+k, v, out)
		}
	}
}

var scopeParamRe = regexp.MustCompile(`(?i)\bscope\s*=\s*"([^"]*)"`)

// parseScopeChallenge reads the scopes of an RFC 6750 insufficient_scope
// challenge, such as
// `Bearer error="insufficient_scope", scope="project:admin project:read"`.
func parseScopeChallenge(h http.Header) []string {
	for _, v := range h.Values("WWW-Authenticate") {
		if !strings.Contains(strings.ToLower(v), "insufficient_scope") {
			continue
		}
		if m := scopeParamRe.FindStringSubmatch(v); m != nil {
			return strings.Fields(m[1])
		}
	}
	return nil
}

var titleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// htmlTitle returns the shortened, unescaped <title> of an HTML page, or "".
func htmlTitle(body []byte) string {
	m := titleRe.FindSubmatch(body)
	if m == nil {
		return ""
	}
	t := strings.Join(strings.Fields(html.UnescapeString(string(m[1]))), " ")
	if r := []rune(t); len(r) > 80 {
		t = string(r[:80]) + "…"
	}
	return t
}

// looksLikeJSON reports whether a body starts like a JSON value.
func looksLikeJSON(body []byte) bool {
	b := bytes.TrimSpace(body)
	return len(b) > 0 && (b[0] == '[' || b[0] == '{')
}

// DecodeError is a JSON body that does not have the shape Sentry documents.
type DecodeError struct {
	// Method is the request's method; empty means GET.
	Method     string
	URL        string
	StatusCode int
	Err        error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: the response is not the JSON Sentry documents: %v", methodOrGet(e.Method), e.URL, e.Err)
}

func methodOrGet(m string) string {
	if m == "" {
		return http.MethodGet
	}
	return m
}

func (e *DecodeError) Unwrap() error { return e.Err }

// AmbiguousCreateError is a create whose outcome is unknown: the request may
// have reached Sentry (a 5xx answer, a timeout, a connection broken after
// sending, a 201 whose body could not be read) and the client could not read
// back whether it made the key. The user should look for the key in Sentry
// and import it (or delete it) rather than create another.
type AmbiguousCreateError struct {
	// Organization and Project say where the key was created.
	Organization, Project string
	// Name is the name sent, trimmed as Sentry trims it.
	Name string
	// KeyID is the id (the public key) the key has if the create made it:
	// the one key to look for. Empty when the server ignores the public
	// key a create sends.
	KeyID string
	// Created is the key a create made after an earlier attempt of it
	// failed ambiguously on a server that ignores the public key: that
	// attempt may have made another key, one of Candidates.
	Created *ProjectKey
	// Candidates are, on a server that ignores the public key, the keys of
	// that name (newest first) that the create may have made; none is
	// ever taken as the create's.
	Candidates []ProjectKey
	// Err is the failure of the create request itself.
	Err error
	// LookupErr is why the client could not read the outcome: the read of
	// the key or the listing failed, or the caller gave up.
	LookupErr error
}

func (e *AmbiguousCreateError) Error() string {
	var b strings.Builder
	where := e.Organization + "/" + e.Project
	if e.Created != nil {
		fmt.Fprintf(&b, "creating the client key %q in %s made the key %s, but an earlier attempt failed (%v) and may have made another", e.Name, where, e.Created.ID, e.Err)
	} else {
		fmt.Fprintf(&b, "creating the client key %q in %s may have succeeded (%v)", e.Name, where, e.Err)
	}
	if e.LookupErr != nil {
		fmt.Fprintf(&b, ", and reading the outcome failed (%v)", e.LookupErr)
	}
	if e.KeyID != "" {
		fmt.Fprintf(&b, ": look for the key %s in Sentry, and import it (%s/%s) or delete it before creating it again", e.KeyID, where, e.KeyID)
		return b.String()
	}
	b.WriteString("; this Sentry server ignores the public key a create sends, so the key cannot be told apart from others")
	switch {
	case e.LookupErr != nil:
	case len(e.Candidates) == 0 && e.Name == "":
		b.WriteString(" (a key created without a name gets one Sentry picks)")
	case len(e.Candidates) == 0:
		b.WriteString(" (no key of that name is listed yet)")
	default:
		b.WriteString(": keys of that name are")
		for i, k := range e.Candidates {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s (created %s)", k.ID, deref(k.DateCreated))
		}
	}
	b.WriteString("; check the project's client keys in Sentry, and import the right key or delete the extra ones before creating it again")
	return b.String()
}

// Unwrap returns the create's own failure.
func (e *AmbiguousCreateError) Unwrap() error { return e.Err }

func deref(s *string) string {
	if s == nil {
		return "at an unknown date"
	}
	return *s
}
