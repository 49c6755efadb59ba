package sentrytest

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Profile selects which generation of Sentry the fake imitates.
type Profile int

const (
	// SaaS imitates current sentry.io: 13 DSN kinds, five loader options,
	// 16-digit ids, ingest hosts per organization, a default page size of 10
	// on the key lists, rate-limit headers and the organization-wide keys
	// endpoint.
	SaaS Profile = iota
	// Legacy imitates an old self-hosted server: six DSN kinds, no loader
	// options, small ids, a default page size of 100, no rate limiting, no
	// insufficient-scope challenge and no organization-wide keys endpoint.
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
	// Seed makes generated key material, labels, timestamps and random 503s
	// reproducible. Equal seeds and equal calls give equal data.
	Seed uint64
	// Now is the clock of the rate limiter; default time.Now.
	Now func() time.Time

	// Organization is the default organization's slug; default
	// DefaultOrganization.
	Organization string
	// Team is the default team's slug; default the organization's slug.
	Team string
	// Project is the default project's slug (on the default team); default
	// DefaultProject.
	Project string
	// Token is the default token (an owner with every scope, on the
	// default team); default DefaultToken.
	Token string

	// RateLimit is the number of requests per second a caller may send to
	// each key list (fixed one-second windows). Zero means the profile
	// default: 40 on SaaS, none on Legacy. Negative turns rate limiting and
	// its headers off. Legacy never rate-limits.
	RateLimit int
	// RateLimitKeyDetails applies RateLimit to the endpoint of one key
	// (GET, PUT, DELETE) as well. Sentry's code gives that endpoint its
	// default limits and sentry.io does not publish its value, so by
	// default the fake leaves it unlimited; a benchmark of one request per
	// key sets it to meet sentry.io's 40 requests per second there too.
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

// Fake is an in-memory Sentry API for client keys. It implements
// http.Handler and is safe for concurrent use.
type Fake struct {
	cfg Config
	now func() time.Time

	mu      sync.RWMutex // guards the data model below
	orgs    []*Organization
	tokens  map[string]*token
	ids     idCounters
	timeSeq int64
	rng     *rand.Rand
	org     *Organization
	team    *Team
	project *Project

	modes   modes
	faults  faultQueue
	limiter rateLimiter
	log     requestLog
}

type idCounters struct {
	org, team, project, key int64
}

// New returns a Fake seeded with the default organization, team, project
// and token described by cfg.
func New(cfg Config) *Fake {
	if cfg.URLPrefix == "" {
		cfg.URLPrefix = DefaultURLPrefix
	}
	cfg.PathPrefix = strings.TrimRight(cfg.PathPrefix, "/")
	if cfg.PathPrefix != "" && !strings.HasPrefix(cfg.PathPrefix, "/") {
		cfg.PathPrefix = "/" + cfg.PathPrefix
	}
	if cfg.Organization == "" {
		cfg.Organization = DefaultOrganization
	}
	if cfg.Team == "" {
		cfg.Team = cfg.Organization
	}
	if cfg.Project == "" {
		cfg.Project = DefaultProject
	}
	if cfg.Token == "" {
		cfg.Token = DefaultToken
	}
	if cfg.DefaultPerPage <= 0 {
		cfg.DefaultPerPage = 10
		if cfg.Profile == Legacy {
			cfg.DefaultPerPage = 100
		}
	}
	f := &Fake{
		cfg:    cfg,
		now:    cfg.Now,
		tokens: map[string]*token{},
		rng:    rand.New(rand.NewPCG(cfg.Seed, 0x5e47)),
	}
	if f.now == nil {
		f.now = time.Now
	}
	if cfg.Profile == Legacy {
		f.ids = idCounters{org: 1, team: 1, project: 2, key: 1}
	} else {
		f.ids = idCounters{org: 4500000000000001, team: 4500000000900001, key: 1000001}
	}
	f.modes.init(cfg)
	f.limiter.init()
	f.faults.faults = append(f.faults.faults, cfg.Faults...)

	f.mu.Lock()
	defer f.mu.Unlock()
	f.org = f.addOrganization(OrganizationSpec{Slug: cfg.Organization})
	f.team = f.addTeam(f.org, TeamSpec{Slug: cfg.Team})
	f.project = f.addProject(f.org, ProjectSpec{Slug: cfg.Project, Teams: []string{cfg.Team}})
	f.addToken(TokenSpec{
		Token:  cfg.Token,
		Scopes: AllScopes(),
		Role:   RoleOwner,
		Teams:  []string{cfg.Team},
	})
	return f
}

// Profile returns the profile the fake imitates.
func (f *Fake) Profile() Profile { return f.cfg.Profile }

// URLPrefix returns the prefix of Link header URLs.
func (f *Fake) URLPrefix() string { return f.cfg.URLPrefix }

// Token returns the default token.
func (f *Fake) Token() string { return f.cfg.Token }

// Organization returns the default organization.
func (f *Fake) Organization() *Organization { return f.org }

// Team returns the default team.
func (f *Fake) Team() *Team { return f.team }

// Project returns the default project.
func (f *Fake) Project() *Project { return f.project }

// AddKeys adds n deterministic keys to the default project (see
// Project.AddKeys).
func (f *Fake) AddKeys(n int) []*Key { return f.project.AddKeys(n) }

// AddKey adds one key to the default project.
func (f *Fake) AddKey(spec KeySpec) *Key { return f.project.AddKey(spec) }

// AddOrganization adds an organization. It panics if the slug or id is taken.
func (f *Fake) AddOrganization(spec OrganizationSpec) *Organization {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addOrganization(spec)
}

// AddProject adds a project to the default organization.
func (f *Fake) AddProject(spec ProjectSpec) *Project { return f.org.AddProject(spec) }

// AddTeam adds a team to the default organization.
func (f *Fake) AddTeam(spec TeamSpec) *Team { return f.org.AddTeam(spec) }

// AddToken registers an API token. It panics on an empty or duplicate
// token, an unknown role, organization or team.
func (f *Fake) AddToken(spec TokenSpec) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addToken(spec)
}

// RemoveToken forgets a token; requests using it get 401 "Invalid token".
func (f *Fake) RemoveToken(value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.tokens, value)
}

func (f *Fake) addOrganization(spec OrganizationSpec) *Organization {
	if spec.Slug == "" {
		panic("sentrytest: organization slug is required")
	}
	for _, o := range f.orgs {
		if o.slug == spec.Slug || (spec.ID != 0 && o.id == spec.ID) {
			panic(fmt.Sprintf("sentrytest: organization %q (id %d) already exists", spec.Slug, spec.ID))
		}
	}
	o := &Organization{
		f:              f,
		id:             f.allocID(&f.ids.org, spec.ID),
		slug:           spec.Slug,
		name:           nameOr(spec.Name, spec.Slug),
		allowJoinLeave: !spec.ClosedMembership,
		redirects:      map[string]*Project{},
	}
	f.orgs = append(f.orgs, o)
	return o
}

func (f *Fake) addTeam(o *Organization, spec TeamSpec) *Team {
	if spec.Slug == "" {
		panic("sentrytest: team slug is required")
	}
	for _, t := range o.teams {
		if t.slug == spec.Slug || (spec.ID != 0 && t.id == spec.ID) {
			panic(fmt.Sprintf("sentrytest: team %q (id %d) already exists", spec.Slug, spec.ID))
		}
	}
	t := &Team{org: o, id: f.allocID(&f.ids.team, spec.ID), slug: spec.Slug, name: nameOr(spec.Name, spec.Slug)}
	o.teams = append(o.teams, t)
	return t
}

func (f *Fake) addProject(o *Organization, spec ProjectSpec) *Project {
	if spec.Slug == "" {
		panic("sentrytest: project slug is required")
	}
	if o.projectBySlug(spec.Slug) != nil {
		panic(fmt.Sprintf("sentrytest: project %q already exists", spec.Slug))
	}
	if spec.ID != 0 {
		for _, other := range f.orgs {
			for _, p := range other.projects {
				if p.id == spec.ID {
					panic(fmt.Sprintf("sentrytest: project id %d already exists", spec.ID))
				}
			}
		}
	}
	p := &Project{
		org:      o,
		slug:     spec.Slug,
		name:     nameOr(spec.Name, spec.Slug),
		platform: spec.Platform,
		active:   !spec.Inactive,
		created:  spec.Created,

		defaultLoaderVersion: spec.DefaultLoaderVersion,
		defaultLoader:        f.profile().loaderOptions,
		rateLimitFeature:     !spec.NoRateLimitFeature,
	}
	if p.defaultLoaderVersion == "" {
		p.defaultLoaderVersion = f.profile().sdkVersion
	}
	if spec.DefaultLoaderOptions != nil {
		p.defaultLoader = *spec.DefaultLoaderOptions
	}
	for _, slug := range spec.Teams {
		t := o.teamBySlug(slug)
		if t == nil {
			panic(fmt.Sprintf("sentrytest: team %q does not exist in %q", slug, o.slug))
		}
		p.teams = append(p.teams, t)
	}
	p.id = f.allocID(f.projectCounter(), spec.ID)
	if p.created.IsZero() {
		p.created = f.syntheticTime()
	}
	o.projects = append(o.projects, p)
	return p
}

func (f *Fake) addKey(p *Project, spec KeySpec) *Key {
	for _, field := range []string{spec.Public, spec.Secret} {
		if field != "" && !isKeyMaterial(field) {
			panic(fmt.Sprintf("sentrytest: key material %q is not 32 lowercase hex digits", field))
		}
	}
	if spec.ID != 0 || spec.Public != "" {
		for _, o := range f.orgs {
			for _, q := range o.projects {
				for _, k := range q.keys {
					if (spec.ID != 0 && k.internalID == spec.ID) || (spec.Public != "" && k.public == spec.Public) ||
						(spec.Secret != "" && k.secret == spec.Secret) {
						panic(fmt.Sprintf("sentrytest: key id %d, public key %q or secret key %q already exists",
							spec.ID, spec.Public, spec.Secret))
					}
				}
			}
		}
	}
	k := &Key{
		project:    p,
		internalID: f.allocID(&f.ids.key, spec.ID),
		public:     spec.Public,
		secret:     spec.Secret,
		label:      spec.Label,
		active:     !spec.Inactive,
		rlWindow:   spec.RateLimitWindow,
		rlCount:    spec.RateLimitCount,
		created:    spec.Created,
		sdkVersion: spec.BrowserSDKVersion,
		useCase:    spec.UseCase,
		store:      !spec.NoStoreRole,
		loader:     p.defaultLoader,
	}
	if k.public == "" {
		k.public = f.uuidHex()
	}
	if k.secret == "" {
		k.secret = f.uuidHex()
	}
	if k.created.IsZero() {
		k.created = f.syntheticTime()
	}
	if k.useCase == "" {
		k.useCase = UseCaseUser
	}
	if spec.Loader != nil {
		k.loader = *spec.Loader
	}
	p.keys = append(p.keys, k)
	return k
}

// createKey adds a key the way ProjectKeysEndpoint.post does: active, a
// generated two-word label when none is given, key material from
// secrets.token_hex(16) unless given, the project's default loader
// options, no browserSdkVersion of its own, created now.
func (f *Fake) createKey(p *Project, label, public, secret string, window, count int) *Key {
	if label == "" {
		label = f.petName()
	}
	if public == "" {
		public = f.tokenHex()
	}
	if secret == "" {
		secret = f.tokenHex()
	}
	k := &Key{
		project:    p,
		internalID: f.allocID(&f.ids.key, 0),
		public:     public,
		secret:     secret,
		label:      label,
		active:     true,
		rlWindow:   window,
		rlCount:    count,
		created:    f.now().UTC(),
		loader:     p.defaultLoader,
		useCase:    UseCaseUser,
		store:      true,
	}
	p.keys = append(p.keys, k)
	return k
}

func (f *Fake) addToken(spec TokenSpec) {
	if spec.Token == "" {
		panic("sentrytest: token value is required")
	}
	if _, dup := f.tokens[spec.Token]; dup {
		panic(fmt.Sprintf("sentrytest: token %q already exists", spec.Token))
	}
	switch spec.Role {
	case "", RoleMember, RoleAdmin, RoleManager, RoleOwner:
	default:
		panic(fmt.Sprintf("sentrytest: unknown role %q", spec.Role))
	}
	org := f.org
	if spec.Organization != "" {
		org = nil
		for _, o := range f.orgs {
			if o.slug == spec.Organization {
				org = o
			}
		}
		if org == nil {
			panic(fmt.Sprintf("sentrytest: organization %q does not exist", spec.Organization))
		}
	}
	t := &token{
		value:     spec.Token,
		scopes:    map[string]bool{},
		expired:   spec.Expired,
		org:       org,
		role:      spec.Role,
		teams:     map[*Team]bool{},
		sentryApp: spec.SentryApp,
	}
	for _, s := range spec.Scopes {
		t.scopes[s] = true
	}
	for _, slug := range spec.Teams {
		team := org.teamBySlug(slug)
		if team == nil {
			panic(fmt.Sprintf("sentrytest: team %q does not exist in %q", slug, org.slug))
		}
		t.teams[team] = true
	}
	f.tokens[spec.Token] = t
}

// projectCounter returns the sequence project ids come from. On sentry.io
// ids are snowflakes shared across tables, so projects continue the
// organizations' sequence (organization ...0001, first project ...0002).
func (f *Fake) projectCounter() *int64 {
	if f.cfg.Profile == SaaS {
		return &f.ids.org
	}
	return &f.ids.project
}

// allocID returns explicit when set (moving the counter past it) or the
// counter's next value.
func (f *Fake) allocID(counter *int64, explicit int64) int64 {
	if explicit != 0 {
		*counter = max(*counter, explicit+1)
		return explicit
	}
	id := *counter
	*counter++
	return id
}

// uuidHex returns a deterministic uuid4().hex, the shape of Sentry's keys.
func (f *Fake) uuidHex() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := f.rng.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return hex.EncodeToString(b[:])
}

// tokenHex returns 32 deterministic lowercase hex digits, the shape of
// secrets.token_hex(16).
func (f *Fake) tokenHex() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(f.rng.Uint32())
	}
	return hex.EncodeToString(b[:])
}

// syntheticTime returns the next deterministic creation time: one per
// object, a little over a minute apart, with generated microseconds.
func (f *Fake) syntheticTime() time.Time {
	f.timeSeq++
	micros := time.Duration(f.rng.IntN(1_000_000)) * time.Microsecond
	return f.profile().epoch.Add(time.Duration(f.timeSeq)*67*time.Second + micros)
}

var (
	petAdjectives = []string{"Liked", "Bold", "Brave", "Calm", "Clever", "Eager", "Gentle", "Happy",
		"Jolly", "Keen", "Lively", "Lucky", "Merry", "Noble", "Proud", "Quick", "Quiet", "Rapid",
		"Sharp", "Smart", "Steady", "Swift", "Witty", "Zesty"}
	petAnimals = []string{"Pegasus", "Oarfish", "Badger", "Beaver", "Bison", "Condor", "Coyote",
		"Falcon", "Ferret", "Gecko", "Heron", "Ibex", "Jaguar", "Koala", "Lemur", "Lynx", "Marmot",
		"Narwhal", "Otter", "Puffin", "Quokka", "Raven", "Salmon", "Walrus"}
)

// petName returns a deterministic two-word label, like Sentry's petname
// labels for new keys.
func (f *Fake) petName() string {
	return petAdjectives[f.rng.IntN(len(petAdjectives))] + " " + petAnimals[f.rng.IntN(len(petAnimals))]
}

func isKeyMaterial(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && (s[i] < 'a' || s[i] > 'f') {
			return false
		}
	}
	return true
}

func nameOr(name, slug string) string {
	if name != "" {
		return name
	}
	return slug
}
