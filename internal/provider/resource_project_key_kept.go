package provider

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// checkKept compares what was planned with what Sentry answered after a
// create or update, which is the new state. Terraform rejects a provider
// whose result differs from a known planned value with "Provider produced
// inconsistent result", which tells a user nothing. Sentry does quietly keep
// something else at times (a rate limit on a plan without per-key limits, an
// option an older server does not have), so each difference becomes an
// error on its attribute that says what was sent and what Sentry kept. The
// state stays Sentry's answer: the key is never orphaned, and the next plan
// shows the difference.
func checkKept(plan tfsdk.Plan, state tfsdk.State, diags *diag.Diagnostics) {
	diffs := keptDiffs(tftypes.NewAttributePath(), plan.Raw, state.Raw)
	nameKept := true
	for _, d := range diffs {
		if _, names := frameworkPath(d.path); names[0] == "name" {
			nameKept = false
		}
	}
	for _, d := range diffs {
		p, names := frameworkPath(d.path)
		if names[0] == "label" && !nameKept {
			// The label follows the name; the name's error says it all.
			continue
		}
		attribute := strings.Join(names, ".")
		secret := names[0] == "secret" || names[0] == "dsn"
		hint, argument := keptHints[names[0]]
		var detail string
		switch {
		case secret:
			detail = fmt.Sprintf("After the apply, Sentry answered with another %s than the one planned.", attribute)
		default:
			detail = fmt.Sprintf("The apply sent %s = %s, but Sentry kept %s.", attribute, hclValue(d.planned), hclValue(d.got))
		}
		if !argument {
			diags.AddAttributeError(p, "Sentry Changed A Read-Only Value", detail+
				" Sentry changed it while the key was being updated. The state holds Sentry's value; run terraform apply again.")
			continue
		}
		diags.AddAttributeError(p, "Sentry Did Not Keep The Configured Value", detail+" "+hint+
			" The key is in the state with the values Sentry kept, so the next plan shows the difference again; "+
			"change the configuration to what Sentry can keep. (A key that failed this way when it was created is marked tainted, "+
			"and the next apply replaces it unless you run terraform untaint.)")
	}
}

// keptHints says, for each argument, why Sentry may keep another value.
var keptHints = map[string]string{
	"name":      "Sentry trims names and keeps at most 64 characters.",
	"is_active": "Sentry may not have applied the change.",
	"rate_limit": "Sentry keeps a rate limit only when both numbers are above zero and the organization's plan allows per-key rate limits " +
		"(the projects:rate-limits feature); otherwise it drops it without an error.",
	"browser_sdk_version": "Sentry may not offer that version for this project: browser_sdk.choices lists the versions it does.",
	"dynamic_sdk_loader_options": "Sentry servers older than the option ignore it: check that this server has it, " +
		"or leave the option out.",
}

// keptDiff is a planned value that the answer does not have.
type keptDiff struct {
	path         *tftypes.AttributePath
	planned, got tftypes.Value
}

// keptDiffs lists the known planned values at or below p that got differs
// from, attribute by attribute down to single values: an object differs
// as a whole only where one side is null (a rate limit Sentry dropped).
// Unknown planned values are Sentry's to choose.
func keptDiffs(p *tftypes.AttributePath, planned, got tftypes.Value) []keptDiff {
	root := len(p.Steps()) == 0
	switch {
	case !planned.IsKnown():
		return nil
	case planned.IsFullyKnown() && planned.Equal(got):
		return nil
	case root && (planned.IsNull() || got.IsNull() || !got.IsKnown()):
		// Not an answer to compare with: nothing to say per attribute.
		return nil
	case !root && (!planned.Type().Is(tftypes.Object{}) || planned.IsNull() || got.IsNull() || !got.IsKnown()):
		return []keptDiff{{path: p, planned: planned, got: got}}
	}
	var pa, ga map[string]tftypes.Value
	if err := planned.As(&pa); err != nil {
		return []keptDiff{{path: p, planned: planned, got: got}}
	}
	if err := got.As(&ga); err != nil {
		return []keptDiff{{path: p, planned: planned, got: got}}
	}
	names := make([]string, 0, len(pa))
	for name := range pa {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []keptDiff
	for _, name := range names {
		out = append(out, keptDiffs(p.WithAttributeName(name), pa[name], ga[name])...)
	}
	return out
}

// frameworkPath converts a path of attribute names.
func frameworkPath(p *tftypes.AttributePath) (path.Path, []string) {
	var out path.Path
	var names []string
	for i, step := range p.Steps() {
		name, _ := step.(tftypes.AttributeName)
		names = append(names, string(name))
		if i == 0 {
			out = path.Root(string(name))
		} else {
			out = out.AtName(string(name))
		}
	}
	return out, names
}

// hclValue renders a value the way it is written in a configuration.
func hclValue(v tftypes.Value) string {
	switch {
	case !v.IsKnown():
		return "(unknown)"
	case v.IsNull():
		return "null"
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return fmt.Sprintf("%q", s)
	case v.Type().Is(tftypes.Number):
		var n big.Float
		_ = v.As(&n)
		return n.Text('f', -1)
	case v.Type().Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return fmt.Sprint(b)
	case v.Type().Is(tftypes.Object{}):
		var attrs map[string]tftypes.Value
		_ = v.As(&attrs)
		names := make([]string, 0, len(attrs))
		for name := range attrs {
			names = append(names, name)
		}
		sort.Strings(names)
		parts := make([]string, len(names))
		for i, name := range names {
			parts[i] = name + " = " + hclValue(attrs[name])
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	case v.Type().Is(tftypes.List{}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		parts := make([]string, len(elems))
		for i, e := range elems {
			parts[i] = hclValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return v.String()
}
