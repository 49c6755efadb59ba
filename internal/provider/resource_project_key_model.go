package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// projectKeyModel is sentry_project_key: where the key lives, and the key
// as Sentry answers for it. The computed objects are types.Object, which
// a plan may hold unknown.
type projectKeyModel struct {
	Organization      types.String    `tfsdk:"organization"`
	Project           types.String    `tfsdk:"project"`
	ID                types.String    `tfsdk:"id"`
	Name              types.String    `tfsdk:"name"`
	Label             types.String    `tfsdk:"label"`
	Public            types.String    `tfsdk:"public"`
	Secret            types.String    `tfsdk:"secret"`
	ProjectID         types.Int64     `tfsdk:"project_id"`
	IsActive          types.Bool      `tfsdk:"is_active"`
	RateLimit         *rateLimitModel `tfsdk:"rate_limit"`
	DSN               types.Object    `tfsdk:"dsn"`
	BrowserSDKVersion types.String    `tfsdk:"browser_sdk_version"`
	BrowserSDK        types.Object    `tfsdk:"browser_sdk"`
	DateCreated       types.String    `tfsdk:"date_created"`
	Loader            types.Object    `tfsdk:"dynamic_sdk_loader_options"`
	UseCase           types.String    `tfsdk:"use_case"`
}

type rateLimitModel struct {
	Window types.Int64 `tfsdk:"window"`
	Count  types.Int64 `tfsdk:"count"`
}

// projectKeyIdentityModel is the resource identity of sentry_project_key.
type projectKeyIdentityModel struct {
	Organization types.String `tfsdk:"organization"`
	Project      types.String `tfsdk:"project"`
	ID           types.String `tfsdk:"id"`
}

// sameArguments reports whether every argument but organization and
// project is the same in m and other.
func (m projectKeyModel) sameArguments(other projectKeyModel) bool {
	return m.Name.Equal(other.Name) && m.IsActive.Equal(other.IsActive) && m.rateLimitObject().Equal(other.rateLimitObject()) &&
		m.BrowserSDKVersion.Equal(other.BrowserSDKVersion) && m.Loader.Equal(other.Loader)
}

// rateLimit returns the planned rate limit for the client; nil for none.
func (m projectKeyModel) rateLimit() *sentry.RateLimit {
	if m.RateLimit == nil {
		return nil
	}
	return &sentry.RateLimit{Window: m.RateLimit.Window.ValueInt64(), Count: m.RateLimit.Count.ValueInt64()}
}

// loader returns the loader flags the plan knows, nil when it knows none.
// Sentry merges them into the key's options, so a flag left out keeps
// Sentry's value.
func (m projectKeyModel) loader() *sentry.LoaderOptions {
	if !known(m.Loader) {
		return nil
	}
	var o sentry.LoaderOptions
	set := false
	for _, f := range loaderFlags {
		if v, ok := m.Loader.Attributes()[f.name].(types.Bool); ok && known(v) {
			b := v.ValueBool()
			*f.field(&o), set = &b, true
		}
	}
	if !set {
		return nil
	}
	return &o
}

// checkKept compares what was planned with what Sentry answered after a
// create or update, which is the new state. Terraform rejects a provider
// whose result differs from a known planned value with "Provider produced
// inconsistent result", which tells a user nothing. Sentry does quietly keep
// something else at times (a rate limit on a plan without per-key limits, an
// option an older server does not have), so each difference becomes an
// error on its attribute that says what was sent and what Sentry kept. The
// state stays Sentry's answer: the key is never orphaned, and the next plan
// shows the difference.
func checkKept(ctx context.Context, plan projectKeyModel, state tfsdk.State, diags *diag.Diagnostics) {
	var got projectKeyModel
	if diags.Append(state.Get(ctx, &got)...); diags.HasError() {
		return
	}
	const remedy = " The key is in the state with the values Sentry kept, so the next plan shows the difference again; " +
		"change the configuration to what Sentry can keep. (A key that failed this way when it was created is marked tainted, " +
		"and the next apply replaces it unless you run terraform untaint.)"
	kept := func(p path.Path, planned, answered attr.Value, why string) bool {
		if !known(planned) || planned.Equal(answered) {
			return true
		}
		diags.AddAttributeError(p, "Sentry Did Not Keep The Configured Value",
			fmt.Sprintf("The apply sent %s = %s, but Sentry kept %s. %s", p, show(planned), show(answered), why)+remedy)
		return false
	}

	nameKept := kept(path.Root("name"), plan.Name, got.Name, "Sentry trims names and keeps at most 64 characters.")
	kept(path.Root("is_active"), plan.IsActive, got.IsActive, "Sentry may not have applied the change.")
	kept(path.Root("rate_limit"), plan.rateLimitObject(), got.rateLimitObject(),
		"Sentry keeps a rate limit only when both numbers are above zero and the organization's plan allows per-key rate limits "+
			"(the projects:rate-limits feature); otherwise it drops it without an error.")
	kept(path.Root("browser_sdk_version"), plan.BrowserSDKVersion, got.BrowserSDKVersion,
		"Sentry may not offer that version for this project: browser_sdk.choices lists the versions it does.")
	if known(plan.Loader) {
		for _, f := range loaderFlags {
			kept(path.Root("dynamic_sdk_loader_options").AtName(f.name), plan.Loader.Attributes()[f.name], loaderFlag(got.Loader, f.name),
				"Sentry servers older than the option ignore it: check that this server has it, or leave the option out.")
		}
	}

	// What only Sentry sets was planned as it was: no update changes it.
	readOnly := []struct {
		name          string
		planned, got  attr.Value
		secret, label bool
	}{
		{name: "id", planned: plan.ID, got: got.ID},
		{name: "label", planned: plan.Label, got: got.Label, label: true},
		{name: "public", planned: plan.Public, got: got.Public},
		{name: "secret", planned: plan.Secret, got: got.Secret, secret: true},
		{name: "project_id", planned: plan.ProjectID, got: got.ProjectID},
		{name: "dsn", planned: plan.DSN, got: got.DSN, secret: true},
		{name: "browser_sdk", planned: plan.BrowserSDK, got: got.BrowserSDK},
		{name: "date_created", planned: plan.DateCreated, got: got.DateCreated},
		{name: "use_case", planned: plan.UseCase, got: got.UseCase},
	}
	for _, v := range readOnly {
		if !known(v.planned) || v.planned.Equal(v.got) || (v.label && !nameKept) {
			// The label follows the name; the name's error says it all.
			continue
		}
		detail := fmt.Sprintf("After the apply, Sentry answered %s = %s instead of %s.", v.name, show(v.got), show(v.planned))
		if v.secret {
			detail = fmt.Sprintf("After the apply, Sentry answered with another %s than the one planned.", v.name)
		}
		diags.AddAttributeError(path.Root(v.name), "Sentry Changed A Read-Only Value",
			detail+" Sentry changed it while the key was being updated. The state holds Sentry's value; run terraform apply again.")
	}
}

// rateLimitObject returns the rate limit as a value to compare and show.
func (m projectKeyModel) rateLimitObject() attr.Value {
	t := map[string]attr.Type{"window": types.Int64Type, "count": types.Int64Type}
	if m.RateLimit == nil {
		return types.ObjectNull(t)
	}
	return types.ObjectValueMust(t, map[string]attr.Value{"window": m.RateLimit.Window, "count": m.RateLimit.Count})
}

// loaderFlag returns one flag of a loader options object; null when the
// object is.
func loaderFlag(o types.Object, name string) attr.Value {
	if v, ok := o.Attributes()[name]; ok {
		return v
	}
	return types.BoolNull()
}

// show renders a value the way a configuration writes it.
func show(v attr.Value) string {
	o, isObject := v.(types.Object)
	switch {
	case v.IsNull():
		return "null"
	case !isObject:
		return v.String()
	}
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(o.Attributes())) {
		parts = append(parts, name+" = "+show(o.Attributes()[name]))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
