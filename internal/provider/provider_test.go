package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testAccProtoV6ProviderFactories starts the provider in-process for
// acceptance tests, with the environment of the test process.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"sentry": providerserver.NewProtocol6WithError(New("test")()),
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestResolveSettingsTokenFallbacks(t *testing.T) {
	cases := []struct {
		name       string
		config     types.String
		env        map[string]string
		want, from string
	}{
		{"attribute wins", types.StringValue("cfg"), map[string]string{EnvAuthToken: "env", EnvAuthTokenLegacy: "legacy"}, "cfg", "token"},
		{"SENTRY_AUTH_TOKEN", types.StringNull(), map[string]string{EnvAuthToken: "env", EnvAuthTokenLegacy: "legacy"}, "env", EnvAuthToken},
		{"SENTRY_TOKEN last", types.StringNull(), map[string]string{EnvAuthTokenLegacy: "legacy"}, "legacy", EnvAuthTokenLegacy},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, diags := resolveSettings(sentryProviderModel{Token: tc.config, BaseURL: types.StringNull()}, env(tc.env))
			if diags.HasError() {
				t.Fatal(diags)
			}
			if s.token != tc.want || s.tokenSource != tc.from {
				t.Fatalf("token %q from %s, want %q from %s", s.token, s.tokenSource, tc.want, tc.from)
			}
		})
	}
}

func TestResolveSettingsMissingToken(t *testing.T) {
	_, diags := resolveSettings(sentryProviderModel{Token: types.StringNull(), BaseURL: types.StringNull()}, env(nil))
	if !diags.HasError() {
		t.Fatal("a missing token was accepted")
	}
	d := diags[0]
	if d.Summary() != "Missing Sentry Auth Token" || !strings.Contains(d.Detail(), EnvAuthToken) || !strings.Contains(d.Detail(), EnvAuthTokenLegacy) {
		t.Fatalf("diagnostic = %q: %q", d.Summary(), d.Detail())
	}
}

func TestResolveSettingsEmptyTokenIsAnError(t *testing.T) {
	// An empty token must not fall back to the environment, whose token may
	// belong to someone else.
	_, diags := resolveSettings(sentryProviderModel{Token: types.StringValue(""), BaseURL: types.StringNull()}, env(map[string]string{EnvAuthToken: "env"}))
	if !diags.HasError() || diags[0].Summary() != "Empty Sentry Auth Token" || !strings.Contains(diags[0].Detail(), EnvAuthToken) {
		t.Fatalf("diagnostics = %v", diags)
	}
}

func TestResolveSettingsUnknownValues(t *testing.T) {
	_, diags := resolveSettings(sentryProviderModel{Token: types.StringUnknown(), BaseURL: types.StringUnknown()}, env(nil))
	if len(diags) != 2 || diags[0].Summary() != "Unknown Sentry Auth Token" || diags[1].Summary() != "Unknown Sentry Base URL" {
		t.Fatalf("diagnostics = %v", diags)
	}
}

func TestResolveSettingsBaseURL(t *testing.T) {
	cases := []struct {
		name       string
		config     types.String
		env        map[string]string
		want, from string
	}{
		{"default", types.StringNull(), nil, "https://sentry.io/api/0/", "default"},
		{"environment", types.StringNull(), map[string]string{EnvBaseURL: "https://sentry.example.com"}, "https://sentry.example.com", EnvBaseURL},
		{"attribute wins", types.StringValue("https://a.example.com/"), map[string]string{EnvBaseURL: "https://b.example.com"}, "https://a.example.com/", "base_url"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, diags := resolveSettings(sentryProviderModel{Token: types.StringValue("t"), BaseURL: tc.config}, env(tc.env))
			if diags.HasError() {
				t.Fatal(diags)
			}
			if s.baseURL != tc.want || s.baseURLSource != tc.from {
				t.Fatalf("base URL %q from %s, want %q from %s", s.baseURL, s.baseURLSource, tc.want, tc.from)
			}
		})
	}

	_, diags := resolveSettings(sentryProviderModel{Token: types.StringValue("t"), BaseURL: types.StringNull()}, env(map[string]string{EnvBaseURL: "ftp://sentry.example.com"}))
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), EnvBaseURL) {
		t.Fatalf("a bad %s gave %v", EnvBaseURL, diags)
	}
}

func TestUserAgent(t *testing.T) {
	if got := userAgent("1.2.3", "1.11.4"); got != "terraform-provider-sentry/1.2.3 Terraform/1.11.4" {
		t.Fatalf("userAgent = %q", got)
	}
	if got := userAgent("dev", ""); got != "terraform-provider-sentry/dev" {
		t.Fatalf("userAgent without Terraform version = %q", got)
	}
}

func TestResolveSettingsRetriesAndTimeout(t *testing.T) {
	base := sentryProviderModel{Token: types.StringValue("t"), BaseURL: types.StringNull()}

	s, diags := resolveSettings(base, env(nil))
	if diags.HasError() || s.maxRetries != 5 || s.requestTimeout != 30*time.Second {
		t.Fatalf("defaults: retries %d, timeout %s, %v", s.maxRetries, s.requestTimeout, diags)
	}

	s, diags = resolveSettings(base, env(map[string]string{EnvMaxRetries: "0", EnvRequestTimeout: "90s"}))
	if diags.HasError() || s.maxRetries != 0 || s.requestTimeout != 90*time.Second {
		t.Fatalf("environment: retries %d, timeout %s, %v", s.maxRetries, s.requestTimeout, diags)
	}

	withConfig := base
	withConfig.MaxRetries = types.Int64Value(2)
	withConfig.RequestTimeout = types.StringValue("2m")
	s, diags = resolveSettings(withConfig, env(map[string]string{EnvMaxRetries: "9", EnvRequestTimeout: "1s"}))
	if diags.HasError() || s.maxRetries != 2 || s.requestTimeout != 2*time.Minute {
		t.Fatalf("attributes win: retries %d, timeout %s, %v", s.maxRetries, s.requestTimeout, diags)
	}

	for name, vars := range map[string]map[string]string{
		"retries not a number": {EnvMaxRetries: "many"},
		"negative retries":     {EnvMaxRetries: "-1"},
		"too many retries":     {EnvMaxRetries: "1000"},
		"timeout not duration": {EnvRequestTimeout: "30"},
		"zero timeout":         {EnvRequestTimeout: "0s"},
	} {
		_, diags := resolveSettings(base, env(vars))
		if !diags.HasError() {
			t.Errorf("%s: %v was accepted", name, vars)
			continue
		}
		for k := range vars {
			if !strings.Contains(diags[0].Detail(), k) {
				t.Errorf("%s: the error does not name %s: %s", name, k, diags[0].Detail())
			}
		}
	}
}

func TestResolveSettingsRegion(t *testing.T) {
	cases := []struct {
		name       string
		config     sentryProviderModel
		env        map[string]string
		want, from string
	}{
		{"region us", sentryProviderModel{Region: types.StringValue("us")}, nil, "https://us.sentry.io/api/0/", "region"},
		{"region de", sentryProviderModel{Region: types.StringValue("de")}, nil, "https://de.sentry.io/api/0/", "region"},
		{"region beats SENTRY_BASE_URL", sentryProviderModel{Region: types.StringValue("de")}, map[string]string{EnvBaseURL: "https://sentry.example.com"}, "https://de.sentry.io/api/0/", "region"},
		{"base_url beats SENTRY_REGION", sentryProviderModel{BaseURL: types.StringValue("https://sentry.example.com")}, map[string]string{EnvRegion: "de"}, "https://sentry.example.com", "base_url"},
		{"SENTRY_REGION", sentryProviderModel{}, map[string]string{EnvRegion: "us"}, "https://us.sentry.io/api/0/", EnvRegion},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.config.Token = types.StringValue("t")
			s, diags := resolveSettings(tc.config, env(tc.env))
			if diags.HasError() {
				t.Fatal(diags)
			}
			if s.baseURL != tc.want || s.baseURLSource != tc.from {
				t.Fatalf("base URL %q from %s, want %q from %s", s.baseURL, s.baseURLSource, tc.want, tc.from)
			}
		})
	}

	for name, vars := range map[string]map[string]string{
		"unknown SENTRY_REGION":     {EnvRegion: "eu"},
		"both environment settings": {EnvRegion: "us", EnvBaseURL: "https://sentry.example.com"},
	} {
		_, diags := resolveSettings(sentryProviderModel{Token: types.StringValue("t")}, env(vars))
		if !diags.HasError() || !strings.Contains(diags[0].Detail(), EnvRegion) {
			t.Errorf("%s: %v", name, diags)
		}
	}
}
