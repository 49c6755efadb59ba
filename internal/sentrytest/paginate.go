package sentrytest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentry's cursor pagination (src/sentry/utils/cursors.py,
// src/sentry/api/paginator.py, pagination_factory.py and the Link header of
// src/sentry/api/base.py): every cursor the fake emits is the one a real
// server would emit for the same rows. Clients only send back the next
// cursors they were given, so float or oversized cursor values are refused
// as invalid, negative or huge offsets give an empty page (Sentry answers
// 400 or 500), and paging backwards through a key list is a 400 that names
// the fake.

const (
	maxPerPage          = 100
	msgInvalidPerPage   = "Invalid per_page parameter."
	msgPerPageRange     = "Invalid per_page value. Must be between 1 and %d."
	msgInvalidCursor    = "Invalid cursor parameter."
	msgNoBackwardPaging = "sentrytest: the fake does not page backwards through key lists (cursor with is_prev=1)"
)

// cursor is Sentry's Cursor: value:offset:is_prev, plus has_results, which
// only feeds the results attribute of the Link header.
type cursor struct {
	value, offset      int64
	isPrev, hasResults bool
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
// colon-separated integers, any non-zero is_prev meaning a previous page.
func parseCursor(s string) (cursor, bool) {
	bits := strings.Split(s, ":")
	if len(bits) != 3 {
		return cursor{}, false
	}
	var n [3]int64
	for i, bit := range bits {
		var err error
		if n[i], err = strconv.ParseInt(bit, 10, 64); err != nil {
			return cursor{}, false
		}
	}
	return cursor{value: n[0], offset: n[1], isPrev: n[2] != 0}, true
}

// pageRequest holds the parsed pagination parameters of a request; the
// zero cursor asks for the first page.
type pageRequest struct {
	limit  int64
	cursor cursor
}

// parsePageRequest reads per_page and cursor like Endpoint.paginate:
// per_page first, then the cursor, each failing with a 400. A well-formed
// per_page beyond int64 is out of range, as for Python's int().
func parsePageRequest(q queryDict, defaultPerPage int) (pageRequest, *response) {
	pr := pageRequest{limit: int64(defaultPerPage)}
	if raw, ok := q.get("per_page"); ok {
		highest := int64(max(maxPerPage, defaultPerPage))
		n, err := strconv.ParseInt(raw, 10, 64)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange):
			return pr, detailResponse(400, msgInvalidPerPage)
		case err != nil || n < 1 || n > highest:
			return pr, detailResponse(400, fmt.Sprintf(msgPerPageRange, highest))
		}
		pr.limit = n
	}
	if raw, _ := q.get("cursor"); raw != "" {
		var ok bool
		if pr.cursor, ok = parseCursor(raw); !ok {
			return pr, detailResponse(400, msgInvalidCursor)
		}
	}
	return pr, nil
}

// page is one page of results with its two Link cursors.
type page[T any] struct {
	items      []T
	prev, next cursor
}

// keysetPage pages keys, sorted by internal id descending, like Sentry's
// Paginator with order_by="-id" going forward.
func keysetPage(keys []*Key, req pageRequest) (page[*Key], *response) {
	cur, limit := req.cursor, req.limit
	if cur.isPrev {
		return page[*Key]{}, detailResponse(400, msgNoBackwardPaging)
	}
	// build_queryset: a cursor value keeps the rows with id <= value.
	rows := keys
	if cur.value != 0 {
		rows = nil
		for _, k := range keys {
			if k.internalID <= cur.value {
				rows = append(rows, k)
			}
		}
	}
	results := sliceRows(rows, cur.offset, limit+1)
	n := int64(len(results))
	pg := page[*Key]{items: results[:min(n, limit)], next: cur}
	// _build_prev_values going forward: the first row's id, no offset, and
	// a previous page whenever the cursor had a value or an offset.
	pg.prev = cursor{isPrev: true, hasResults: cur.value != 0 || cur.offset != 0}
	if n == 0 {
		return pg, nil
	}
	pg.prev.value = results[0].internalID
	// _build_next_values with is_desc=True: the last row's id, and an
	// offset past the rows of the page that share it.
	if pg.next.value == 0 {
		pg.next.value = results[0].internalID
	}
	pg.next.hasResults = n > limit
	last := results[n-1].internalID
	if pg.next.value == last {
		pg.next.offset += limit
		return pg, nil
	}
	pg.next.value, pg.next.offset = last, 0
	for i := min(n, limit) - 1; i >= 0 && results[i].internalID <= last; i-- {
		pg.next.offset++
	}
	return pg, nil
}

// sliceRows returns rows[offset:offset+count], clamped like a SQL OFFSET/LIMIT.
func sliceRows[T any](rows []T, offset, count int64) []T {
	n := int64(len(rows))
	if offset < 0 || count <= 0 || offset >= n {
		return nil
	}
	return rows[offset:min(n, offset+count):min(n, offset+count)]
}

// offsetPage pages items like Sentry's OffsetPaginator: the cursor is
// {per_page}:{page}:{is_prev}, is_prev ignored.
func offsetPage[T any](items []T, req pageRequest) page[T] {
	cur, limit := req.cursor, req.limit
	results := sliceRows(items, cur.offset*cur.value, limit+1)
	return page[T]{
		items: results[:min(int64(len(results)), limit)],
		next:  cursor{value: limit, offset: cur.offset + 1, hasResults: int64(len(results)) > limit},
		prev:  cursor{value: limit, offset: cur.offset - 1, isPrev: true, hasResults: cur.offset > 0},
	}
}

// linkHeader builds a list's Link header from base, the request's absolute
// URL with its query string but no cursor.
func linkHeader(base string, prev, next cursor) string {
	entry := func(rel string, c cursor) string {
		return fmt.Sprintf(`<%s&cursor=%s>; rel="%s"; results="%t"; cursor="%s"`, base, c, rel, c.hasResults, c)
	}
	return entry("previous", prev) + ", " + entry("next", next)
}
