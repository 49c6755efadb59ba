package provider

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestCheckKept compares plans with answers the way an update meets them,
// every value known: each difference is an error on its own attribute, a
// secret is never printed, and equal values say nothing.
func TestCheckKept(t *testing.T) {
	typ := tfObjectType(projectKeyResourceSpecs)
	base := func(edit func(map[string]tftypes.Value)) tftypes.Value {
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			attrs[name] = tftypes.NewValue(at, nil)
		}
		attrs["name"] = tftypes.NewValue(tftypes.String, "web")
		attrs["label"] = tftypes.NewValue(tftypes.String, "web")
		attrs["secret"] = tftypes.NewValue(tftypes.String, "s3cr3t")
		dsn := typ.AttributeTypes["dsn"].(tftypes.Object) //nolint:forcetypeassert // the schema's own type
		dsnAttrs := map[string]tftypes.Value{}
		for name, at := range dsn.AttributeTypes {
			dsnAttrs[name] = tftypes.NewValue(at, nil)
		}
		dsnAttrs["secret"] = tftypes.NewValue(tftypes.String, "https://k:s3cr3t@o1.ingest.sentry.io/1")
		attrs["dsn"] = tftypes.NewValue(dsn, dsnAttrs)
		if edit != nil {
			edit(attrs)
		}
		return tftypes.NewValue(typ, attrs)
	}
	rateLimit := tftypes.NewValue(typ.AttributeTypes["rate_limit"], map[string]tftypes.Value{
		"window": tftypes.NewValue(tftypes.Number, big.NewFloat(60)),
		"count":  tftypes.NewValue(tftypes.Number, big.NewFloat(10)),
	})
	cases := map[string]struct {
		planned, got tftypes.Value
		want         []string // attribute and a part of the detail, per diagnostic
	}{
		"equal": {base(nil), base(nil), nil},
		"rate limit dropped": {base(func(a map[string]tftypes.Value) { a["rate_limit"] = rateLimit }), base(nil),
			[]string{"rate_limit: rate_limit = { count = 10, window = 60 }, but Sentry kept null"}},
		"name rewritten": {base(nil), base(func(a map[string]tftypes.Value) {
			a["name"] = tftypes.NewValue(tftypes.String, "other")
			a["label"] = tftypes.NewValue(tftypes.String, "other")
		}), []string{`name: name = "web", but Sentry kept "other"`}},
		"secret changed": {base(nil), base(func(a map[string]tftypes.Value) {
			dsn := typ.AttributeTypes["dsn"].(tftypes.Object) //nolint:forcetypeassert // the schema's own type
			var attrs map[string]tftypes.Value
			_ = a["dsn"].As(&attrs)
			attrs["secret"] = tftypes.NewValue(tftypes.String, "https://k:other@o1.ingest.sentry.io/1")
			a["dsn"] = tftypes.NewValue(dsn, attrs)
		}), []string{"dsn.secret: another dsn.secret"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var diags diag.Diagnostics
			checkKept(tfsdk.Plan{Raw: tc.planned}, tfsdk.State{Raw: tc.got}, &diags)
			if len(diags) != len(tc.want) {
				t.Fatalf("%d diagnostics %v, want %d", len(diags), diags, len(tc.want))
			}
			for i, want := range tc.want {
				attr, part, _ := strings.Cut(want, ": ")
				d, ok := diags[i].(diag.DiagnosticWithPath)
				if !ok || d.Path().String() != attr || !strings.Contains(d.Detail(), part) {
					t.Errorf("diagnostic %d = %v, want on %s with %q", i, diags[i], attr, part)
				}
				if strings.Contains(d.Detail(), "s3cr3t") || strings.Contains(d.Detail(), "other@") {
					t.Errorf("diagnostic %d prints a secret: %s", i, d.Detail())
				}
			}
		})
	}
}
