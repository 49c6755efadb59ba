package sentry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func linkHeader(values ...string) http.Header {
	h := http.Header{}
	for _, v := range values {
		h.Add("Link", v)
	}
	return h
}

func TestReadNextLinkFindsNextAmongOthers(t *testing.T) {
	const sentryNext = `<https://sentry.io/api/0/projects/acme/web/keys/?&cursor=7:0:0>; rel="next"; results="true"; cursor="7:0:0"`
	cases := []struct {
		name   string
		values []string
		want   nextLink
	}{
		{"sentry's two entries", []string{`<https://sentry.io/api/0/projects/acme/web/keys/?&cursor=9:0:1>; rel="previous"; results="false"; cursor="9:0:1", ` + sentryNext}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"an entry without parameters first", []string{`<https://cdn.example.com/x.css>, ` + sentryNext}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"an entry without parameters last", []string{sentryNext + `, <https://cdn.example.com/x.css>`}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"other relations", []string{`<https://cdn.example.com/app.js>; rel="preload"; as="script"; crossorigin, ` + sentryNext}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"extra parameters on next", []string{`<https://sentry.io/x>; rel="next"; title="Next page"; results="true"; foo=bar; cursor="7:0:0"; hreflang=en`}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"commas and semicolons inside quotes", []string{`<https://a.example/>; rel="previous"; title="a, <b>; c=d, e", ` + sentryNext}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"escaped quotes", []string{`<https://a.example/>; rel="alternate"; title="say \"hi\", then; go", ` + sentryNext}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"case-insensitive names and relation", []string{`<https://sentry.io/x>; REL="Next"; Results="TRUE"; Cursor="7:0:0"`}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"several relations in one rel", []string{`<https://sentry.io/x>; rel="last next"; results="true"; cursor="7:0:0"`}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"next is not a prefix match", []string{`<https://sentry.io/x>; rel="nextish"; results="true"; cursor="1:0:0", ` + sentryNext}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"a later rel parameter is ignored", []string{`<https://sentry.io/x>; rel="previous"; rel="next"; results="true"; cursor="1:0:0", ` + sentryNext}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"unquoted tokens and loose spacing", []string{"<https://sentry.io/x> ;\trel = next ; results=true;cursor=\"7:0:0\""}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"empty list elements", []string{`, ,` + sentryNext + `,`}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"an empty parameter", []string{`<https://sentry.io/x>;; rel="next"; results="true"; cursor="7:0:0";`}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"several header fields", []string{`<https://cdn.example.com/x.css>; rel=preload`, sentryNext}, nextLink{more: true, cursor: "7:0:0", found: true}},
		{"the last page", []string{`<https://sentry.io/x>; rel="next"; results="false"; cursor="7:1:0"`}, nextLink{found: true}},
		{"no next entry", []string{`<https://cdn.example.com/x.css>; rel="preload"`}, nextLink{}},
		{"no Link header", nil, nextLink{}},
		{"an empty Link header", []string{""}, nextLink{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readNextLink(linkHeader(tc.values...))
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestReadNextLinkRejectsWhatItCannotRead(t *testing.T) {
	huge := `<https://sentry.io/x>; rel="next"; results="true"; cursor="1:0:0"; title="` + strings.Repeat("x", 100_000)
	cases := map[string]string{
		"no closing bracket":          `<https://sentry.io/api/0/projects/acme/web/keys/?&cursor=7:0:0; rel="next"; results="true"; cursor="7:0:0"`,
		"not a link":                  `rel="next"; results="true"; cursor="7:0:0"`,
		"unterminated quote":          `<https://sentry.io/x>; rel="next; results="true"; cursor="7:0:0"`,
		"junk after a link":           `<https://sentry.io/x> junk; rel="next"`,
		"junk after the next entry":   `<https://sentry.io/x>; rel="next"; results="true"; cursor="7:0:0", junk`,
		"a value that is no token":    `<https://sentry.io/x>; rel="next"; results=(true); cursor="7:0:0"`,
		"next without results":        `<https://sentry.io/x>; rel="next"; cursor="7:0:0"`,
		"next with an unknown result": `<https://sentry.io/x>; rel="next"; results="maybe"; cursor="7:0:0"`,
		"a huge unterminated header":  huge,
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := readNextLink(linkHeader(v))
			if err == nil {
				t.Fatalf("read as %+v, want an error", got)
			}
			if len(err.Error()) > 200 {
				t.Fatalf("the error quotes too much of the header (%d bytes): %.300s", len(err.Error()), err)
			}
		})
	}
}

// TestReadNextLinkOfFixtures reads every Link header of the fixtures, real
// ones from Sentry's docs and go-sentry and those derived from Sentry's code.
func TestReadNextLinkOfFixtures(t *testing.T) {
	var f struct {
		Examples []struct {
			ID   string `json:"id"`
			Link string `json:"link"`
		} `json:"examples"`
	}
	if err := json.Unmarshal(readFixture(t, "link-headers.json"), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Examples) < 5 {
		t.Fatalf("only %d examples in the fixture", len(f.Examples))
	}
	// An independent, Sentry-specific reading of the same headers.
	nextRe := regexp.MustCompile(`rel="next"; results="(true|false)"; cursor="([^"]*)"`)
	for _, ex := range f.Examples {
		t.Run(ex.ID, func(t *testing.T) {
			m := nextRe.FindStringSubmatch(ex.Link)
			if m == nil {
				t.Fatalf("the fixture has no next entry: %s", ex.Link)
			}
			want := nextLink{found: true}
			if m[1] == "true" {
				want.more, want.cursor = true, m[2]
			}
			for _, values := range [][]string{
				{ex.Link},
				{"<https://cdn.example.com/x.css>, " + ex.Link},
				{ex.Link, `<https://cdn.example.com/a.js>; rel=preload; as=script`},
			} {
				got, err := readNextLink(linkHeader(values...))
				if err != nil || got != want {
					t.Errorf("%q: got %+v, %v; want %+v", values, got, err, want)
				}
			}
		})
	}
}

// TestListingReadsPastLinksItDoesNotKnow is issue 12's case: a CDN's entry
// without parameters before Sentry's must not end the listing after page 1.
func TestListingReadsPastLinksItDoesNotKnow(t *testing.T) {
	const path = "/api/0/projects/acme/web/keys/"
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Query().Get("cursor") {
		case "":
			w.Header().Set("Link", sentryLink(path, "per_page=100", "300:0:1", false, "200:0:0", true)+", <https://cdn.example.com/x.css>")
			fmt.Fprint(w, page(300, 200))
		case "200:0:0":
			w.Header().Set("Link", sentryLink(path, "per_page=100", "200:0:1", true, "100:0:0", true))
			w.Header().Add("Link", `<https://cdn.example.com/app.js>; rel="preload"; title="a, b; c"`)
			fmt.Fprint(w, page(200, 100))
		default:
			w.Header().Set("Link", sentryLink(path, "per_page=100", "100:0:1", true, "1:1:0", false))
			fmt.Fprint(w, page(100, 0))
		}
	})
	keys, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 300 || rec.count() != 3 {
		t.Fatalf("got %d keys in %d requests, want 300 in 3", len(keys), rec.count())
	}
}

func TestListingStopsOnAnUnreadableLinkHeader(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Link", `<https://sentry.example.com/api/0/projects/acme/web/keys/?&cursor=1:0:0; rel="next"; results="true"; cursor="1:0:0"`)
		fmt.Fprint(w, page(100, 0))
	})
	keys, err := newTestClient(t, rec).ListProjectKeys(context.Background(), "acme", "web", "")
	var pe *PaginationError
	var le *LinkHeaderError
	if !errors.As(err, &pe) || !errors.As(err, &le) {
		t.Fatalf("got %d keys, err %v; want a PaginationError wrapping a LinkHeaderError", len(keys), err)
	}
	if !strings.Contains(le.Reason, "cannot be split into links") || !strings.Contains(le.URL, "/api/0/projects/acme/web/keys/") {
		t.Errorf("LinkHeaderError = %+v", le)
	}
	if rec.count() != 1 {
		t.Errorf("made %d requests, want 1", rec.count())
	}
}
