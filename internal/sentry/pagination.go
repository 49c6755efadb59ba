package sentry

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
)

// Pages reads a listing one page (up to PerPage items) per call to Next, in
// Sentry's order. Every listing of the client goes through it. A repeated
// cursor, more than Config.MaxPages pages and an unreadable Link header are
// errors; a page without a Link header is the last. The next page is
// requested against the client's own base URL with the link's cursor
// attribute, never by following the link's URL, whose host is Sentry's
// configured URL prefix and may differ from the address the client talks to.
// Pages is not safe for concurrent use.
type Pages[T any] struct {
	c      *Client
	route  string
	u      *url.URL
	q      url.Values
	fields map[string]any
	// page counts the pages requested, total the items read.
	page, total int
	seen        map[string]bool
	done        bool
	// err stops the listing: a failed page, or a next cursor that must
	// not be followed (the page that carried it was still returned).
	err error
}

func newPages[T any](c *Client, route string, u *url.URL, q url.Values, fields map[string]any) *Pages[T] {
	q.Set("per_page", itoa(PerPage))
	return &Pages[T]{c: c, route: route, u: u, q: q, fields: fields, seen: map[string]bool{}}
}

// errPagerDone is Next's answer after the last page.
var errPagerDone = errors.New("the listing has no more pages")

// Next requests the next page (one request, retries aside) and returns its
// items: an empty, non-nil slice for an empty page. After an error it returns
// that error again; after the last page, an error.
func (p *Pages[T]) Next(ctx context.Context) ([]T, error) {
	switch {
	case p.err != nil:
		return nil, p.err
	case p.done:
		return nil, errPagerDone
	}
	items, err := p.next(ctx)
	if err != nil {
		p.err = err
	}
	return items, err
}

// Done reports whether the last page has been read (false after an error,
// so that a loop on Done meets the error from Next).
func (p *Pages[T]) Done() bool { return p.done && p.err == nil }

func (p *Pages[T]) next(ctx context.Context) ([]T, error) {
	p.page++
	pageURL := *p.u
	pageURL.RawQuery = p.q.Encode()
	display := pageURL.Redacted()
	resp, _, err := p.c.do(ctx, call{method: http.MethodGet, route: p.route, url: &pageURL})
	if err != nil {
		return nil, err
	}
	next, err := readNextLink(resp.header)
	if err != nil {
		return nil, p.stop("Sentry's Link header cannot be read: "+err.Error(), "", &LinkHeaderError{URL: display, Reason: err.Error()})
	}
	items := []T{}
	if err := json.Unmarshal(resp.body, &items); err != nil {
		return nil, &DecodeError{Method: http.MethodGet, URL: display, Err: err}
	}
	if items == nil {
		items = []T{} // the body was null
	}
	p.total += len(items)
	log := withFields(p.fields, map[string]any{"endpoint": p.route, "page": p.page})
	p.c.log.Debug(ctx, "Read a page from the Sentry API", withFields(log, map[string]any{"items": len(items), "total": p.total}))
	if !next.found && len(items) == PerPage {
		// Sentry always sends a next link on a list; without one a full
		// page may hide more. A proxy probably stripped the header.
		p.c.log.Warn(ctx, "A full page from the Sentry API had no Link header; it is taken as the last page, but more items may exist", log)
	}
	switch cursor := next.cursor; {
	case !next.more:
		p.done = true
	case cursor == "":
		p.err = p.stop(`the next link says results="true" but carries no cursor`, "", nil)
	case p.seen[cursor]:
		p.err = p.stop("Sentry sent the cursor "+cursor+" twice, so the listing would never end", cursor, nil)
	case p.page >= p.c.maxPages:
		p.err = p.stop("the listing has more than "+itoa(p.c.maxPages)+" pages, the most one read may take", cursor, nil)
	default:
		p.seen[cursor] = true
		p.q.Set("cursor", cursor)
	}
	return items, nil
}

func (p *Pages[T]) stop(reason, cursor string, err error) error {
	return &PaginationError{URL: p.u.Redacted(), Pages: p.page, Reason: reason, Cursor: cursor, Err: err}
}

// all reads every remaining page. The result is never nil.
func (p *Pages[T]) all(ctx context.Context) ([]T, error) {
	items := []T{}
	for !p.Done() {
		page, err := p.Next(ctx)
		if err != nil {
			return nil, err
		}
		items = append(items, page...)
	}
	return items, nil
}

func withFields(base, extra map[string]any) map[string]any {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, extra)
	return out
}
