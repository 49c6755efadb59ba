package sentrytest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzServe sends arbitrary paths, queries and Authorization headers to
// every route and checks that the fake never panics and always answers
// with a status Sentry could send.
func FuzzServe(f *testing.F) {
	seeds := [][3]string{
		{"/api/0/projects/acme/web/keys/", "per_page=2&cursor=103:0:0", "Bearer " + DefaultToken},
		{"/api/0/projects/acme/web/keys/", "cursor=103:0:1&status=%ff", "Bearer " + DefaultToken},
		{"/api/0/projects/4500000000000001/4500000000000002/keys/", "cursor=9223372036854775807:9223372036854775807:0", "Bearer " + DefaultToken},
		{"/api/0/projects/acme/old/keys/", "a=%zz", "Bearer " + DefaultToken},
		{"/api/0/projects/acme/web/keys/abc/", "", "bearer a b"},
		{"/api/0/organizations/acme/project-keys/", "project=-1&team=acme&projectSlug=$all", "Bearer " + DefaultToken},
		{"/api/0/organizations/acme/projects/", "cursor=100:-1:1", "Bearer " + DefaultToken},
		{"/api/0/organizations/acme/projects/", "cursor=3037000500:3037000500:0", "Bearer " + DefaultToken},
		{"/api/0/organizations/%E2%82%AC/projects/", "per_page=10", "Bearer sntrys_x"},
		{"/api/0/projects/acme/web/keys", "", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	fake := New(Config{RateLimit: -1})
	fake.AddKeys(7)
	other := fake.AddProject(ProjectSpec{Slug: "old", Teams: []string{"acme"}})
	other.AddKeys(2)
	other.Rename("new")
	valid := map[int]bool{200: true, 302: true, 400: true, 401: true, 403: true, 404: true, 405: true, 500: true}

	f.Fuzz(func(t *testing.T, path, rawQuery, authorization string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " ?#\x00\r\n") ||
			strings.ContainsAny(rawQuery, " #\x00\r\n") || strings.ContainsAny(authorization, "\x00\r\n") {
			t.Skip()
		}
		u, err := url.Parse(path)
		if err != nil {
			t.Skip()
		}
		u.RawQuery = rawQuery
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL = u
		req.RequestURI = u.RequestURI()
		req.Header.Set("Authorization", authorization)
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, req)
		if !valid[rec.Code] {
			t.Fatalf("%s?%s: status %d", path, rawQuery, rec.Code)
		}
	})
}
