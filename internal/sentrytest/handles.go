package sentrytest

import (
	"cmp"
	"fmt"
	"slices"
)

// The handles' methods: each locks the fake for as long as it reads or
// changes data.

// read and write run fn with the fake's data locked for reading or writing.
func (f *Fake) read(fn func())  { f.mu.RLock(); defer f.mu.RUnlock(); fn() }
func (f *Fake) write(fn func()) { f.mu.Lock(); defer f.mu.Unlock(); fn() }

// ID returns the organization's numeric id.
func (o *Organization) ID() int64 { return o.id }

// Slug returns the organization's slug.
func (o *Organization) Slug() string { return o.slug }

// SetClosedMembership turns the allow_joinleave flag off (true) or on.
func (o *Organization) SetClosedMembership(closed bool) {
	o.f.write(func() { o.allowJoinLeave = !closed })
}

// AddTeam adds a team to the organization. It panics if the slug is taken.
func (o *Organization) AddTeam(spec TeamSpec) (t *Team) {
	o.f.write(func() { t = o.f.addTeam(o, spec) })
	return t
}

// AddProject adds a project to the organization. It panics if the slug or
// id is taken or a team does not exist.
func (o *Organization) AddProject(spec ProjectSpec) (p *Project) {
	o.f.write(func() { p = o.f.addProject(o, spec) })
	return p
}

// Project returns the organization's project with the given slug, or nil.
func (o *Organization) Project(slug string) (p *Project) {
	o.f.read(func() { p = o.projectBySlug(slug) })
	return p
}

// Team returns the organization's team with the given slug, or nil.
func (o *Organization) Team(slug string) (t *Team) {
	o.f.read(func() { t = o.teamBySlug(slug) })
	return t
}

func (o *Organization) projectBySlug(slug string) *Project {
	return find(o.projects, func(p *Project) bool { return p.slug == slug })
}

func (o *Organization) teamBySlug(slug string) *Team {
	return find(o.teams, func(t *Team) bool { return t.slug == slug })
}

// find returns the first item that matches, or the zero value.
func find[T any](items []T, match func(T) bool) (found T) {
	if i := slices.IndexFunc(items, match); i >= 0 {
		found = items[i]
	}
	return found
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
func (p *Project) Slug() (s string) { p.f.read(func() { s = p.slug }); return s }

// Rename changes the project's slug, as a project settings change does.
// Requests that use the old slug are redirected (302) to the new one, as
// Sentry does. It panics if the new slug is empty or taken.
func (p *Project) Rename(slug string) {
	p.f.write(func() {
		if other := p.org.projectBySlug(slug); slug == "" || (other != nil && other != p) {
			panic(fmt.Sprintf("sentrytest: project slug %q is empty or already exists", slug))
		}
		p.org.redirects[p.slug] = p
		p.slug = slug
	})
}

// SetActive makes the project active, or inactive (pending deletion).
func (p *Project) SetActive(active bool) { p.f.write(func() { p.active = active }) }

// AddTeam links the project to another team of its organization.
func (p *Project) AddTeam(t *Team) {
	p.f.write(func() {
		if t.org != p.org {
			panic("sentrytest: team and project belong to different organizations")
		}
		if !slices.Contains(p.teams, t) {
			p.teams = append(p.teams, t)
		}
	})
}

// SetDefaultLoaderVersion changes the project's default loader version
// (see ProjectSpec.DefaultLoaderVersion); empty means the profile's.
func (p *Project) SetDefaultLoaderVersion(version string) {
	if version == "" {
		version = p.f.profile().sdkVersion
	}
	p.f.write(func() { p.defaultLoaderVersion = version })
}

// SetDefaultLoaderOptions changes the loader options that keys created
// through the API get from now on.
func (p *Project) SetDefaultLoaderOptions(opts LoaderOptions) {
	p.f.write(func() { p.defaultLoader = opts })
}

// SetRateLimitFeature turns the projects:rate-limits feature on or off.
// While it is off, POST and PUT ignore rateLimit; stored limits stay and
// are still shown.
func (p *Project) SetRateLimitFeature(on bool) { p.f.write(func() { p.rateLimitFeature = on }) }

// Key returns the project's key with the given public id, whether the API
// lists it or not, or nil when there is none (or it was deleted).
func (p *Project) Key(id string) (k *Key) { p.f.read(func() { k = p.keyByPublic(id) }); return k }

func (p *Project) keyByPublic(id string) *Key {
	return find(p.keys, func(k *Key) bool { return k.public == id })
}

// AddKey adds one client key to the project.
func (p *Project) AddKey(spec KeySpec) (k *Key) {
	p.f.write(func() { k = p.f.addKey(p, spec) })
	return k
}

// AddKeys adds n deterministic keys: the first key of an empty project is
// labelled "Default", the others get generated two-word labels. Their
// internal ids increase, so in the API the last one comes first.
func (p *Project) AddKeys(n int) []*Key {
	keys := make([]*Key, 0, n)
	p.f.write(func() {
		for range n {
			label := "Default"
			if len(p.keys) > 0 {
				label = p.f.petName()
			}
			keys = append(keys, p.f.addKey(p, KeySpec{Label: label}))
		}
	})
	return keys
}

// Keys returns all the project's keys, hidden ones included, newest
// (highest internal id) first.
func (p *Project) Keys() (keys []*Key) {
	p.f.read(func() { keys = p.liveKeys(func(*Key) bool { return true }) })
	return keys
}

// ListedKeys returns the keys the list endpoint returns to an API token
// without a status filter (store role, use case "user"), in API order.
func (p *Project) ListedKeys() (keys []*Key) {
	p.f.read(func() { keys = p.liveKeys((*Key).listable) })
	return keys
}

func (p *Project) liveKeys(keep func(*Key) bool) []*Key {
	out := slices.DeleteFunc(slices.Clone(p.keys), func(k *Key) bool { return !keep(k) })
	sortKeys(out)
	return out
}

// sortKeys orders keys by internal id, highest first.
func sortKeys(keys []*Key) {
	slices.SortFunc(keys, func(a, b *Key) int { return cmp.Compare(b.internalID, a.internalID) })
}

// listable reports whether API tokens can see the key: store role and the
// "user" use case (ProjectKey.objects.for_request for non-superusers).
func (k *Key) listable() bool { return k.store && k.useCase == UseCaseUser }

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
func (k *Key) Label() (s string) { k.f.read(func() { s = k.label }); return s }

// Name returns the name the API shows: the label, or the first 14
// characters of the public key when the label is empty.
func (k *Key) Name() (s string) { k.f.read(func() { s = k.name() }); return s }

func (k *Key) name() string { return cmpOr(k.label, k.public[:min(14, len(k.public))]) }

// Active reports whether the key is active.
func (k *Key) Active() (b bool) { k.f.read(func() { b = k.active }); return b }

// SetActive activates or deactivates the key.
func (k *Key) SetActive(active bool) { k.f.write(func() { k.active = active }) }

// SetLabel changes the key's label.
func (k *Key) SetLabel(label string) { k.f.write(func() { k.label = label }) }

// SetRateLimit changes the key's rate limit (window in seconds, count of
// events); zero in either turns it off.
func (k *Key) SetRateLimit(window, count int) {
	k.f.write(func() { k.rlWindow, k.rlCount = window, count })
}

// RateLimit returns the stored rate limit. Zeros may be stored (a PUT can
// set them); the API shows rateLimit null unless both are non-zero.
func (k *Key) RateLimit() (window, count int) {
	k.f.read(func() { window, count = k.rlWindow, k.rlCount })
	return window, count
}

// BrowserSDKVersion returns the loader version the API shows: the key's
// own, or the project's default when the key has none.
func (k *Key) BrowserSDKVersion() (v string) {
	k.f.read(func() { v = k.browserSDKVersion() })
	return v
}

func (k *Key) browserSDKVersion() string { return cmpOr(k.sdkVersion, k.project.defaultLoaderVersion) }

// Loader returns the key's dynamic loader options.
func (k *Key) Loader() (o LoaderOptions) { k.f.read(func() { o = k.loader }); return o }

// Delete removes the key for good, as DELETE does: it disappears from
// every response and from its project.
func (k *Key) Delete() { k.f.write(k.delete) }

func (k *Key) delete() {
	if !k.deleted {
		k.deleted = true
		k.project.keys = slices.DeleteFunc(k.project.keys, func(other *Key) bool { return other == k })
	}
}

// Deleted reports whether the key was deleted.
func (k *Key) Deleted() (b bool) { k.f.read(func() { b = k.deleted }); return b }

// RawJSON returns the exact bytes the API sends for this key.
func (k *Key) RawJSON() (b []byte) { k.f.read(func() { b = marshalJSON(k.f.keyObject(k)) }); return b }

// JSON returns the key as the API sends it, decoded with numbers kept as
// json.Number so that 16-digit ids survive.
func (k *Key) JSON() map[string]any { return decodeObject(k.RawJSON()) }
