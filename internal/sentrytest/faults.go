package sentrytest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what a request gets instead of the normal answer: a canned
// response, or a connection closed without any. Most faults stand for a
// failure before the request reaches Sentry; the FaultProcessedThen* faults
// let the fake handle the request first (a POST creates its key), then
// fail. Build one with the Fault* constructors and queue it with
// Fake.InjectFaults.
type Fault struct {
	prefix          string
	method          string
	afterProcessing bool
	drop            bool                          // close the connection instead of answering
	build           func(now time.Time) *response // the answer otherwise
	hook            func()                        // run when the fault strikes
}

// Do returns the fault with fn run when the fault strikes: before its
// answer is sent, and for the FaultProcessedThen* faults after the request
// was processed. fn runs without the fake's lock held, so it may change the
// fake's data at that moment, say create the key another client would
// while a create fails. On the zero Fault, which keeps the normal answer,
// fn runs before the request is processed. Each Do adds a function; they
// run in turn.
func (f Fault) Do(fn func()) Fault {
	prev := f.hook
	f.hook = func() {
		if prev != nil {
			prev()
		}
		fn()
	}
	return f
}

// strike runs the fault's hook, if any.
func (f *Fault) strike() {
	if f.hook != nil {
		f.hook()
	}
}

// ForPath restricts the fault to requests whose escaped path starts with
// prefix; other requests pass it by.
func (f Fault) ForPath(prefix string) Fault {
	f.prefix = prefix
	return f
}

// ForMethod restricts the fault to requests with this HTTP method (for
// example "POST"); other requests pass it by. It combines with ForPath.
func (f Fault) ForMethod(method string) Fault {
	f.method = method
	return f
}

// applies reports whether the fault is for a request with this escaped
// path and method.
func (f Fault) applies(path, method string) bool {
	return strings.HasPrefix(path, f.prefix) && (f.method == "" || f.method == method)
}

// replaces reports whether the fault changes the answer at all; the zero
// Fault does not.
func (f Fault) replaces() bool {
	return f.drop || f.build != nil
}

// answer builds the fault's response; nil means drop the connection.
func (f Fault) answer(now time.Time) *response {
	if f.drop {
		return nil
	}
	return f.build(now)
}

// Times returns n copies of the fault, to queue it for n requests.
func (f Fault) Times(n int) []Fault {
	out := make([]Fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// FaultResponse is a fault with an arbitrary status, headers and body.
func FaultResponse(status int, header http.Header, body []byte) Fault {
	return Fault{build: func(time.Time) *response {
		resp := &response{status: status, header: header.Clone(), body: body}
		if resp.header == nil {
			resp.header = http.Header{}
		}
		return resp
	}}
}

// FaultRateLimited is sentry.io's fixed-window 429: JSON bytes sent as
// "text/html; charset=utf-8", X-Sentry-Rate-Limit-Reset in unix seconds at
// the end of the current second, and no Retry-After.
func FaultRateLimited() Fault {
	return Fault{build: func(now time.Time) *response {
		rm := rateMeta{limit: defaultRateLimit, limited: true, reset: now.Unix() + 1}
		resp := rateLimitedResponse(rm)
		rm.apply(resp)
		return resp
	}}
}

// FaultConcurrencyLimited is sentry.io's 429 for too many requests in
// flight, with the concurrent-limit headers.
func FaultConcurrencyLimited(limit int) Fault {
	return Fault{build: func(now time.Time) *response {
		rm := rateMeta{limit: defaultRateLimit, remaining: defaultRateLimit - 1, reset: now.Unix() + 1,
			concurrentLimit: limit, concurrencyExceeded: true, concurrentRemaining: 0, hasConcurrentRemaining: true}
		resp := rateLimitedResponse(rm)
		rm.apply(resp)
		return resp
	}}
}

// FaultRetryAfter is a 429 from a proxy in front of Sentry: an HTML page
// with a Retry-After header in whole seconds (rounded up).
func FaultRetryAfter(d time.Duration) Fault {
	return Fault{build: func(time.Time) *response {
		resp := proxyPage(429, "Too Many Requests")
		resp.set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		return resp
	}}
}

// FaultInternalError is Sentry's 500: {"detail": "Internal Error",
// "errorId": "<32 hex>"}.
func FaultInternalError() Fault {
	return Fault{build: func(time.Time) *response { return internalErrorResponse() }}
}

// FaultBadGateway is a proxy's 502 HTML page.
func FaultBadGateway() Fault {
	return Fault{build: func(time.Time) *response { return proxyPage(502, "Bad Gateway") }}
}

// FaultServiceUnavailable is a proxy's 503 HTML page.
func FaultServiceUnavailable() Fault {
	return Fault{build: func(time.Time) *response { return proxyPage(503, "Service Temporarily Unavailable") }}
}

// FaultLoginPage is a 200 HTML login page, what an SSO proxy or a wrong
// base URL returns instead of JSON.
func FaultLoginPage() Fault {
	return Fault{build: func(time.Time) *response {
		return newResponse(200, contentTypeHTML, []byte(loginPage))
	}}
}

// FaultDropped closes the connection without processing the request and
// without answering, like a proxy or network failure before the request
// reaches Sentry. The client sees an error such as EOF. Note that Go's
// http.Transport resends a GET (not a POST, PUT or DELETE) by itself when
// this happens on a reused connection.
func FaultDropped() Fault {
	return Fault{drop: true}
}

// FaultProcessedThenBadGateway lets the fake handle the request normally,
// then answers with a proxy's 502 HTML page instead of the real answer, as
// when a proxy gives up on an upstream that went on to finish the work. A
// POST has created its key, a PUT has changed it, a DELETE has deleted it.
func FaultProcessedThenBadGateway() Fault {
	return Fault{afterProcessing: true, build: func(time.Time) *response { return proxyPage(502, "Bad Gateway") }}
}

// FaultProcessedThenDropped lets the fake handle the request normally,
// then closes the connection without any answer (through http.Hijacker),
// so the client cannot know whether the request took effect.
func FaultProcessedThenDropped() Fault {
	return Fault{afterProcessing: true, drop: true}
}

// FaultMalformedJSON is a 200 "application/json" answer whose body is cut
// short.
func FaultMalformedJSON() Fault {
	return Fault{build: func(time.Time) *response {
		return jsonResponse(200, []byte(`[{"id":"2b5c6f3a9d8e4f1ab0c7d6e5f4a3b2c1","name":"Def`))
	}}
}

const loginPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Login | Sentry</title></head>
<body>
<form action="/auth/login/" method="post">
<input type="text" name="username" placeholder="username or email">
<input type="password" name="password" placeholder="password">
<button type="submit">Continue</button>
</form>
</body>
</html>
`

// proxyPage is the HTML error page of an nginx proxy.
func proxyPage(status int, reason string) *response {
	title := fmt.Sprintf("%d %s", status, reason)
	body := "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	return newResponse(status, "text/html", []byte(body))
}

// faultQueue is the FIFO of injected faults.
type faultQueue struct {
	mu     sync.Mutex
	faults []Fault
}

// take removes and returns the first queued fault that applies to a
// request with this escaped path and method, or nil.
func (q *faultQueue) take(path, method string) *Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.faults {
		if f.applies(path, method) {
			q.faults = append(q.faults[:i], q.faults[i+1:]...)
			return &f
		}
	}
	return nil
}

// InjectFaults appends faults to the queue. Each serves one request: the
// first request it applies to (see Fault.ForPath and Fault.ForMethod).
func (f *Fake) InjectFaults(faults ...Fault) {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	f.faults.faults = append(f.faults.faults, faults...)
}

// ClearFaults empties the fault queue.
func (f *Fake) ClearFaults() {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	f.faults.faults = nil
}

// PendingFaults returns the number of queued faults not yet served.
func (f *Fake) PendingFaults() int {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	return len(f.faults.faults)
}

// modes holds the behaviour switches that can change at run time.
type modes struct {
	mu  sync.Mutex
	s   modeSnapshot
	rng *rand.Rand // draws for random 503s
}

type modeSnapshot struct {
	latency         time.Duration
	noLinkHeader    bool
	cursorLoop      bool
	rateLimit       int
	concurrentLimit int
	random503       float64
}

func (m *modes) init(cfg Config) {
	m.s = modeSnapshot{cfg.Latency, cfg.NoLinkHeader, cfg.CursorLoop, cfg.RateLimit, cfg.ConcurrentLimit, cfg.Random503Rate}
	m.rng = rand.New(rand.NewPCG(cfg.Seed, 503))
}

func (m *modes) snapshot() modeSnapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.s
}

// draw503 decides whether this request gets a random 503.
func (m *modes) draw503(s modeSnapshot) bool {
	if s.random503 <= 0 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rng.Float64() < s.random503
}

func (f *Fake) setMode(set func(*modeSnapshot)) {
	f.modes.mu.Lock()
	defer f.modes.mu.Unlock()
	set(&f.modes.s)
}

// SetLatency delays every later response by d.
func (f *Fake) SetLatency(d time.Duration) { f.setMode(func(m *modeSnapshot) { m.latency = d }) }

// SetNoLinkHeader turns the omission of Link headers on or off.
func (f *Fake) SetNoLinkHeader(on bool) { f.setMode(func(m *modeSnapshot) { m.noLinkHeader = on }) }

// SetCursorLoop turns the repeating-cursor mode on or off.
func (f *Fake) SetCursorLoop(on bool) { f.setMode(func(m *modeSnapshot) { m.cursorLoop = on }) }

// SetRateLimit changes the per-second limit (see Config.RateLimit).
func (f *Fake) SetRateLimit(n int) { f.setMode(func(m *modeSnapshot) { m.rateLimit = n }) }

// SetConcurrentLimit changes the concurrent-request limit; 0 turns it off.
func (f *Fake) SetConcurrentLimit(n int) { f.setMode(func(m *modeSnapshot) { m.concurrentLimit = n }) }

// SetRandom503Rate changes the fraction of requests answered with a 503.
func (f *Fake) SetRandom503Rate(rate float64) {
	f.setMode(func(m *modeSnapshot) { m.random503 = rate })
}
