package sentry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Pages reads a listing one page (up to PerPage items) per call to Next, in
// Sentry's order; every listing goes through it. A repeated cursor, more than
// Config.MaxPages pages and an unreadable Link header are errors; a page
// without a Link header is the last. The next page is asked of the client's
// own base URL with the link's cursor, never at the link's URL, whose host is
// Sentry's configured URL prefix. Pages is not safe for concurrent use.
type Pages[T any] struct {
	c           *Client
	route       string
	u           *url.URL
	q           url.Values
	fields      map[string]any
	page, total int // pages requested, items read
	seen        map[string]bool
	done        bool
	// err stops the listing: a failed page, or a bad next cursor (after
	// the page that carried it).
	err error
}

func newPages[T any](c *Client, route string, u *url.URL, q url.Values, fields map[string]any) *Pages[T] {
	q.Set("per_page", strconv.Itoa(PerPage))
	return &Pages[T]{c: c, route: route, u: u, q: q, fields: fields, seen: map[string]bool{}}
}

// Next requests the next page (one request, retries aside): an empty,
// non-nil slice for an empty page. After an error it returns that error
// again; after the last page, an error.
func (p *Pages[T]) Next(ctx context.Context) ([]T, error) {
	switch {
	case p.err != nil:
		return nil, p.err
	case p.done:
		return nil, errors.New("the listing has no more pages")
	}
	items, err := p.next(ctx)
	if err != nil {
		p.err = err
	}
	return items, err
}

// Done reports whether the last page has been read (false after an error).
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
		// Sentry always sends a next link: a proxy probably stripped it.
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
		p.err = p.stop("the listing has more than "+strconv.Itoa(p.c.maxPages)+" pages, the most one read may take", cursor, nil)
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
	out := map[string]any{}
	maps.Copy(out, base)
	maps.Copy(out, extra)
	return out
}

// nextLink is what a Link header says of the next page; found is false
// without a next entry.
type nextLink struct {
	more, found bool
	cursor      string
}

const (
	linkToken  = `[\w!#$%&'*+.^|~-]+`
	linkQuoted = `"(?:[^"\\]|\\.)*"`
	linkParam  = `;\s*(` + linkToken + `)(?:\s*=\s*(` + linkQuoted + `|` + linkToken + `))?`
)

var (
	// linkEntryRe reads an entry, `<target>; name="value"; name=value`, to
	// its comma; a quoted value may hold commas and semicolons.
	linkEntryRe   = regexp.MustCompile(`^[\s,]*<[^>]*>((?:\s*(?:` + linkParam + `|;))*)\s*(?:,|$)`)
	linkParamRe   = regexp.MustCompile(linkParam)
	linkEscapesRe = regexp.MustCompile(`\\(.)`)
)

// readNextLink finds Sentry's rel="next" entry, `<url>; rel="next";
// results="true"; cursor="..."`, among entries it does not know (other rels,
// a CDN's `<https://cdn/x.css>`). No header or no next entry is the last page
// (the listing warns on a full one). A header it cannot split into entries,
// or a next entry without results "true" or "false", is an error: guessing
// would end a listing early without a word.
func readNextLink(h http.Header) (nextLink, error) {
	var next map[string]string
	for _, v := range h.Values("Link") {
		for rest := v; strings.Trim(rest, " \t,") != ""; {
			m := linkEntryRe.FindStringSubmatch(rest)
			if m == nil {
				return nextLink{}, fmt.Errorf("it cannot be split into links near %q", shorten(strings.TrimLeft(rest, " \t,"), 40))
			}
			rest = rest[len(m[0]):]
			params := map[string]string{}
			for _, p := range linkParamRe.FindAllStringSubmatch(m[1], -1) {
				if name := strings.ToLower(p[1]); params[name] == "" {
					params[name] = linkEscapesRe.ReplaceAllString(strings.Trim(p[2], `"`), "$1")
				}
			}
			for _, rel := range strings.Fields(params["rel"]) {
				if next == nil && strings.EqualFold(rel, "next") {
					next = params
				}
			}
		}
	}
	if next == nil {
		return nextLink{}, nil
	}
	switch results, ok := next["results"]; {
	case !ok:
		return nextLink{}, fmt.Errorf(`the rel="next" link has no results attribute`)
	case strings.EqualFold(results, "true"):
		return nextLink{more: true, cursor: next["cursor"], found: true}, nil
	case strings.EqualFold(results, "false"):
		return nextLink{found: true}, nil
	default:
		return nextLink{}, fmt.Errorf(`the rel="next" link says results=%q, neither "true" nor "false"`, shorten(results, 20))
	}
}

// shorten cuts s to n bytes, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
