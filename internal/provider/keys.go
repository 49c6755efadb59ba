package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// keyAttrs declares a client key once, attribute by attribute, as Sentry's
// API returns it: the name in Terraform, the JSON field in Sentry's answer
// (which also names the attribute in Sentry's field errors), the
// description, and how the value is read from the client's ProjectKey.
// Every surface that holds keys takes its schema and its values from here:
// sentry_project_keys (data source and ephemeral resource),
// sentry_project_key (data source, resource and list resource results) and,
// without the secrets, sentry_organization_project_keys.
var keyAttrs = []attrSpec{
	text("id", "id", "The key's id: its public key, 32 hexadecimal characters. It is what `sentry_project_key` takes as `id`.",
		func(k *sentry.ProjectKey) *string { return &k.ID }),
	text("name", "name", "The key's name: its label, or the first 14 characters of the public key when the label is empty.",
		func(k *sentry.ProjectKey) *string { return &k.Name }),
	text("label", "label", "The key's label as set in Sentry.", func(k *sentry.ProjectKey) *string { return &k.Label }),
	text("public", "public", "The public key.", func(k *sentry.ProjectKey) *string { return k.Public }),
	secret(text("secret", "secret", "The secret key.", func(k *sentry.ProjectKey) *string { return k.Secret })),
	number("project_id", "projectId", "The numeric id of the key's project. Ids on sentry.io have 16 digits and are kept exact.",
		func(k *sentry.ProjectKey) *int64 { return (*int64)(&k.ProjectID) }),
	boolean("is_active", "isActive", "Whether the key is active (accepts events).", func(k *sentry.ProjectKey) *bool { return &k.IsActive }),
	object("rate_limit", "rateLimit", "The key's rate limit, or null when the key has none. It limits error events and security reports; "+
		"spans, logs and metrics are not counted against it.",
		func(k *sentry.ProjectKey) bool { return k.RateLimit != nil },
		number("window", "window", "The length of the rate-limit window, in seconds.",
			func(k *sentry.ProjectKey) *int64 { return &k.RateLimit.Window }),
		number("count", "count", "The number of error events and security reports accepted per window.",
			func(k *sentry.ProjectKey) *int64 { return &k.RateLimit.Count }),
	),
	object("dsn", "dsn", "The key's DSNs and endpoint URLs. Each is null when the Sentry server does not send it: "+
		"older self-hosted servers send only `secret`, `public`, `csp`, `security`, `minidump` and `cdn`.", nil,
		text("public", "public", "The DSN to configure Sentry SDKs with: `https://<public>@<host>/<project_id>`.",
			func(k *sentry.ProjectKey) *string { return k.DSN.Public }),
		secret(text("secret", "secret", "The legacy DSN that includes the secret key.", func(k *sentry.ProjectKey) *string { return k.DSN.Secret })),
		text("csp", "csp", "The Content Security Policy report URL.", func(k *sentry.ProjectKey) *string { return k.DSN.CSP }),
		text("security", "security", "The security header report URL.", func(k *sentry.ProjectKey) *string { return k.DSN.Security }),
		text("minidump", "minidump", "The minidump upload URL.", func(k *sentry.ProjectKey) *string { return k.DSN.Minidump }),
		text("nel", "nel", "The Network Error Logging report URL.", func(k *sentry.ProjectKey) *string { return k.DSN.NEL }),
		text("unreal", "unreal", "The Unreal Engine crash report URL.", func(k *sentry.ProjectKey) *string { return k.DSN.Unreal }),
		text("crons", "crons", "The cron monitor check-in URL; replace `___MONITOR_SLUG___` with the monitor's slug.",
			func(k *sentry.ProjectKey) *string { return k.DSN.Crons }),
		text("cdn", "cdn", "The JavaScript loader script URL.", func(k *sentry.ProjectKey) *string { return k.DSN.CDN }),
		text("playstation", "playstation", "The PlayStation crash report URL.", func(k *sentry.ProjectKey) *string { return k.DSN.Playstation }),
		text("integration", "integration", "The base URL of ingest integrations.", func(k *sentry.ProjectKey) *string { return k.DSN.Integration }),
		text("otlp_traces", "otlp_traces", "The OpenTelemetry (OTLP) traces endpoint.",
			func(k *sentry.ProjectKey) *string { return k.DSN.OTLPTraces }),
		text("otlp_logs", "otlp_logs", "The OpenTelemetry (OTLP) logs endpoint.", func(k *sentry.ProjectKey) *string { return k.DSN.OTLPLogs }),
	),
	text("browser_sdk_version", "browserSdkVersion", "The JavaScript loader version the key selects, such as `10.x`.",
		func(k *sentry.ProjectKey) *string { return k.BrowserSDKVersion }),
	object("browser_sdk", "browserSdk", "The JavaScript loader versions the key can select.",
		func(k *sentry.ProjectKey) bool { return k.BrowserSDK != nil },
		choiceList),
	text("date_created", "dateCreated", "When the key was created, as Sentry gives it (RFC 3339, UTC).",
		func(k *sentry.ProjectKey) *string { return k.DateCreated }),
	object("dynamic_sdk_loader_options", "dynamicSdkLoaderOptions", "The JavaScript loader options of the key, or null when the server does not send them "+
		"(older self-hosted Sentry). An option the server does not send is null.",
		func(k *sentry.ProjectKey) bool { return k.DynamicSDKLoaderOptions != nil },
		loaderFlagAttrs()...),
	text("use_case", "useCase", "The key's use case. Sentry only shows it to superuser sessions, so it is usually null.",
		func(k *sentry.ProjectKey) *string { return k.UseCase }),
}

// loaderFlags are the JavaScript loader options, each a bool of
// sentry.LoaderOptions: declared once for reading them (keyAttrs), for
// configuring them (the resource) and for sending them (an update).
var loaderFlags = []struct {
	name, api, desc string
	field           func(*sentry.LoaderOptions) **bool
}{
	{"has_replay", "hasReplay", "Whether the loader enables Session Replay.", func(o *sentry.LoaderOptions) **bool { return &o.HasReplay }},
	{"has_performance", "hasPerformance", "Whether the loader enables tracing.", func(o *sentry.LoaderOptions) **bool { return &o.HasPerformance }},
	{"has_debug", "hasDebug", "Whether the loader enables debug bundles.", func(o *sentry.LoaderOptions) **bool { return &o.HasDebug }},
	{"has_feedback", "hasFeedback", "Whether the loader enables User Feedback.", func(o *sentry.LoaderOptions) **bool { return &o.HasFeedback }},
	{"has_logs_and_metrics", "hasLogsAndMetrics", "Whether the loader enables logs and metrics.", func(o *sentry.LoaderOptions) **bool { return &o.HasLogsAndMetrics }},
}

func loaderFlagAttrs() []attrSpec {
	out := make([]attrSpec, len(loaderFlags))
	for i, f := range loaderFlags {
		out[i] = boolean(f.name, f.api, f.desc, func(k *sentry.ProjectKey) *bool { return *f.field(k.DynamicSDKLoaderOptions) })
	}
	return out
}

// choiceList is browser_sdk.choices: Sentry's [[value, label], ...] as a list
// of objects.
var choiceList = func() attrSpec {
	s := objectList("choices", "The selectable versions.", []attrSpec{
		text("value", "", "The version value, such as `10.x`.", nil),
		text("label", "", "The version's display label.", nil),
	})
	list, _ := s.tf.(tftypes.List)
	s.api = "choices"
	s.value = func(k *sentry.ProjectKey) tftypes.Value {
		choices := make([]tftypes.Value, len(k.BrowserSDK.Choices))
		for i, c := range k.BrowserSDK.Choices {
			choices[i] = tftypes.NewValue(list.ElementType, map[string]tftypes.Value{
				"value": tftypes.NewValue(tftypes.String, c.Value), "label": tftypes.NewValue(tftypes.String, c.Label),
			})
		}
		return tftypes.NewValue(list, choices)
	}
	return s
}()

// The arguments that select keys, shared by the surfaces that read them.
var (
	organizationArg = argument(text("organization", "", "The slug or numeric id of the organization.", nil), required, slugValidator())
	projectArg      = argument(text("project", "", "The slug or numeric id of the project.", nil), required, slugValidator())
	statusArg       = argument(text("status", "", "Only consider keys in this state: `active` or `inactive`. Omit it to consider every key.", nil),
		optional, stringvalidator.OneOf(string(sentry.KeyStatusActive), string(sentry.KeyStatusInactive)))
)

// keysAttr is the list of keys of sentry_project_keys.
var keysAttr = objectList("keys", "The project's client keys in the order Sentry lists them (newest first). Empty when the project has none.", keyAttrs)

// The state types of a key, with and without its secrets, and of
// sentry_project_keys.
var (
	publicKeyAttrs  = publicOnly(keyAttrs)
	keyType         = tfObject(keyAttrs)
	publicKeyType   = tfObject(publicKeyAttrs)
	projectKeysType = tfObject(projectKeysAttrs)
)

// keyObject returns a key as a value of keyType.
func keyObject(k *sentry.ProjectKey) tftypes.Value {
	return tftypes.NewValue(keyType, valuesOf(keyAttrs, k))
}

// publicKeyObject returns a key without its secrets, as a value of
// publicKeyType.
func publicKeyObject(k *sentry.ProjectKey) tftypes.Value {
	return tftypes.NewValue(publicKeyType, valuesOf(publicKeyAttrs, k))
}

// keyList returns keys in order as a list of keyType; never null.
func keyList(keys []sentry.ProjectKey) tftypes.Value {
	elems := make([]tftypes.Value, len(keys))
	for i := range keys {
		elems[i] = keyObject(&keys[i])
	}
	return tftypes.NewValue(tftypes.List{ElementType: keyType}, elems)
}

// fieldPath returns the attribute of a JSON field of Sentry's key, as
// Sentry's field errors name it ("rateLimit.window"), or false.
func fieldPath(field string) (path.Path, bool) {
	specs, p := keyAttrs, path.Empty()
	for i, part := range strings.Split(field, ".") {
		var found *attrSpec
		for j := range specs {
			if specs[j].api == part {
				found = &specs[j]
			}
		}
		if found == nil {
			return path.Empty(), false
		}
		if i == 0 {
			p = path.Root(found.name)
		} else {
			p = p.AtName(found.name)
		}
		specs = found.attrs
	}
	return p, len(p.Steps()) > 0
}

// mode says whether an attribute is an argument, and which kind.
type mode int

const (
	computed mode = iota
	required
	optional
)

// attrSpec is one attribute as keyAttrs and the arguments declare it.
type attrSpec struct {
	name, api, desc string
	mode            mode
	sensitive       bool
	strings         []validator.String
	// typ is the attribute's type in the schema; for an object, a
	// types.ObjectType of attrs. tf is the same type as state values hold it.
	typ attr.Type
	tf  tftypes.Type
	// value reads a leaf (or a list) from the key.
	value func(*sentry.ProjectKey) tftypes.Value
	// attrs are the attributes of an object or of a list's elements;
	// present says whether the object is there (nil: always).
	attrs   []attrSpec
	present func(*sentry.ProjectKey) bool
}

func text(name, api, desc string, get func(*sentry.ProjectKey) *string) attrSpec {
	return attrSpec{name: name, api: api, desc: desc, typ: types.StringType, tf: tftypes.String,
		value: func(k *sentry.ProjectKey) tftypes.Value { return tftypes.NewValue(tftypes.String, get(k)) }}
}

func number(name, api, desc string, get func(*sentry.ProjectKey) *int64) attrSpec {
	return attrSpec{name: name, api: api, desc: desc, typ: types.Int64Type, tf: tftypes.Number,
		value: func(k *sentry.ProjectKey) tftypes.Value { return tftypes.NewValue(tftypes.Number, get(k)) }}
}

func boolean(name, api, desc string, get func(*sentry.ProjectKey) *bool) attrSpec {
	return attrSpec{name: name, api: api, desc: desc, typ: types.BoolType, tf: tftypes.Bool,
		value: func(k *sentry.ProjectKey) tftypes.Value { return tftypes.NewValue(tftypes.Bool, get(k)) }}
}

func object(name, api, desc string, present func(*sentry.ProjectKey) bool, attrs ...attrSpec) attrSpec {
	return attrSpec{name: name, api: api, desc: desc, typ: objectType(attrs), tf: tfObject(attrs), attrs: attrs, present: present}
}

// objectList is a list of objects, such as keys.
func objectList(name, desc string, attrs []attrSpec) attrSpec {
	return attrSpec{name: name, desc: desc, typ: types.ListType{ElemType: objectType(attrs)},
		tf: tftypes.List{ElementType: tfObject(attrs)}, attrs: attrs}
}

func secret(s attrSpec) attrSpec {
	s.sensitive = true
	return s
}

func argument(s attrSpec, m mode, validators ...validator.String) attrSpec {
	s.mode, s.strings = m, validators
	return s
}

func objectType(specs []attrSpec) types.ObjectType {
	t := types.ObjectType{AttrTypes: make(map[string]attr.Type, len(specs))}
	for _, s := range specs {
		t.AttrTypes[s.name] = s.typ
	}
	return t
}

func tfObject(specs []attrSpec) tftypes.Object {
	t := tftypes.Object{AttributeTypes: make(map[string]tftypes.Type, len(specs))}
	for _, s := range specs {
		t.AttributeTypes[s.name] = s.tf
	}
	return t
}

// publicOnly returns specs without their sensitive attributes, at every
// depth.
func publicOnly(specs []attrSpec) []attrSpec {
	out := make([]attrSpec, 0, len(specs))
	for _, s := range specs {
		if s.sensitive {
			continue
		}
		if _, isObject := s.typ.(types.ObjectType); isObject {
			s = object(s.name, s.api, s.desc, s.present, publicOnly(s.attrs)...)
		}
		out = append(out, s)
	}
	return out
}

// valuesOf reads the key's attributes, by name, as state values.
func valuesOf(specs []attrSpec, k *sentry.ProjectKey) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, len(specs))
	for _, s := range specs {
		out[s.name] = s.valueOf(k)
	}
	return out
}

func (s attrSpec) valueOf(k *sentry.ProjectKey) tftypes.Value {
	switch {
	case s.value != nil:
		return s.value(k)
	case s.present != nil && !s.present(k):
		return tftypes.NewValue(s.tf, nil)
	}
	return tftypes.NewValue(s.tf, valuesOf(s.attrs, k))
}

// keyWith returns the key's attributes together with a surface's own (its
// arguments) as the state value of schema.
func keyWith(ctx context.Context, schema interface{ Type() attr.Type }, k *sentry.ProjectKey, own map[string]attr.Value) tftypes.Value {
	values := valuesOf(keyAttrs, k)
	for name, v := range own {
		values[name] = stateValue(ctx, v)
	}
	return tftypes.NewValue(schema.Type().TerraformType(ctx), values)
}

// stateValue converts a framework value of an argument to a state value.
func stateValue(ctx context.Context, v attr.Value) tftypes.Value {
	tv, err := v.ToTerraformValue(ctx)
	if err != nil {
		panic("converting " + v.String() + ": " + err.Error()) // the framework's own types do not fail
	}
	return tv
}
