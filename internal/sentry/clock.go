package sentry

import (
	"net/http"
	"sync"
	"time"
)

// serverClock estimates the offset between Sentry's clock and the local one
// from the Date header of Sentry's answers. X-Sentry-Rate-Limit-Reset is a
// time on Sentry's clock, and a local clock a few seconds off would otherwise
// make every reset look long past (the pacer then forgot the window) or far
// ahead (every request waited for nothing).
//
// Date has a resolution of one second: an answer generated at 12:00:00.900
// says 12:00:00. So each answer only bounds the offset (server minus local):
// the server read a time in [date, date+1s) at some local instant between
// sending and receiving, hence
//
//	date - received <= offset < date + 1s - sent.
//
// The clock keeps the intersection of these intervals, which narrows to about
// a round trip after a few answers whose Date ticked over at different points.
// When an answer contradicts it (the clock was stepped), it starts again from
// that answer.
//
// Callers use the lower bound. Converting a server time T to local time as
// T - lower is never early: a wait for a rate-limit window is at worst a
// fraction of a second long until the estimate narrows. And the local start
// of a request plus the lower bound is never after the moment the server saw
// it, which is what the search for a key that a failed create may have made
// needs.
type serverClock struct {
	mu     sync.Mutex
	known  bool
	lo, hi time.Duration
}

// observe narrows the estimate with one answer, sent and received around the
// local instants of the exchange. An answer without a readable Date header
// teaches nothing.
func (c *serverClock) observe(h http.Header, sent, received time.Time) {
	v := h.Get("Date")
	if v == "" {
		return
	}
	date, err := http.ParseTime(v)
	if err != nil {
		return
	}
	lo := date.Sub(received)
	hi := date.Add(time.Second).Sub(sent)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.known || lo > c.hi || hi < c.lo {
		c.known, c.lo, c.hi = true, lo, hi
		return
	}
	c.lo = max(c.lo, lo)
	c.hi = min(c.hi, hi)
}

// offset returns the lower bound of the server's clock minus the local one,
// or zero (trust the local clock) when no answer carried a Date header yet.
func (c *serverClock) offset() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lo, c.known
}

// toLocal converts a time read on the server's clock into local time, never
// earlier than the server meant.
func (c *serverClock) toLocal(t time.Time) time.Time {
	off, _ := c.offset()
	return t.Add(-off)
}
