package sentry

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
)

// rawPage is one page as fetched, before decoding.
type rawPage struct {
	number int
	url    string
	body   []byte
	// noLink is true when the answer had no Link header, or one without a
	// next entry.
	noLink bool
}

// eachPage requests u with q (plus per_page=100) and every following page,
// and calls each with every page's items, in order.
//
// Sentry always sends a rel="next" link, even on the last page; only its
// results="true" attribute says another page exists. The next page is
// requested against our own base URL with the link's cursor attribute, never
// by following the link's URL, whose host is Sentry's configured URL prefix
// and may differ from the address the client talks to.
//
// Pages are decoded, and each runs, in a second goroutine: the request for
// the next page goes out as soon as a page's headers have been read, so a
// caller's work on a page overlaps the round trip for the next one. each is
// never called concurrently with itself. The first error stops everything:
// no page after a failed one is passed on.
//
// fields are added to the log messages of the listing.
func eachPage[T any](ctx context.Context, c *Client, route string, u *url.URL, q url.Values, fields map[string]any, each func([]T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Unbuffered: the fetching runs one page ahead of the decoding, not more.
	pages := make(chan rawPage)
	consumed := make(chan error, 1)
	go func() {
		consumed <- consumePages(ctx, c, route, fields, pages, each)
		cancel()
		for range pages {
			// Let the fetching loop finish after an error.
		}
	}()

	fetchErr := fetchPages(ctx, c, route, u, q, pages)
	close(pages)
	consumeErr := <-consumed
	switch {
	case consumeErr != nil:
		// A page that could not be decoded (or that each refused) stopped
		// the fetching; its error is the one that matters.
		return consumeErr
	case fetchErr != nil:
		return fetchErr
	}
	return nil
}

// fetchPages requests every page and sends it to pages, until the next link
// says results="false" or something fails.
func fetchPages(ctx context.Context, c *Client, route string, u *url.URL, q url.Values, pages chan<- rawPage) error {
	w := newPageWalker(c, route, u, q)
	for {
		p, err := w.next(ctx)
		if err != nil {
			return err
		}
		select {
		case pages <- p:
		case <-ctx.Done():
			return ctx.Err()
		}
		if w.done {
			return nil
		}
	}
}

// pageWalker requests the pages of a listing one at a time, and holds the
// guards every listing needs: a repeated cursor, more pages than the client
// allows, and a Link header it cannot read are errors; a missing Link header
// (or one without a next entry) is the last page.
type pageWalker struct {
	c     *Client
	route string
	u     *url.URL
	q     url.Values
	// page counts the pages fetched.
	page int
	seen map[string]bool
	// done is set once a page said it was the last.
	done bool
	// err stops the walk: a failed request, or a next cursor that must not
	// be followed. The page that carried the cursor was still returned.
	err error
}

func newPageWalker(c *Client, route string, u *url.URL, q url.Values) *pageWalker {
	q.Set("per_page", itoa(PerPage))
	return &pageWalker{c: c, route: route, u: u, q: q, seen: map[string]bool{}}
}

// errPagerDone is next's answer after the last page.
var errPagerDone = errors.New("the listing has no more pages")

// next requests the following page, unless the walk is done or stopped.
func (w *pageWalker) next(ctx context.Context) (rawPage, error) {
	switch {
	case w.err != nil:
		return rawPage{}, w.err
	case w.done:
		return rawPage{}, errPagerDone
	}
	w.page++
	pageURL := *w.u
	pageURL.RawQuery = w.q.Encode()
	resp, _, err := w.c.do(ctx, call{method: http.MethodGet, route: w.route, url: &pageURL})
	if err != nil {
		w.err = err
		return rawPage{}, err
	}
	next, err := readNextLink(resp.header)
	if err != nil {
		w.err = &PaginationError{URL: w.u.Redacted(), Pages: w.page, Reason: "Sentry's Link header cannot be read: " + err.Error(), Err: &LinkHeaderError{URL: pageURL.Redacted(), Reason: err.Error()}}
		return rawPage{}, w.err
	}
	p := rawPage{number: w.page, url: pageURL.Redacted(), body: resp.body, noLink: !next.found}
	if !next.more {
		w.done = true
		return p, nil
	}
	cursor := next.cursor
	switch {
	case cursor == "":
		w.err = &PaginationError{URL: w.u.Redacted(), Pages: w.page, Reason: `the next link says results="true" but carries no cursor`}
	case w.seen[cursor] || cursor == w.q.Get("cursor"):
		w.err = &PaginationError{URL: w.u.Redacted(), Pages: w.page, Cursor: cursor, Reason: "Sentry sent the cursor " + cursor + " twice, so the listing would never end"}
	case w.page >= w.c.maxPages:
		w.err = &PaginationError{URL: w.u.Redacted(), Pages: w.page, Cursor: cursor, Reason: "the listing has more than " + itoa(w.c.maxPages) + " pages, the most one read may take"}
	default:
		w.seen[cursor] = true
		w.q.Set("cursor", cursor)
	}
	return p, nil
}

// decodePage decodes one page's items and logs it; total counts the items of
// the listing so far, this page's included.
func decodePage[T any](ctx context.Context, c *Client, route string, fields map[string]any, p rawPage, total *int) ([]T, error) {
	items := []T{}
	if err := json.Unmarshal(p.body, &items); err != nil {
		return nil, &DecodeError{Method: http.MethodGet, URL: p.url, Err: err}
	}
	if items == nil {
		items = []T{} // the body was null
	}
	*total += len(items)
	c.log.Debug(ctx, "Read a page from the Sentry API", withFields(fields, map[string]any{
		"endpoint": route, "page": p.number, "items": len(items), "total": *total,
	}))
	if p.noLink && len(items) == PerPage {
		// Sentry always sends a Link header with a next entry on a
		// list; without one a full page may hide more. A proxy
		// probably stripped it.
		c.log.Warn(ctx, "A full page from the Sentry API had no Link header; it is taken as the last page, but more items may exist", withFields(fields, map[string]any{
			"endpoint": route, "page": p.number,
		}))
	}
	return items, nil
}

// consumePages decodes each page and hands its items to each.
func consumePages[T any](ctx context.Context, c *Client, route string, fields map[string]any, pages <-chan rawPage, each func([]T) error) error {
	total := 0
	for p := range pages {
		items, err := decodePage[T](ctx, c, route, fields, p, &total)
		if err != nil {
			return err
		}
		if err := each(items); err != nil {
			return err
		}
	}
	return nil
}

// listAll collects every item of a listing (see eachPage). The result is
// never nil.
func listAll[T any](ctx context.Context, c *Client, route string, u *url.URL, q url.Values, fields map[string]any) ([]T, error) {
	items := []T{}
	err := eachPage(ctx, c, route, u, q, fields, func(page []T) error {
		items = append(items, page...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

func withFields(base, extra map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
