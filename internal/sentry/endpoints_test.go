package sentry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestProjectKeyStats(t *testing.T) {
	since, until := time.Unix(1_800_000_000, 0), time.Unix(1_800_086_400, 0)
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path != "/api/0/projects/acme/web/keys/abc/stats/" || r.URL.RawQuery != "resolution=1h&since=1800000000&until=1800086400" {
			t.Errorf("%s?%s", r.URL.Path, r.URL.RawQuery)
		}
		// One bucket with an integer ts, one with a float ts as an older
		// server sent.
		fmt.Fprint(w, `[{"ts": 1799971200, "total": 10, "dropped": 2, "accepted": 7, "filtered": 1},
			{"ts": 1800057600.0, "total": 5, "dropped": 0, "accepted": 5, "filtered": 0}]`)
	})
	got, err := newTestClient(t, rec).ProjectKeyStats(context.Background(), "acme", "web", "abc", since, until)
	if err != nil || *got != (KeyStats{Accepted: 12, Filtered: 1, Dropped: 2, Total: 15}) {
		t.Fatalf("stats %+v, err %v", got, err)
	}
}

func TestProjectKeyStatsErrors(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"detail": "Invalid request data"}`)
	})
	_, err := newTestClient(t, rec).ProjectKeyStats(context.Background(), "acme", "web", "abc", time.Now().Add(-24*time.Hour), time.Now())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.Detail != "Invalid request data" {
		t.Fatalf("err = %v, want the 400 as an APIError", err)
	}
}

// TestProjectKeyStatsIsPacedOnItsOwn: Sentry limits the stats to 20 requests
// per second, apart from the key's other endpoints, so a used-up stats window
// holds back neither the key's reads nor the other way round.
func TestProjectKeyStatsIsPacedOnItsOwn(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Sentry-Rate-Limit-Limit", "20")
		w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()+50))
		if r.URL.Path == "/api/0/projects/acme/web/keys/abc/stats/" {
			fmt.Fprint(w, `[]`)
			return
		}
		fmt.Fprint(w, webKeyJSON())
	})
	c := newTestClient(t, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.ProjectKeyStats(ctx, "acme", "web", "abc", time.Now().Add(-time.Hour), time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetProjectKey(ctx, "acme", "web", "abc"); err != nil {
		t.Fatalf("the read waited for the stats' window: %v", err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancelShort()
	if _, err := c.ProjectKeyStats(short, "acme", "web", "abc", time.Now().Add(-time.Hour), time.Now()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v: the stats' own used-up window did not hold them back", err)
	}
}

func TestGetProject(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/api/0/projects/acme/web/", "/api/0/projects/1/4505281256090153/":
			fmt.Fprint(w, `{"id": "4505281256090153", "slug": "web", "name": "Web", "organization": {"id": "1", "slug": "acme", "name": "Acme"}, "teams": []}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"detail": "The requested resource does not exist"}`)
		}
	})
	c := newTestClient(t, rec)
	for _, ref := range [][2]string{{"acme", "web"}, {"1", "4505281256090153"}} {
		p, err := c.GetProject(context.Background(), ref[0], ref[1])
		if err != nil || p.ID != 4505281256090153 || p.Slug != "web" || p.Organization.ID != 1 || p.Organization.Slug != "acme" {
			t.Fatalf("%v: project %+v, err %v", ref, p, err)
		}
	}
	_, err := c.GetProject(context.Background(), "acme", "nope")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Fatalf("err = %v, want the 404", err)
	}
}
