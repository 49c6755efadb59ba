package sentry

import (
	"fmt"
	"net/http"
	"strings"
)

// This file reads Link headers (RFC 8288, section 3):
//
//	Link       = #link-value
//	link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//	link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
//
// A general-purpose parser that gives up on one entry it does not expect
// (the library used before returned nothing at all for a header with an
// entry without parameters, such as a CDN's "<https://cdn/x.css>") turns
// a listing of 200 keys into 100 without a word. This one reads every entry
// of the grammar, and a header it cannot read is an error, never a last page.

// linkEntry is one link-value.
type linkEntry struct {
	target string
	params []linkParam
}

// linkParam is one link-param; name is lower-cased (parameter names are
// case-insensitive) and value unquoted.
type linkParam struct {
	name, value string
}

// param returns the value of the first parameter called name (lower case).
// RFC 8288 says later occurrences of rel are ignored; taking the first of any
// parameter does the same for the others.
func (e linkEntry) param(name string) (string, bool) {
	for _, p := range e.params {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// hasRel reports whether rel (lower case) is one of the entry's relation
// types: rel holds a space-separated list, compared case-insensitively.
func (e linkEntry) hasRel(rel string) bool {
	v, ok := e.param("rel")
	if !ok {
		return false
	}
	for _, r := range strings.Fields(v) {
		if strings.EqualFold(r, rel) {
			return true
		}
	}
	return false
}

// linkSyntaxError says where a Link header stops following the grammar.
type linkSyntaxError struct {
	reason  string
	excerpt string
}

func (e *linkSyntaxError) Error() string {
	if e.excerpt == "" {
		return e.reason
	}
	return fmt.Sprintf("%s near %q", e.reason, e.excerpt)
}

// parseLinkHeader parses every value of the Link header fields. No field, or
// only empty ones, gives no entries and no error.
func parseLinkHeader(values []string) ([]linkEntry, error) {
	var entries []linkEntry
	for _, v := range values {
		p := linkParser{s: v}
		e, err := p.parse()
		if err != nil {
			return nil, err
		}
		entries = append(entries, e...)
	}
	return entries, nil
}

type linkParser struct {
	s string
	i int
}

func (p *linkParser) fail(reason string) error {
	// A short excerpt from where reading stopped: enough to recognise the
	// header, never the whole of a header that may be huge.
	const before, after = 20, 40
	from := max(p.i-before, 0)
	to := min(p.i+after, len(p.s))
	excerpt := p.s[from:to]
	if from > 0 {
		excerpt = "…" + excerpt
	}
	if to < len(p.s) {
		excerpt += "…"
	}
	return &linkSyntaxError{reason: fmt.Sprintf("%s at byte %d", reason, p.i), excerpt: excerpt}
}

func (p *linkParser) skipOWS() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *linkParser) parse() ([]linkEntry, error) {
	var entries []linkEntry
	for {
		// The list rule tolerates empty elements: ", ," and leading or
		// trailing commas.
		p.skipOWS()
		for p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			p.skipOWS()
		}
		if p.i == len(p.s) {
			return entries, nil
		}
		e, err := p.linkValue()
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
		p.skipOWS()
		if p.i < len(p.s) && p.s[p.i] != ',' {
			return nil, p.fail(`expected "," or ";" after a link`)
		}
	}
}

func (p *linkParser) linkValue() (linkEntry, error) {
	var e linkEntry
	if p.s[p.i] != '<' {
		return e, p.fail(`expected "<" to start a link`)
	}
	end := strings.IndexByte(p.s[p.i+1:], '>')
	if end < 0 {
		return e, p.fail(`the link target has no closing ">"`)
	}
	e.target = strings.TrimSpace(p.s[p.i+1 : p.i+1+end])
	p.i += end + 2
	for {
		p.skipOWS()
		if p.i == len(p.s) || p.s[p.i] != ';' {
			return e, nil
		}
		p.i++
		p.skipOWS()
		if p.i == len(p.s) || p.s[p.i] == ',' || p.s[p.i] == ';' {
			// An empty parameter ("<x>;" or "<x>;;rel=next") carries
			// nothing; reading on is safe.
			continue
		}
		name := p.token()
		if name == "" {
			return e, p.fail("expected a parameter name")
		}
		param := linkParam{name: strings.ToLower(name)}
		p.skipOWS()
		if p.i < len(p.s) && p.s[p.i] == '=' {
			p.i++
			p.skipOWS()
			v, err := p.value()
			if err != nil {
				return e, err
			}
			param.value = v
		}
		e.params = append(e.params, param)
	}
}

// value reads a token or a quoted-string.
func (p *linkParser) value() (string, error) {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		return p.quoted()
	}
	v := p.token()
	if v == "" {
		return "", p.fail("expected a token or a quoted string as a parameter value")
	}
	return v, nil
}

// quoted reads a quoted-string, undoing its backslash escapes. Commas and
// semicolons inside it are part of the value.
func (p *linkParser) quoted() (string, error) {
	start := p.i
	p.i++ // the opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '"':
			p.i++
			return b.String(), nil
		case '\\':
			if p.i+1 == len(p.s) {
				p.i = start
				return "", p.fail("a quoted string ends in a lone backslash")
			}
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	p.i = start
	return "", p.fail("a quoted string has no closing quote")
}

func (p *linkParser) token() string {
	start := p.i
	for p.i < len(p.s) && isTokenChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// isTokenChar reports whether c is an RFC 9110 tchar.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// nextLink is what a page's Link header says about the following page.
type nextLink struct {
	// more is true when the next entry says results="true".
	more bool
	// cursor is the next entry's cursor attribute.
	cursor string
	// found is false when the header (or its next entry) is missing,
	// which the listing takes as the last page.
	found bool
}

// readNextLink finds the rel="next" entry of a response's Link headers among
// any others, and reads Sentry's results and cursor attributes from it.
//
// Sentry always sends a next entry, even on the last page; only results says
// whether another page exists. No Link header, or one without a next entry,
// is the last page (a proxy may strip the header; the caller warns when a
// full page ends a listing that way). A header that does not follow RFC 8288,
// or a next entry whose results is neither "true" nor "false", is an error:
// guessing would end a listing early without a word.
func readNextLink(h http.Header) (nextLink, error) {
	values := h.Values("Link")
	entries, err := parseLinkHeader(values)
	if err != nil {
		return nextLink{}, err
	}
	for _, e := range entries {
		if !e.hasRel("next") {
			continue
		}
		results, ok := e.param("results")
		switch {
		case !ok:
			return nextLink{}, &linkSyntaxError{reason: `the rel="next" link has no results attribute`}
		case strings.EqualFold(results, "true"):
		case strings.EqualFold(results, "false"):
			return nextLink{found: true}, nil
		default:
			return nextLink{}, &linkSyntaxError{reason: fmt.Sprintf(`the rel="next" link says results=%q, neither "true" nor "false"`, shorten(results, 20))}
		}
		cursor, _ := e.param("cursor")
		return nextLink{more: true, cursor: cursor, found: true}, nil
	}
	return nextLink{}, nil
}

// shorten cuts s to at most n bytes, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
