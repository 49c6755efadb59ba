package sentrytest

import (
	"bytes"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Request is one request the fake received, recorded before its response
// was written.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the escaped path as sent, so "a%2Fb" stays visible.
	Path string
	// RawQuery is the query string as sent, without "?".
	RawQuery string
	// Header holds every request header, Authorization and User-Agent
	// included.
	Header http.Header
	// Body is the request body exactly as sent; nil when empty.
	Body []byte
	// Status is the status code answered; 0 when no answer was sent: the
	// client went away during an injected latency, or a fault dropped the
	// connection.
	Status int
	// Time is when the request was recorded.
	Time time.Time
}

// Query parses RawQuery.
func (r Request) Query() url.Values {
	q, _ := url.ParseQuery(r.RawQuery)
	return q
}

type requestLog struct {
	mu      sync.Mutex
	entries []Request
}

func (l *requestLog) with(fn func()) { l.mu.Lock(); defer l.mu.Unlock(); fn() }

func (l *requestLog) add(r *http.Request, body []byte, status int) {
	entry := Request{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone(),
		Body: cloneBody(body), Status: status, Time: time.Now()}
	l.with(func() { l.entries = append(l.entries, entry) })
}

func cloneBody(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}

// Requests returns a copy of the request log, oldest first. The caller may
// change the copy freely.
func (f *Fake) Requests() (out []Request) {
	f.log.with(func() {
		for _, e := range f.log.entries {
			e.Header, e.Body = e.Header.Clone(), cloneBody(e.Body)
			out = append(out, e)
		}
	})
	return out
}

// ResetRequests empties the request log.
func (f *Fake) ResetRequests() { f.log.with(func() { f.log.entries = nil }) }

// CountRequests returns how many logged requests had exactly this escaped
// path (query string excluded).
func (f *Fake) CountRequests(path string) (n int) {
	f.log.with(func() {
		for _, e := range f.log.entries {
			if e.Path == path {
				n++
			}
		}
	})
	return n
}
