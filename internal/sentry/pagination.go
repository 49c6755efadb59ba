package sentry

import (
	"context"
	"encoding/json"
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
	q.Set("per_page", itoa(PerPage))
	seen := map[string]bool{}
	for page := 1; ; page++ {
		pageURL := *u
		pageURL.RawQuery = q.Encode()
		resp, _, err := c.do(ctx, call{method: http.MethodGet, route: route, url: &pageURL})
		if err != nil {
			return err
		}
		next, err := readNextLink(resp.header)
		if err != nil {
			return &PaginationError{URL: u.Redacted(), Pages: page, Reason: "Sentry's Link header cannot be read: " + err.Error(), Err: &LinkHeaderError{URL: pageURL.Redacted(), Reason: err.Error()}}
		}
		select {
		case pages <- rawPage{number: page, url: pageURL.Redacted(), body: resp.body, noLink: !next.found}:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !next.more {
			return nil
		}
		cursor := next.cursor
		switch {
		case cursor == "":
			return &PaginationError{URL: u.Redacted(), Pages: page, Reason: `the next link says results="true" but carries no cursor`}
		case seen[cursor] || cursor == q.Get("cursor"):
			return &PaginationError{URL: u.Redacted(), Pages: page, Cursor: cursor, Reason: "Sentry sent the cursor " + cursor + " twice, so the listing would never end"}
		case page >= c.maxPages:
			return &PaginationError{URL: u.Redacted(), Pages: page, Cursor: cursor, Reason: "the listing has more than " + itoa(c.maxPages) + " pages, the most one read may take"}
		}
		seen[cursor] = true
		q.Set("cursor", cursor)
	}
}

// consumePages decodes each page and hands its items to each.
func consumePages[T any](ctx context.Context, c *Client, route string, fields map[string]any, pages <-chan rawPage, each func([]T) error) error {
	total := 0
	for p := range pages {
		var items []T
		if err := json.Unmarshal(p.body, &items); err != nil {
			return &DecodeError{URL: p.url, Err: err}
		}
		total += len(items)
		c.log.Debug(ctx, "Read a page from the Sentry API", withFields(fields, map[string]any{
			"endpoint": route, "page": p.number, "items": len(items), "total": total,
		}))
		if p.noLink && len(items) == PerPage {
			// Sentry always sends a Link header on a list; without one a
			// full page may hide more. A proxy probably stripped it.
			c.log.Warn(ctx, "A full page from the Sentry API had no Link header; it is taken as the last page, but more items may exist", withFields(fields, map[string]any{
				"endpoint": route, "page": p.number,
			}))
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
