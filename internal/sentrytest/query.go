package sentrytest

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// queryDict mimics Django's QueryDict: a multi-value map that remembers the
// order in which each key first appeared. Sentry reads parameters with get
// (last value wins) or getlist, and rebuilds Link URLs with urlencode, which
// groups the values of a key together in first-appearance order.
type queryDict struct {
	keys   []string
	values map[string][]string
}

// parseQueryDict parses a raw query string the way Django does: split on
// "&", keep blank values, "+" means space, undecodable percent escapes stay
// literal and invalid UTF-8 becomes U+FFFD.
func parseQueryDict(raw string) queryDict {
	q := queryDict{values: map[string][]string{}}
	if !utf8.ValidString(raw) {
		// Django falls back to ISO-8859-1 for raw non-UTF-8 bytes.
		runes := make([]rune, len(raw))
		for i := 0; i < len(raw); i++ {
			runes[i] = rune(raw[i])
		}
		raw = string(runes)
	}
	for _, field := range strings.Split(raw, "&") {
		if field == "" {
			continue
		}
		name, value, _ := strings.Cut(field, "=")
		q.add(pyUnquotePlus(name), pyUnquotePlus(value))
	}
	return q
}

func (q *queryDict) add(key, value string) {
	if _, seen := q.values[key]; !seen {
		q.keys = append(q.keys, key)
	}
	q.values[key] = append(q.values[key], value)
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

// encodeWithout re-encodes the query like QueryDict.urlencode after popping
// the given key.
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

// pyUnquotePlus decodes like Python's unquote_plus with errors="replace".
func pyUnquotePlus(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return toValidUTF8(b)
}

// toValidUTF8 replaces each byte that is not part of valid UTF-8 with U+FFFD.
func toValidUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		sb.WriteRune(r)
		b = b[size:]
	}
	return sb.String()
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// pyQuote percent-encodes the UTF-8 bytes of s like Python's
// urllib.parse.quote: letters, digits and "_.-~" are never encoded, nor are
// the bytes listed in safe.
func pyQuote(s, safe string) string {
	const upperHex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') ||
			strings.IndexByte("_.-~", c) >= 0 || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

// absoluteURI joins a URL prefix and a path like Sentry's absolute_uri.
func absoluteURI(prefix, path string) string {
	return strings.TrimRight(prefix, "/") + "/" + strings.TrimLeft(path, "/")
}
