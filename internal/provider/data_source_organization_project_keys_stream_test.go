package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// TestStreamedOrganizationReadMatchesFramework holds the streamed read of
// sentry_organization_project_keys to the framework's: the same state value
// and the same diagnostics, paths included. (Terraform encodes maps in no
// fixed order, so the values are compared, not their bytes.)
func TestStreamedOrganizationReadMatchesFramework(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	slugs := func(s ...string) tftypes.Value {
		elems := make([]tftypes.Value, len(s))
		for i, v := range s {
			elems[i] = str(v)
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
	}
	cases := []struct {
		name    string
		profile sentrytest.Profile
		args    map[string]tftypes.Value
	}{
		{"every project", sentrytest.SaaS, nil},
		{"one team, active keys", sentrytest.SaaS, map[string]tftypes.Value{"team": str("backend"), "status": str("active")}},
		{"some projects", sentrytest.SaaS, map[string]tftypes.Value{"project_slugs": slugs("web", "p001")}},
		{"unknown projects", sentrytest.SaaS, map[string]tftypes.Value{"project_slugs": slugs("web", "nope")}},
		{"unknown team", sentrytest.SaaS, map[string]tftypes.Value{"team": str("nope")}},
		{"bad status", sentrytest.SaaS, map[string]tftypes.Value{"status": str("Active")}},
		{"older server", sentrytest.Legacy, nil},
		{"older server, unverified team", sentrytest.Legacy, map[string]tftypes.Value{"team": str("nope")}},
		{"unknown organization", sentrytest.SaaS, map[string]tftypes.Value{"organization": str("nope")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, sentrytest.Config{Profile: tc.profile, RateLimit: -1})
			srv.AddTeam(sentrytest.TeamSpec{Slug: "backend"})
			srv.Project().AddKeys(3)[1].SetActive(false)
			for i := range 12 {
				teams := []string{"acme"}
				if i%3 == 0 {
					teams = []string{"backend"}
				}
				keys := srv.AddProject(sentrytest.ProjectSpec{Slug: fmt.Sprintf("p%03d", i), Teams: teams}).AddKeys(i % 4)
				if len(keys) > 1 {
					keys[0].SetRateLimit(60, 5)
				}
			}
			args := map[string]tftypes.Value{"organization": str("acme")}
			for k, v := range tc.args {
				args[k] = v
			}
			framework, streaming := configuredServers(t, srv.URL, srv.Token())
			req := organizationReadRequest(t, args)
			want, err := framework.ReadDataSource(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := streaming.ReadDataSource(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(diagnosticTexts(got.Diagnostics)) != fmt.Sprint(diagnosticTexts(want.Diagnostics)) {
				t.Fatalf("diagnostics differ:\n got %q\nwant %q", diagnosticTexts(got.Diagnostics), diagnosticTexts(want.Diagnostics))
			}
			wantState, err := want.State.Unmarshal(organizationProjectKeysStateType)
			if err != nil {
				t.Fatal(err)
			}
			gotState, err := got.State.Unmarshal(organizationProjectKeysStateType)
			if err != nil {
				t.Fatal(err)
			}
			if !gotState.Equal(wantState) {
				diffs, _ := gotState.Diff(wantState)
				t.Fatalf("the streamed state differs from the framework's in %d places, first: %v", len(diffs), diffs[0])
			}
		})
	}
}

// organizationReadRequest builds a ReadDataSource request of
// sentry_organization_project_keys with args and every other attribute null.
func organizationReadRequest(t testing.TB, args map[string]tftypes.Value) *tfprotov6.ReadDataSourceRequest {
	t.Helper()
	attrs := map[string]tftypes.Value{}
	for name, typ := range organizationProjectKeysStateType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
		if v, ok := args[name]; ok {
			attrs[name] = v
		}
	}
	config, err := tfprotov6.NewDynamicValue(organizationProjectKeysStateType, tftypes.NewValue(organizationProjectKeysStateType, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ReadDataSourceRequest{TypeName: organizationProjectKeysTypeName, Config: &config}
}

func TestOrganizationStateTypeMatchesSchema(t *testing.T) {
	schemas, err := NewServer("test")().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := schemas.DataSourceSchemas[organizationProjectKeysTypeName].ValueType(); !got.Equal(organizationProjectKeysStateType) {
		t.Fatalf("the schema's type %s is not the streamed state's %s", got, organizationProjectKeysStateType)
	}
}
