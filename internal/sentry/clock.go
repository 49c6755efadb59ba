package sentry

import (
	"math"
	"net/http"
	"sync"
	"time"
)

// serverClock estimates the offset between Sentry's clock and the local one
// (server minus local). X-Sentry-Rate-Limit-Reset and a key's dateCreated
// are times on Sentry's clock, and a local clock a few seconds off would
// otherwise make every reset look long past or far ahead.
//
// Each answer only bounds the offset, since Sentry read its clock at some
// local instant between sending and receiving:
//
//   - its Date (one-second resolution) says the server's time was in
//     [date, date+1s): date - received <= offset < date + 1s - sent;
//   - its X-Sentry-Rate-Limit-Reset says the window that counted it had not
//     ended yet: offset < reset - sent;
//   - an answer from a later window than one seen before (a rollover) was
//     counted after that window ended: offset >= end - received.
//
// The clock keeps the intersection. An answer counted just before a window
// ended and one received just after narrow it to about a round trip. When an
// answer contradicts it (the clock was stepped), it starts again from that
// answer.
//
// Callers use the lower bound: converting a server time T to local time as
// T - lower is never early, so a request sent at the local time of a
// window's end reaches Sentry after it.
type serverClock struct {
	mu     sync.Mutex
	known  bool
	lo, hi time.Duration
}

// observe narrows the estimate with one answer, sent and received at the
// given local instants; after, when not zero, is the end of a window that had
// ended when Sentry counted it. An answer that bounds the offset on one side
// only narrows an estimate, never starts one.
func (c *serverClock) observe(h http.Header, sent, received, after time.Time) {
	const inf = time.Duration(math.MaxInt64)
	lo, hi := -inf, inf
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		lo, hi = date.Sub(received), date.Add(time.Second).Sub(sent)
	}
	// A bound that contradicts the Date is a server's mistake: ignore it.
	if reset, ok := parseReset(h); ok && reset.Sub(sent) > lo {
		hi = min(hi, reset.Sub(sent))
	}
	if !after.IsZero() && after.Sub(received) < hi {
		lo = max(lo, after.Sub(received))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.known && lo < c.hi && hi > c.lo:
		c.lo, c.hi = max(c.lo, lo), min(c.hi, hi)
	case lo > -inf && hi < inf:
		// The first answer, or one that contradicts the estimate (the
		// clock was stepped): start again from it.
		c.known, c.lo, c.hi = true, lo, hi
	}
}

// bounds returns the bounds of the offset; zero (trust the local clock) when
// no answer carried a Date header yet.
func (c *serverClock) bounds() (lo, hi time.Duration, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lo, c.hi, c.known
}

// offset returns the lower bound of the offset.
func (c *serverClock) offset() (time.Duration, bool) {
	lo, _, known := c.bounds()
	return lo, known
}

// toLocal converts a time read on the server's clock into local time, never
// earlier than the server meant.
func (c *serverClock) toLocal(t time.Time) time.Time {
	off, _ := c.offset()
	return t.Add(-off)
}
