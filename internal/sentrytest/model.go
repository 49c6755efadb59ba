package sentrytest

import (
	"fmt"
	"slices"
	"time"
)

// The data model: organizations own teams and projects, projects own client
// keys, and tokens stand for API callers. Every object is created through the
// fake and reached through a handle whose methods lock the fake, so tests
// may read and change data while requests are being served.

// Roles a token's user can hold in its organization.
const (
	RoleMember  = "member"
	RoleAdmin   = "admin"
	RoleManager = "manager"
	RoleOwner   = "owner"
)

// Use cases of a client key. Only UseCaseUser keys are listed to API tokens.
const (
	UseCaseUser             = "user"
	UseCaseProfiling        = "profiling"
	UseCaseEscalatingIssues = "escalating_issues"
	UseCaseTempest          = "tempest"
	UseCaseDemo             = "demo"
)

// AllScopes returns every scope a Sentry user auth token can carry.
func AllScopes() []string {
	return []string{
		"org:read", "org:write", "org:admin", "org:integrations",
		"project:read", "project:write", "project:admin", "project:releases",
		"team:read", "team:write", "team:admin",
		"member:read", "member:write", "member:admin",
		"event:read", "event:write", "event:admin",
		"alerts:read", "alerts:write",
	}
}

// OrganizationSpec describes an organization to add. Zero fields get
// defaults: the next id and a name derived from the slug.
type OrganizationSpec struct {
	// Slug is required and unique.
	Slug string
	// ID is the numeric id; zero takes the next one.
	ID int64
	// Name defaults to the slug.
	Name string
	// ClosedMembership turns off "allow members to join and leave teams"
	// (allow_joinleave), which Sentry enables for new organizations. In a
	// closed organization members and admins only reach their teams' projects.
	ClosedMembership bool
}

// TeamSpec describes a team to add to an organization.
type TeamSpec struct {
	// Slug is required and unique in the organization.
	Slug string
	// ID is the numeric id; zero takes the next one.
	ID int64
	// Name defaults to the slug.
	Name string
}

// ProjectSpec describes a project to add to an organization.
type ProjectSpec struct {
	// Slug is required and unique in the organization.
	Slug string
	// ID is the numeric id; zero takes the next one.
	ID int64
	// Name defaults to the slug.
	Name string
	// Platform is reported by the projects list; empty means null.
	Platform string
	// Teams lists the slugs of the teams the project belongs to; none when
	// empty. The teams must exist in the organization.
	Teams []string
	// Inactive marks the project as pending deletion: it answers 404 and is
	// left out of every list.
	Inactive bool
	// Created is the creation time; zero means a deterministic time.
	Created time.Time
	// DefaultLoaderVersion is the project option
	// sentry:default_loader_version: the browserSdkVersion of keys that
	// have none of their own, and what a PUT without browserSdkVersion
	// stores. Empty means the profile's (SaaS "10.x", Legacy "4.x").
	DefaultLoaderVersion string
	// DefaultLoaderOptions is the project option
	// sentry:default_loader_options, copied into every key created through
	// the API. Nil means the profile's: on SaaS hasPerformance and
	// hasReplay (projects of epoch 10 and later), on Legacy none.
	DefaultLoaderOptions *LoaderOptions
	// NoRateLimitFeature turns off the projects:rate-limits feature, which
	// Sentry enables by default: POST and PUT then ignore rateLimit.
	NoRateLimitFeature bool
}

// LoaderOptions are a key's dynamic JavaScript SDK loader options.
type LoaderOptions struct {
	// HasReplay is reported as dynamicSdkLoaderOptions.hasReplay.
	HasReplay bool
	// HasPerformance is reported as dynamicSdkLoaderOptions.hasPerformance.
	HasPerformance bool
	// HasDebug is reported as dynamicSdkLoaderOptions.hasDebug.
	HasDebug bool
	// HasFeedback is reported as dynamicSdkLoaderOptions.hasFeedback.
	HasFeedback bool
	// HasLogsAndMetrics is reported as dynamicSdkLoaderOptions.hasLogsAndMetrics.
	HasLogsAndMetrics bool
}

// loaderOptionFields declares the loader options once: their API names in
// the serializer's order, and where each is stored. The key serializer, the
// PUT merge and the accepted names all read it, so a new option is a field
// of LoaderOptions and a line here.
var loaderOptionFields = []struct {
	name  string
	field func(*LoaderOptions) *bool
}{
	{"hasReplay", func(o *LoaderOptions) *bool { return &o.HasReplay }},
	{"hasPerformance", func(o *LoaderOptions) *bool { return &o.HasPerformance }},
	{"hasDebug", func(o *LoaderOptions) *bool { return &o.HasDebug }},
	{"hasFeedback", func(o *LoaderOptions) *bool { return &o.HasFeedback }},
	{"hasLogsAndMetrics", func(o *LoaderOptions) *bool { return &o.HasLogsAndMetrics }},
}

// KeySpec describes a client key to add to a project. The zero value is an
// active user key with the store role, generated key material, an empty
// label and the project's default loader settings.
type KeySpec struct {
	// ID is the hidden internal id that orders keys and feeds cursors. Zero
	// takes the next value of the server-wide counter; an explicit id moves
	// the counter past it.
	ID int64
	// Public is the public key, 32 lowercase hex digits; empty means
	// generated.
	Public string
	// Secret is the secret key, 32 lowercase hex digits; empty means
	// generated.
	Secret string
	// Label may be empty, in which case the API shows the first 14
	// characters of the public key as name and label.
	Label string
	// Inactive creates a deactivated key.
	Inactive bool
	// RateLimitWindow is the rate limit window in seconds; the rate limit
	// is reported only when it and RateLimitCount are both non-zero.
	RateLimitWindow int
	// RateLimitCount is the number of events allowed per window.
	RateLimitCount int
	// Created is the creation time; zero means a deterministic time derived
	// from the key's position.
	Created time.Time
	// Loader overrides the dynamic loader options; nil copies the project's
	// default loader options, as keys created through the API do.
	Loader *LoaderOptions
	// BrowserSDKVersion is stored on the key; empty means none, and the
	// API then shows the project's default loader version at read time.
	BrowserSDKVersion string
	// UseCase defaults to UseCaseUser.
	UseCase string
	// NoStoreRole removes the store role; such keys are never listed.
	NoStoreRole bool
}

// TokenSpec describes an API token and the user behind it.
type TokenSpec struct {
	// Token is the bearer token value; required and unique.
	Token string
	// Scopes granted to the token. Empty means no scope at all; use
	// AllScopes for everything.
	Scopes []string
	// Expired tokens are rejected with 401 "Token expired".
	Expired bool
	// Organization is the slug of the organization the user belongs to;
	// empty means the fake's default organization.
	Organization string
	// Role is the user's role in that organization (RoleMember, RoleAdmin,
	// RoleManager or RoleOwner); empty means not a member.
	Role string
	// Teams are the slugs of the teams the user is a member of.
	Teams []string
	// SentryApp makes this an internal-integration token: its access
	// simulates membership of every project of the organization.
	SentryApp bool
}

// Organization is a handle on an organization of the fake. Its id and slug
// never change; the other fields are guarded by Fake.mu.
type Organization struct {
	f              *Fake
	id             int64
	slug           string
	name           string
	allowJoinLeave bool
	teams          []*Team
	projects       []*Project
	redirects      map[string]*Project // former project slugs
}

// Team is a handle on a team.
type Team struct {
	org  *Organization
	id   int64
	slug string
	name string
}

// Project is a handle on a project. Its organization and id never change;
// the other fields are guarded by Fake.mu.
type Project struct {
	org      *Organization
	id       int64
	slug     string
	name     string
	platform string
	teams    []*Team
	active   bool
	created  time.Time
	keys     []*Key // deleted keys are removed

	defaultLoaderVersion string
	defaultLoader        LoaderOptions
	rateLimitFeature     bool
}

// Key is a handle on a client key (DSN). Its project, internal id and key
// material never change; the other fields are guarded by Fake.mu.
type Key struct {
	project    *Project
	internalID int64
	public     string
	secret     string
	label      string
	active     bool
	rlWindow   int
	rlCount    int
	created    time.Time
	loader     LoaderOptions
	sdkVersion string // "" until set: reads show the project's default
	useCase    string
	store      bool
	deleted    bool
}

// token is the stored form of a TokenSpec.
type token struct {
	value     string
	scopes    map[string]bool
	expired   bool
	org       *Organization
	role      string
	teams     map[*Team]bool
	sentryApp bool
}

// ID returns the organization's numeric id.
func (o *Organization) ID() int64 { return o.id }

// Slug returns the organization's slug.
func (o *Organization) Slug() string { return o.slug }

// SetClosedMembership turns the allow_joinleave flag off (true) or on.
func (o *Organization) SetClosedMembership(closed bool) {
	o.f.mu.Lock()
	defer o.f.mu.Unlock()
	o.allowJoinLeave = !closed
}

// AddTeam adds a team to the organization. It panics if the slug is taken.
func (o *Organization) AddTeam(spec TeamSpec) *Team {
	o.f.mu.Lock()
	defer o.f.mu.Unlock()
	return o.f.addTeam(o, spec)
}

// AddProject adds a project to the organization. It panics if the slug or
// id is taken or a team does not exist.
func (o *Organization) AddProject(spec ProjectSpec) *Project {
	o.f.mu.Lock()
	defer o.f.mu.Unlock()
	return o.f.addProject(o, spec)
}

// Project returns the organization's project with the given slug, or nil.
func (o *Organization) Project(slug string) *Project {
	o.f.mu.RLock()
	defer o.f.mu.RUnlock()
	return o.projectBySlug(slug)
}

// Team returns the organization's team with the given slug, or nil.
func (o *Organization) Team(slug string) *Team {
	o.f.mu.RLock()
	defer o.f.mu.RUnlock()
	return o.teamBySlug(slug)
}

func (o *Organization) projectBySlug(slug string) *Project {
	for _, p := range o.projects {
		if p.slug == slug {
			return p
		}
	}
	return nil
}

func (o *Organization) teamBySlug(slug string) *Team {
	for _, t := range o.teams {
		if t.slug == slug {
			return t
		}
	}
	return nil
}

// ID returns the team's numeric id.
func (t *Team) ID() int64 { return t.id }

// Slug returns the team's slug.
func (t *Team) Slug() string { return t.slug }

// ID returns the project's numeric id.
func (p *Project) ID() int64 { return p.id }

// Organization returns the project's organization.
func (p *Project) Organization() *Organization { return p.org }

// Slug returns the project's current slug.
func (p *Project) Slug() string {
	p.org.f.mu.RLock()
	defer p.org.f.mu.RUnlock()
	return p.slug
}

// Rename changes the project's slug. Requests that use the old slug are
// redirected (302) to the new one, as Sentry does. It panics if the new slug
// is taken.
func (p *Project) Rename(slug string) {
	f := p.org.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if other := p.org.projectBySlug(slug); other != nil && other != p {
		panic(fmt.Sprintf("sentrytest: project slug %q already exists", slug))
	}
	p.org.redirects[p.slug] = p
	p.slug = slug
}

// SetActive makes the project active, or inactive (pending deletion).
func (p *Project) SetActive(active bool) {
	p.org.f.mu.Lock()
	defer p.org.f.mu.Unlock()
	p.active = active
}

// AddTeam links the project to another team of its organization.
func (p *Project) AddTeam(t *Team) {
	p.org.f.mu.Lock()
	defer p.org.f.mu.Unlock()
	if t.org != p.org {
		panic("sentrytest: team and project belong to different organizations")
	}
	if !slices.Contains(p.teams, t) {
		p.teams = append(p.teams, t)
	}
}

// SetDefaultLoaderVersion changes the project's default loader version
// (see ProjectSpec.DefaultLoaderVersion); empty means the profile's.
func (p *Project) SetDefaultLoaderVersion(version string) {
	f := p.org.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if version == "" {
		version = f.profile().sdkVersion
	}
	p.defaultLoaderVersion = version
}

// SetDefaultLoaderOptions changes the loader options that keys created
// through the API get from now on.
func (p *Project) SetDefaultLoaderOptions(opts LoaderOptions) {
	p.org.f.mu.Lock()
	defer p.org.f.mu.Unlock()
	p.defaultLoader = opts
}

// SetRateLimitFeature turns the projects:rate-limits feature on or off.
// While it is off, POST and PUT ignore rateLimit; stored limits stay and
// are still shown.
func (p *Project) SetRateLimitFeature(on bool) {
	p.org.f.mu.Lock()
	defer p.org.f.mu.Unlock()
	p.rateLimitFeature = on
}

// Key returns the project's key with the given public id, whether the API
// lists it or not, or nil when there is none (or it was deleted).
func (p *Project) Key(id string) *Key {
	p.org.f.mu.RLock()
	defer p.org.f.mu.RUnlock()
	return p.keyByPublic(id)
}

func (p *Project) keyByPublic(id string) *Key {
	for _, k := range p.keys {
		if k.public == id {
			return k
		}
	}
	return nil
}

// AddKey adds one client key to the project.
func (p *Project) AddKey(spec KeySpec) *Key {
	f := p.org.f
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addKey(p, spec)
}

// AddKeys adds n deterministic keys: the first key of an empty project is
// labelled "Default", the others get generated two-word labels. Their
// internal ids increase, so in the API the last one comes first.
func (p *Project) AddKeys(n int) []*Key {
	f := p.org.f
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]*Key, 0, n)
	for range n {
		label := "Default"
		if len(p.keys) > 0 {
			label = f.petName()
		}
		keys = append(keys, f.addKey(p, KeySpec{Label: label}))
	}
	return keys
}

// Keys returns all the project's keys, hidden ones included, newest
// (highest internal id) first.
func (p *Project) Keys() []*Key {
	p.org.f.mu.RLock()
	defer p.org.f.mu.RUnlock()
	return p.liveKeys(func(*Key) bool { return true })
}

// ListedKeys returns the keys the list endpoint returns to an API token
// without a status filter (store role, use case "user"), in API order.
func (p *Project) ListedKeys() []*Key {
	p.org.f.mu.RLock()
	defer p.org.f.mu.RUnlock()
	return p.liveKeys((*Key).listable)
}

func (p *Project) liveKeys(keep func(*Key) bool) []*Key {
	var out []*Key
	for _, k := range p.keys {
		if keep(k) {
			out = append(out, k)
		}
	}
	sortKeys(out)
	return out
}

// sortKeys orders keys by internal id, highest first.
func sortKeys(keys []*Key) {
	slices.SortFunc(keys, func(a, b *Key) int {
		switch {
		case a.internalID > b.internalID:
			return -1
		case a.internalID < b.internalID:
			return 1
		}
		return 0
	})
}

// listable reports whether API tokens can see the key: store role and the
// "user" use case (ProjectKey.objects.for_request for non-superusers).
func (k *Key) listable() bool {
	return k.store && k.useCase == UseCaseUser
}

// ID returns the key's API id, which is its public key.
func (k *Key) ID() string { return k.public }

// Public returns the public key.
func (k *Key) Public() string { return k.public }

// Secret returns the secret key.
func (k *Key) Secret() string { return k.secret }

// InternalID returns the hidden database id used for ordering and cursors.
func (k *Key) InternalID() int64 { return k.internalID }

// Project returns the key's project.
func (k *Key) Project() *Project { return k.project }

// ProjectID returns the numeric id of the key's project.
func (k *Key) ProjectID() int64 { return k.project.id }

// Label returns the key's label as stored (possibly empty).
func (k *Key) Label() string {
	f := k.project.org.f
	f.mu.RLock()
	defer f.mu.RUnlock()
	return k.label
}

// Name returns the name the API shows: the label, or the first 14
// characters of the public key when the label is empty.
func (k *Key) Name() string {
	f := k.project.org.f
	f.mu.RLock()
	defer f.mu.RUnlock()
	return k.name()
}

func (k *Key) name() string {
	if k.label != "" {
		return k.label
	}
	return k.public[:min(14, len(k.public))]
}

// Active reports whether the key is active.
func (k *Key) Active() bool {
	f := k.project.org.f
	f.mu.RLock()
	defer f.mu.RUnlock()
	return k.active
}

// SetActive activates or deactivates the key.
func (k *Key) SetActive(active bool) {
	f := k.project.org.f
	f.mu.Lock()
	defer f.mu.Unlock()
	k.active = active
}

// SetLabel changes the key's label.
func (k *Key) SetLabel(label string) {
	f := k.project.org.f
	f.mu.Lock()
	defer f.mu.Unlock()
	k.label = label
}

// SetRateLimit changes the key's rate limit (window in seconds, count of
// events); zero in either turns it off.
func (k *Key) SetRateLimit(window, count int) {
	f := k.project.org.f
	f.mu.Lock()
	defer f.mu.Unlock()
	k.rlWindow, k.rlCount = window, count
}

// RateLimit returns the stored rate limit. Zeros may be stored (a PUT can
// set them); the API shows rateLimit null unless both are non-zero.
func (k *Key) RateLimit() (window, count int) {
	f := k.project.org.f
	f.mu.RLock()
	defer f.mu.RUnlock()
	return k.rlWindow, k.rlCount
}

// BrowserSDKVersion returns the loader version the API shows: the key's
// own, or the project's default when the key has none.
func (k *Key) BrowserSDKVersion() string {
	f := k.project.org.f
	f.mu.RLock()
	defer f.mu.RUnlock()
	return k.browserSDKVersion()
}

func (k *Key) browserSDKVersion() string {
	if k.sdkVersion != "" {
		return k.sdkVersion
	}
	return k.project.defaultLoaderVersion
}

// Loader returns the key's dynamic loader options.
func (k *Key) Loader() LoaderOptions {
	f := k.project.org.f
	f.mu.RLock()
	defer f.mu.RUnlock()
	return k.loader
}

// Delete removes the key for good, as DELETE does: it disappears from
// every response and from its project.
func (k *Key) Delete() {
	f := k.project.org.f
	f.mu.Lock()
	defer f.mu.Unlock()
	k.delete()
}

func (k *Key) delete() {
	if k.deleted {
		return
	}
	k.deleted = true
	k.project.keys = slices.DeleteFunc(k.project.keys, func(other *Key) bool { return other == k })
}

// Deleted reports whether the key was deleted.
func (k *Key) Deleted() bool {
	f := k.project.org.f
	f.mu.RLock()
	defer f.mu.RUnlock()
	return k.deleted
}

// RawJSON returns the exact bytes the API sends for this key.
func (k *Key) RawJSON() []byte {
	f := k.project.org.f
	f.mu.RLock()
	defer f.mu.RUnlock()
	return marshalJSON(f.keyObject(k))
}

// JSON returns the key as the API sends it, decoded with numbers kept as
// json.Number so that 16-digit ids survive.
func (k *Key) JSON() map[string]any {
	return decodeObject(k.RawJSON())
}

func (t *token) isMember(org *Organization) bool {
	return t.org == org && (t.sentryApp || t.role != "")
}

// hasGlobalAccess is Access.has_global_access: open membership or a role
// with is_global (manager, owner).
func (t *token) hasGlobalAccess(org *Organization) bool {
	return t.isMember(org) && (org.allowJoinLeave || t.role == RoleManager || t.role == RoleOwner)
}

// hasProjectMembership is Access.has_project_membership: the user is on one
// of the project's teams (Sentry app tokens simulate membership everywhere).
func (t *token) hasProjectMembership(p *Project) bool {
	if !t.isMember(p.org) {
		return false
	}
	if t.sentryApp {
		return true
	}
	for _, team := range p.teams {
		if t.teams[team] {
			return true
		}
	}
	return false
}

// hasProjectAccess is Access.has_project_access.
func (t *token) hasProjectAccess(p *Project) bool {
	return t.hasGlobalAccess(p.org) || t.hasProjectMembership(p)
}

func (t *token) hasAnyScope(scopes []string) bool {
	for _, s := range scopes {
		if t.scopes[s] {
			return true
		}
	}
	return false
}
