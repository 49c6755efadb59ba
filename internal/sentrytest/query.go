package sentrytest

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// queryDict is the part of Django's QueryDict that Sentry's key endpoints
// use: a multi-value map that remembers the order in which each key first
// appeared. Sentry reads parameters with get (last value wins) or getlist,
// and rebuilds Link URLs with urlencode, which groups the values of a key
// together in first-appearance order.
type queryDict struct {
	keys   []string
	values map[string][]string
}

// parseQueryDict splits a raw query string on "&", keeping blank values;
// "+" means a space and an escape that does not decode stays literal.
func parseQueryDict(raw string) queryDict {
	q := queryDict{values: map[string][]string{}}
	for field := range strings.SplitSeq(raw, "&") {
		if field == "" {
			continue
		}
		name, value, _ := strings.Cut(field, "=")
		if name = unquotePlus(name); q.values[name] == nil {
			q.keys = append(q.keys, name)
		}
		q.values[name] = append(q.values[name], unquotePlus(value))
	}
	return q
}

func unquotePlus(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return strings.ReplaceAll(s, "+", " ")
}

// get returns the last value of key, like QueryDict.get.
func (q queryDict) get(key string) (string, bool) {
	vs := q.values[key]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// getList returns every value of key, like QueryDict.getlist.
func (q queryDict) getList(key string) []string {
	return q.values[key]
}

// encodeWithout is QueryDict.urlencode after popping a key (url.QueryEscape
// escapes the bytes Python's quote_plus does).
func (q queryDict) encodeWithout(drop string) string {
	var parts []string
	for _, k := range q.keys {
		if k == drop {
			continue
		}
		for _, v := range q.values[k] {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// pyQuote percent-encodes the UTF-8 bytes of s like Python's
// urllib.parse.quote: letters, digits and "_.-~" are never encoded, nor are
// the bytes listed in safe.
func pyQuote(s, safe string) string {
	const unreserved = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if strings.IndexByte(unreserved+safe, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// absoluteURI joins a URL prefix and a path like Sentry's absolute_uri.
func absoluteURI(prefix, path string) string {
	return strings.TrimRight(prefix, "/") + "/" + strings.TrimLeft(path, "/")
}

// isDecimal reports whether a URL segment is made of ASCII digits, which
// the API's convert_args reads as an id rather than a slug.
func isDecimal(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// byIDOrSlug finds what a URL segment or parameter names, like
// convert_args: digits are an id (one beyond int64 matches nothing, as in
// Django), anything else an exact slug.
func byIDOrSlug[T interface{ idSlug() (int64, string) }](items []T, s string) T {
	id, err := strconv.ParseInt(s, 10, 64)
	return find(items, func(it T) bool {
		i, slug := it.idSlug()
		return (isDecimal(s) && err == nil && i == id) || (!isDecimal(s) && slug == s)
	})
}

func (o *Organization) idSlug() (int64, string) { return o.id, o.slug }
func (p *Project) idSlug() (int64, string)      { return p.id, p.slug }
func (t *Team) idSlug() (int64, string)         { return t.id, t.slug }
