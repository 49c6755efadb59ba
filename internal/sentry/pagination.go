package sentry

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/peterhellberg/link"
)

// listAll requests u with q (plus per_page=100) and every following page.
// Sentry always sends a rel="next" link, even on the last page; only its
// results="true" attribute says another page exists. The next page is
// requested against our own base URL with the link's cursor attribute, never
// by following the link's URL, whose host is Sentry's configured URL prefix
// and may differ from the address the client talks to.
//
// Each page is a JSON array of T; the result is never nil. fields are added to
// the log messages of the listing.
func listAll[T any](ctx context.Context, c *Client, route string, u *url.URL, q url.Values, fields map[string]any) ([]T, error) {
	q.Set("per_page", itoa(PerPage))
	seen := map[string]bool{}
	items := []T{}
	for page := 1; ; page++ {
		pageURL := *u
		pageURL.RawQuery = q.Encode()
		resp, err := c.get(ctx, route, &pageURL)
		if err != nil {
			return nil, err
		}
		var pageItems []T
		if err := json.Unmarshal(resp.body, &pageItems); err != nil {
			return nil, &DecodeError{URL: pageURL.Redacted(), Err: err}
		}
		items = append(items, pageItems...)
		n, total := len(pageItems), len(items)

		cursor, more := nextCursor(resp.header)
		c.log.Debug(ctx, "Read a page from the Sentry API", withFields(fields, map[string]any{
			"endpoint": route, "page": page, "items": n, "total": total,
			"cursor": q.Get("cursor"), "has_next": more,
		}))
		if !more {
			if n == PerPage && resp.header.Get("Link") == "" {
				// Sentry always sends a Link header on a list; without
				// one a full page may hide more. A proxy probably
				// stripped it.
				c.log.Warn(ctx, "A full page from the Sentry API had no Link header; it is taken as the last page, but more items may exist", withFields(fields, map[string]any{
					"endpoint": route, "page": page,
				}))
			}
			return items, nil
		}
		switch {
		case cursor == "":
			return nil, &PaginationError{URL: u.Redacted(), Pages: page, Reason: `the next link says results="true" but carries no cursor`}
		case seen[cursor] || cursor == q.Get("cursor"):
			return nil, &PaginationError{URL: u.Redacted(), Pages: page, Cursor: cursor, Reason: "Sentry sent the cursor " + cursor + " twice, so the listing would never end"}
		case page >= c.maxPages:
			return nil, &PaginationError{URL: u.Redacted(), Pages: page, Cursor: cursor, Reason: "the listing has more than " + itoa(c.maxPages) + " pages, the most one read may take"}
		}
		seen[cursor] = true
		q.Set("cursor", cursor)
	}
}

// nextCursor reads the cursor of the rel="next" Link entry and whether it says
// more results exist. A response without a Link header, or without a next
// entry, is the last page.
func nextCursor(h http.Header) (string, bool) {
	group := link.ParseHeader(h)
	next, ok := group["next"]
	if !ok {
		return "", false
	}
	if next.Extra["results"] != "true" {
		return "", false
	}
	cursor := next.Extra["cursor"]
	if cursor == `""` {
		cursor = ""
	}
	return cursor, true
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
