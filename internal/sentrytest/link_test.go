package sentrytest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

type linkExample struct {
	ID          string  `json:"id"`
	Kind        string  `json:"kind"`
	Endpoint    string  `json:"endpoint"`
	InternalIDs []int64 `json:"body_internal_ids"`
	Link        string  `json:"link"`
}

func loadLinkExamples(t *testing.T) []linkExample {
	t.Helper()
	var doc struct {
		Examples []linkExample `json:"examples"`
	}
	if err := json.Unmarshal(readTestdata(t, "link-headers.json"), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Examples
}

// TestLinkHeadersMatchFixture replays every derived keys-endpoint example
// of link-headers.json and compares the Link header byte for byte.
func TestLinkHeadersMatchFixture(t *testing.T) {
	examples := 0
	for _, ex := range loadLinkExamples(t) {
		if !strings.HasPrefix(ex.Kind, "derived") {
			continue
		}
		examples++
		t.Run(ex.ID, func(t *testing.T) {
			f := New(Config{URLPrefix: "https://sentry.io"})
			var keys []*Key
			if strings.HasPrefix(ex.ID, "keys-3-keys") {
				keys = addKeyIDs(f.Project(), 7, 8, 9)
			} else {
				keys = addKeyIDs(f.Project(), 101, 102, 103, 104, 105)
			}
			target := strings.TrimPrefix(ex.Endpoint, "GET ")
			r := get(t, f, target)
			wantStatus(t, r, 200)
			if got := r.first("Link"); got != ex.Link {
				t.Errorf("Link\n got %s\nwant %s", got, ex.Link)
			}
			wantIDs(t, r.internalIDs(t, keys), ex.InternalIDs)
		})
	}
	if examples != 5 {
		t.Fatalf("replayed %d derived examples, want 5", examples)
	}
}

// TestLinkFormatMatchesDocs rebuilds the verbatim docs example (an
// offset-paginated endpoint) with the Link formatter.
func TestLinkFormatMatchesDocs(t *testing.T) {
	for _, ex := range loadLinkExamples(t) {
		if !strings.HasPrefix(ex.ID, "docs-issue-events") {
			continue
		}
		prev, next := cursorsOf(t, ex.Link)
		base := "https://sentry.io/api/0/organizations/acme/issues/123456/events/?"
		if got := linkHeader(base, prev, next); got != ex.Link {
			t.Errorf("%s:\n got %s\nwant %s", ex.ID, got, ex.Link)
		}
	}
}

// cursorsOf parses the two cursors and results flags of a Link header.
func cursorsOf(t *testing.T, link string) (prev, next cursor) {
	t.Helper()
	entries := strings.Split(link, ", <")
	if len(entries) != 2 {
		t.Fatalf("Link %q has %d entries", link, len(entries))
	}
	parse := func(entry string) cursor {
		i := strings.Index(entry, `cursor="`)
		raw := strings.TrimSuffix(entry[i+len(`cursor="`):], `"`)
		c, ok := parseCursor(raw)
		if !ok {
			t.Fatalf("bad cursor %q", raw)
		}
		c.hasResults = strings.Contains(entry, `results="true"`)
		return c
	}
	return parse(entries[0]), parse(entries[1])
}

// TestOrganizationProjectsLinkMatchesGoSentry checks the OffsetPaginator
// first page against the verbatim go-sentry fixture (100:-1:1, 100:1:0).
func TestOrganizationProjectsLinkMatchesGoSentry(t *testing.T) {
	var want string
	for _, ex := range loadLinkExamples(t) {
		if ex.ID == "go-sentry-org-members-more-pages" {
			want = strings.ReplaceAll(ex.Link, "/members/", "/projects/")
		}
	}
	f := New(Config{URLPrefix: "https://sentry.io", Organization: "terraform-provider-sentry"})
	for i := range 100 {
		f.AddProject(ProjectSpec{Slug: fmt.Sprintf("p%03d", i)})
	}
	r := get(t, f, "/api/0/organizations/terraform-provider-sentry/projects/")
	wantStatus(t, r, 200)
	if got := r.first("Link"); got != want {
		t.Errorf("Link\n got %s\nwant %s", got, want)
	}
	if n := len(r.list(t)); n != 100 {
		t.Errorf("page has %d projects, want 100", n)
	}
}

// TestOrganizationKeysLinkMatchesNotes replays the derived example of
// sentry-org-keys.md section 2.4: ids 305..301 spread over three projects.
func TestOrganizationKeysLinkMatchesNotes(t *testing.T) {
	f := New(Config{URLPrefix: "https://sentry.io"})
	a := f.AddProject(ProjectSpec{Slug: "a", Teams: []string{"acme"}})
	b := f.AddProject(ProjectSpec{Slug: "b"})
	c := f.AddProject(ProjectSpec{Slug: "c"})
	var keys []*Key
	keys = append(keys, addKeyIDs(a, 301, 304)...)
	keys = append(keys, addKeyIDs(b, 303, 305)...)
	keys = append(keys, addKeyIDs(c, 302)...)

	const base = "https://sentry.io/api/0/organizations/acme/project-keys/?project=-1&per_page=2"
	steps := []struct {
		cursor string
		ids    []int64
		link   string
	}{
		{"", []int64{305, 304},
			`<` + base + `&cursor=305:0:1>; rel="previous"; results="false"; cursor="305:0:1", <` + base + `&cursor=303:0:0>; rel="next"; results="true"; cursor="303:0:0"`},
		{"303:0:0", []int64{303, 302},
			`<` + base + `&cursor=303:0:1>; rel="previous"; results="true"; cursor="303:0:1", <` + base + `&cursor=301:0:0>; rel="next"; results="true"; cursor="301:0:0"`},
		{"301:0:0", []int64{301},
			`<` + base + `&cursor=301:0:1>; rel="previous"; results="true"; cursor="301:0:1", <` + base + `&cursor=301:2:0>; rel="next"; results="false"; cursor="301:2:0"`},
	}
	for _, step := range steps {
		target := "/api/0/organizations/acme/project-keys/?project=-1&per_page=2"
		if step.cursor != "" {
			target += "&cursor=" + step.cursor
		}
		r := get(t, f, target)
		wantStatus(t, r, 200)
		wantIDs(t, r.internalIDs(t, keys), step.ids)
		if got := r.first("Link"); got != step.link {
			t.Errorf("cursor %q Link\n got %s\nwant %s", step.cursor, got, step.link)
		}
	}
}

// TestLinkQueryEcho checks Django's re-encoding of the query string: values
// of a key grouped in first-appearance order, every cursor dropped,
// quote_plus escaping, "?&cursor=" without other parameters.
func TestLinkQueryEcho(t *testing.T) {
	f := New(Config{})
	f.AddKeys(3)
	cases := []struct{ query, wantBase string }{
		{"", "https://sentry.example.com/api/0/projects/acme/web/keys/?"},
		{"?cursor=", "https://sentry.example.com/api/0/projects/acme/web/keys/?"},
		{"?status=active&per_page=5", "https://sentry.example.com/api/0/projects/acme/web/keys/?status=active&per_page=5"},
		{"?b=1&cursor=0:0:0&a=2&b=3&cursor=", "https://sentry.example.com/api/0/projects/acme/web/keys/?b=1&b=3&a=2"},
		{"?x=a+b%20c&y=%3A%2F%24&flag&=v", "https://sentry.example.com/api/0/projects/acme/web/keys/?x=a+b+c&y=%3A%2F%24&flag=&=v"},
		{"?bad=%zz%4", "https://sentry.example.com/api/0/projects/acme/web/keys/?bad=%25zz%254"},
		{"?u=%C3%A9", "https://sentry.example.com/api/0/projects/acme/web/keys/?u=%C3%A9"},
	}
	for _, tc := range cases {
		r := get(t, f, "/api/0/projects/acme/web/keys/"+tc.query)
		wantStatus(t, r, 200)
		link := r.first("Link")
		wantPrefix := "<" + tc.wantBase + "&cursor="
		if !strings.HasPrefix(link, wantPrefix) {
			t.Errorf("query %q: Link %s\nwant prefix %s", tc.query, link, wantPrefix)
		}
		if n := strings.Count(link, tc.wantBase+"&cursor="); n != 2 {
			t.Errorf("query %q: base appears %d times in %s", tc.query, n, link)
		}
	}
}

// TestLinkUsesURLPrefixAndQuotedPath checks that Link URLs come from the
// configured prefix (a path in it is kept) and the percent-quoted path.
func TestLinkUsesURLPrefixAndQuotedPath(t *testing.T) {
	f := New(Config{URLPrefix: "https://sentry.corp.example/sentry/", Project: "wéb"})
	r := get(t, f, "/api/0/projects/acme/"+url.PathEscape("wéb")+"/keys/")
	wantStatus(t, r, 200)
	want := `<https://sentry.corp.example/sentry/api/0/projects/acme/w%C3%A9b/keys/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.corp.example/sentry/api/0/projects/acme/w%C3%A9b/keys/?&cursor=0:0:0>; rel="next"; results="false"; cursor="0:0:0"`
	if got := r.first("Link"); got != want {
		t.Errorf("Link\n got %s\nwant %s", got, want)
	}
}
