package sentry

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// APIError is a non-success answer (of the last of Attempts): Detail is
// Sentry's message; EmptyBody marks no body (sentry.io's gateway for an
// unknown organization); RequiredScopes are a 403's insufficient_scope
// challenge, RateLimitReset a 429's window end, FieldErrors a 400's (sorted),
// Location an unfollowed redirect's. The URL never holds a credential.
type APIError struct {
	Method, URL, Detail, Location string
	StatusCode, Attempts          int
	EmptyBody                     bool
	RequiredScopes                []string
	RateLimitReset                time.Time
	FieldErrors                   []FieldError
}

// FieldError is Sentry's validation of one field, by its dotted JSON path
// ("rateLimit.window"; a list element by index, "items.0.name").
type FieldError struct {
	Field    string
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
		fmt.Fprintf(&b, "%s%s: %s", map[bool]string{true: ": ", false: "; "}[i == 0], f.Field, strings.Join(f.Messages, " "))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// NotJSONError is a success whose body is not JSON, such as a proxy's sign-in
// page. Title is the page's shortened <title>; the rest is never kept.
type NotJSONError struct {
	Method, URL, ContentType, Title string
	StatusCode                      int
}

func (e *NotJSONError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d with a body that is not JSON (Content-Type %q", e.Method, e.URL, e.StatusCode, e.ContentType)
	if e.Title != "" {
		msg += fmt.Sprintf(", page title %q", e.Title)
	}
	if e.Method == http.MethodPost && e.StatusCode != http.StatusCreated {
		// Sentry answers a create with 201.
		return msg + "), not Sentry's answer: nothing was created"
	}
	return msg + ")"
}

// PaginationError is a listing the client cannot finish faithfully (a cursor
// that repeats, too many pages, or a *LinkHeaderError): no partial list.
type PaginationError struct {
	URL, Reason, Cursor string
	Pages               int
	Err                 error
}

func (e *PaginationError) Error() string {
	return fmt.Sprintf("GET %s: pagination stopped after %d pages: %s", e.URL, e.Pages, e.Reason)
}

func (e *PaginationError) Unwrap() error { return e.Err }

// LinkHeaderError is a page whose Link header cannot be read. Reason quotes
// at most an excerpt.
type LinkHeaderError struct {
	URL, Reason string
}

func (e *LinkHeaderError) Error() string {
	return fmt.Sprintf("GET %s: the Link header cannot be read: %s", e.URL, e.Reason)
}

// TransportError is a request without a usable answer, after every retry.
type TransportError struct {
	Method, URL string
	Attempts    int
	// Timeout is true when the last attempt ran out of time.
	Timeout bool
	// NotSent: every attempt failed to connect (DNS, dial, TLS) or got a 429.
	NotSent bool
	Err     error
}

func (e *TransportError) Error() string {
	s := fmt.Sprintf("%s %s: request %s", e.Method, e.URL, map[bool]string{false: "failed", true: "timed out"}[e.Timeout])
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.NotSent {
		s += " before reaching Sentry"
	}
	return s + ": " + e.Err.Error()
}

func (e *TransportError) Unwrap() error { return e.Err }

// BodyTooLargeError is a success whose body is larger than any Sentry API
// answer (Limit bytes). It is not retried: the body would come again.
type BodyTooLargeError struct {
	Method, URL string
	StatusCode  int
	Limit       int64
}

func (e *BodyTooLargeError) Error() string {
	size := fmt.Sprintf("%d bytes", e.Limit)
	switch {
	case e.Limit%(1<<20) == 0:
		size = fmt.Sprintf("%d MiB", e.Limit>>20)
	case e.Limit%(1<<10) == 0:
		size = fmt.Sprintf("%d KiB", e.Limit>>10)
	}
	return fmt.Sprintf("%s %s: HTTP %d with a body larger than %s, more than any Sentry API answer; check that the base URL points at Sentry's API",
		e.Method, e.URL, e.StatusCode, size)
}

// RedirectError is a redirect to another scheme or host, where the token must
// not go.
type RedirectError struct {
	From, To string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused to follow a redirect from %s to %s: the token is only sent to the configured base URL", e.From, e.To)
}

// DecodeError is a JSON body that does not have the shape Sentry documents.
type DecodeError struct {
	Method, URL string
	StatusCode  int
	Err         error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: the response is not the JSON Sentry documents: %v", e.Method, e.URL, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// AmbiguousCreateError is a create that may have reached Sentry (Err) and
// whose outcome could not be read (LookupErr says why): the user should look
// for the key and import or delete it rather than create another. KeyID is
// the one key to look for. A server that ignores the public key a create
// sends has none: Candidates are then the keys of that name (newest first),
// none taken; Created is a key a later attempt made, Candidates the others.
type AmbiguousCreateError struct {
	Organization, Project, Name, KeyID string
	Created                            *ProjectKey
	Candidates                         []ProjectKey
	Err, LookupErr                     error
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
	b.WriteString("; this Sentry server ignores the public key a create sends, so the key cannot be told apart from others of that name")
	for i, k := range e.Candidates {
		fmt.Fprintf(&b, "%s %s (created %s)", map[bool]string{true: ": they are", false: ","}[i == 0], k.ID, cmp.Or(deref(k.DateCreated), "at an unknown date"))
	}
	b.WriteString("; check the project's client keys in Sentry, and import the right key or delete the extra ones before creating it again")
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Unwrap returns the create's own failure.
func (e *AmbiguousCreateError) Unwrap() error { return e.Err }

// parseDetail extracts Sentry's "detail" from an error body: a string, or an
// object's message. It never returns markup.
func parseDetail(body []byte) string {
	var eb struct{ Detail any }
	_ = json.Unmarshal(body, &eb)
	switch d := eb.Detail.(type) {
	case string:
		return strings.TrimSpace(d)
	case map[string]any:
		m, _ := d["message"].(string)
		return strings.TrimSpace(m)
	}
	return ""
}

// parseFieldErrors reads a Django REST framework 400: fields (but "detail")
// with a message, messages, or a nested object: {"rateLimit": {"window":
// [...]}} gives rateLimit.window, and a list's objects are named by index.
func parseFieldErrors(body []byte) []FieldError {
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		return nil
	}
	delete(obj, "detail")
	var out []FieldError
	collectFieldErrors("", obj, &out)
	slices.SortFunc(out, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
	return out
}

func collectFieldErrors(path string, v any, out *[]FieldError) {
	switch v := v.(type) {
	case string:
		*out = append(*out, FieldError{Field: path, Messages: []string{v}})
	case []any:
		var msgs []string
		for i, item := range v {
			if s, ok := item.(string); ok {
				msgs = append(msgs, s)
			} else {
				collectFieldErrors(path+"."+strconv.Itoa(i), item, out)
			}
		}
		if msgs != nil {
			*out = append(*out, FieldError{Field: path, Messages: msgs})
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			collectFieldErrors(strings.TrimPrefix(path+"."+k, "."), v[k], out)
		}
	}
}

var scopeParamRe = regexp.MustCompile(`(?i)\bscope\s*=\s*"([^"]*)"`)

// parseScopeChallenge reads an RFC 6750 insufficient_scope challenge's scopes.
func parseScopeChallenge(h http.Header) []string {
	for _, v := range h.Values("WWW-Authenticate") {
		if m := scopeParamRe.FindStringSubmatch(v); m != nil && strings.Contains(strings.ToLower(v), "insufficient_scope") {
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

// looksLikeJSON reports whether a body starts like a JSON object or list.
func looksLikeJSON(body []byte) bool {
	b := bytes.TrimSpace(body)
	return len(b) > 0 && (b[0] == '[' || b[0] == '{')
}

// describeJSON names a JSON body's fields, never its values (maybe secrets).
func describeJSON(body []byte) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return "JSON that is not an object"
	}
	names := slices.Sorted(maps.Keys(obj))
	if len(names) == 0 {
		return "an empty JSON object"
	}
	for i, n := range names {
		names[i] = strconv.Quote(shorten(n, 20))
	}
	if len(names) > 5 {
		names = append(names[:5], "…")
	}
	return "a JSON object with the fields " + strings.Join(names, ", ")
}
