package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// resourceState returns a key as the state of sentry_project_key.
func resourceState(t *testing.T, k *sentry.ProjectKey) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	NewProjectKeyResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	return tfsdk.State{Schema: sr.Schema, Raw: keyWith(ctx, sr.Schema, k, map[string]attr.Value{
		"organization": types.StringValue("acme"), "project": types.StringValue("web"),
	})}
}

// TestCheckKept compares plans with answers the way an update meets them:
// each difference is an error on its own attribute, a secret is never
// printed, values the plan leaves unknown are Sentry's to choose, and equal
// values say nothing.
func TestCheckKept(t *testing.T) {
	yes, no := true, false
	base := func(edit func(*sentry.ProjectKey)) *sentry.ProjectKey {
		secret, dsn, version := "s3cr3t", "https://k:s3cr3t@o1.ingest.sentry.io/1", "10.x"
		k := &sentry.ProjectKey{ID: "k", Name: "web", Label: "web", Secret: &secret, IsActive: true,
			DSN: sentry.DSN{Secret: &dsn}, BrowserSDKVersion: &version,
			DynamicSDKLoaderOptions: &sentry.LoaderOptions{HasReplay: &yes, HasFeedback: &no}}
		if edit != nil {
			edit(k)
		}
		return k
	}
	cases := map[string]struct {
		planned, got *sentry.ProjectKey
		unknown      func(*projectKeyModel) // makes planned values unknown
		want         []string               // attribute and a part of the detail, per diagnostic
	}{
		"equal": {planned: base(nil), got: base(nil)},
		"rate limit dropped": {planned: base(func(k *sentry.ProjectKey) { k.RateLimit = &sentry.RateLimit{Window: 60, Count: 10} }), got: base(nil),
			want: []string{"rate_limit: rate_limit = { count = 10, window = 60 }, but Sentry kept null"}},
		"name rewritten": {planned: base(nil), got: base(func(k *sentry.ProjectKey) { k.Name, k.Label = "other", "other" }),
			want: []string{`name: name = "web", but Sentry kept "other"`}},
		"loader flag not kept": {planned: base(func(k *sentry.ProjectKey) { k.DynamicSDKLoaderOptions.HasFeedback = &yes }), got: base(nil),
			want: []string{"dynamic_sdk_loader_options.has_feedback: dynamic_sdk_loader_options.has_feedback = true, but Sentry kept false"}},
		"deactivation not kept": {planned: base(func(k *sentry.ProjectKey) { k.IsActive = false }), got: base(nil),
			want: []string{"is_active: is_active = false, but Sentry kept true"}},
		"secret changed": {planned: base(nil), got: base(func(k *sentry.ProjectKey) {
			other := "https://k:other@o1.ingest.sentry.io/1"
			k.DSN.Secret = &other
		}), want: []string{"dsn: another dsn"}},
		"unknown is Sentry's": {planned: base(func(k *sentry.ProjectKey) { k.Name = "planned" }), got: base(nil),
			unknown: func(m *projectKeyModel) {
				m.Name, m.Label, m.DSN = types.StringUnknown(), types.StringUnknown(), types.ObjectUnknown(m.DSN.AttributeTypes(context.Background()))
			}},
	}
	ctx := context.Background()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var plan projectKeyModel
			planned := resourceState(t, tc.planned)
			if diags := planned.Get(ctx, &plan); diags.HasError() {
				t.Fatal(diags)
			}
			if tc.unknown != nil {
				tc.unknown(&plan)
			}
			var diags diag.Diagnostics
			checkKept(ctx, plan, resourceState(t, tc.got), &diags)
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
