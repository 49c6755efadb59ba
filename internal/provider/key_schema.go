package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// keySpecs describes one client key, as Sentry's API returns it.
var keySpecs = []attrSpec{
	{name: "id", kind: kindString, desc: "The key's id: its public key, 32 hexadecimal characters. It is what `sentry_project_key` takes as `id`."},
	{name: "name", kind: kindString, desc: "The key's name: its label, or the first 14 characters of the public key when the label is empty."},
	{name: "label", kind: kindString, desc: "The key's label as set in Sentry."},
	{name: "public", kind: kindString, desc: "The public key."},
	{name: "secret", kind: kindString, sensitive: true, desc: "The secret key."},
	{name: "project_id", kind: kindInt64, desc: "The numeric id of the key's project. Ids on sentry.io have 16 digits and are kept exact."},
	{name: "is_active", kind: kindBool, desc: "Whether the key is active (accepts events)."},
	{name: "rate_limit", kind: kindObject, desc: "The key's event rate limit, or null when the key has none.", attrs: []attrSpec{
		{name: "window", kind: kindInt64, desc: "The length of the rate-limit window, in seconds."},
		{name: "count", kind: kindInt64, desc: "The number of events accepted per window."},
	}},
	{name: "dsn", kind: kindObject, desc: "The key's DSNs and endpoint URLs. Each is null when the Sentry server does not send it: " +
		"older self-hosted servers send only `secret`, `public`, `csp`, `security`, `minidump` and `cdn`.", attrs: dsnSpecs},
	{name: "browser_sdk_version", kind: kindString, desc: "The JavaScript loader version the key selects, such as `10.x`."},
	{name: "browser_sdk", kind: kindObject, desc: "The JavaScript loader versions the key can select.", attrs: []attrSpec{
		{name: "choices", kind: kindObjectList, desc: "The selectable versions.", attrs: []attrSpec{
			{name: "value", kind: kindString, desc: "The version value, such as `10.x`."},
			{name: "label", kind: kindString, desc: "The version's display label."},
		}},
	}},
	{name: "date_created", kind: kindString, desc: "When the key was created, as Sentry gives it (RFC 3339, UTC)."},
	{name: "dynamic_sdk_loader_options", kind: kindObject, desc: "The JavaScript loader options of the key, or null when the server does not send them (older self-hosted Sentry). " +
		"An option the server does not send is null.", attrs: []attrSpec{
		{name: "has_replay", kind: kindBool, desc: "Whether the loader enables Session Replay."},
		{name: "has_performance", kind: kindBool, desc: "Whether the loader enables tracing."},
		{name: "has_debug", kind: kindBool, desc: "Whether the loader enables debug bundles."},
		{name: "has_feedback", kind: kindBool, desc: "Whether the loader enables User Feedback."},
		{name: "has_logs_and_metrics", kind: kindBool, desc: "Whether the loader enables logs and metrics."},
	}},
	{name: "use_case", kind: kindString, desc: "The key's use case. Sentry only shows it to superuser sessions, so it is usually null."},
}

var dsnSpecs = []attrSpec{
	{name: "public", kind: kindString, desc: "The DSN to configure Sentry SDKs with: `https://<public>@<host>/<project_id>`."},
	{name: "secret", kind: kindString, sensitive: true, desc: "The legacy DSN that includes the secret key."},
	{name: "csp", kind: kindString, desc: "The Content Security Policy report URL."},
	{name: "security", kind: kindString, desc: "The security header report URL."},
	{name: "minidump", kind: kindString, desc: "The minidump upload URL."},
	{name: "nel", kind: kindString, desc: "The Network Error Logging report URL."},
	{name: "unreal", kind: kindString, desc: "The Unreal Engine crash report URL."},
	{name: "crons", kind: kindString, desc: "The cron monitor check-in URL; replace `___MONITOR_SLUG___` with the monitor's slug."},
	{name: "cdn", kind: kindString, desc: "The JavaScript loader script URL."},
	{name: "playstation", kind: kindString, desc: "The PlayStation crash report URL."},
	{name: "integration", kind: kindString, desc: "The base URL of ingest integrations."},
	{name: "otlp_traces", kind: kindString, desc: "The OpenTelemetry (OTLP) traces endpoint."},
	{name: "otlp_logs", kind: kindString, desc: "The OpenTelemetry (OTLP) logs endpoint."},
}

// Arguments shared by the data sources and ephemeral resources that read keys.
var (
	organizationSpec = attrSpec{name: "organization", kind: kindString, mode: required,
		desc:    "The slug or numeric id of the organization.",
		strings: []validator.String{slugValidator()}}
	projectSpec = attrSpec{name: "project", kind: kindString, mode: required,
		desc:    "The slug or numeric id of the project.",
		strings: []validator.String{slugValidator()}}
	statusSpec = attrSpec{name: "status", kind: kindString, mode: optional,
		desc:    "Only consider keys in this state: `active` or `inactive`. Omit it to consider every key.",
		strings: []validator.String{stringvalidator.OneOf(string(sentry.KeyStatusActive), string(sentry.KeyStatusInactive))}}
)

// projectKeysSpecs is the schema of sentry_project_keys, the data source and
// the ephemeral resource alike.
var projectKeysSpecs = []attrSpec{
	organizationSpec,
	projectSpec,
	statusSpec,
	{name: "keys", kind: kindObjectList, attrs: keySpecs,
		desc: "The project's client keys in the order Sentry lists them (newest first). Empty when the project has none."},
}
