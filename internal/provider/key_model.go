package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// keyCommonModel holds the attributes of a client key that are not secret.
// It is embedded in keyModel (with the secrets) and publicKeyModel (without).
type keyCommonModel struct {
	ID                      types.String        `tfsdk:"id"`
	Name                    types.String        `tfsdk:"name"`
	Label                   types.String        `tfsdk:"label"`
	Public                  types.String        `tfsdk:"public"`
	ProjectID               types.Int64         `tfsdk:"project_id"`
	IsActive                types.Bool          `tfsdk:"is_active"`
	RateLimit               *rateLimitModel     `tfsdk:"rate_limit"`
	BrowserSDKVersion       types.String        `tfsdk:"browser_sdk_version"`
	BrowserSDK              *browserSDKModel    `tfsdk:"browser_sdk"`
	DateCreated             types.String        `tfsdk:"date_created"`
	DynamicSDKLoaderOptions *loaderOptionsModel `tfsdk:"dynamic_sdk_loader_options"`
	UseCase                 types.String        `tfsdk:"use_case"`
}

// keyModel is one element of keySpecs: a client key with its secrets.
type keyModel struct {
	keyCommonModel
	Secret types.String `tfsdk:"secret"`
	DSN    dsnModel     `tfsdk:"dsn"`
}

// publicKeyModel is a client key without its secrets.
type publicKeyModel struct {
	keyCommonModel
	DSN publicDSNModel `tfsdk:"dsn"`
}

type rateLimitModel struct {
	Window types.Int64 `tfsdk:"window"`
	Count  types.Int64 `tfsdk:"count"`
}

type publicDSNModel struct {
	Public      types.String `tfsdk:"public"`
	CSP         types.String `tfsdk:"csp"`
	Security    types.String `tfsdk:"security"`
	Minidump    types.String `tfsdk:"minidump"`
	NEL         types.String `tfsdk:"nel"`
	Unreal      types.String `tfsdk:"unreal"`
	Crons       types.String `tfsdk:"crons"`
	CDN         types.String `tfsdk:"cdn"`
	Playstation types.String `tfsdk:"playstation"`
	Integration types.String `tfsdk:"integration"`
	OTLPTraces  types.String `tfsdk:"otlp_traces"`
	OTLPLogs    types.String `tfsdk:"otlp_logs"`
}

type dsnModel struct {
	publicDSNModel
	Secret types.String `tfsdk:"secret"`
}

type browserSDKModel struct {
	Choices []browserSDKChoiceModel `tfsdk:"choices"`
}

type browserSDKChoiceModel struct {
	Value types.String `tfsdk:"value"`
	Label types.String `tfsdk:"label"`
}

type loaderOptionsModel struct {
	HasReplay         types.Bool `tfsdk:"has_replay"`
	HasPerformance    types.Bool `tfsdk:"has_performance"`
	HasDebug          types.Bool `tfsdk:"has_debug"`
	HasFeedback       types.Bool `tfsdk:"has_feedback"`
	HasLogsAndMetrics types.Bool `tfsdk:"has_logs_and_metrics"`
}

// newKeyModels maps keys in order; the result is never nil, so an empty
// project gives an empty list rather than null.
func newKeyModels(keys []sentry.ProjectKey) []keyModel {
	out := make([]keyModel, len(keys))
	for i := range keys {
		out[i] = newKeyModel(&keys[i])
	}
	return out
}

// newKeyModel maps one API key, with its secrets.
func newKeyModel(k *sentry.ProjectKey) keyModel {
	return keyModel{
		keyCommonModel: newKeyCommonModel(k),
		Secret:         types.StringPointerValue(k.Secret),
		DSN: dsnModel{
			publicDSNModel: newPublicDSNModel(&k.DSN),
			Secret:         types.StringPointerValue(k.DSN.Secret),
		},
	}
}

// newPublicKeyModel maps one API key without its secrets.
func newPublicKeyModel(k *sentry.ProjectKey) publicKeyModel {
	return publicKeyModel{
		keyCommonModel: newKeyCommonModel(k),
		DSN:            newPublicDSNModel(&k.DSN),
	}
}

func newKeyCommonModel(k *sentry.ProjectKey) keyCommonModel {
	return keyCommonModel{
		ID:                      types.StringValue(k.ID),
		Name:                    types.StringValue(k.Name),
		Label:                   types.StringValue(k.Label),
		Public:                  types.StringPointerValue(k.Public),
		ProjectID:               types.Int64Value(int64(k.ProjectID)),
		IsActive:                types.BoolValue(k.IsActive),
		RateLimit:               newRateLimitModel(k.RateLimit),
		BrowserSDKVersion:       types.StringPointerValue(k.BrowserSDKVersion),
		BrowserSDK:              newBrowserSDKModel(k.BrowserSDK),
		DateCreated:             types.StringPointerValue(k.DateCreated),
		DynamicSDKLoaderOptions: newLoaderOptionsModel(k.DynamicSDKLoaderOptions),
		UseCase:                 types.StringPointerValue(k.UseCase),
	}
}

func newRateLimitModel(r *sentry.RateLimit) *rateLimitModel {
	if r == nil {
		return nil
	}
	return &rateLimitModel{Window: types.Int64Value(r.Window), Count: types.Int64Value(r.Count)}
}

func newPublicDSNModel(d *sentry.DSN) publicDSNModel {
	return publicDSNModel{
		Public:      types.StringPointerValue(d.Public),
		CSP:         types.StringPointerValue(d.CSP),
		Security:    types.StringPointerValue(d.Security),
		Minidump:    types.StringPointerValue(d.Minidump),
		NEL:         types.StringPointerValue(d.NEL),
		Unreal:      types.StringPointerValue(d.Unreal),
		Crons:       types.StringPointerValue(d.Crons),
		CDN:         types.StringPointerValue(d.CDN),
		Playstation: types.StringPointerValue(d.Playstation),
		Integration: types.StringPointerValue(d.Integration),
		OTLPTraces:  types.StringPointerValue(d.OTLPTraces),
		OTLPLogs:    types.StringPointerValue(d.OTLPLogs),
	}
}

func newBrowserSDKModel(b *sentry.BrowserSDK) *browserSDKModel {
	if b == nil {
		return nil
	}
	m := &browserSDKModel{Choices: make([]browserSDKChoiceModel, len(b.Choices))}
	for i, c := range b.Choices {
		m.Choices[i] = browserSDKChoiceModel{Value: types.StringValue(c.Value), Label: types.StringValue(c.Label)}
	}
	return m
}

func newLoaderOptionsModel(o *sentry.LoaderOptions) *loaderOptionsModel {
	if o == nil {
		return nil
	}
	return &loaderOptionsModel{
		HasReplay:         types.BoolPointerValue(o.HasReplay),
		HasPerformance:    types.BoolPointerValue(o.HasPerformance),
		HasDebug:          types.BoolPointerValue(o.HasDebug),
		HasFeedback:       types.BoolPointerValue(o.HasFeedback),
		HasLogsAndMetrics: types.BoolPointerValue(o.HasLogsAndMetrics),
	}
}
