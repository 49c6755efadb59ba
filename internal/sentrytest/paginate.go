package sentrytest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// This file reproduces Sentry's cursor pagination as far as a client can
// reach it: the Cursor string format (src/sentry/utils/cursors.py), the
// keyset Paginator used with order_by="-id" and the OffsetPaginator
// (src/sentry/api/paginator.py), the per_page rules
// (src/sentry/utils/pagination_factory.py) and the Link header
// (CURSOR_LINK_HEADER in src/sentry/api/base.py). Every cursor the fake
// emits, previous-page cursors included, is the one a real server would
// emit for the same rows.
//
// Left out, because clients only send back the next cursors they were
// given: float cursor values and numbers beyond int64 (Sentry accepts both;
// the fake answers "Invalid cursor parameter."), negative offsets and
// offsets beyond a bigint (Sentry's 400 and 500s; the fake answers an
// empty page), and paging backwards through a keyset list with a
// previous-page cursor (answered with a 400 that names the fake).

const (
	maxPerPage           = 100
	msgInvalidPerPage    = "Invalid per_page parameter."
	msgPerPageRange      = "Invalid per_page value. Must be between 1 and %d."
	msgInvalidCursor     = "Invalid cursor parameter."
	msgNoBackwardPaging  = "sentrytest: the fake does not page backwards through key lists (cursor with is_prev=1)"
	linkEntryFormat      = `<%s&cursor=%s>; rel="%s"; results="%s"; cursor="%s"`
	linkPreviousRelation = "previous"
	linkNextRelation     = "next"
)

// cursor is Sentry's Cursor: value:offset:is_prev, plus has_results, which
// only feeds the results attribute of the Link header.
type cursor struct {
	value      int64
	offset     int64
	isPrev     bool
	hasResults bool
}

// String formats the cursor like str(Cursor): "%s:%s:%s" with int(is_prev).
func (c cursor) String() string {
	prev := 0
	if c.isPrev {
		prev = 1
	}
	return fmt.Sprintf("%d:%d:%d", c.value, c.offset, prev)
}

// parseCursor parses the integer form of Cursor.from_string: three
// colon-separated integers, any non-zero is_prev meaning a previous-page
// cursor.
func parseCursor(s string) (cursor, bool) {
	bits := strings.Split(s, ":")
	if len(bits) != 3 {
		return cursor{}, false
	}
	var n [3]int64
	for i, bit := range bits {
		v, err := strconv.ParseInt(bit, 10, 64)
		if err != nil {
			return cursor{}, false
		}
		n[i] = v
	}
	return cursor{value: n[0], offset: n[1], isPrev: n[2] != 0}, true
}

// pageRequest holds the parsed pagination parameters of a request.
type pageRequest struct {
	limit  int
	cursor *cursor // nil for the first page
}

// parsePageRequest reads per_page and cursor like Endpoint.paginate:
// per_page first, then the cursor, each failing with a 400. A well-formed
// per_page beyond int64 is out of range, as for Python's int().
func parsePageRequest(q queryDict, defaultPerPage int) (pageRequest, *response) {
	limit := defaultPerPage
	if raw, ok := q.get("per_page"); ok {
		highest := max(maxPerPage, defaultPerPage)
		n, err := strconv.ParseInt(raw, 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange):
			return pageRequest{}, detailResponse(400, fmt.Sprintf(msgPerPageRange, highest))
		case err != nil:
			return pageRequest{}, detailResponse(400, msgInvalidPerPage)
		case n < 1 || n > int64(highest):
			return pageRequest{}, detailResponse(400, fmt.Sprintf(msgPerPageRange, highest))
		}
		limit = int(n)
	}
	pr := pageRequest{limit: limit}
	if raw, _ := q.get("cursor"); raw != "" {
		c, ok := parseCursor(raw)
		if !ok {
			return pageRequest{}, detailResponse(400, msgInvalidCursor)
		}
		pr.cursor = &c
	}
	return pr, nil
}

// page is one page of results with its two Link cursors.
type page[T any] struct {
	items      []T
	prev, next cursor
}

// keysetPage pages items, which must be sorted by id descending, like
// Sentry's Paginator with order_by="-id" going forward.
func keysetPage[T any](items []T, id func(T) int64, req pageRequest) (page[T], *response) {
	var cur cursor
	if req.cursor != nil {
		cur = *req.cursor
	}
	if cur.isPrev {
		return page[T]{}, detailResponse(400, msgNoBackwardPaging)
	}
	limit := int64(req.limit)

	// build_queryset: a cursor value keeps the rows with id <= value.
	rows := items
	if cur.value != 0 {
		rows = make([]T, 0, len(items))
		for _, item := range items {
			if id(item) <= cur.value {
				rows = append(rows, item)
			}
		}
	}
	results := sliceRows(rows, cur.offset, limit+1)
	nextValue, nextOffset, hasNext := buildNextValues(cur, results, id, limit)

	// _build_prev_values going forward: the first row's id, no offset, and
	// a previous page whenever the cursor had a value or an offset.
	var prevValue int64
	if len(results) > 0 {
		prevValue = id(results[0])
	}
	return page[T]{
		items: results[:min(int64(len(results)), limit)],
		next:  cursor{value: nextValue, offset: nextOffset, hasResults: hasNext},
		prev:  cursor{value: prevValue, isPrev: true, hasResults: cur.value != 0 || cur.offset != 0},
	}, nil
}

// sliceRows returns rows[offset:offset+count], clamped like a SQL OFFSET/LIMIT.
func sliceRows[T any](rows []T, offset, count int64) []T {
	n := int64(len(rows))
	if offset < 0 || count <= 0 || offset >= n {
		return nil
	}
	end := n
	if count < n-offset {
		end = offset + count
	}
	out := make([]T, end-offset)
	copy(out, rows[offset:end])
	return out
}

// buildNextValues is _build_next_values with is_desc=True and is_prev=False.
func buildNextValues[T any](cur cursor, results []T, id func(T) int64, limit int64) (value, offset int64, hasNext bool) {
	value, offset = cur.value, cur.offset
	n := int64(len(results))
	if n == 0 {
		return value, offset, false
	}
	if value == 0 {
		value = id(results[0])
	}
	hasNext = n > limit
	nextValue := id(results[n-1])
	if value == nextValue {
		return nextValue, offset + limit, hasNext
	}
	nextOffset := int64(0)
	start := n - 1
	if hasNext {
		start--
	}
	for i := start; i >= 0; i-- {
		if id(results[i]) > nextValue {
			break
		}
		nextOffset++
	}
	return nextValue, nextOffset, hasNext
}

// offsetPage pages items like Sentry's OffsetPaginator, whose cursors are
// {per_page}:{page}:{is_prev} and which ignores is_prev.
func offsetPage[T any](items []T, req pageRequest) page[T] {
	var cur cursor
	if req.cursor != nil {
		cur = *req.cursor
	}
	limit := int64(req.limit)
	// offset = page * value; stop = offset + (value or limit) + 1.
	step := cur.value
	if step == 0 {
		step = limit
	}
	results := sliceRows(items, cur.offset*cur.value, step+1)
	if cur.value != limit && int64(len(results)) > limit+1 {
		results = results[int64(len(results))-(limit+1):]
	}
	return page[T]{
		items: results[:min(int64(len(results)), limit)],
		next:  cursor{value: limit, offset: cur.offset + 1, hasResults: int64(len(results)) > limit},
		prev:  cursor{value: limit, offset: cur.offset - 1, isPrev: true, hasResults: cur.offset > 0},
	}
}

// linkHeader builds the two-entry Link header of a paginated response.
// base is the absolute URL of the request path followed by "?" and the
// request's query string without cursor.
func linkHeader(base string, prev, next cursor) string {
	return linkEntry(base, linkPreviousRelation, prev) + ", " + linkEntry(base, linkNextRelation, next)
}

func linkEntry(base, rel string, c cursor) string {
	results := "false"
	if c.hasResults {
		results = "true"
	}
	s := c.String()
	return fmt.Sprintf(linkEntryFormat, base, s, rel, results, s)
}
