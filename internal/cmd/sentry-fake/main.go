// Command sentry-fake serves the fake Sentry client-keys API of package
// sentrytest on a local address, for demos and manual testing: the key
// lists, creating, reading, updating and deleting a key, a key's stats, a
// project's details and the organization's projects.
//
// Usage:
//
//	go run ./internal/cmd/sentry-fake -listen 127.0.0.1:0 -profile saas \
//	    -token demo-token -organization demo-org -project web -keys 300 \
//	    -url-prefix https://sentry.example.com -rate-limit 40 -latency 0s
//
// It prints "listening on http://HOST:PORT" once the listener is open (and,
// with -url-file, writes that base URL to the file) and serves until it
// receives SIGINT or SIGTERM. Point a client at http://HOST:PORT/api/0/ with
// "Authorization: Bearer <token>".
//
// Besides Sentry's API it serves two control endpoints of its own, outside
// /api/0/ and without authentication (it is meant to listen on loopback),
// to change the fake while a client runs. Both take a JSON body and answer
// 204, or 400 or 404 with a plain-text message:
//
//	POST /_fake/rename  {"organization": "demo-org", "project": "web", "slug": "www"}
//	    renames a project (by its current slug): requests for the old slug
//	    then get Sentry's 302 to the new one.
//	POST /_fake/events  {"organization": "demo-org", "project": "web", "key": "<key id>",
//	                     "accepted": 5, "filtered": 1, "dropped": 2}
//	    records outcomes of error events of a key at the current time, which
//	    the key's stats endpoint then counts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// keysPerExtraProject is the default of -project-keys.
const keysPerExtraProject = 3

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "sentry-fake:", err)
		os.Exit(2)
	}
}

// run parses args, seeds the fake and serves it until ctx is cancelled.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sentry-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	profileName := fs.String("profile", "saas", "server generation to imitate: saas or legacy")
	token := fs.String("token", sentrytest.DefaultToken, "bearer token of an organization owner with every scope")
	org := fs.String("organization", sentrytest.DefaultOrganization, "organization slug")
	project := fs.String("project", sentrytest.DefaultProject, "project slug")
	keys := fs.Int("keys", 25, "number of client keys in the project")
	projects := fs.Int("projects", 0, "extra projects (PROJECT-1, PROJECT-2, ...)")
	projectKeys := fs.Int("project-keys", keysPerExtraProject, "number of client keys in each extra project")
	urlPrefix := fs.String("url-prefix", sentrytest.DefaultURLPrefix, "URL prefix of Link headers (Sentry's system.url-prefix)")
	rateLimit := fs.Int("rate-limit", 0, "requests per second per caller on the key lists; 0 = profile default (40 on saas), -1 = off (also the key stats' 20)")
	concurrentLimit := fs.Int("concurrent-limit", 0, "requests in flight per caller on the key lists; 0 = off")
	latency := fs.Duration("latency", 0, "delay added to every response")
	random503 := fs.Float64("random-503", 0, "fraction of requests answered with a proxy 503 (0..1)")
	gateway := fs.Bool("gateway", false, "answer unknown organizations with an empty 404 like sentry.io's API gateway")
	perPage := fs.Int("default-per-page", 0, "default page size of the key lists; 0 = profile default")
	loaderVersion := fs.String("default-loader-version", "", "the projects' default JavaScript loader version; empty = profile default (10.x on saas)")
	noRateLimitFeature := fs.Bool("no-rate-limit-feature", false, "turn off the projects:rate-limits feature: key writes ignore rateLimit")
	seed := fs.Uint64("seed", 1, "seed of the generated keys")
	urlFile := fs.String("url-file", "", "file to write the base URL to once the server accepts connections")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *keys < 0 || *projects < 0 || *projectKeys < 0:
		return errors.New("-keys, -projects and -project-keys must not be negative")
	case *random503 < 0 || *random503 > 1:
		return errors.New("-random-503 must be between 0 and 1")
	}
	profile, err := sentrytest.ParseProfile(*profileName)
	if err != nil {
		return err
	}

	fake := sentrytest.New(sentrytest.Config{
		Profile:         profile,
		URLPrefix:       *urlPrefix,
		Gateway:         *gateway,
		DefaultPerPage:  *perPage,
		Seed:            *seed,
		Organization:    *org,
		Project:         *project,
		Token:           *token,
		RateLimit:       *rateLimit,
		ConcurrentLimit: *concurrentLimit,
		Latency:         *latency,
		Random503Rate:   *random503,
	})
	fake.Project().SetDefaultLoaderVersion(*loaderVersion)
	fake.Project().SetRateLimitFeature(!*noRateLimitFeature)
	fake.AddKeys(*keys)
	for i := 1; i <= *projects; i++ {
		p := fake.AddProject(sentrytest.ProjectSpec{
			Slug:                 fmt.Sprintf("%s-%d", *project, i),
			Teams:                []string{fake.Team().Slug()},
			DefaultLoaderVersion: *loaderVersion,
			NoRateLimitFeature:   *noRateLimitFeature,
		})
		p.AddKeys(*projectKeys)
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	baseURL := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: withControl(fake), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	fmt.Fprintf(stdout, "listening on %s\n", baseURL)
	if *urlFile != "" {
		if err := writeFileAtomic(*urlFile, baseURL); err != nil {
			_ = srv.Close()
			return err
		}
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

const usage = `Usage: sentry-fake [flags]

Serves a fake of Sentry's client-keys API under /api/0/. Two control
endpoints, without authentication, change it while it runs (JSON bodies;
204 on success, 400 or 404 with a message):

  POST /_fake/rename  {"organization": ORG, "project": SLUG, "slug": NEW_SLUG}
  POST /_fake/events  {"organization": ORG, "project": SLUG, "key": KEY_ID,
                       "accepted": N, "filtered": N, "dropped": N}

Flags:
`

// slugPattern is what Sentry accepts as a project slug (and not all digits).
var slugPattern = regexp.MustCompile(`^[a-z0-9_-]{1,50}$`)

// withControl serves the control endpoints under /_fake/ and everything
// else from the fake, which stays a faithful Sentry.
func withControl(fake *sentrytest.Fake) http.Handler {
	ctl := http.NewServeMux()
	ctl.HandleFunc("POST /_fake/rename", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Organization, Project, Slug string }
		p, status, msg := findProject(fake, r, &req, &req.Organization, &req.Project)
		switch {
		case p == nil:
		case !slugPattern.MatchString(req.Slug) || strings.Trim(req.Slug, "0123456789") == "":
			status, msg = http.StatusBadRequest, fmt.Sprintf("slug %q is not a valid project slug", req.Slug)
		case p.Organization().Project(req.Slug) != nil:
			status, msg = http.StatusBadRequest, fmt.Sprintf("slug %q is taken", req.Slug)
		default:
			p.Rename(req.Slug)
		}
		answer(w, status, msg)
	})
	ctl.HandleFunc("POST /_fake/events", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Organization, Project, Key  string
			Accepted, Filtered, Dropped int
		}
		p, status, msg := findProject(fake, r, &req, &req.Organization, &req.Project)
		var k *sentrytest.Key
		if p != nil {
			k = p.Key(req.Key)
		}
		switch {
		case p == nil:
		case k == nil:
			status, msg = http.StatusNotFound, fmt.Sprintf("no key %q in project %q", req.Key, req.Project)
		case req.Accepted < 0 || req.Filtered < 0 || req.Dropped < 0:
			status, msg = http.StatusBadRequest, "counts must not be negative"
		default:
			k.AddEvents(time.Now(), req.Accepted, req.Filtered, req.Dropped)
		}
		answer(w, status, msg)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_fake/") {
			ctl.ServeHTTP(w, r)
			return
		}
		fake.ServeHTTP(w, r)
	})
}

// findProject decodes a control request into req and finds the project its
// organization and project name, or returns the status and message of the
// failure.
func findProject(fake *sentrytest.Fake, r *http.Request, req any, org, project *string) (*sentrytest.Project, int, string) {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return nil, http.StatusBadRequest, "invalid JSON body: " + err.Error()
	}
	if *org != fake.Organization().Slug() {
		return nil, http.StatusNotFound, fmt.Sprintf("no organization %q", *org)
	}
	p := fake.Organization().Project(*project)
	if p == nil {
		return nil, http.StatusNotFound, fmt.Sprintf("no project %q in %q", *project, *org)
	}
	return p, http.StatusNoContent, ""
}

// answer writes 204, or the status with a plain-text message.
func answer(w http.ResponseWriter, status int, msg string) {
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	http.Error(w, msg, status)
}

// writeFileAtomic writes content to path through a temporary file and a
// rename, so a reader polling for the file never sees it half written.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sentry-fake-url-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
