package sentrytest

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
)

const keysPath = "/api/0/projects/acme/web/keys/"

func TestDefaultPageSizes(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want int
	}{
		{"saas", Config{}, 10},
		{"legacy", Config{Profile: Legacy}, 100},
		{"configured", Config{DefaultPerPage: 25}, 25},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := New(tc.cfg)
			f.AddKeys(150)
			r := get(t, f, keysPath)
			wantStatus(t, r, 200)
			if n := len(r.list(t)); n != tc.want {
				t.Errorf("first page has %d keys, want %d", n, tc.want)
			}
			_, next := cursorsOf(t, r.first("Link"))
			if !next.hasResults {
				t.Error(`next link says results="false" with keys left`)
			}
		})
	}
}

func TestPerPage(t *testing.T) {
	f := New(Config{})
	f.AddKeys(120)
	cases := []struct {
		perPage string
		status  int
		count   int
		detail  string
	}{
		{"1", 200, 1, ""},
		{"100", 200, 100, ""},
		{"+7", 200, 7, ""},  // Python int() accepts a sign
		{"007", 200, 7, ""}, // and leading zeros
		{"0", 400, 0, "Invalid per_page value. Must be between 1 and 100."},
		{"101", 400, 0, "Invalid per_page value. Must be between 1 and 100."},
		{"-5", 400, 0, "Invalid per_page value. Must be between 1 and 100."},
		{"99999999999999999999999", 400, 0, "Invalid per_page value. Must be between 1 and 100."},
		{"abc", 400, 0, "Invalid per_page parameter."},
		{"", 400, 0, "Invalid per_page parameter."},
		{"2.5", 400, 0, "Invalid per_page parameter."},
		{"1__0", 400, 0, "Invalid per_page parameter."},
	}
	for _, tc := range cases {
		r := get(t, f, keysPath+"?per_page="+url.QueryEscape(tc.perPage))
		if tc.status != 200 {
			wantDetail(t, r, tc.status, tc.detail)
			continue
		}
		wantStatus(t, r, 200)
		if n := len(r.list(t)); n != tc.count {
			t.Errorf("per_page=%q: %d keys, want %d", tc.perPage, n, tc.count)
		}
	}
	// The last per_page wins, like QueryDict.get.
	r := get(t, f, keysPath+"?per_page=500&per_page=3")
	wantStatus(t, r, 200)
	if n := len(r.list(t)); n != 3 {
		t.Errorf("repeated per_page: %d keys, want 3", n)
	}
}

func TestCursorParsing(t *testing.T) {
	f := New(Config{})
	keys := addKeyIDs(f.Project(), 101, 102, 103, 104, 105)
	for _, bad := range []string{"abc", "1:2", "1:2:3:4", "a:0:0", "1:b:0", "1:0:c", ":0:0", "1.2.3:0:0", "1:0.5:0",
		"103.5:0:0", "99999999999999999999:0:0"} {
		wantDetail(t, get(t, f, keysPath+"?cursor="+url.QueryEscape(bad)), 400, "Invalid cursor parameter.")
	}
	// per_page is checked before the cursor.
	wantDetail(t, get(t, f, keysPath+"?cursor=x&per_page=0"), 400, "Invalid per_page value. Must be between 1 and 100.")

	ok := []struct {
		cursor string
		ids    []int64
	}{
		{"", []int64{105, 104}},
		{"103:0:0", []int64{103, 102}},
		{"103:1:0", []int64{102, 101}},
		{"999:0:0", []int64{105, 104}},
		{"0:0:0", []int64{105, 104}},
	}
	for _, tc := range ok {
		r := get(t, f, keysPath+"?per_page=2&cursor="+url.QueryEscape(tc.cursor))
		wantStatus(t, r, 200)
		wantIDs(t, r.internalIDs(t, keys), tc.ids)
	}

	// An offset without a value still means there is a previous page.
	r0 := get(t, f, keysPath+"?per_page=2&cursor=0:2:0")
	wantIDs(t, r0.internalIDs(t, keys), []int64{103, 102})
	if prev, next := cursorsOf(t, r0.first("Link")); prev.String() != "103:0:1" || !prev.hasResults ||
		next.String() != "101:0:0" || !next.hasResults {
		t.Errorf("cursor 0:2:0: prev %s(%v) next %s(%v)", prev, prev.hasResults, next, next.hasResults)
	}

	// Paging backwards is not modelled, and says so.
	for _, c := range []string{"103:0:1", "103:0:7"} {
		wantDetail(t, get(t, f, keysPath+"?cursor="+c), 400, msgNoBackwardPaging)
	}
}

// TestWalkForward follows next links to the end and checks that every key
// is seen once in order, and that each page's previous link is the one
// Sentry emits.
func TestWalkForward(t *testing.T) {
	f := New(Config{})
	keys := f.AddKeys(23)
	var want []int64
	for i := len(keys) - 1; i >= 0; i-- {
		want = append(want, keys[i].InternalID())
	}

	var seen []int64
	target := keysPath + "?per_page=5"
	for page := 0; ; page++ {
		if page > 10 {
			t.Fatal("pagination does not end")
		}
		r := get(t, f, target)
		wantStatus(t, r, 200)
		ids := r.internalIDs(t, keys)
		seen = append(seen, ids...)
		prev, next := cursorsOf(t, r.first("Link"))
		wantPrev := fmt.Sprintf("%d:0:1", ids[0])
		if prev.String() != wantPrev || prev.hasResults != (page > 0) {
			t.Errorf("page %d: previous %s(%v), want %s(%v)", page, prev, prev.hasResults, wantPrev, page > 0)
		}
		if !next.hasResults {
			break
		}
		target = keysPath + "?per_page=5&cursor=" + next.String()
	}
	wantIDs(t, seen, want)
}

// TestKeysetStableUnderInserts checks that keys created while paging land
// before page one and do not shift later pages.
func TestKeysetStableUnderInserts(t *testing.T) {
	f := New(Config{})
	keys := f.AddKeys(6)
	r := get(t, f, keysPath+"?per_page=3")
	_, next := cursorsOf(t, r.first("Link"))
	keys = append(keys, f.AddKeys(2)...)
	r = get(t, f, keysPath+"?per_page=3&cursor="+next.String())
	wantStatus(t, r, 200)
	wantIDs(t, r.internalIDs(t, keys), []int64{keys[2].InternalID(), keys[1].InternalID(), keys[0].InternalID()})
}

func TestOrderingIsInternalIDDescending(t *testing.T) {
	f := New(Config{Profile: Legacy}) // its key ids start at 1
	keys := addKeyIDs(f.Project(), 50, 7, 300, 12)
	r := get(t, f, keysPath)
	wantIDs(t, r.internalIDs(t, keys), []int64{300, 50, 12, 7})

	// Explicit ids move the counter: the next generated key sorts first.
	k := f.AddKey(KeySpec{})
	if k.InternalID() != 301 {
		t.Fatalf("next internal id = %d, want 301", k.InternalID())
	}
	ids := get(t, f, keysPath).publicIDs(t)
	if ids[0] != k.ID() {
		t.Errorf("newest key is not first: %v", ids)
	}
}

func TestListedKeysMatchesAPI(t *testing.T) {
	f := New(Config{DefaultPerPage: 100})
	f.AddKeys(5)
	f.AddKey(KeySpec{UseCase: UseCaseProfiling})
	f.AddKey(KeySpec{Inactive: true})
	var want []string
	for _, k := range f.Project().ListedKeys() {
		want = append(want, k.ID())
	}
	if got := get(t, f, keysPath).publicIDs(t); !slices.Equal(got, want) {
		t.Errorf("API ids %v, ListedKeys %v", got, want)
	}
	if len(want) != 6 || len(f.Project().Keys()) != 7 {
		t.Errorf("ListedKeys has %d keys, Keys %d; want 6 and 7", len(want), len(f.Project().Keys()))
	}
}
