package sentrytest

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// Fake is an in-memory Sentry API for client keys. It implements
// http.Handler and is safe for concurrent use.
type Fake struct {
	cfg Config
	now func() time.Time

	mu      sync.RWMutex // guards the data model below
	orgs    []*Organization
	tokens  map[string]*token
	ids     struct{ org, team, project, key int64 }
	timeSeq int64
	rng     *rand.Rand
	org     *Organization
	team    *Team
	project *Project

	switches switches
	limiter  rateLimiter
	log      requestLog
}

// New returns a Fake seeded with the default organization, team, project
// and token described by cfg.
func New(cfg Config) *Fake {
	cfg.URLPrefix = cmpOr(cfg.URLPrefix, DefaultURLPrefix)
	if cfg.PathPrefix = strings.Trim(cfg.PathPrefix, "/"); cfg.PathPrefix != "" {
		cfg.PathPrefix = "/" + cfg.PathPrefix
	}
	cfg.Organization = cmpOr(cfg.Organization, DefaultOrganization)
	cfg.Team = cmpOr(cfg.Team, cfg.Organization)
	cfg.Project = cmpOr(cfg.Project, DefaultProject)
	cfg.Token = cmpOr(cfg.Token, DefaultToken)
	if cfg.DefaultPerPage <= 0 {
		cfg.DefaultPerPage = 10
		if cfg.Profile == Legacy {
			cfg.DefaultPerPage = 100
		}
	}
	f := &Fake{cfg: cfg, now: cfg.Now, tokens: map[string]*token{}, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5e47))}
	if f.now == nil {
		f.now = time.Now
	}
	f.ids.org, f.ids.team, f.ids.project, f.ids.key = 4500000000000001, 4500000000900001, 0, 1000001
	if cfg.Profile == Legacy {
		f.ids.org, f.ids.team, f.ids.project, f.ids.key = 1, 1, 2, 1
	}
	f.switches = switches{faults: slices.Clone(cfg.Faults), rng: rand.New(rand.NewPCG(cfg.Seed, 503)), modes: modes{
		cfg.Latency, cfg.NoLinkHeader, cfg.CursorLoop, cfg.RateLimit, cfg.ConcurrentLimit, cfg.Random503Rate}}
	f.limiter.init()

	f.org = f.addOrganization(OrganizationSpec{Slug: cfg.Organization})
	f.team = f.addTeam(f.org, TeamSpec{Slug: cfg.Team})
	f.project = f.addProject(f.org, ProjectSpec{Slug: cfg.Project, Teams: []string{cfg.Team}})
	f.addToken(TokenSpec{Token: cfg.Token, Scopes: AllScopes(), Role: RoleOwner, Teams: []string{cfg.Team}})
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
func (f *Fake) AddOrganization(spec OrganizationSpec) (o *Organization) {
	f.write(func() { o = f.addOrganization(spec) })
	return o
}

// AddProject adds a project to the default organization.
func (f *Fake) AddProject(spec ProjectSpec) *Project { return f.org.AddProject(spec) }

// AddTeam adds a team to the default organization.
func (f *Fake) AddTeam(spec TeamSpec) *Team { return f.org.AddTeam(spec) }

// AddToken registers an API token. It panics on an empty or duplicate
// token, an unknown role, organization or team.
func (f *Fake) AddToken(spec TokenSpec) { f.write(func() { f.addToken(spec) }) }

// RemoveToken forgets a token; requests using it get 401 "Invalid token".
func (f *Fake) RemoveToken(value string) { f.write(func() { delete(f.tokens, value) }) }

func (f *Fake) addOrganization(spec OrganizationSpec) *Organization {
	if spec.Slug == "" || slices.ContainsFunc(f.orgs, func(o *Organization) bool {
		return o.slug == spec.Slug || (spec.ID != 0 && o.id == spec.ID)
	}) {
		panic(fmt.Sprintf("sentrytest: organization %q (id %d) is unnamed or already exists", spec.Slug, spec.ID))
	}
	o := &Organization{f: f, id: f.allocID(&f.ids.org, spec.ID), slug: spec.Slug, name: cmpOr(spec.Name, spec.Slug),
		allowJoinLeave: !spec.ClosedMembership, redirects: map[string]*Project{}}
	f.orgs = append(f.orgs, o)
	return o
}

func (f *Fake) addTeam(o *Organization, spec TeamSpec) *Team {
	if spec.Slug == "" || slices.ContainsFunc(o.teams, func(t *Team) bool {
		return t.slug == spec.Slug || (spec.ID != 0 && t.id == spec.ID)
	}) {
		panic(fmt.Sprintf("sentrytest: team %q (id %d) is unnamed or already exists", spec.Slug, spec.ID))
	}
	t := &Team{org: o, id: f.allocID(&f.ids.team, spec.ID), slug: spec.Slug, name: cmpOr(spec.Name, spec.Slug)}
	o.teams = append(o.teams, t)
	return t
}

func (f *Fake) addProject(o *Organization, spec ProjectSpec) *Project {
	taken := spec.Slug == ""
	for other := range f.projects {
		taken = taken || (other.org == o && other.slug == spec.Slug) || (spec.ID != 0 && other.id == spec.ID)
	}
	if taken {
		panic(fmt.Sprintf("sentrytest: project %q (id %d) is unnamed or already exists", spec.Slug, spec.ID))
	}
	p := &Project{
		f: f, org: o, slug: spec.Slug, name: cmpOr(spec.Name, spec.Slug), platform: spec.Platform,
		active: !spec.Inactive, created: spec.Created, rateLimitFeature: !spec.NoRateLimitFeature,
		defaultLoaderVersion: cmpOr(spec.DefaultLoaderVersion, f.profile().sdkVersion),
		defaultLoader:        f.profile().loaderOptions,
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
	// On sentry.io ids are snowflakes shared across tables, so projects
	// continue the organizations' sequence (organization ...0001, first
	// project ...0002).
	counter := &f.ids.project
	if f.cfg.Profile == SaaS {
		counter = &f.ids.org
	}
	p.id = f.allocID(counter, spec.ID)
	if p.created.IsZero() {
		p.created = f.syntheticTime()
	}
	o.projects = append(o.projects, p)
	return p
}

// projects yields every project of the fake.
func (f *Fake) projects(yield func(*Project) bool) {
	for _, o := range f.orgs {
		for _, p := range o.projects {
			if !yield(p) {
				return
			}
		}
	}
}

// keyTaken reports whether a key already has this internal id, public or
// secret key (unique columns); zero values match nothing.
func (f *Fake) keyTaken(id int64, public, secret string) bool {
	for p := range f.projects {
		if slices.ContainsFunc(p.keys, func(k *Key) bool {
			return (id != 0 && k.internalID == id) || (public != "" && k.public == public) || (secret != "" && k.secret == secret)
		}) {
			return true
		}
	}
	return false
}

func (f *Fake) addKey(p *Project, spec KeySpec) *Key {
	for _, field := range []string{spec.Public, spec.Secret} {
		if field != "" && !isKeyMaterial(field) {
			panic(fmt.Sprintf("sentrytest: key material %q is not 32 lowercase hex digits", field))
		}
	}
	if f.keyTaken(spec.ID, spec.Public, spec.Secret) {
		panic(fmt.Sprintf("sentrytest: key id %d, public key %q or secret key %q exists", spec.ID, spec.Public, spec.Secret))
	}
	k := &Key{
		f: f, project: p, internalID: f.allocID(&f.ids.key, spec.ID), public: spec.Public, secret: spec.Secret,
		label: spec.Label, active: !spec.Inactive, rlWindow: spec.RateLimitWindow, rlCount: spec.RateLimitCount,
		created: spec.Created, sdkVersion: spec.BrowserSDKVersion, useCase: cmpOr(spec.UseCase, UseCaseUser),
		store: !spec.NoStoreRole, loader: p.defaultLoader,
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
	if spec.Loader != nil {
		k.loader = *spec.Loader
	}
	p.keys = append(p.keys, k)
	return k
}

// createKey adds a key as ProjectKeysEndpoint.post does: a two-word label
// and key material from secrets.token_hex(16) unless given, created now.
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
	return f.addKey(p, KeySpec{Label: label, Public: public, Secret: secret,
		RateLimitWindow: window, RateLimitCount: count, Created: f.now().UTC()})
}

func (f *Fake) addToken(spec TokenSpec) {
	if _, dup := f.tokens[spec.Token]; dup || spec.Token == "" {
		panic(fmt.Sprintf("sentrytest: token %q is empty or already exists", spec.Token))
	}
	switch spec.Role {
	case "", RoleMember, RoleAdmin, RoleManager, RoleOwner:
	default:
		panic(fmt.Sprintf("sentrytest: unknown role %q", spec.Role))
	}
	org := find(f.orgs, func(o *Organization) bool { return o.slug == cmpOr(spec.Organization, f.org.slug) })
	if org == nil {
		panic(fmt.Sprintf("sentrytest: organization %q does not exist", spec.Organization))
	}
	t := &token{value: spec.Token, scopes: map[string]bool{}, expired: spec.Expired, org: org, role: spec.Role,
		teams: map[*Team]bool{}, sentryApp: spec.SentryApp}
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

// allocID returns explicit when set (moving the counter past it) or the
// counter's next value.
func (f *Fake) allocID(counter *int64, explicit int64) int64 {
	if explicit != 0 {
		*counter = max(*counter, explicit+1)
		return explicit
	}
	*counter++
	return *counter - 1
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
	return len(s) == 32 && strings.Trim(s, "0123456789abcdef") == ""
}

// cmpOr returns s, or def when s is empty.
func cmpOr(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
