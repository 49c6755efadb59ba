package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// The tests in this file call the served provider's protocol directly:
// resource identity and list resources need Terraform 1.12 and 1.14, which
// CI machines do not have, so what Terraform would ask is asked here, on
// every machine. The Terraform-driven tests of the same features
// (identity_test.go, query_test.go) skip below those versions.

// protocolProvider is the server main.go serves, configured against srv.
type protocolProvider struct {
	t       *testing.T
	server  tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

func newProtocolProvider(t *testing.T, srv *sentrytest.Server) *protocolProvider {
	t.Helper()
	s := newProviderServer()
	configure(t, s, srv.URL, srv.Token())
	schemas, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	return &protocolProvider{t: t, server: s, schemas: schemas}
}

func (p *protocolProvider) resourceType() tftypes.Object {
	typ, ok := p.schemas.ResourceSchemas[projectKeyTypeName].ValueType().(tftypes.Object)
	if !ok {
		p.t.Fatal("sentry_project_key has no object type")
	}
	return typ
}

var identityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"organization": tftypes.String, "project": tftypes.String, "id": tftypes.String,
}}

func identityData(t *testing.T, org, project, id string) *tfprotov6.ResourceIdentityData {
	t.Helper()
	v, err := tfprotov6.NewDynamicValue(identityType, tftypes.NewValue(identityType, map[string]tftypes.Value{
		"organization": tftypes.NewValue(tftypes.String, org),
		"project":      tftypes.NewValue(tftypes.String, project),
		"id":           tftypes.NewValue(tftypes.String, id),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &v}
}

// identityOf decodes identity data into organization/project/id.
func identityOf(t *testing.T, d *tfprotov6.ResourceIdentityData) string {
	t.Helper()
	if d == nil || d.IdentityData == nil {
		t.Fatal("no identity")
	}
	v, err := d.IdentityData.Unmarshal(identityType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	parts := make([]string, 3)
	for i, name := range []string{"organization", "project", "id"} {
		if err := attrs[name].As(&parts[i]); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(parts, "/")
}

// listed is one result of a ListResource call.
type listed struct {
	name     string
	identity string
	resource tftypes.Value
}

// list calls ListResource for a project and returns the results and the
// diagnostics of the stream.
func (p *protocolProvider) list(org, project string, status *string, includeResource bool, limit int64) ([]listed, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	typ, ok := p.schemas.ListResourceSchemas[projectKeyTypeName].ValueType().(tftypes.Object)
	if !ok {
		p.t.Fatal("the sentry_project_key list resource has no schema")
	}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
		"organization": tftypes.NewValue(tftypes.String, org),
		"project":      tftypes.NewValue(tftypes.String, project),
		"status":       tftypes.NewValue(tftypes.String, status),
	}))
	if err != nil {
		p.t.Fatal(err)
	}
	listServer, ok := p.server.(tfprotov6.ProviderServerWithListResource) //nolint:staticcheck // SA1019: what tf6server asserts.
	if !ok {
		p.t.Fatal("the served server has no list resources")
	}
	stream, err := listServer.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: projectKeyTypeName, Config: &config, IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	var results []listed
	var diags []*tfprotov6.Diagnostic
	for r := range stream.Results {
		diags = append(diags, r.Diagnostics...)
		if r.Identity == nil {
			continue
		}
		l := listed{name: r.DisplayName, identity: identityOf(p.t, r.Identity)}
		if r.Resource != nil {
			if l.resource, err = r.Resource.Unmarshal(p.resourceType()); err != nil {
				p.t.Fatal(err)
			}
		}
		results = append(results, l)
	}
	return results, diags
}

// importAndRead imports a key by ID or identity and reads it, as Terraform
// does, returning the state and identity the read gives.
func (p *protocolProvider) importAndRead(req *tfprotov6.ImportResourceStateRequest) (tftypes.Value, string, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	ctx := context.Background()
	req.TypeName = projectKeyTypeName
	imported, err := p.server.ImportResourceState(ctx, req)
	if err != nil {
		p.t.Fatal(err)
	}
	if len(imported.Diagnostics) > 0 {
		return tftypes.Value{}, "", imported.Diagnostics
	}
	if len(imported.ImportedResources) != 1 {
		p.t.Fatalf("%d imported resources", len(imported.ImportedResources))
	}
	ir := imported.ImportedResources[0]
	read, err := p.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
		TypeName: projectKeyTypeName, CurrentState: ir.State, Private: ir.Private, CurrentIdentity: ir.Identity,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	if len(read.Diagnostics) > 0 {
		return tftypes.Value{}, "", read.Diagnostics
	}
	state, err := read.NewState.Unmarshal(p.resourceType())
	if err != nil {
		p.t.Fatal(err)
	}
	return state, identityOf(p.t, read.NewIdentity), nil
}

func TestProtocolIdentitySchema(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	p := newProtocolProvider(t, srv)
	resp, err := p.server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, resp.Diagnostics)
	}
	s := resp.IdentitySchemas[projectKeyTypeName]
	if s == nil {
		t.Fatal("sentry_project_key has no identity schema")
	}
	var got []string
	for _, a := range s.IdentityAttributes {
		if !a.RequiredForImport || !a.Type.Is(tftypes.String) {
			t.Errorf("identity attribute %s: required for import %t, type %s", a.Name, a.RequiredForImport, a.Type)
		}
		got = append(got, a.Name)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != "id,organization,project" {
		t.Fatalf("identity attributes %v, want id, organization and project", got)
	}
}

// TestProtocolListEveryPage lists a project of 250 keys: every key, in
// Sentry's order, through all three pages, each with its identity and name.
func TestProtocolListEveryPage(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	keys := newestFirst(srv.AddKeys(250))
	p := newProtocolProvider(t, srv)
	srv.ResetRequests()

	results, diags := p.list("acme", "web", nil, false, 1000)
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %q", diagnosticTexts(diags))
	}
	if len(results) != len(keys) {
		t.Fatalf("%d results, want %d", len(results), len(keys))
	}
	for i, k := range keys {
		if results[i].identity != "acme/web/"+k.ID() || results[i].name != k.Name() {
			t.Fatalf("result %d = %s %q, want acme/web/%s %q", i, results[i].identity, results[i].name, k.ID(), k.Name())
		}
		if !results[i].resource.IsNull() {
			t.Fatalf("result %d carries a resource without include_resource", i)
		}
	}
	if n := srv.CountRequests(keysPath); n != 3 {
		t.Fatalf("%d requests for 250 keys, want 3", n)
	}
}

func TestProtocolListStatusAndLimit(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(6)
	keys[1].SetActive(false)
	keys[4].SetActive(false)
	p := newProtocolProvider(t, srv)

	for status, want := range map[string][]*sentrytest.Key{"active": {keys[5], keys[3], keys[2], keys[0]}, "inactive": {keys[4], keys[1]}} {
		results, diags := p.list("acme", "web", &status, false, 100)
		if len(diags) > 0 || len(results) != len(want) {
			t.Fatalf("status %s: %d results, %q", status, len(results), diagnosticTexts(diags))
		}
		for i, k := range want {
			if results[i].identity != "acme/web/"+k.ID() {
				t.Errorf("status %s, result %d = %s, want key %s", status, i, results[i].identity, k.ID())
			}
		}
	}

	// Terraform's limit stops the listing: with 250 keys and a limit of 5,
	// five results from one request.
	srv.AddKeys(244)
	srv.ResetRequests()
	results, diags := p.list("acme", "web", nil, false, 5)
	if len(diags) > 0 || len(results) != 5 {
		t.Fatalf("limit 5: %d results, %q", len(results), diagnosticTexts(diags))
	}
	if n := srv.CountRequests(keysPath); n > 2 {
		t.Fatalf("limit 5 took %d requests; the listing must stop", n)
	}
}

// TestProtocolListIncludeResource checks that include_resource gives, for
// every key, exactly the state that importing and reading the key gives.
func TestProtocolListIncludeResource(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(3)
	keys[0].SetRateLimit(60, 10)
	keys[1].SetActive(false)
	p := newProtocolProvider(t, srv)

	results, diags := p.list("acme", "web", nil, true, 100)
	if len(diags) > 0 || len(results) != 3 {
		t.Fatalf("%d results, %q", len(results), diagnosticTexts(diags))
	}
	for _, r := range results {
		want, identity, diags := p.importAndRead(&tfprotov6.ImportResourceStateRequest{ID: r.identity})
		if len(diags) > 0 {
			t.Fatalf("import %s: %q", r.identity, diagnosticTexts(diags))
		}
		if identity != r.identity {
			t.Errorf("the read gives identity %s, the list %s", identity, r.identity)
		}
		if !r.resource.Equal(want) {
			diffs, _ := r.resource.Diff(want)
			t.Errorf("the listed resource of %s differs from a read of it: %v", r.identity, diffs)
		}
	}
}

// TestProtocolListByNumericIDs lists a project named by the organization's
// and the project's numeric ids: the results name them by their slugs, as
// configurations write them, so that the configuration terraform query
// generates imports and plans no change; only that lookup is added.
func TestProtocolListByNumericIDs(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(2)
	p := newProtocolProvider(t, srv)
	org, project := fmt.Sprint(srv.Organization().ID()), fmt.Sprint(srv.Project().ID())

	results, diags := p.list(org, project, nil, true, 100)
	if len(diags) > 0 || len(results) != 2 {
		t.Fatalf("%d results, %q", len(results), diagnosticTexts(diags))
	}
	for i, r := range results {
		if want := "acme/web/" + keys[1-i].ID(); r.identity != want {
			t.Errorf("result %d has identity %s, want %s", i, r.identity, want)
		}
		var attrs map[string]tftypes.Value
		if err := r.resource.As(&attrs); err != nil {
			t.Fatal(err)
		}
		var gotOrg, gotProject string
		_, _ = attrs["organization"].As(&gotOrg), attrs["project"].As(&gotProject)
		if gotOrg != "acme" || gotProject != "web" {
			t.Errorf("result %d's resource names %s/%s, want acme/web", i, gotOrg, gotProject)
		}
	}
	if got := len(srv.Requests()); got != 2 {
		t.Errorf("%d requests, want 2: the project's details and the key list", got)
	}

	// A project that is not there fails the listing, naming it.
	_, diags = p.list(org, "4500000000000999", nil, false, 100)
	if len(diags) != 1 || !strings.Contains(diags[0].Detail, "4500000000000999") {
		t.Errorf("an unknown project: %q, want one error naming it", diagnosticTexts(diags))
	}
}

// TestProtocolImport imports by ID and by identity, and refuses what names
// no key.
func TestProtocolImport(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	key := srv.AddKey(sentrytest.KeySpec{Label: "imported"})
	p := newProtocolProvider(t, srv)
	want := "acme/web/" + key.ID()

	for name, req := range map[string]*tfprotov6.ImportResourceStateRequest{
		"by id":       {ID: want},
		"by identity": {Identity: identityData(t, "acme", "web", key.ID())},
	} {
		state, identity, diags := p.importAndRead(req)
		if len(diags) > 0 {
			t.Fatalf("%s: %q", name, diagnosticTexts(diags))
		}
		var attrs map[string]tftypes.Value
		if err := state.As(&attrs); err != nil {
			t.Fatal(err)
		}
		var id, keyName string
		_ = attrs["id"].As(&id)
		_ = attrs["name"].As(&keyName)
		if identity != want || id != key.ID() || keyName != "imported" {
			t.Errorf("%s: identity %s, id %s, name %q", name, identity, id, keyName)
		}
	}

	for name, req := range map[string]*tfprotov6.ImportResourceStateRequest{
		"id without project":    {ID: "acme/" + key.ID()},
		"id with a bad key":     {ID: "acme/web/not-a-key"},
		"identity with a slash": {Identity: identityData(t, "acme", "a/b", key.ID())},
	} {
		_, _, diags := p.importAndRead(req)
		if len(diags) != 1 || !strings.Contains(diags[0].Summary, "Invalid Import") {
			t.Errorf("%s: %q, want one Invalid Import error", name, diagnosticTexts(diags))
		}
	}
}

// TestProtocolReadKeepsIdentity reads a key with its identity, and a key
// deleted in Sentry: the state goes, the identity stays as it was.
func TestProtocolReadKeepsIdentity(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	key := srv.AddKey(sentrytest.KeySpec{Label: "k"})
	p := newProtocolProvider(t, srv)
	_, identity, diags := p.importAndRead(&tfprotov6.ImportResourceStateRequest{ID: "acme/web/" + key.ID()})
	if len(diags) > 0 || identity != "acme/web/"+key.ID() {
		t.Fatalf("identity %s, %q", identity, diagnosticTexts(diags))
	}

	// Terraform configures a provider for each run, and each configuration
	// reads afresh.
	key.Delete()
	p = newProtocolProvider(t, srv)
	imported, err := p.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: projectKeyTypeName, ID: "acme/web/" + key.ID()})
	if err != nil {
		t.Fatal(err)
	}
	ir := imported.ImportedResources[0]
	read, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: projectKeyTypeName, CurrentState: ir.State, CurrentIdentity: identityData(t, "acme", "web", key.ID()),
	})
	if err != nil {
		t.Fatal(err)
	}
	state, err := read.NewState.Unmarshal(p.resourceType())
	if err != nil {
		t.Fatal(err)
	}
	if !state.IsNull() {
		t.Fatal("a deleted key is still in the state")
	}
	for _, d := range read.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("error reading a deleted key: %q", diagnosticTexts(read.Diagnostics))
		}
	}
}

// TestProtocolListErrors lists through each failure a read can meet: the
// stream ends with the data sources' diagnostic, after the results of the
// pages that did arrive.
func TestProtocolListErrors(t *testing.T) {
	cases := map[string]struct {
		setup   func(srv *sentrytest.Server) (project, token string)
		results int
		summary string
		detail  string
	}{
		"401": {func(srv *sentrytest.Server) (string, string) { return "web", "wrong" }, 0,
			"Invalid Sentry Auth Token", `HTTP 401: "Invalid token"`},
		"403": {func(srv *sentrytest.Server) (string, string) {
			srv.AddToken(sentrytest.TokenSpec{Token: "org-only", Scopes: []string{"org:read"}, Role: sentrytest.RoleOwner, Teams: []string{"acme"}})
			return "web", "org-only"
		}, 0, "Insufficient Sentry Permissions", "project:read"},
		"404": {func(srv *sentrytest.Server) (string, string) { return "nope", srv.Token() }, 0,
			"Sentry Object Not Found", `project "nope" in organization "acme"`},
		"rate limited": {func(srv *sentrytest.Server) (string, string) {
			srv.InjectFaults(sentrytest.FaultRateLimited())
			return "web", srv.Token()
		}, 0, "Sentry Rate Limit Exceeded", "HTTP 429"},
		"server error on the second page": {func(srv *sentrytest.Server) (string, string) {
			srv.AddKeys(150)
			// A zero Fault lets one request through: the first page
			// arrives, the second fails.
			srv.InjectFaults(sentrytest.Fault{}.ForPath(keysPath), sentrytest.FaultInternalError().ForPath(keysPath))
			return "web", srv.Token()
		}, 100, "Sentry Server Error", `HTTP 500: "Internal Error"`},
		"login page": {func(srv *sentrytest.Server) (string, string) {
			srv.InjectFaults(sentrytest.FaultLoginPage())
			return "web", srv.Token()
		}, 0, "Unexpected Response From Sentry", "Login | Sentry"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newFake(t, sentrytest.Config{})
			project, token := tc.setup(srv)
			s := newProviderServer()
			// No retries: each failure is final at once.
			configureWith(t, s, srv.URL, token, 0)
			schemas, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
			if err != nil {
				t.Fatal(err)
			}
			p := &protocolProvider{t: t, server: s, schemas: schemas}
			results, diags := p.list("acme", project, nil, false, 1000)
			if len(results) != tc.results {
				t.Errorf("%d results before the error, want %d", len(results), tc.results)
			}
			if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError ||
				diags[0].Summary != tc.summary || !strings.Contains(diags[0].Detail, tc.detail) {
				t.Fatalf("diagnostics %q, want one error %q containing %q", diagnosticTexts(diags), tc.summary, tc.detail)
			}
		})
	}
}
