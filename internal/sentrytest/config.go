package sentrytest

import (
	"fmt"
	"strings"
	"time"
)

// Profile selects which generation of Sentry the fake imitates.
type Profile int

const (
	// SaaS imitates current sentry.io: 13 DSN kinds, five loader options,
	// 16-digit ids, ingest hosts per organization, a default page size of 10
	// on the key lists, rate limits with their headers and the
	// organization-wide keys endpoint.
	SaaS Profile = iota
	// Legacy imitates an old self-hosted server: six DSN kinds, no loader
	// options, small ids, a default page size of 100, no rate limiting, no
	// insufficient-scope challenge, no organization-wide keys endpoint and
	// the older body of a renamed project's redirect.
	Legacy
)

// String returns "saas" or "legacy".
func (p Profile) String() string {
	if p == Legacy {
		return "legacy"
	}
	return "saas"
}

// ParseProfile parses "saas" or "legacy" (case-insensitive).
func ParseProfile(s string) (Profile, error) {
	switch strings.ToLower(s) {
	case "saas":
		return SaaS, nil
	case "legacy":
		return Legacy, nil
	}
	return SaaS, fmt.Errorf("sentrytest: unknown profile %q (want saas or legacy)", s)
}

// Defaults used when the corresponding Config field is empty.
const (
	DefaultURLPrefix    = "https://sentry.example.com"
	DefaultToken        = "sntryu_sentrytest_default_token"
	DefaultOrganization = "acme"
	DefaultProject      = "web"
)

// Config configures a Fake. The zero value imitates sentry.io with one
// organization ("acme"), one team of the same slug, one project ("web") with
// no keys, and DefaultToken belonging to an owner of the organization who is
// on the team and holds every scope.
type Config struct {
	// Profile selects SaaS (default) or Legacy behaviour.
	Profile Profile
	// URLPrefix is Sentry's system.url-prefix: Link header URLs are built
	// from it, never from the listening address. Default DefaultURLPrefix.
	URLPrefix string
	// PathPrefix mounts the API below a path, e.g. "/sentry" serves
	// "/sentry/api/0/...". Link URLs do not include it; put it in URLPrefix
	// too if you want it there.
	PathPrefix string
	// IngestEndpoint overrides the scheme://host[/path] used in DSNs. By
	// default SaaS uses https://o{orgID}.ingest.us.sentry.io and Legacy uses
	// URLPrefix.
	IngestEndpoint string
	// Gateway imitates the sentry.io API gateway: an unknown organization is
	// answered with an empty 404 before authentication.
	Gateway bool
	// DefaultPerPage overrides the default page size of the two key lists
	// (SaaS 10, Legacy 100).
	DefaultPerPage int
	// IgnoreKeyMaterial imitates a server whose key create does not take
	// public and secret (Sentry has since 2016): POST drops both, unchecked,
	// and generates the key material.
	IgnoreKeyMaterial bool
	// Seed makes generated key material, labels, timestamps and random 503s
	// reproducible. Equal seeds and equal calls give equal data.
	Seed uint64
	// Now is the fake's clock: the rate limiter's, the creation time of keys
	// made through the API, and the end of the key stats' default window.
	// Default time.Now.
	Now func() time.Time

	// Organization, Team, Project and Token are the slugs of the default
	// organization, its team and a project on that team, and the token of
	// an owner with every scope on the team. Defaults: DefaultOrganization,
	// the organization's slug, DefaultProject and DefaultToken.
	Organization, Team, Project, Token string

	// RateLimit is the number of requests per second a caller may send to
	// each key list (fixed one-second windows). Zero means the profile
	// default: 40 on SaaS, none on Legacy. Negative turns rate limiting and
	// its headers off everywhere, the key stats' 20 per second included.
	// Legacy never rate-limits.
	RateLimit int
	// RateLimitKeyDetails applies RateLimit to the endpoint of one key
	// (GET, PUT, DELETE) too. sentry.io does not publish that endpoint's
	// limit, so by default the fake leaves it unlimited.
	RateLimitKeyDetails bool
	// ConcurrentLimit, when positive, adds the concurrent-limit headers to
	// the key lists and rejects requests beyond that many in flight (SaaS).
	ConcurrentLimit int
	// Latency delays every response.
	Latency time.Duration
	// Random503Rate answers that fraction of requests (0..1) with a proxy's
	// 503 page, drawing from a generator seeded by Seed.
	Random503Rate float64
	// NoLinkHeader omits the Link header from every list.
	NoLinkHeader bool
	// CursorLoop makes every list's next link claim results="true" with a
	// cursor that repeats.
	CursorLoop bool
	// Faults are queued before the first request (see Fake.InjectFaults).
	Faults []Fault
}

// profileSettings gathers what differs between the two profiles.
type profileSettings struct {
	sdkVersion     string        // a new project's default loader version
	loaderOptions  LoaderOptions // a new project's default loader options
	sdkChoices     []string
	epoch          time.Time // base of synthetic creation times
	formatTime     func(time.Time) string
	modern         bool // 13 DSN kinds and dynamicSdkLoaderOptions
	scopeChallenge bool // WWW-Authenticate on insufficient-scope 403s
	orgKeys        bool // GET /organizations/{org}/project-keys/ exists
	rateLimits     bool // the endpoints' rate limits are enforced
	movedCode      bool // a renamed project's 302 has detail.code and message
}

var (
	saasProfile = profileSettings{
		sdkVersion:     "10.x",
		loaderOptions:  LoaderOptions{HasReplay: true, HasPerformance: true},
		sdkChoices:     []string{"10.x", "9.x", "8.x", "7.x"},
		epoch:          time.Date(2026, 1, 29, 17, 40, 0, 0, time.UTC),
		formatTime:     formatMicros,
		modern:         true,
		scopeChallenge: true,
		orgKeys:        true,
		rateLimits:     true,
	}
	legacyProfile = profileSettings{
		sdkVersion: "4.x",
		sdkChoices: []string{"latest", "4.x"},
		epoch:      time.Date(2018, 9, 20, 15, 48, 0, 0, time.UTC),
		formatTime: formatMillis,
		movedCode:  true,
	}
)

func (f *Fake) profile() profileSettings {
	if f.cfg.Profile == Legacy {
		return legacyProfile
	}
	return saasProfile
}

// formatMicros renders a time like Sentry's JSON encoder today
// (%Y-%m-%dT%H:%M:%S.%fZ, always six fractional digits).
func formatMicros(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// formatMillis renders a time like Django REST framework's encoder, which
// old Sentry used: isoformat() cut to milliseconds, no fraction when the
// microseconds are zero.
func formatMillis(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.") + fmt.Sprintf("%03d", t.Nanosecond()/1_000_000) + "Z"
}
