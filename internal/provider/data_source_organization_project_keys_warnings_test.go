package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// readDataSource calls ReadDataSource of typeName on a provider server
// configured against baseURL, with the given arguments and every other
// attribute null, as Terraform would after validation.
func readDataSource(t *testing.T, baseURL, token, typeName string, args map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	ctx := context.Background()
	s := newProviderServer()
	configure(t, s, baseURL, token)
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ, ok := schemas.DataSourceSchemas[typeName].ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("%s has no object type", typeName)
	}
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
		if v, ok := args[name]; ok {
			attrs[name] = v
		}
	}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// expectOneWarning fails unless diags is exactly one warning with summary,
// at attribute (nil: no attribute).
func expectOneWarning(t *testing.T, diags []*tfprotov6.Diagnostic, summary string, attribute *tftypes.AttributePath) {
	t.Helper()
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics %q, want the one warning %q", len(diags), diagnosticTexts(diags), summary)
	}
	d := diags[0]
	if d.Severity != tfprotov6.DiagnosticSeverityWarning || d.Summary != summary {
		t.Fatalf("got %q, want the warning %q", diagnosticTexts(diags), summary)
	}
	if (attribute == nil) != (d.Attribute == nil) || (attribute != nil && !attribute.Equal(d.Attribute)) {
		t.Fatalf("the warning is at %v, want %v", d.Attribute, attribute)
	}
}

// TestOrganizationProjectKeysWarnsOfUnlistedProjects serves keys of a
// project that the projects list leaves out (a project created or deleted
// between the two listings): they are left out with a warning, and the
// listed projects keep their keys.
func TestOrganizationProjectKeysWarnsOfUnlistedProjects(t *testing.T) {
	fake := sentrytest.New(sentrytest.Config{RateLimit: -1})
	fake.AddKeys(2)
	late := fake.AddProject(sentrytest.ProjectSpec{Slug: "late", Teams: []string{"acme"}})
	late.AddKeys(3)
	// The projects list is served without "late", as if it was created
	// after the list was read.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/0/organizations/acme/projects/" {
			fake.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		var projects []map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &projects); err != nil {
			t.Errorf("projects list: %v", err)
		}
		kept := projects[:0]
		for _, p := range projects {
			if p["slug"] != "late" {
				kept = append(kept, p)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(kept)
	}))
	defer api.Close()

	resp := readDataSource(t, api.URL, fake.Token(), "sentry_organization_project_keys", map[string]tftypes.Value{
		"organization": tftypes.NewValue(tftypes.String, "acme"),
	})
	expectOneWarning(t, resp.Diagnostics, "Keys Of Unlisted Projects Left Out", nil)
	if d := resp.Diagnostics[0].Detail; !containsAll(d, "3 client keys", `organization "acme"`, "run Terraform again") {
		t.Errorf("detail = %q", d)
	}
	state := orgState(t, resp)
	if len(state["web"]) != 2 || state["late"] != nil {
		t.Fatalf("projects = %v, want web with its 2 keys and no late", state)
	}
}

// TestOrganizationProjectKeysWarnsOfUnverifiedTeam reads a team without
// projects on a server without the organization-wide keys endpoint, where
// an empty team cannot be told from an unknown one: a warning on team, and
// no project.
func TestOrganizationProjectKeysWarnsOfUnverifiedTeam(t *testing.T) {
	srv := sentrytest.NewServer(sentrytest.Config{Profile: sentrytest.Legacy})
	defer srv.Close()
	srv.AddKeys(1)

	resp := readDataSource(t, srv.URL, srv.Token(), "sentry_organization_project_keys", map[string]tftypes.Value{
		"organization": tftypes.NewValue(tftypes.String, "acme"),
		"team":         tftypes.NewValue(tftypes.String, "no-such-team"),
	})
	expectOneWarning(t, resp.Diagnostics, "Sentry Team Not Verified", tftypes.NewAttributePath().WithAttributeName("team"))
	if d := resp.Diagnostics[0].Detail; !containsAll(d, `team "no-such-team"`, `organization "acme"`, "no organization-wide keys endpoint") {
		t.Errorf("detail = %q", d)
	}
	if state := orgState(t, resp); len(state) != 0 {
		t.Fatalf("projects = %v, want none", state)
	}

	// A team that has projects raises no warning.
	resp = readDataSource(t, srv.URL, srv.Token(), "sentry_organization_project_keys", map[string]tftypes.Value{
		"organization": tftypes.NewValue(tftypes.String, "acme"),
		"team":         tftypes.NewValue(tftypes.String, "acme"),
	})
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics for a team with projects: %q", diagnosticTexts(resp.Diagnostics))
	}
}

// orgState decodes the projects of a sentry_organization_project_keys
// state into key ids by project slug.
func orgState(t *testing.T, resp *tfprotov6.ReadDataSourceResponse) map[string][]string {
	t.Helper()
	if resp.State == nil {
		t.Fatal("no state")
	}
	state, err := resp.State.Unmarshal(dataSourceType(NewOrganizationProjectKeysDataSource()))
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var projects map[string]tftypes.Value
	if err := attrs["projects"].As(&projects); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for slug, p := range projects {
		var pa map[string]tftypes.Value
		var keys []tftypes.Value
		if err := p.As(&pa); err != nil {
			t.Fatal(err)
		}
		if err := pa["keys"].As(&keys); err != nil {
			t.Fatal(err)
		}
		out[slug] = []string{}
		for _, k := range keys {
			var ka map[string]tftypes.Value
			var id string
			if err := k.As(&ka); err != nil {
				t.Fatal(err)
			}
			if err := ka["id"].As(&id); err != nil {
				t.Fatal(err)
			}
			out[slug] = append(out[slug], id)
		}
	}
	return out
}
