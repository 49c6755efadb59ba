package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// expectKeyAttributes checks the key attributes of the sentry_project_key
// "test" against the API's JSON for k, attribute by attribute.
func expectKeyAttributes(t *testing.T, k *sentrytest.Key) []statecheck.StateCheck {
	t.Helper()
	const address = "data.sentry_project_key.test"
	var checks []statecheck.StateCheck
	for name, check := range expectKeyAttrs(t, k.JSON(), false) {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(name), check))
	}
	return append(checks,
		statecheck.ExpectSensitiveValue(address, tfjsonpath.New("secret")),
		statecheck.ExpectSensitiveValue(address, tfjsonpath.New("dsn").AtMapKey("secret")),
	)
}

func keyLookup(args string) string {
	return fmt.Sprintf(`
data "sentry_project_key" "test" {
  organization = "acme"
  project      = "web"
  %s
}
`, args)
}

func TestAccProjectKey_byID(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(40)
	want := keys[17]
	want.SetRateLimit(60, 100)
	path := fmt.Sprintf("/api/0/projects/acme/web/keys/%s/", want.ID())

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            providerBlock(srv) + keyLookup(fmt.Sprintf("id = %q", want.ID())),
			ConfigStateChecks: expectKeyAttributes(t, want),
			Check: func(*terraform.State) error {
				if n := srv.CountRequests(keysPath); n != 0 {
					return fmt.Errorf("an id lookup listed the keys (%d requests)", n)
				}
				if srv.CountRequests(path) == 0 {
					return fmt.Errorf("no request to %s", path)
				}
				return nil
			},
		}},
	})
}

func TestAccProjectKey_byName(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(130)
	keys[5].SetLabel("CI")
	keys[5].SetActive(false)
	keys[120].SetLabel("Frontend")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            providerBlock(srv) + keyLookup(`name = "Frontend"`),
				ConfigStateChecks: expectKeyAttributes(t, keys[120]),
				// A name can be on any page: every page is read.
				Check: checkReads(srv, 2, nil),
			},
			{
				Config:            providerBlock(srv) + keyLookup(`name = "CI"`),
				ConfigStateChecks: expectKeyAttributes(t, keys[5]),
			},
			{
				Config:      providerBlock(srv) + keyLookup("name = \"CI\"\n  status = \"active\""),
				ExpectError: errorRe("No Sentry Key With This Name", `Project "web" in organization "acme" has no active key named "CI".`, `Its active keys are named`, `"Default"`, "and 98 more"),
			},
		},
	})
}

func TestAccProjectKey_nameErrors(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(3)
	keys[1].SetLabel("Backend")
	keys[2].SetLabel("Backend")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(srv) + keyLookup(`name = "backend"`),
				ExpectError: errorRe("No Sentry Key With This Name", `named "backend"`, `Its keys are named "Backend", "Default"`, "including case"),
			},
			{
				Config:      providerBlock(srv) + keyLookup(`name = "Backend"`),
				ExpectError: errorRe("Several Sentry Keys With This Name", `2 keys named "Backend"`, keys[2].ID(), keys[1].ID(), "Select one by id"),
			},
		},
	})
}

func TestAccProjectKey_first(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	// Created out of id order: the oldest key by date is not the last
	// one Sentry lists.
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	srv.AddKey(sentrytest.KeySpec{Label: "Later", Created: base.Add(48 * time.Hour)})
	oldest := srv.AddKey(sentrytest.KeySpec{Label: "Default", Created: base})
	srv.AddKey(sentrytest.KeySpec{Label: "Newest", Created: base.Add(96 * time.Hour)})
	inactiveOldest := srv.AddKey(sentrytest.KeySpec{Label: "Retired", Created: base.Add(-time.Hour), Inactive: true})

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            providerBlock(srv) + keyLookup("first = true\n  status = \"active\""),
				ConfigStateChecks: expectKeyAttributes(t, oldest),
			},
			{
				Config:            providerBlock(srv) + keyLookup("first = true"),
				ConfigStateChecks: expectKeyAttributes(t, inactiveOldest),
			},
		},
	})
}

func TestAccProjectKey_errors(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(2)
	keys[0].SetActive(false)
	empty := newFake(t, sentrytest.Config{})

	cases := []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{"no selector", providerBlock(srv) + keyLookup(""), errorRe("Missing Attribute Configuration", "Exactly one of these attributes must be configured: [id,name,first]")},
		{"two selectors", providerBlock(srv) + keyLookup("id = \""+keys[1].ID()+"\"\n  first = true"), errorRe("Invalid Attribute Combination")},
		{"first = false", providerBlock(srv) + keyLookup("first = false"), errorRe("Invalid Attribute Value Match", `first Value must be "true", got: false`)},
		{"malformed id", providerBlock(srv) + keyLookup(`id = "../keys"`), errorRe("Invalid Attribute Value Match", "32 lowercase hexadecimal")},
		{"unknown id", providerBlock(srv) + keyLookup(`id = "0123456789abcdef0123456789abcdef"`),
			errorRe("Sentry Object Not Found", `client key "0123456789abcdef0123456789abcdef" of project "web" in organization "acme"`, "HTTP 404")},
		{"status mismatch", providerBlock(srv) + keyLookup(fmt.Sprintf("id = %q\n  status = \"active\"", keys[0].ID())),
			errorRe("Sentry Key Has Another Status", keys[0].ID(), "is inactive", `status is "active"`)},
		{"no keys", providerBlock(empty) + keyLookup("first = true"), errorRe("Sentry Project Has No Keys", `Project "web" in organization "acme" has no key, so there is no first one. Create a key in Sentry.`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: tc.want}},
			})
		})
	}
}

func TestOldestKey(t *testing.T) {
	at := func(s string) *string { return &s }
	keys := []sentry.ProjectKey{
		{ID: "newest", DateCreated: at("2024-03-01T00:00:00.000000Z")},
		{ID: "undated"},
		{ID: "tie-newer-id", DateCreated: at("2024-01-01T00:00:00Z")},
		{ID: "tie-older-id", DateCreated: at("2024-01-01T00:00:00.000Z")},
		{ID: "bad-date", DateCreated: at("yesterday")},
	}
	if got := oldestKey(keys); got == nil || got.ID != "tie-older-id" {
		t.Fatalf("oldestKey = %v, want tie-older-id", got)
	}
	if got := oldestKey(keys[1:2]); got == nil || got.ID != "undated" {
		t.Fatalf("oldestKey of one undated key = %v", got)
	}
	if oldestKey(nil) != nil {
		t.Fatal("oldestKey of no keys is not nil")
	}
}
