package sentrytest

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// This file reproduces Sentry's cursor pagination: the Cursor string format
// (src/sentry/utils/cursors.py), the keyset Paginator used with
// order_by="-id" and the OffsetPaginator (src/sentry/api/paginator.py), the
// per_page rules (src/sentry/utils/pagination_factory.py) and the Link header
// (CURSOR_LINK_HEADER in src/sentry/api/base.py). It follows the Python
// code step by step, quirks included, so that every cursor the fake emits is
// the one a real server would emit for the same rows.

const (
	maxPerPage           = 100
	msgInvalidPerPage    = "Invalid per_page parameter."
	msgPerPageRange      = "Invalid per_page value. Must be between 1 and %d."
	msgInvalidCursor     = "Invalid cursor parameter."
	msgNegativeOffset    = "Pagination offset cannot be negative"
	linkEntryFormat      = `<%s&cursor=%s>; rel="%s"; results="%s"; cursor="%s"`
	linkPreviousRelation = "previous"
	linkNextRelation     = "next"
)

// number is the value part of a cursor: a Python int (arbitrary precision)
// or, when the text contains a dot, a Python float.
type number struct {
	isFloat bool
	f       float64
	i       *big.Int
}

func intNumber(v int64) number { return number{i: big.NewInt(v)} }

// truthy reports Python truthiness (non-zero).
func (n number) truthy() bool {
	if n.isFloat {
		return n.f != 0
	}
	return n.i != nil && n.i.Sign() != 0
}

// cmpInt compares n with v like Python compares an int or float with an int.
func (n number) cmpInt(v int64) int {
	if n.isFloat {
		switch fv := float64(v); {
		case n.f < fv:
			return -1
		case n.f > fv:
			return 1
		}
		return 0
	}
	if n.i == nil {
		return big.NewInt(0).Cmp(big.NewInt(v))
	}
	return n.i.Cmp(big.NewInt(v))
}

// orZero implements Python's "value or 0".
func (n number) orZero() number {
	if !n.truthy() {
		return intNumber(0)
	}
	return n
}

// String formats the number like Python's str().
func (n number) String() string {
	if n.isFloat {
		return formatPyFloat(n.f)
	}
	if n.i == nil {
		return "0"
	}
	return n.i.String()
}

// cursor is Sentry's Cursor: value:offset:is_prev, plus has_results, which
// only feeds the results attribute of the Link header.
type cursor struct {
	value      number
	offset     *big.Int
	isPrev     bool
	hasResults bool
}

func newCursor(value number, offset int64, isPrev, hasResults bool) cursor {
	return cursor{value: value, offset: big.NewInt(offset), isPrev: isPrev, hasResults: hasResults}
}

// String formats the cursor like str(Cursor): "%s:%s:%s" with int(is_prev).
func (c cursor) String() string {
	prev := 0
	if c.isPrev {
		prev = 1
	}
	return fmt.Sprintf("%s:%s:%d", c.value, c.offset, prev)
}

// parseCursor parses a cursor like Cursor.from_string.
func parseCursor(s string) (cursor, bool) {
	bits := strings.Split(s, ":")
	if len(bits) != 3 {
		return cursor{}, false
	}
	var value number
	if strings.Contains(bits[0], ".") {
		f, ok := parsePyFloat(bits[0])
		if !ok {
			return cursor{}, false
		}
		value = number{isFloat: true, f: f}
	} else {
		i, ok := parsePyInt(bits[0])
		if !ok {
			return cursor{}, false
		}
		value = number{i: i}
	}
	offset, ok := parsePyInt(bits[1])
	if !ok {
		return cursor{}, false
	}
	isPrev, ok := parsePyInt(bits[2])
	if !ok {
		return cursor{}, false
	}
	return cursor{value: value, offset: offset, isPrev: isPrev.Sign() != 0}, true
}

// pageRequest holds the parsed pagination parameters of a request.
type pageRequest struct {
	limit  int
	cursor *cursor // nil for the first page
}

// parsePageRequest reads per_page and cursor like Endpoint.paginate:
// per_page first, then the cursor, each failing with a 400.
func parsePageRequest(q queryDict, defaultPerPage int) (pageRequest, *response) {
	limit := defaultPerPage
	if raw, ok := q.get("per_page"); ok {
		n, ok := parsePyInt(raw)
		if !ok {
			return pageRequest{}, detailResponse(400, msgInvalidPerPage)
		}
		highest := max(maxPerPage, defaultPerPage)
		if n.Cmp(big.NewInt(1)) < 0 || n.Cmp(big.NewInt(int64(highest))) > 0 {
			return pageRequest{}, detailResponse(400, fmt.Sprintf(msgPerPageRange, highest))
		}
		limit = int(n.Int64())
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

// keysetPage pages items, which must be sorted by id descending, exactly
// like Sentry's Paginator with order_by="-id". A negative or oversized
// offset makes Django fail while slicing, which Sentry answers with a 500;
// ok is false in that case.
func keysetPage[T any](items []T, id func(T) int64, req pageRequest) (p page[T], ok bool) {
	cur := newCursor(intNumber(0), 0, false, false)
	if req.cursor != nil {
		cur = *req.cursor
	}
	if cur.offset.Sign() < 0 || !cur.offset.IsInt64() {
		return page[T]{}, false
	}
	offset := cur.offset.Int64()
	limit := int64(req.limit)
	value := cur.value

	// build_queryset: a previous-page cursor flips the order to ascending and
	// the keyset condition to id >= value.
	rows := make([]T, 0, len(items))
	for i := range items {
		item := items[i]
		if cur.isPrev {
			item = items[len(items)-1-i]
		}
		if value.truthy() {
			if cur.isPrev && value.cmpInt(id(item)) > 0 {
				continue
			}
			if !cur.isPrev && value.cmpInt(id(item)) < 0 {
				continue
			}
		}
		rows = append(rows, item)
	}

	extra := int64(1)
	if cur.isPrev && value.truthy() {
		extra++
	}
	results := sliceRows(rows, offset, limit+extra)
	if cur.isPrev && value.truthy() {
		if len(results) > 0 && value.cmpInt(id(results[0])) == 0 {
			results = results[1:]
		} else if int64(len(results)) == offset+limit+extra {
			results = results[:len(results)-1]
		}
	}
	if cur.isPrev {
		for i, j := 0, len(results)-1; i < j; i, j = i+1, j-1 {
			results[i], results[j] = results[j], results[i]
		}
	}

	nextValue, nextOffset, hasNext := buildNextValues(cur, results, id, limit)
	prevValue, prevOffset, hasPrev := buildPrevValues(cur, results, id, limit)
	switch {
	case cur.isPrev && hasPrev:
		results = results[1:]
	case !cur.isPrev:
		results = results[:min(int64(len(results)), limit)]
	}
	return page[T]{
		items: results,
		next:  newCursor(nextValue.orZero(), nextOffset, false, hasNext),
		prev:  newCursor(prevValue.orZero(), prevOffset, true, hasPrev),
	}, true
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

// buildNextValues is _build_next_values with is_desc=True.
func buildNextValues[T any](cur cursor, results []T, id func(T) int64, limit int64) (number, int64, bool) {
	value := cur.value
	offset := cur.offset.Int64()
	n := int64(len(results))
	if !value.truthy() && n > 0 {
		value = intNumber(id(results[0]))
	}
	if cur.isPrev {
		return value, 0, true
	}
	if n == 0 {
		return value, offset, false
	}
	hasNext := n > limit
	nextValue := id(results[n-1])
	if value.cmpInt(nextValue) == 0 {
		return intNumber(nextValue), offset + limit, hasNext
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
	return intNumber(nextValue), nextOffset, hasNext
}

// buildPrevValues is _build_prev_values with is_desc=True.
func buildPrevValues[T any](cur cursor, results []T, id func(T) int64, limit int64) (number, int64, bool) {
	value := cur.value
	offset := cur.offset.Int64()
	n := int64(len(results))
	var hasPrev bool
	if cur.isPrev {
		hasPrev = n > limit
	} else {
		hasPrev = value.truthy() || offset != 0
	}
	first := int64(0)
	if cur.isPrev && hasPrev {
		first = 1
	}
	prevValue := intNumber(0)
	var prevID int64
	if n > 0 {
		prevID = id(results[first])
		prevValue = intNumber(prevID)
	}
	prevOffset := int64(0)
	if cur.isPrev {
		prevOffset = offset
	}
	if !cur.isPrev || n == 0 {
		return prevValue, prevOffset, hasPrev
	}
	if value.cmpInt(prevID) == 0 {
		return prevValue, offset + limit, hasPrev
	}
	prevOffset = 0
	i := int64(1)
	if hasPrev {
		i++
	}
	for ; i < n; i++ {
		if id(results[i]) < prevID {
			break
		}
		prevOffset++
	}
	return prevValue, prevOffset, hasPrev
}

// offsetPage pages items like Sentry's OffsetPaginator, whose cursors are
// {per_page}:{page}:{is_prev}. It returns a non-nil response for the 400 and
// 500 answers a real server gives to unusable cursors.
func offsetPage[T any](items []T, req pageRequest) (page[T], *response) {
	cur := newCursor(intNumber(0), 0, false, false)
	if req.cursor != nil {
		cur = *req.cursor
	}
	limit := int64(req.limit)
	pageIndex := cur.offset

	// offset = page * value; stop = offset + (value or limit) + 1. A float
	// value makes the slice bounds floats, which Django truncates when it
	// renders LIMIT/OFFSET.
	step := cur.value
	if !step.truthy() {
		step = intNumber(limit)
	}
	var start float64
	if cur.value.isFloat {
		pf, _ := new(big.Float).SetInt(pageIndex).Float64()
		start = pf * cur.value.f
	} else {
		off := new(big.Int).Mul(pageIndex, cur.value.bigValue())
		if off.Sign() < 0 {
			return page[T]{}, detailResponse(400, msgNegativeOffset)
		}
		start, _ = new(big.Float).SetInt(off).Float64()
	}
	if start < 0 {
		return page[T]{}, detailResponse(400, msgNegativeOffset)
	}
	// Django refuses negative slice bounds and NaN; PostgreSQL refuses
	// bounds beyond a bigint.
	first, ok1 := sliceBound(start)
	count, ok2 := sliceBound(step.floatValue() + 1)
	if !ok1 || !ok2 {
		return page[T]{}, internalErrorResponse()
	}
	results := sliceRows(items, first, count)
	if cur.value.cmpInt(limit) != 0 && int64(len(results)) > limit+1 {
		results = results[int64(len(results))-(limit+1):]
	}
	hasNext := int64(len(results)) > limit
	results = results[:min(int64(len(results)), limit)]
	next := cursor{value: intNumber(limit), offset: new(big.Int).Add(pageIndex, big.NewInt(1)), hasResults: hasNext}
	prev := cursor{value: intNumber(limit), offset: new(big.Int).Sub(pageIndex, big.NewInt(1)), isPrev: true,
		hasResults: pageIndex.Sign() > 0}
	return page[T]{items: results, next: next, prev: prev}, nil
}

// sliceBound converts a slice bound to an integer, like Django's "%d"
// rendering of LIMIT and OFFSET; ok is false when the database would fail.
func sliceBound(f float64) (int64, bool) {
	if math.IsNaN(f) || f < 0 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

func (n number) floatValue() float64 {
	if n.isFloat {
		return n.f
	}
	f, _ := new(big.Float).SetInt(n.bigValue()).Float64()
	return f
}

func (n number) bigValue() *big.Int {
	if n.i == nil {
		return big.NewInt(0)
	}
	return n.i
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
