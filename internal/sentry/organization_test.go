package sentry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestListOrganizationProjectKeys(t *testing.T) {
	const path = "/api/0/organizations/acme/project-keys/"
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path != path {
			t.Errorf("path %q", r.URL.Path)
		}
		q := r.URL.Query()
		if q.Get("project") != "-1" || q.Get("per_page") != "100" || q.Get("team") != "backend" || q.Get("status") != "active" {
			t.Errorf("query %q", r.URL.RawQuery)
		}
		if q.Get("cursor") == "" {
			w.Header().Set("Link", sentryLink(path, "project=-1&per_page=100", "9:0:1", false, "5:0:0", true))
			fmt.Fprint(w, page(9, 5))
			return
		}
		w.Header().Set("Link", sentryLink(path, "project=-1&per_page=100", "5:0:1", true, "1:1:0", false))
		fmt.Fprint(w, page(5, 0))
	})
	keys, err := newTestClient(t, rec).ListOrganizationProjectKeys(context.Background(), "acme", OrganizationKeysOptions{Team: "backend", Status: KeyStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 9 || rec.count() != 2 {
		t.Fatalf("%d keys in %d requests, want 9 in 2", len(keys), rec.count())
	}
}

func TestListOrganizationProjects(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path != "/api/0/organizations/acme/projects/" {
			t.Errorf("path %q", r.URL.Path)
		}
		fmt.Fprint(w, `[{"team": null, "teams": [{"id": "12", "slug": "backend", "name": "Backend"}], "id": "4500000000000002", "name": "Web", "slug": "web", "isMember": true, "hasAccess": true},
			{"teams": [], "id": "4500000000000003", "name": "API", "slug": "api", "hasAccess": false},
			{"id": "7", "slug": "old"}]`)
	})
	projects, err := newTestClient(t, rec).ListOrganizationProjects(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(projects) != 3 || projects[0].ID != 4500000000000002 || projects[0].Slug != "web" {
		t.Fatalf("projects %+v", projects)
	}
	if !projects[0].InTeam("backend") || !projects[0].InTeam("12") || projects[0].InTeam("1") || projects[1].InTeam("backend") {
		t.Error("InTeam is wrong")
	}
	if !projects[0].Accessible() || projects[1].Accessible() || !projects[2].Accessible() {
		t.Error("Accessible is wrong")
	}
}

func TestListKeysByProjectStopsTheKeysWhenProjectsFail(t *testing.T) {
	// The keys listing hangs until its request is cancelled or the test
	// ends. Either ordering is correct: the projects list may fail before
	// the keys request reaches the server (then it never does) or after.
	release := make(chan struct{})
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/api/0/organizations/acme/projects/" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"detail": "The requested resource does not exist"}`)
			return
		}
		select {
		case <-r.Context().Done():
		case <-release:
			fmt.Fprint(w, "[]")
		}
	})
	// Cleanups run last in, first out: the handler is released before the
	// server waits for it.
	t.Cleanup(func() { close(release) })

	done := make(chan error, 1)
	go func() {
		_, err := newTestClient(t, rec, func(c *Config) { c.RequestTimeout = 30 * time.Second }).
			ListKeysByProject(context.Background(), "acme", KeysByProjectOptions{})
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		// Only a keys listing that goes on can keep it this long: its
		// request hangs until the test releases it.
		t.Fatal("ListKeysByProject did not return: the keys listing went on after the projects list failed")
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Fatalf("err = %v, want the projects list's 404", err)
	}
}
