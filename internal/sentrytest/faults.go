package sentrytest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
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
	hooks           []func()                      // run when the fault strikes
}

// Do returns the fault with fn run when the fault strikes: before its
// answer is sent, and for the FaultProcessedThen* faults after the request
// was processed. fn runs without the fake's lock held, so it may change the
// fake's data at that moment, say create the key another client would
// while a create fails. On the zero Fault, which keeps the normal answer,
// fn runs before the request is processed. Each Do adds a function; they
// run in turn.
func (f Fault) Do(fn func()) Fault {
	f.hooks = append(slices.Clip(f.hooks), fn)
	return f
}

// ForPath restricts the fault to requests whose escaped path starts with
// prefix; other requests pass it by.
func (f Fault) ForPath(prefix string) Fault { f.prefix = prefix; return f }

// ForMethod restricts the fault to requests with this HTTP method (for
// example "POST"); other requests pass it by. It combines with ForPath.
func (f Fault) ForMethod(method string) Fault { f.method = method; return f }

// Times returns n copies of the fault, to queue it for n requests.
func (f Fault) Times(n int) []Fault { return slices.Repeat([]Fault{f}, n) }

// strike runs the fault's functions.
func (f Fault) strike() {
	for _, fn := range f.hooks {
		fn()
	}
}

// answer returns the fault's answer; nil means drop the connection.
func (f Fault) answer(now time.Time) *response {
	if f.drop {
		return nil
	}
	return f.build(now)
}

// canned is a fault that answers what build returns.
func canned(afterProcessing bool, build func() *response) Fault {
	return Fault{afterProcessing: afterProcessing, build: func(time.Time) *response { return build() }}
}

// FaultResponse is a fault with an arbitrary status, headers and body.
func FaultResponse(status int, header http.Header, body []byte) Fault {
	return canned(false, func() *response {
		resp := &response{status: status, header: header.Clone(), body: body}
		if resp.header == nil {
			resp.header = http.Header{}
		}
		return resp
	})
}

// FaultRateLimited is sentry.io's fixed-window 429: JSON bytes sent as
// "text/html; charset=utf-8", X-Sentry-Rate-Limit-Reset in unix seconds at
// the end of the current second, and no Retry-After.
func FaultRateLimited() Fault {
	return Fault{build: func(now time.Time) *response {
		return rateMeta{limit: defaultRateLimit, limited: true, reset: now.Unix() + 1}.refuse()
	}}
}

// FaultConcurrencyLimited is sentry.io's 429 for too many requests in
// flight, with the concurrent-limit headers.
func FaultConcurrencyLimited(limit int) Fault {
	return Fault{build: func(now time.Time) *response {
		return rateMeta{limit: defaultRateLimit, remaining: defaultRateLimit - 1, reset: now.Unix() + 1,
			concurrentLimit: limit, concurrencyExceeded: true, hasConcurrentRemaining: true}.refuse()
	}}
}

// FaultRetryAfter is a 429 from a proxy in front of Sentry: an HTML page
// with a Retry-After header in whole seconds (rounded up).
func FaultRetryAfter(d time.Duration) Fault {
	return canned(false, func() *response {
		resp := proxyPage(429, "Too Many Requests")
		resp.set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		return resp
	})
}

// FaultInternalError is Sentry's 500: {"detail": "Internal Error",
// "errorId": "<32 hex>"}.
func FaultInternalError() Fault { return canned(false, internalErrorResponse) }

// FaultBadGateway is a proxy's 502 HTML page.
func FaultBadGateway() Fault { return canned(false, badGateway) }

// FaultServiceUnavailable is a proxy's 503 HTML page.
func FaultServiceUnavailable() Fault { return canned(false, serviceUnavailable) }

// FaultLoginPage is a 200 HTML login page, what an SSO proxy or a wrong
// base URL returns instead of JSON.
func FaultLoginPage() Fault {
	return canned(false, func() *response { return newResponse(200, contentTypeHTML, []byte(loginPage)) })
}

// FaultDropped closes the connection without processing the request and
// without answering, like a proxy or network failure before the request
// reaches Sentry. The client sees an error such as EOF. Note that Go's
// http.Transport resends a GET (not a POST, PUT or DELETE) by itself when
// this happens on a reused connection.
func FaultDropped() Fault { return Fault{drop: true} }

// FaultProcessedThenBadGateway lets the fake handle the request normally,
// then answers with a proxy's 502 HTML page instead of the real answer, as
// when a proxy gives up on an upstream that went on to finish the work. A
// POST has created its key, a PUT has changed it, a DELETE has deleted it.
func FaultProcessedThenBadGateway() Fault { return canned(true, badGateway) }

// FaultProcessedThenDropped lets the fake handle the request normally,
// then closes the connection without any answer (through http.Hijacker),
// so the client cannot know whether the request took effect.
func FaultProcessedThenDropped() Fault { return Fault{afterProcessing: true, drop: true} }

// FaultMalformedJSON is a 200 "application/json" answer whose body is cut
// short.
func FaultMalformedJSON() Fault {
	return canned(false, func() *response {
		return jsonResponse(200, []byte(`[{"id":"2b5c6f3a9d8e4f1ab0c7d6e5f4a3b2c1","name":"Def`))
	})
}

const loginPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Login | Sentry</title></head>
<body><form action="/auth/login/" method="post">
<input type="text" name="username" placeholder="username or email">
<input type="password" name="password" placeholder="password">
<button type="submit">Continue</button></form></body></html>
`

// proxyPage is the HTML error page of an nginx proxy.
func proxyPage(status int, reason string) *response {
	title := fmt.Sprintf("%d %s", status, reason)
	body := "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	return newResponse(status, "text/html", []byte(body))
}

func badGateway() *response         { return proxyPage(502, "Bad Gateway") }
func serviceUnavailable() *response { return proxyPage(503, "Service Temporarily Unavailable") }

// switches are what tests change while requests are served: the fault
// queue and the modes.
type switches struct {
	mu     sync.Mutex
	faults []Fault
	modes  modes
	rng    *rand.Rand // draws for random 503s
}

// modes are the behaviour switches of Config that can change at run time.
type modes struct {
	latency         time.Duration
	noLinkHeader    bool
	cursorLoop      bool
	rateLimit       int
	concurrentLimit int
	random503       float64
}

func (s *switches) with(fn func()) { s.mu.Lock(); defer s.mu.Unlock(); fn() }

// take removes and returns the first queued fault that applies to a
// request with this escaped path and method, or nil.
func (s *switches) take(path, method string) (taken *Fault) {
	s.with(func() {
		i := slices.IndexFunc(s.faults, func(f Fault) bool {
			return strings.HasPrefix(path, f.prefix) && (f.method == "" || f.method == method)
		})
		if i >= 0 {
			fault := s.faults[i]
			taken, s.faults = &fault, slices.Delete(s.faults, i, i+1)
		}
	})
	return taken
}

// snapshot returns the modes in force for a request.
func (s *switches) snapshot() (m modes) { s.with(func() { m = s.modes }); return m }

// draw503 decides whether this request gets a random 503.
func (s *switches) draw503(m modes) (hit bool) {
	if m.random503 > 0 {
		s.with(func() { hit = s.rng.Float64() < m.random503 })
	}
	return hit
}

// InjectFaults appends faults to the queue. Each serves one request: the
// first request it applies to (see Fault.ForPath and Fault.ForMethod).
func (f *Fake) InjectFaults(faults ...Fault) {
	f.switches.with(func() { f.switches.faults = append(f.switches.faults, faults...) })
}

// ClearFaults empties the fault queue.
func (f *Fake) ClearFaults() { f.switches.with(func() { f.switches.faults = nil }) }

// PendingFaults returns the number of queued faults not yet served.
func (f *Fake) PendingFaults() (n int) {
	f.switches.with(func() { n = len(f.switches.faults) })
	return n
}

func (f *Fake) setMode(set func(*modes)) { f.switches.with(func() { set(&f.switches.modes) }) }

// SetLatency delays every later response by d.
func (f *Fake) SetLatency(d time.Duration) { f.setMode(func(m *modes) { m.latency = d }) }

// SetNoLinkHeader turns the omission of Link headers on or off.
func (f *Fake) SetNoLinkHeader(on bool) { f.setMode(func(m *modes) { m.noLinkHeader = on }) }

// SetCursorLoop turns the repeating-cursor mode on or off.
func (f *Fake) SetCursorLoop(on bool) { f.setMode(func(m *modes) { m.cursorLoop = on }) }

// SetRateLimit changes the per-second limit (see Config.RateLimit).
func (f *Fake) SetRateLimit(n int) { f.setMode(func(m *modes) { m.rateLimit = n }) }

// SetConcurrentLimit changes the concurrent-request limit; 0 turns it off.
func (f *Fake) SetConcurrentLimit(n int) { f.setMode(func(m *modes) { m.concurrentLimit = n }) }

// SetRandom503Rate changes the fraction of requests answered with a 503.
func (f *Fake) SetRandom503Rate(rate float64) { f.setMode(func(m *modes) { m.random503 = rate }) }
