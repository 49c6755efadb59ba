package sentry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// keyServer is enough of Sentry's key endpoints for the create protocol: a
// POST stores a key under the public key it sends (a duplicate is a 500, as
// Sentry's unique column gives), GET .../keys/{id}/ reads one and GET
// .../keys/ lists them, newest first.
type keyServer struct {
	mu   sync.Mutex
	keys []string // JSON, newest first
	ids  map[string]string
	n    int
	// ignorePublic makes every key's public key the server's own, as a
	// server that ignores the field would.
	ignorePublic bool
}

// add stores a key named name, made at created, and returns its JSON; ""
// when the public key is taken.
func (s *keyServer) add(name, public string, created time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if public == "" || s.ignorePublic {
		public = fmt.Sprintf("%032x", s.n)
	}
	if s.ids == nil {
		s.ids = map[string]string{}
	}
	if _, taken := s.ids[public]; taken {
		return ""
	}
	k := keyWithID(public, s.n, name, created)
	s.ids[public] = k
	s.keys = append([]string{k}, s.keys...)
	return k
}

func (s *keyServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}

// post stores the key a POST asks for and returns its JSON ("" for a taken
// public key).
func (s *keyServer) post(t *testing.T, r *http.Request) string {
	b := bodyOf(t, r)
	name, _ := b["name"].(string)
	public, _ := b["public"].(string)
	return s.add(name, public, time.Now())
}

// serve answers as Sentry does.
func (s *keyServer) serve(t *testing.T, w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost:
		k := s.post(t, r)
		if k == "" {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"detail": "Internal Error", "errorId": "abc"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, k)
	case strings.HasSuffix(r.URL.Path, "/keys/"):
		s.mu.Lock()
		defer s.mu.Unlock()
		fmt.Fprint(w, "["+strings.Join(s.keys, ",")+"]")
	default:
		s.mu.Lock()
		k, ok := s.ids[path.Base(r.URL.Path)]
		s.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"detail": "The requested resource does not exist"}`)
			return
		}
		fmt.Fprint(w, k)
	}
}

// scripted serves s, except that answer n, when script has it, replaces
// Sentry's.
func (s *keyServer) scripted(t *testing.T, script map[int]func(w http.ResponseWriter, r *http.Request)) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if f := script[n]; f != nil {
			f(w, r)
			return
		}
		s.serve(t, w, r)
	})
}

var publicRe = regexp.MustCompile(`"public":"([0-9a-f]{32})"`)

// publicsSent lists the public key of every POST rec saw.
func publicsSent(t *testing.T, rec *recorder) []string {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []string
	for _, r := range rec.requests {
		if r.Method == http.MethodPost {
			out = append(out, r.Header.Get("X-Test-Public"))
		}
	}
	return out
}

// withPublic records each POST's public key in a request header the
// recorder keeps (the handler reads the body itself).
func withPublic(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if m := publicRe.FindSubmatch(b); m != nil {
			r.Header.Set("X-Test-Public", string(m[1]))
		} else if r.Method == http.MethodPost {
			t.Errorf("a POST without a 32-hex public key: %s", b)
		}
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		h(w, r)
	}
}

func TestCreateProjectKeySendsOnlyWhatPostHonours(t *testing.T) {
	cases := []struct {
		name string
		key  ProjectKeyCreate
		want map[string]any
	}{
		{"name (trimmed as Sentry trims it) and rate limit", ProjectKeyCreate{Name: "\u3000web\x1f ", RateLimit: &RateLimit{Window: 60, Count: 100}},
			map[string]any{"name": "web", "rateLimit": map[string]any{"window": 60.0, "count": 100.0}}},
		{"nothing: Sentry picks a name, no limit", ProjectKeyCreate{}, map[string]any{}},
	}
	publics := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			store := &keyServer{}
			var got map[string]any
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Method != http.MethodPost || r.URL.Path != "/api/0/projects/acme/web/keys/" || r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("%s %s %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
				}
				got = bodyOf(t, r)
				w.WriteHeader(http.StatusCreated)
				public, _ := got["public"].(string)
				fmt.Fprint(w, store.add("Liked Pegasus", public, time.Now()))
			})
			k, err := newTestClient(t, rec).CreateProjectKey(context.Background(), "acme", "web", tc.key)
			if err != nil || k.Secret == nil || *k.Secret != secretOf(1) {
				t.Fatalf("key %+v, err %v", k, err)
			}
			public, _ := got["public"].(string)
			if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(public) || k.ID != public || publics[public] {
				t.Fatalf("public %q, key %s: want a fresh 32-hex public key, the key's id", public, k.ID)
			}
			publics[public] = true
			delete(got, "public")
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("POST body %v, want %v and the public key (never isActive, browserSdkVersion or loader options: Sentry ignores them)", got, tc.want)
			}
		})
	}
}

func TestCreateProjectKeyRetriesA429(t *testing.T) {
	store := &keyServer{}
	rec := store.scripted(t, map[int]func(http.ResponseWriter, *http.Request){1: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()))
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"detail": "You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds"}`)
	}})
	k, err := newTestClient(t, rec).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
	if err != nil || k.Name != "web" {
		t.Fatalf("key %+v, err %v", k, err)
	}
	if got := methods(rec); fmt.Sprint(got) != "[POST POST]" || store.count() != 1 {
		t.Fatalf("requests %v, %d keys; want two POSTs (Sentry carries out no 429) and one key", got, store.count())
	}
}

// TestCreateProjectKeyRetriesADialError: a refused connection cannot have
// reached Sentry, so the create is sent again.
func TestCreateProjectKeyRetriesADialError(t *testing.T) {
	store := &keyServer{}
	rec := store.scripted(t, nil)
	// The first dial is refused, with the error net.Dialer gives. (Dialing
	// a port that was just closed is no refusal: another process may have
	// it by then.)
	var mu sync.Mutex
	dials := 0
	tr := cleanhttp.DefaultPooledTransport()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		dials++
		first := dials == 1
		mu.Unlock()
		if first {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
		}
		return d.DialContext(ctx, network, addr)
	}
	k, err := newTestClient(t, rec, func(c *Config) { c.Transport = tr }).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
	if err != nil || k.Name != "web" {
		t.Fatalf("key %+v, err %v", k, err)
	}
	if dials != 2 || rec.count() != 1 {
		t.Fatalf("%d dials and %d requests, want 2 and 1", dials, rec.count())
	}
}

// ambiguousFaults are ways for a create to fail after Sentry made the key.
var ambiguousFaults = map[string]func(w http.ResponseWriter, r *http.Request){
	"502 page": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><title>502 Bad Gateway</title></html>")
	},
	"500": func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"detail": "Internal Error", "errorId": "abc"}`)
	},
	"connection dropped after sending": func(w http.ResponseWriter, r *http.Request) { dropConnection(w) },
	"timeout": func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	},
	"201 with a page instead of the key": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, "<html><title>Created</title></html>")
	},
	"201 with JSON that is not a key": func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id": 12, "dsn": "x"}`)
	},
	"201 without an id": func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"detail": "created"}`)
	},
	"body cut": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id": "`)
		flush(w)
		dropConnection(w)
	},
}

// TestCreateProjectKeyReadsBackAnAmbiguousCreate: after a failure that may
// have made the key, the client reads the key it asked for and returns it:
// one key, no error, the POST never sent twice.
func TestCreateProjectKeyReadsBackAnAmbiguousCreate(t *testing.T) {
	for name, fault := range ambiguousFaults {
		t.Run(name, func(t *testing.T) {
			store := &keyServer{}
			store.add("web", "", time.Now().Add(-time.Hour)) // an older key of the same name
			rec := store.scripted(t, map[int]func(http.ResponseWriter, *http.Request){1: withPublic(t, func(w http.ResponseWriter, r *http.Request) {
				store.post(t, r)
				fault(w, r)
			})})
			c := newTestClient(t, rec, func(c *Config) { c.RequestTimeout = time.Second })
			k, err := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: " web "})
			if err != nil {
				t.Fatalf("err = %v, want the key created", err)
			}
			public := publicsSent(t, rec)[0]
			if k.ID != public || store.count() != 2 {
				t.Fatalf("key %s, %d keys; want the key %s and no other new one", k.ID, store.count(), public)
			}
			if got := methods(rec); fmt.Sprint(got) != "[POST GET]" || rec.request(1).URL.Path != "/api/0/projects/acme/web/keys/"+public+"/" {
				t.Fatalf("requests %v (%s), want the POST and the read of its key", got, rec.request(1).URL.Path)
			}
		})
	}
}

// TestCreateProjectKeySurvivesA502OnTheFake runs the recovery against the
// fake Sentry, which processes the POST and then answers 502.
func TestCreateProjectKeySurvivesA502OnTheFake(t *testing.T) {
	srv := sentrytest.NewServer(sentrytest.Config{RateLimit: -1})
	defer srv.Close()
	srv.InjectFaults(sentrytest.FaultProcessedThenBadGateway().ForMethod(http.MethodPost))
	c, err := New(Config{BaseURL: srv.URL, Token: srv.Token(), RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
	if err != nil || k.Name != "web" {
		t.Fatalf("key %+v, err %v", k, err)
	}
	keys, err := c.ListProjectKeys(context.Background(), "acme", "web", "")
	if err != nil || len(keys) != 1 || keys[0].ID != k.ID {
		t.Fatalf("keys %v, err %v; want the one key created", keys, err)
	}
}

// TestCreateProjectKeyResendsWhenNothingWasMade: a 404 for the key a failed
// create asked for means it was not made: the same POST, with the same
// public key, is sent again.
func TestCreateProjectKeyResendsWhenNothingWasMade(t *testing.T) {
	store := &keyServer{}
	rec := store.scripted(t, map[int]func(http.ResponseWriter, *http.Request){
		1: withPublic(t, ambiguousFaults["502 page"]), // a proxy's 502: Sentry never saw it
		3: withPublic(t, func(w http.ResponseWriter, r *http.Request) { store.serve(t, w, r) }),
	})
	k, err := newTestClient(t, rec).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
	if err != nil || store.count() != 1 {
		t.Fatalf("key %+v, err %v, %d keys", k, err, store.count())
	}
	publics := publicsSent(t, rec)
	if got := methods(rec); fmt.Sprint(got) != "[POST GET POST]" || len(publics) != 2 || publics[0] != publics[1] || k.ID != publics[0] {
		t.Fatalf("requests %v with public keys %v, key %s; want the same POST sent again after the 404", got, publics, k.ID)
	}
}

// TestCreateProjectKeyResendRacingItsFirstAttempt: the first POST times out
// while Sentry is still making the key; the read finds nothing yet, the
// first attempt then finishes, and the resend gets Sentry's 500 for the
// duplicate public key. Reading again finds the one key.
func TestCreateProjectKeyResendRacingItsFirstAttempt(t *testing.T) {
	store := &keyServer{}
	var pending *http.Request
	rec := store.scripted(t, map[int]func(http.ResponseWriter, *http.Request){
		1: withPublic(t, func(w http.ResponseWriter, r *http.Request) {
			pending = r.Clone(context.Background()) // made later
			w.WriteHeader(http.StatusGatewayTimeout)
		}),
		2: func(w http.ResponseWriter, r *http.Request) {
			store.serve(t, w, r) // 404: not made yet
			store.post(t, pending)
		},
	})
	k, err := newTestClient(t, rec, func(c *Config) { c.MaxRetries = intPtr(4) }).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
	if err != nil || store.count() != 1 || k.ID != publicsSent(t, rec)[0] {
		t.Fatalf("key %+v, err %v, %d keys; want the one key", k, err, store.count())
	}
	if got := methods(rec); fmt.Sprint(got) != "[POST GET POST GET]" {
		t.Fatalf("requests %v", got)
	}
}

// TestCreateProjectKeyAmbiguousWhenRetriesRunOut: when the retries run out
// with the outcome unknown, the error names the one key to look for; when
// the last read found no key, nothing was made and the error is the
// create's own.
func TestCreateProjectKeyAmbiguousWhenRetriesRunOut(t *testing.T) {
	readsFail := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }
	resendsFail := func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"detail": "The requested resource does not exist"}`)
			return
		}
		w.WriteHeader(http.StatusBadGateway)
	}
	for _, tc := range []struct {
		name      string
		answer    func(w http.ResponseWriter, r *http.Request)
		retries   int
		requests  string
		ambiguous bool
	}{
		{"the reads fail", readsFail, 3, "[POST GET GET GET]", true},
		{"the resends fail", resendsFail, 2, "[POST GET POST]", true},
		{"the last read finds nothing", resendsFail, 3, "[POST GET POST GET]", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { withPublic(t, tc.answer)(w, r) })
			k, err := newTestClient(t, rec, func(c *Config) { c.MaxRetries = intPtr(tc.retries) }).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
			if got := fmt.Sprint(methods(rec)); got != tc.requests {
				t.Fatalf("requests %s, want %s: the reads and resends count against the %d retries", got, tc.requests, tc.retries)
			}
			var amb *AmbiguousCreateError
			var apiErr *APIError
			public := publicsSent(t, rec)[0]
			switch {
			case !tc.ambiguous && (k != nil || errors.As(err, &amb) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway):
				t.Fatalf("key %v, err %v; want the create's 502", k, err)
			case !tc.ambiguous:
			case k != nil || !errors.As(err, &amb) || amb.KeyID != public || amb.Created != nil || amb.Candidates != nil:
				t.Fatalf("key %v, err %#v; want an AmbiguousCreateError naming %s", k, err, public)
			}
			for _, s := range []string{public, "acme/web/" + public, `"web"`} {
				if tc.ambiguous && !strings.Contains(err.Error(), s) {
					t.Errorf("the message does not say %q: %v", s, err)
				}
			}
		})
	}
}

// TestCreateProjectKeyOnAServerIgnoringPublic: a server that makes its own
// public key is remembered, and an ambiguous create on it lists the keys of
// that name as candidates without ever taking one.
func TestCreateProjectKeyOnAServerIgnoringPublic(t *testing.T) {
	t.Run("an ambiguous create once the server is known", func(t *testing.T) {
		store := &keyServer{ignorePublic: true}
		rec := store.scripted(t, map[int]func(http.ResponseWriter, *http.Request){2: func(w http.ResponseWriter, r *http.Request) {
			store.post(t, r)
			ambiguousFaults["500"](w, r)
		}})
		log := &captureLogger{}
		c := newTestClient(t, rec, func(c *Config) { c.Logger = log })
		first, err := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
		if err != nil || !log.has("Warn", "ignored the public key") {
			t.Fatalf("first create: key %+v, err %v; want the key and a warning", first, err)
		}
		k, err := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
		var amb *AmbiguousCreateError
		if k != nil || !errors.As(err, &amb) || amb.KeyID != "" || len(amb.Candidates) != 2 || amb.Candidates[1].ID != first.ID {
			t.Fatalf("second create: key %v, err %#v; want no key and both keys named web as candidates", k, err)
		}
		if !strings.Contains(err.Error(), amb.Candidates[0].ID) || !strings.Contains(err.Error(), first.ID) {
			t.Errorf("the message does not list the candidates: %v", err)
		}
		if got := methods(rec); fmt.Sprint(got) != "[POST POST GET]" || rec.request(2).URL.Path != "/api/0/projects/acme/web/keys/" {
			t.Fatalf("requests %v: want no resend and the project's listing", got)
		}
	})
	t.Run("found out after an ambiguous attempt", func(t *testing.T) {
		store := &keyServer{ignorePublic: true}
		store.add("web", "", time.Now().Add(-time.Hour)) // older: not a candidate
		rec := store.scripted(t, map[int]func(http.ResponseWriter, *http.Request){1: func(w http.ResponseWriter, r *http.Request) {
			store.post(t, r)
			ambiguousFaults["502 page"](w, r)
		}})
		k, err := newTestClient(t, rec).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
		var amb *AmbiguousCreateError
		if k == nil || !errors.As(err, &amb) || amb.Created != k || len(amb.Candidates) != 1 || amb.Candidates[0].ID != fmt.Sprintf("%032x", 2) {
			t.Fatalf("key %v, err %#v; want the key made and the one made by the first attempt as the only candidate", k, err)
		}
		if got := methods(rec); fmt.Sprint(got) != "[POST GET POST GET]" || store.count() != 3 {
			t.Fatalf("requests %v, %d keys", got, store.count())
		}
	})
}

// TestSuccessWithoutAnIDIsAnError: a 2xx without a key id is never a key
// with an empty id; the error says what came back without dumping it.
func TestSuccessWithoutAnIDIsAnError(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		fmt.Fprint(w, `{"detail": "ok", "secret": "`+secretOf(9)+`"}`)
	})
	c := newTestClient(t, rec)
	_, updateErr := c.UpdateProjectKey(context.Background(), "acme", "web", "abc", ProjectKeyUpdate{BrowserSDKVersion: "10.x"})
	_, getErr := c.GetProjectKey(context.Background(), "acme", "web", "abc")
	_, createErr := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
	for _, err := range []error{updateErr, getErr, createErr} {
		var de *DecodeError
		var amb *AmbiguousCreateError
		if !errors.As(err, &de) || errors.As(err, &amb) || !strings.Contains(err.Error(), `HTTP 200 with a JSON object with the fields "detail", "secret", and no key id`) || strings.Contains(err.Error(), secretOf(9)) {
			t.Errorf("err = %v, want a DecodeError naming the status and the fields", err)
		}
	}
	if got := methods(rec); fmt.Sprint(got) != "[PUT GET POST]" {
		t.Fatalf("requests %v: a 200 to a POST is no create of Sentry's", got)
	}
}

// TestCreateAnsweredWithAPageCreatedNothing: a 2xx page other than 201 (a
// sign-in page of a proxy) is not Sentry's answer: nothing was created, and
// the create is neither sent again nor read back.
func TestCreateAnsweredWithAPageCreatedNothing(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><title>Sign in</title></html>")
	})
	_, err := newTestClient(t, rec).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
	var nj *NotJSONError
	var amb *AmbiguousCreateError
	if !errors.As(err, &nj) || errors.As(err, &amb) || !strings.Contains(err.Error(), "nothing was created") {
		t.Fatalf("err = %v, want a NotJSONError that says nothing was created", err)
	}
	if got := methods(rec); fmt.Sprint(got) != "[POST]" {
		t.Fatalf("requests %v, want the POST alone", got)
	}
}

func TestCreateProjectKeyRefusalsAreNotAmbiguous(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusNotImplemented} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(status)
				fmt.Fprint(w, `{"detail": "no"}`)
			})
			_, err := newTestClient(t, rec).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
			var apiErr *APIError
			var amb *AmbiguousCreateError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status || errors.As(err, &amb) {
				t.Fatalf("err = %v, want the plain APIError", err)
			}
			if rec.count() != 1 {
				t.Fatalf("made %d requests, want 1", rec.count())
			}
		})
	}
}

// TestCreateProjectKeyIsNotRetriedBlindlyOnAnyTransport: a transport that
// does not report its connections (no httptrace GotConn) cannot make a
// failed create look unsent. Only a dial error proves that.
func TestCreateProjectKeyIsNotRetriedBlindlyOnAnyTransport(t *testing.T) {
	var mu sync.Mutex
	posts := 0
	tr := roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost {
			mu.Lock()
			posts++
			mu.Unlock()
		}
		return nil, io.ErrUnexpectedEOF
	})
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	_, err := newTestClient(t, rec, func(c *Config) { c.Transport = tr }).CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"})
	var amb *AmbiguousCreateError
	if !errors.As(err, &amb) || amb.LookupErr == nil || amb.KeyID == "" {
		t.Fatalf("err = %v, want an AmbiguousCreateError whose read failed", err)
	}
	if posts != 1 {
		t.Fatalf("%d POSTs, want 1", posts)
	}
}

// TestCreateProjectKeyCallerGivesUpAfterSending: a caller who gives up once
// the create may have reached Sentry gets an AmbiguousCreateError wrapping
// its context's error, without a read.
func TestCreateProjectKeyCallerGivesUpAfterSending(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		_, _ = io.ReadAll(r.Body) // the server notices a closed connection only then
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := newTestClient(t, rec).CreateProjectKey(ctx, "acme", "web", ProjectKeyCreate{Name: "web"})
	var amb *AmbiguousCreateError
	if !errors.As(err, &amb) || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(amb.LookupErr, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want an AmbiguousCreateError wrapping the caller's deadline", err)
	}
	if got := methods(rec); fmt.Sprint(got) != "[POST]" {
		t.Fatalf("requests %v, want the POST alone", got)
	}
}

// TestCreateProjectKeyGivenUpUnsentIsNotAmbiguous: a caller who gives up
// while the create waits (for the pacer, or for the back-off after a 429)
// gets the context's error; nothing was carried out.
func TestCreateProjectKeyGivenUpUnsentIsNotAmbiguous(t *testing.T) {
	for _, held := range []bool{true, false} {
		t.Run(fmt.Sprint("held by the pacer: ", held), func(t *testing.T) {
			store := &keyServer{}
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("X-Sentry-Rate-Limit-Limit", "40")
				w.Header().Set("X-Sentry-Rate-Limit-Remaining", "0")
				w.Header().Set("X-Sentry-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()+50))
				if held {
					store.serve(t, w, r)
					return
				}
				w.WriteHeader(http.StatusTooManyRequests)
			})
			c := newTestClient(t, rec)
			if held {
				if _, err := c.CreateProjectKey(context.Background(), "acme", "web", ProjectKeyCreate{Name: "web"}); err != nil {
					t.Fatal(err)
				}
			}
			before := rec.count()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_, err := c.CreateProjectKey(ctx, "acme", "web", ProjectKeyCreate{Name: "web"})
			var amb *AmbiguousCreateError
			if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &amb) {
				t.Fatalf("err = %v, want the plain context error", err)
			}
			if sent := rec.count() - before; sent > 1 {
				t.Fatalf("%d requests sent", sent)
			}
		})
	}
}
