package sentry

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// nextLink is what a page's Link header says about the following page.
type nextLink struct {
	// more is true when the next entry says results="true".
	more bool
	// cursor is the next entry's cursor attribute.
	cursor string
	// found is false when there is no Link header or no next entry.
	found bool
}

const (
	linkToken  = `[\w!#$%&'*+.^|~-]+`
	linkQuoted = `"(?:[^"\\]|\\.)*"`
	linkParam  = `;\s*(` + linkToken + `)(?:\s*=\s*(` + linkQuoted + `|` + linkToken + `))?`
)

var (
	// linkEntryRe reads one entry, `<target>; name="value"; name=value`, up
	// to the comma that ends it. Empty entries and parameters are skipped;
	// a quoted value may hold commas and semicolons.
	linkEntryRe   = regexp.MustCompile(`^[\s,]*<[^>]*>((?:\s*(?:` + linkParam + `|;))*)\s*(?:,|$)`)
	linkParamRe   = regexp.MustCompile(linkParam)
	linkEscapesRe = regexp.MustCompile(`\\(.)`)
)

// readNextLink reads Sentry's Link header,
//
//	<url>; rel="previous"; results="false"; cursor="...", <url>; rel="next"; results="true"; cursor="..."
//
// and finds the rel="next" entry among entries it does not know (other
// relations, entries without parameters such as a CDN's <https://cdn/x.css>).
// Sentry sends a next entry even on the last page: only results says whether
// another page exists. No Link header, or no next entry, is the last page (a
// proxy may strip the header; the listing warns when a full page ends that
// way). A header that cannot be split into entries, or a next entry whose
// results is missing or neither "true" nor "false", is an error: guessing
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

// shorten cuts s to at most n bytes, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
