package sentrytest

import (
	"regexp"
	"slices"
	"testing"
)

var uuid4Hex = regexp.MustCompile(`^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$`)

func TestAddKeysIsDeterministic(t *testing.T) {
	snapshot := func(seed uint64) []string {
		f := New(Config{Seed: seed})
		var out []string
		for _, k := range f.AddKeys(5) {
			out = append(out, k.Public(), k.Secret(), k.Label(), string(k.RawJSON()))
		}
		return out
	}
	a, b, c := snapshot(42), snapshot(42), snapshot(43)
	if !slices.Equal(a, b) {
		t.Error("same seed gave different keys")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds gave the same keys")
	}
}

func TestAddKeysShape(t *testing.T) {
	f := New(Config{})
	keys := f.AddKeys(4)
	if keys[0].Label() != "Default" {
		t.Errorf("first key label %q, want Default", keys[0].Label())
	}
	seen := map[string]bool{}
	for i, k := range keys {
		if i > 0 && (k.Label() == "" || k.Label() == "Default") {
			t.Errorf("key %d label %q", i, k.Label())
		}
		if i > 0 && k.InternalID() != keys[i-1].InternalID()+1 {
			t.Errorf("internal ids not consecutive: %d after %d", k.InternalID(), keys[i-1].InternalID())
		}
		if !uuid4Hex.MatchString(k.Public()) || !uuid4Hex.MatchString(k.Secret()) {
			t.Errorf("key material %s/%s is not uuid4 hex", k.Public(), k.Secret())
		}
		if seen[k.Public()] {
			t.Errorf("duplicate public key %s", k.Public())
		}
		seen[k.Public()] = true
		if k.ProjectID() != f.Project().ID() || k.Project() != f.Project() || k.ID() != k.Public() {
			t.Errorf("key %d accessors inconsistent", i)
		}
		if !k.Active() || k.Name() != k.Label() {
			t.Errorf("key %d: active %v name %q", i, k.Active(), k.Name())
		}
	}
	// A second batch continues with petnames, and one counter spans projects.
	p := f.AddProject(ProjectSpec{Slug: "api"})
	more := p.AddKeys(1)
	if more[0].Label() != "Default" || more[0].InternalID() != keys[3].InternalID()+1 {
		t.Errorf("other project: label %q id %d", more[0].Label(), more[0].InternalID())
	}
	if f.Project().AddKeys(1)[0].Label() == "Default" {
		t.Error("second batch in the same project starts with Default again")
	}
}

func TestDefaults(t *testing.T) {
	f := New(Config{})
	if f.Token() != DefaultToken || f.Organization().Slug() != "acme" || f.Project().Slug() != "web" || f.Team().Slug() != "acme" {
		t.Errorf("defaults: %s %s %s %s", f.Token(), f.Organization().Slug(), f.Project().Slug(), f.Team().Slug())
	}
	if f.URLPrefix() != DefaultURLPrefix || f.Profile() != SaaS {
		t.Errorf("prefix %s profile %v", f.URLPrefix(), f.Profile())
	}
	if f.Organization().Project("web") != f.Project() || f.Organization().Team("acme") != f.Team() || f.Organization().Project("x") != nil {
		t.Error("lookups by slug")
	}
	g := New(Config{Profile: Legacy, Organization: "demo", Project: "app", Team: "devs", Token: "tok"})
	if g.Organization().ID() != 1 || g.Project().ID() != 2 || g.Team().ID() != 1 {
		t.Errorf("legacy ids %d %d %d", g.Organization().ID(), g.Project().ID(), g.Team().ID())
	}
	if k := g.AddKey(KeySpec{}); k.InternalID() != 1 {
		t.Errorf("legacy first key id %d", k.InternalID())
	}
	wantStatus(t, getAs(t, g, "/api/0/projects/demo/app/keys/", "Bearer tok"), 200)
	second := f.AddProject(ProjectSpec{Slug: "second"})
	if second.ID() != f.Project().ID()+1 {
		t.Errorf("SaaS project ids: %d after %d", second.ID(), f.Project().ID())
	}
}

func TestParseProfile(t *testing.T) {
	for in, want := range map[string]Profile{"saas": SaaS, "SaaS": SaaS, "legacy": Legacy} {
		if got, err := ParseProfile(in); err != nil || got != want {
			t.Errorf("ParseProfile(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseProfile("cloud"); err == nil {
		t.Error("ParseProfile accepted cloud")
	}
	if SaaS.String() != "saas" || Legacy.String() != "legacy" {
		t.Error("Profile.String")
	}
}

func TestKeyMutations(t *testing.T) {
	f := New(Config{})
	k := f.AddKey(KeySpec{Label: "before"})
	k.SetLabel("")
	if k.Name() != k.Public()[:14] || k.Label() != "" {
		t.Errorf("empty label: name %q", k.Name())
	}
	k.SetRateLimit(60, 10)
	if string(rawMember(t, k.RawJSON(), "rateLimit")) != `{"window":60,"count":10}` {
		t.Errorf("rateLimit %s", rawMember(t, k.RawJSON(), "rateLimit"))
	}
	k.SetRateLimit(0, 10)
	if string(rawMember(t, k.RawJSON(), "rateLimit")) != "null" {
		t.Error("rateLimit not null")
	}
}

func TestTeamsAndProjects(t *testing.T) {
	f := New(Config{})
	other := f.AddTeam(TeamSpec{Slug: "other"})
	p := f.AddProject(ProjectSpec{Slug: "api"})
	f.AddToken(TokenSpec{Token: "m", Scopes: AllScopes(), Role: RoleMember, Teams: []string{"other"}})
	f.Organization().SetClosedMembership(true)
	wantStatus(t, getAs(t, f, "/api/0/projects/acme/api/keys/", "Bearer m"), 403)
	p.AddTeam(other)
	p.AddTeam(other) // idempotent
	wantStatus(t, getAs(t, f, "/api/0/projects/acme/api/keys/", "Bearer m"), 200)
	if other.ID() == 0 || p.Organization() != f.Organization() {
		t.Error("accessors")
	}
}
