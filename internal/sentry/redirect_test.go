package sentry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// renamed answers a request to the project "old" as Sentry answers for a
// renamed project, with the body of the given generation, and serves the
// project "new" with serve.
func renamed(t *testing.T, body string, serve func(w http.ResponseWriter, r *http.Request)) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if !strings.HasPrefix(r.URL.Path, "/api/0/projects/acme/old/") {
			serve(w, r)
			return
		}
		to := strings.Replace(r.URL.RequestURI(), "/old/", "/new/", 1)
		w.Header().Set("Location", to)
		w.WriteHeader(http.StatusFound)
		fmt.Fprint(w, strings.Replace(body, "%q", strconv.Quote(to), 1))
	})
}

var renameBodies = map[string]string{
	"current":              `{"slug": "new", "detail": {"extra": {"url": %q, "slug": "new"}}}`,
	"2018 to 2023":         `{"slug": "new", "detail": {"code": "resource-moved", "message": "Resource has been moved", "extra": {"url": %q, "slug": "new"}}}`,
	"no url: the Location": `{"slug": "new", "detail": {"extra": {"slug": "new"}}}`,
}

// TestWritesFollowARenamedProject: a create, an update and a delete sent to
// a renamed project's old slug go again, with the same method and body, to
// its new address, and the key says so.
func TestWritesFollowARenamedProject(t *testing.T) {
	for generation, body := range renameBodies {
		t.Run(generation, func(t *testing.T) {
			store := &keyServer{}
			var bodies []string
			rec := renamed(t, body, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				r.Body = io.NopCloser(strings.NewReader(string(b)))
				switch r.Method {
				case http.MethodPut:
					fmt.Fprint(w, webKeyJSON())
				case http.MethodDelete:
					w.WriteHeader(http.StatusNoContent)
				default:
					store.serve(t, w, r)
				}
			})
			log := &captureLogger{}
			c := newTestClient(t, rec, func(c *Config) { c.Logger = log })
			ctx := context.Background()
			created, err := c.CreateProjectKey(ctx, "acme", "old", ProjectKeyCreate{Name: "web"})
			if err != nil || created.Moved == nil || *created.Moved != (ProjectMove{From: "old", To: "new"}) || store.count() != 1 {
				t.Fatalf("create: key %+v, err %v", created, err)
			}
			updated, err := c.UpdateProjectKey(ctx, "acme", "old", "abc", ProjectKeyUpdate{Name: "web", BrowserSDKVersion: "10.x"})
			if err != nil || updated.Moved == nil || updated.Moved.To != "new" {
				t.Fatalf("update: key %+v, err %v", updated, err)
			}
			if err := c.DeleteProjectKey(ctx, "acme", "old", "abc"); err != nil || !log.has("Warn", "to=new") {
				t.Fatalf("delete: %v; logged: %t", err, log.has("Warn", "to=new"))
			}
			want := "[POST /api/0/projects/acme/old/keys/ POST /api/0/projects/acme/new/keys/ PUT /api/0/projects/acme/old/keys/abc/ PUT /api/0/projects/acme/new/keys/abc/ DELETE /api/0/projects/acme/old/keys/abc/ DELETE /api/0/projects/acme/new/keys/abc/]"
			var got []string
			for i := range rec.count() {
				got = append(got, rec.request(i).Method+" "+rec.request(i).URL.Path)
			}
			if fmt.Sprint(got) != want {
				t.Fatalf("requests %v\nwant %s", got, want)
			}
			if !strings.Contains(bodies[0], `"public"`) || !strings.Contains(bodies[1], `"browserSdkVersion":"10.x"`) || bodies[2] != "" {
				t.Fatalf("the new address got the bodies %q", bodies)
			}
		})
	}
}

// TestOtherWriteRedirectsAreRefused: a write is only sent again for a
// renamed project's 302 on the same host; any other redirect is an error
// that says where it pointed, and nothing follows it.
func TestOtherWriteRedirectsAreRefused(t *testing.T) {
	other := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		t.Errorf("the other host was contacted, Authorization %q", r.Header.Get("Authorization"))
	})
	cases := map[string]func(w http.ResponseWriter){
		"a redirect without a rename's body": func(w http.ResponseWriter) {
			w.Header().Set("Location", "/api/0/projects/acme/new/keys/abc/")
			w.WriteHeader(http.StatusFound)
		},
		"a 301 page": func(w http.ResponseWriter) {
			w.Header().Set("Location", "https://login.example.com/sso")
			w.WriteHeader(http.StatusMovedPermanently)
			fmt.Fprint(w, "<html><title>Moved</title></html>")
		},
		"a rename to another host": func(w http.ResponseWriter) {
			to := other.server.URL + "/api/0/projects/acme/new/keys/abc/"
			w.Header().Set("Location", to)
			w.WriteHeader(http.StatusFound)
			fmt.Fprintf(w, renameBodies["current"], to)
		},
	}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { answer(w) })
			_, err := newTestClient(t, rec).UpdateProjectKey(context.Background(), "acme", "web", "abc", ProjectKeyUpdate{BrowserSDKVersion: "10.x"})
			var apiErr *APIError
			var redirErr *RedirectError
			switch {
			case errors.As(err, &redirErr):
				if !strings.Contains(err.Error(), other.server.URL+"/api/0/projects/acme/new/keys/abc/") {
					t.Errorf("the error does not say where the redirect pointed: %v", err)
				}
			case !errors.As(err, &apiErr) || apiErr.StatusCode/100 != 3 || apiErr.Location == "" || !strings.Contains(err.Error(), apiErr.Location):
				t.Fatalf("err = %v, want a 3xx APIError that names the Location", err)
			}
			if got := methods(rec); fmt.Sprint(got) != "[PUT]" {
				t.Fatalf("requests %v, want the PUT alone", got)
			}
		})
	}
}

// TestGetProjectKeyReportsAMove: a read follows a same-host redirect by
// itself; the key says when it ended at another project.
func TestGetProjectKeyReportsAMove(t *testing.T) {
	rec := renamed(t, renameBodies["current"], func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, webKeyJSON())
	})
	c := newTestClient(t, rec)
	k, err := c.GetProjectKey(context.Background(), "acme", "old", "abc")
	if err != nil || k.Moved == nil || *k.Moved != (ProjectMove{From: "old", To: "new"}) {
		t.Fatalf("key %+v, err %v; want it moved from old to new", k, err)
	}
	k, err = c.GetProjectKey(context.Background(), "acme", "new", "abc")
	if err != nil || k.Moved != nil {
		t.Fatalf("key %+v, err %v; want no move", k, err)
	}
}

func TestMovedTargetKeepsTheQuery(t *testing.T) {
	from, _ := url.Parse("https://sentry.example.com/api/0/projects/acme/old/keys/?status=active")
	for loc, want := range map[string]string{
		"/api/0/projects/acme/new/keys/":            "https://sentry.example.com/api/0/projects/acme/new/keys/?status=active",
		"/api/0/projects/acme/new/keys/?per_page=1": "https://sentry.example.com/api/0/projects/acme/new/keys/?per_page=1",
	} {
		to := movedTarget(from, http.Header{}, fmt.Appendf(nil, renameBodies["current"], loc))
		if to == nil || to.String() != want {
			t.Errorf("%s: %v, want %s", loc, to, want)
		}
	}
}
