package sentry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestProjectKeyPages(t *testing.T) {
	const path = "/api/0/projects/acme/web/keys/"
	t.Run("pages in order, then done", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if got := r.URL.Query().Get("status"); got != "active" {
				t.Errorf("status %q", got)
			}
			from := 250 - 100*(n-1)
			w.Header().Set("Link", sentryLink(path, "per_page=100&status=active", "0:0:1", false, fmt.Sprintf("%d:0:0", from-100), from > 100))
			fmt.Fprint(w, page(from, max(from-100, 0)))
		})
		p, err := newTestClient(t, rec).ProjectKeyPages("acme", "web", KeyStatusActive)
		if err != nil || rec.count() != 0 {
			t.Fatalf("pager %v, err %v, %d requests", p, err, rec.count())
		}
		var sizes []int
		for !p.Done() {
			keys, err := p.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(keys))
			if rec.count() != len(sizes) {
				t.Fatalf("%d requests after %d pages: one request per Next", rec.count(), len(sizes))
			}
			if len(sizes) > 10 {
				t.Fatal("the pager never says it is done")
			}
		}
		if fmt.Sprint(sizes) != "[100 100 50]" {
			t.Fatalf("pages %v", sizes)
		}
		var cursors []string
		for i := range 3 {
			cursors = append(cursors, rec.request(i).URL.Query().Get("cursor"))
		}
		if fmt.Sprint(cursors) != "[ 150:0:0 50:0:0]" {
			t.Errorf("cursors %q", cursors)
		}
		if _, err := p.Next(context.Background()); err == nil || rec.count() != 3 {
			t.Fatalf("Next after Done: err %v, %d requests", err, rec.count())
		}
	})
	t.Run("a repeated cursor", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Link", sentryLink(path, "per_page=100", "9:0:1", false, "9:0:0", true))
			fmt.Fprint(w, page(1, 0))
		})
		p, _ := newTestClient(t, rec).ProjectKeyPages("acme", "web", "")
		for i := range 2 {
			if _, err := p.Next(context.Background()); err != nil {
				t.Fatalf("page %d: %v", i+1, err)
			}
		}
		_, err := p.Next(context.Background())
		var pe *PaginationError
		if !errors.As(err, &pe) || !strings.Contains(pe.Reason, "twice") || p.Done() || rec.count() != 2 {
			t.Fatalf("err %v, done %t, %d requests; want the repeated cursor after 2 requests", err, p.Done(), rec.count())
		}
		if _, again := p.Next(context.Background()); again != err || rec.count() != 2 {
			t.Fatalf("Next after the error: %v, %d requests", again, rec.count())
		}
	})
	t.Run("the page cap", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Link", sentryLink(path, "per_page=100", "0:0:1", false, fmt.Sprintf("%d:0:0", n), n < 20))
			fmt.Fprint(w, page(n, n-1))
		})
		p, _ := newTestClient(t, rec, func(c *Config) { c.MaxPages = 2 }).ProjectKeyPages("acme", "web", "")
		var err error
		for i := 0; i < 30 && err == nil && !p.Done(); i++ {
			_, err = p.Next(context.Background())
		}
		var pe *PaginationError
		if !errors.As(err, &pe) || pe.Pages != 2 || rec.count() != 2 {
			t.Fatalf("err %v after %d requests, want the cap after 2", err, rec.count())
		}
	})
	t.Run("no Link header is the last page", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { fmt.Fprint(w, page(3, 0)) })
		p, _ := newTestClient(t, rec).ProjectKeyPages("acme", "web", "")
		keys, err := p.Next(context.Background())
		if err != nil || len(keys) != 3 || !p.Done() {
			t.Fatalf("%d keys, err %v, done %t", len(keys), err, p.Done())
		}
	})
	t.Run("an unreadable Link header", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Link", `<https://sentry.example.com/x; rel="next"; results="true"; cursor="1:0:0"`)
			fmt.Fprint(w, page(3, 0))
		})
		p, _ := newTestClient(t, rec).ProjectKeyPages("acme", "web", "")
		_, err := p.Next(context.Background())
		var le *LinkHeaderError
		if !errors.As(err, &le) || p.Done() {
			t.Fatalf("err %v, done %t; want a LinkHeaderError", err, p.Done())
		}
	})
	t.Run("a page that is not a list", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { fmt.Fprint(w, `{"detail": "x"}`) })
		p, _ := newTestClient(t, rec).ProjectKeyPages("acme", "web", "")
		_, err := p.Next(context.Background())
		var de *DecodeError
		if !errors.As(err, &de) || p.Done() {
			t.Fatalf("err %v, done %t; want a DecodeError and not done", err, p.Done())
		}
	})
	t.Run("bad arguments", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("a request was sent") })
		c := newTestClient(t, rec)
		if _, err := c.ProjectKeyPages("acme", "web", "Active"); err == nil {
			t.Error("an unknown status was accepted")
		}
		if _, err := c.ProjectKeyPages("acme", "", ""); err == nil {
			t.Error("an empty project was accepted")
		}
	})
}

// TestTrimName pins Python's str.strip(), which Sentry applies to names:
// exactly the characters for which Python's str.isspace() is true.
func TestTrimName(t *testing.T) {
	// [hex(c) for c in range(0x110000) if chr(c).isspace()], Python 3.
	pySpace := map[rune]bool{0x9: true, 0xa: true, 0xb: true, 0xc: true, 0xd: true, 0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true,
		0x20: true, 0x85: true, 0xa0: true, 0x1680: true, 0x2028: true, 0x2029: true, 0x202f: true, 0x205f: true, 0x3000: true}
	for r := rune(0x2000); r <= 0x200a; r++ {
		pySpace[r] = true
	}
	for r := rune(0); r <= 0x10ffff; r++ {
		in := string(r) + "web" + string(r)
		want := in
		if pySpace[r] {
			want = "web"
		}
		if got := TrimName(in); got != want {
			t.Errorf("TrimName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := TrimName(" \x1c a  b\u3000\n"); got != "a  b" {
		t.Errorf("TrimName kept %q", got)
	}
}
