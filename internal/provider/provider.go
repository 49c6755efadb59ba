// Package provider is the Terraform glue of the Sentry provider: the provider
// configuration, its data sources, ephemeral resources and functions. Talking
// to Sentry is the job of package sentry.
package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// Environment variables read by the provider.
const (
	EnvAuthToken       = "SENTRY_AUTH_TOKEN"
	EnvAuthTokenLegacy = "SENTRY_TOKEN"
	EnvBaseURL         = "SENTRY_BASE_URL"
	EnvMaxRetries      = "SENTRY_MAX_RETRIES"
	EnvRequestTimeout  = "SENTRY_REQUEST_TIMEOUT"
	EnvRegion          = "SENTRY_REGION"
)

var (
	_ provider.Provider                       = (*sentryProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*sentryProvider)(nil)
	_ provider.ProviderWithFunctions          = (*sentryProvider)(nil)
	_ provider.ProviderWithConfigValidators   = (*sentryProvider)(nil)
	_ provider.ProviderWithListResources      = (*sentryProvider)(nil)
)

// sentryProvider is the provider implementation.
type sentryProvider struct {
	version string
	// getenv reads the environment; tests replace it.
	getenv func(string) string
	// readKeysOneByOne refreshes each sentry_project_key with its own
	// request instead of sharing the project's key list; the benchmark
	// compares the two.
	readKeysOneByOne bool
}

// sentryProviderModel describes the provider configuration.
type sentryProviderModel struct {
	Token          types.String `tfsdk:"token"`
	BaseURL        types.String `tfsdk:"base_url"`
	Region         types.String `tfsdk:"region"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
}

// providerData is what Configure hands to resources: the client every
// surface shares, so that its pacing sees every request (the others get the
// client alone), and the key reads of this run, shared so that refreshing
// many keys of a project reads its key list once.
type providerData struct {
	client *sentry.Client
	reads  *keyReads
}

// New returns a constructor of the provider for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &sentryProvider{version: version, getenv: os.Getenv}
	}
}

func (p *sentryProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "sentry"
	resp.Version = p.version
}

func (p *sentryProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads and manages Sentry client keys (DSNs) through Sentry's REST API, on sentry.io or a self-hosted Sentry.",
		Attributes: map[string]schema.Attribute{
			"token": schema.StringAttribute{
				MarkdownDescription: "A Sentry auth token, sent as `Authorization: Bearer <token>`. " +
					"Falls back to the `" + EnvAuthToken + "` environment variable, then `" + EnvAuthTokenLegacy + "`. " +
					"Reading a project's keys needs one of the scopes `project:read`, `project:write` or `project:admin`.",
				Optional:  true,
				Sensitive: true,
				// An empty token must not fall back to the environment
				// silently: that could be another identity.
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "The address of Sentry. Falls back to the `" + EnvBaseURL + "` environment variable, then `" + sentry.DefaultBaseURL + "`. " +
					"Any of `https://host`, `https://host/api` and `https://host/api/0` (with or without a trailing slash, and under a path prefix such as `https://host/sentry/`) " +
					"means the API root `https://host/api/0/`. Only `http` and `https` are accepted.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator()},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "A sentry.io data-storage region to address directly: `us` means `" + sentry.RegionBaseURLs["us"] +
					"` and `de` means `" + sentry.RegionBaseURLs["de"] + "`. Falls back to the `" + EnvRegion + "` environment variable. " +
					"Conflicts with `base_url`. Without either, requests go to `https://sentry.io`, which forwards them to the organization's region.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(regionNames()...)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a rate limit (HTTP 429), a server error (5xx), a timeout or a broken connection. "+
					"A 429 waits until Sentry's rate-limit window resets; other failures back off exponentially with jitter. "+
					"Falls back to the `%s` environment variable, then %d. `0` disables retries.", EnvMaxRetries, sentry.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxRetriesLimit)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one attempt of a request may take, including reading the answer, as a Go duration such as `30s` or `2m`. "+
					"Falls back to the `%s` environment variable, then `%s`.", EnvRequestTimeout, sentry.DefaultRequestTimeout),
				Optional:   true,
				Validators: []validator.String{durationValidator()},
			},
		},
	}
}

func (p *sentryProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{
		providervalidator.Conflicting(path.MatchRoot("base_url"), path.MatchRoot("region")),
	}
}

// regionNames lists the accepted values of region, sorted.
func regionNames() []string { return slices.Sorted(maps.Keys(sentry.RegionBaseURLs)) }

// maxRetriesLimit bounds max_retries: beyond it a read could wait for hours.
const maxRetriesLimit = 50

func (p *sentryProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config sentryProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings, diags := resolveSettings(config, p.getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := sentry.New(sentry.Config{
		BaseURL:        settings.baseURL,
		Token:          settings.token,
		UserAgent:      userAgent(p.version, req.TerraformVersion),
		MaxRetries:     &settings.maxRetries,
		RequestTimeout: settings.requestTimeout,
		Logger:         newLogger(settings.token),
	})
	if err != nil {
		resp.Diagnostics.AddError("Invalid Sentry Provider Configuration", "The Sentry client could not be created: "+err.Error()+".")
		return
	}
	tflog.Debug(ctx, "Configured the Sentry provider", map[string]any{
		"base_url":      client.BaseURL(),
		"base_url_from": settings.baseURLSource,
		"token_from":    settings.tokenSource,
	})

	reads := newKeyReads(client)
	reads.perKey = p.readKeysOneByOne
	data := &providerData{client: client, reads: reads}
	resp.DataSourceData = client
	resp.EphemeralResourceData = client
	resp.ResourceData = data
	resp.ListResourceData = client
}

func (p *sentryProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewProjectKeyResource}
}

func (p *sentryProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewProjectKeyListResource}
}

func (p *sentryProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewProjectKeysDataSource, NewProjectKeyDataSource, NewOrganizationProjectKeysDataSource}
}

func (p *sentryProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewProjectKeysEphemeralResource}
}

func (p *sentryProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewParseDSNFunction}
}

// settings is the provider configuration after environment fallbacks.
type settings struct {
	token, tokenSource     string
	baseURL, baseURLSource string
	maxRetries             int
	requestTimeout         time.Duration
}

// resolveSettings applies the environment fallbacks to the configuration and
// checks what plan-time validation could not (unknown values, environment
// variables).
func resolveSettings(config sentryProviderModel, getenv func(string) string) (settings, diag.Diagnostics) {
	var s settings
	var diags diag.Diagnostics

	for _, a := range []struct {
		value          attr.Value
		name, summary  string
		environmentVar string
	}{
		{config.Token, "token", "Unknown Sentry Auth Token", EnvAuthToken},
		{config.BaseURL, "base_url", "Unknown Sentry Base URL", EnvBaseURL},
		{config.Region, "region", "Unknown Sentry Region", EnvRegion},
		{config.MaxRetries, "max_retries", "Unknown Maximum Retries", EnvMaxRetries},
		{config.RequestTimeout, "request_timeout", "Unknown Request Timeout", EnvRequestTimeout},
	} {
		if a.value.IsUnknown() {
			diags.AddAttributeError(path.Root(a.name), a.summary, fmt.Sprintf(
				"The provider cannot be configured while %s depends on a value that is only known after apply. "+
					"Set %s to a value known at plan time, or use the %s environment variable.", a.name, a.name, a.environmentVar))
		}
	}
	if diags.HasError() {
		return s, diags
	}

	switch {
	case !config.Token.IsNull() && config.Token.ValueString() == "":
		diags.AddAttributeError(path.Root("token"), "Empty Sentry Auth Token",
			"The token argument is set to an empty string. Set it to a Sentry auth token, or remove it to use the "+
				EnvAuthToken+" (or "+EnvAuthTokenLegacy+") environment variable.")
	case config.Token.ValueString() != "":
		s.token, s.tokenSource = config.Token.ValueString(), "token"
	case getenv(EnvAuthToken) != "":
		s.token, s.tokenSource = getenv(EnvAuthToken), EnvAuthToken
	case getenv(EnvAuthTokenLegacy) != "":
		s.token, s.tokenSource = getenv(EnvAuthTokenLegacy), EnvAuthTokenLegacy
	default:
		diags.AddAttributeError(path.Root("token"), "Missing Sentry Auth Token",
			"The provider needs a Sentry auth token to read client keys. Set the token attribute, or the "+
				EnvAuthToken+" (or "+EnvAuthTokenLegacy+") environment variable. "+
				"Create a token under Settings > Auth Tokens in Sentry with the project:read scope.")
	}

	// An argument wins over any environment variable; base_url and region
	// cannot both be set (ConfigValidators), and neither can their
	// environment variables.
	envURL, envRegion := getenv(EnvBaseURL), getenv(EnvRegion)
	switch {
	case config.BaseURL.ValueString() != "":
		s.baseURL, s.baseURLSource = config.BaseURL.ValueString(), "base_url"
	case config.Region.ValueString() != "":
		s.baseURL, s.baseURLSource = sentry.RegionBaseURLs[config.Region.ValueString()], "region"
	case envURL != "" && envRegion != "":
		diags.AddAttributeError(path.Root("base_url"), "Conflicting Sentry Address",
			fmt.Sprintf("Both %s and %s are set; unset one of them, or set base_url or region in the provider configuration, which wins over both.", EnvBaseURL, EnvRegion))
	case envURL != "":
		s.baseURL, s.baseURLSource = envURL, EnvBaseURL
		if _, err := sentry.NormalizeBaseURL(s.baseURL); err != nil {
			diags.AddAttributeError(path.Root("base_url"), "Invalid Sentry Base URL",
				fmt.Sprintf("The %s environment variable is not a usable Sentry address: %s.", EnvBaseURL, err))
		}
	case envRegion != "":
		u, ok := sentry.RegionBaseURLs[envRegion]
		if !ok {
			diags.AddAttributeError(path.Root("region"), "Invalid Sentry Region",
				fmt.Sprintf("The %s environment variable is %q; it must be one of %s.", EnvRegion, envRegion, strings.Join(regionNames(), ", ")))
		}
		s.baseURL, s.baseURLSource = u, EnvRegion
	default:
		s.baseURL, s.baseURLSource = sentry.DefaultBaseURL, "default"
	}

	s.maxRetries = sentry.DefaultMaxRetries
	switch v := getenv(EnvMaxRetries); {
	case !config.MaxRetries.IsNull():
		s.maxRetries = int(config.MaxRetries.ValueInt64())
	case v != "":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxRetriesLimit {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid Maximum Retries",
				fmt.Sprintf("The %s environment variable is %q; it must be a whole number from 0 to %d.", EnvMaxRetries, v, maxRetriesLimit))
		}
		s.maxRetries = n
	}

	s.requestTimeout = sentry.DefaultRequestTimeout
	switch v := getenv(EnvRequestTimeout); {
	case !config.RequestTimeout.IsNull():
		s.requestTimeout, _ = time.ParseDuration(config.RequestTimeout.ValueString())
	case v != "":
		d, err := parsePositiveDuration(v)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout",
				fmt.Sprintf("The %s environment variable is %q: %s.", EnvRequestTimeout, v, err))
		}
		s.requestTimeout = d
	}
	return s, diags
}

// userAgent names the provider, its version and the Terraform version.
func userAgent(providerVersion, terraformVersion string) string {
	ua := "terraform-provider-sentry/" + providerVersion
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}
