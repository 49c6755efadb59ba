package sentrytest

import (
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

// OrganizationSpec describes an organization to add.
type OrganizationSpec struct {
	// Slug is required and unique; Name defaults to it.
	Slug, Name string
	// ID is the numeric id; zero takes the next one.
	ID int64
	// ClosedMembership turns off "allow members to join and leave teams"
	// (allow_joinleave), which Sentry enables for new organizations. In a
	// closed organization members and admins only reach their teams' projects.
	ClosedMembership bool
}

// TeamSpec describes a team to add to an organization.
type TeamSpec struct {
	// Slug is required and unique in the organization; Name defaults to it.
	Slug, Name string
	// ID is the numeric id; zero takes the next one.
	ID int64
}

// ProjectSpec describes a project to add to an organization.
type ProjectSpec struct {
	// Slug is required and unique in the organization; Name defaults to it.
	Slug, Name string
	// ID is the numeric id; zero takes the next one.
	ID int64
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

// LoaderOptions are a key's dynamic JavaScript SDK loader options, each
// reported under its name in dynamicSdkLoaderOptions (see
// loaderOptionFields).
type LoaderOptions struct {
	HasReplay, HasPerformance, HasDebug, HasFeedback, HasLogsAndMetrics bool
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
	// Public and Secret are the key material, 32 lowercase hex digits
	// each; empty means generated.
	Public, Secret string
	// Label may be empty, in which case the API shows the first 14
	// characters of the public key as name and label.
	Label string
	// Inactive creates a deactivated key.
	Inactive bool
	// RateLimitWindow (seconds) and RateLimitCount (events per window) are
	// the rate limit, reported only when both are non-zero.
	RateLimitWindow, RateLimitCount int
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
	org        *Organization
	id         int64
	slug, name string
}

// Project is a handle on a project. Its organization and id never change;
// the other fields are guarded by Fake.mu.
type Project struct {
	f                    *Fake
	org                  *Organization
	id                   int64
	slug, name, platform string
	teams                []*Team
	active               bool
	created              time.Time
	keys                 []*Key // deleted keys are removed

	defaultLoaderVersion string
	defaultLoader        LoaderOptions
	rateLimitFeature     bool
}

// Key is a handle on a client key (DSN). Its project, internal id and key
// material never change; the other fields are guarded by Fake.mu.
type Key struct {
	f                      *Fake
	project                *Project
	internalID             int64
	public, secret, label  string
	rlWindow, rlCount      int
	created                time.Time
	loader                 LoaderOptions
	sdkVersion             string // "" until set: reads show the project's default
	useCase                string
	active, store, deleted bool
	events                 []keyEvents
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
	onTeam := slices.ContainsFunc(p.teams, func(team *Team) bool { return t.teams[team] })
	return t.isMember(p.org) && (t.sentryApp || onTeam)
}

// hasProjectAccess is Access.has_project_access.
func (t *token) hasProjectAccess(p *Project) bool {
	return t.hasGlobalAccess(p.org) || t.hasProjectMembership(p)
}

func (t *token) hasAnyScope(scopes []string) bool {
	return slices.ContainsFunc(scopes, func(s string) bool { return t.scopes[s] })
}
