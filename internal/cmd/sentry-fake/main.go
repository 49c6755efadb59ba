// Command sentry-fake serves the fake Sentry client-keys API of package
// sentrytest on a local address, for demos and manual testing: the key
// lists, creating, reading, updating and deleting a key and the
// organization's projects.
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
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
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
	rateLimit := fs.Int("rate-limit", 0, "requests per second per caller on the key lists; 0 = profile default (40 on saas), -1 = off")
	concurrentLimit := fs.Int("concurrent-limit", 0, "requests in flight per caller on the key lists; 0 = off")
	latency := fs.Duration("latency", 0, "delay added to every response")
	random503 := fs.Float64("random-503", 0, "fraction of requests answered with a proxy 503 (0..1)")
	gateway := fs.Bool("gateway", false, "answer unknown organizations with an empty 404 like sentry.io's API gateway")
	perPage := fs.Int("default-per-page", 0, "default page size of the key lists; 0 = profile default")
	loaderVersion := fs.String("default-loader-version", "", "the projects' default JavaScript loader version; empty = profile default (10.x on saas)")
	noRateLimitFeature := fs.Bool("no-rate-limit-feature", false, "turn off the projects:rate-limits feature: key writes ignore rateLimit")
	seed := fs.Uint64("seed", 1, "seed of the generated keys")
	urlFile := fs.String("url-file", "", "file to write the base URL to once the server accepts connections")
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
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
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
