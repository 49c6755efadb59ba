package provider

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// configuredServers returns the framework's own server and the streaming one,
// both configured against srv.
func configuredServers(t testing.TB, srv *sentrytest.Server) (framework, streaming tfprotov6.ProviderServer) {
	t.Helper()
	framework = providerserver.NewProtocol6(New("test")())()
	streaming = NewServer("test")()
	for _, s := range []tfprotov6.ProviderServer{framework, streaming} {
		configure(t, s, srv)
	}
	return framework, streaming
}

func configure(t testing.TB, s tfprotov6.ProviderServer, srv *sentrytest.Server) {
	t.Helper()
	ctx := context.Background()
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.Provider.ValueType()
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
		"token":           tftypes.NewValue(tftypes.String, srv.Token()),
		"base_url":        tftypes.NewValue(tftypes.String, srv.URL),
		"region":          tftypes.NewValue(tftypes.String, nil),
		"max_retries":     tftypes.NewValue(tftypes.Number, nil),
		"request_timeout": tftypes.NewValue(tftypes.String, nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &config})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
}

// readRequest builds a ReadDataSource request of sentry_project_keys.
func readRequest(t testing.TB, org, project string, status *string) *tfprotov6.ReadDataSourceRequest {
	t.Helper()
	config, err := tfprotov6.NewDynamicValue(projectKeysStateType, tftypes.NewValue(projectKeysStateType, map[string]tftypes.Value{
		"organization": tftypes.NewValue(tftypes.String, org),
		"project":      tftypes.NewValue(tftypes.String, project),
		"status":       tftypes.NewValue(tftypes.String, status),
		"keys":         tftypes.NewValue(projectKeysStateType.AttributeTypes["keys"], nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ReadDataSourceRequest{TypeName: projectKeysTypeName, Config: &config}
}

// TestStreamedReadMatchesFramework holds the streaming read to the framework's
// own: for the same Sentry answers both must return the same state, byte for
// byte, and the same diagnostics.
func TestStreamedReadMatchesFramework(t *testing.T) {
	inactive, bogus := "inactive", "Active"
	cases := []struct {
		name    string
		profile sentrytest.Profile
		keys    int
		project string
		status  *string
	}{
		{"three pages", sentrytest.SaaS, 250, "web", nil},
		{"inactive only", sentrytest.SaaS, 30, "web", &inactive},
		{"legacy server", sentrytest.Legacy, 7, "web", nil},
		{"empty project", sentrytest.SaaS, 0, "web", nil},
		{"unknown project", sentrytest.SaaS, 1, "nope", nil},
		{"bad status", sentrytest.SaaS, 1, "web", &bogus},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := sentrytest.NewServer(sentrytest.Config{Profile: tc.profile, RateLimit: -1})
			defer srv.Close()
			keys := srv.AddKeys(tc.keys)
			for i := 0; i < len(keys); i += 3 {
				keys[i].SetActive(false)
			}
			for i := 1; i < len(keys); i += 5 {
				keys[i].SetRateLimit(60, 10*i)
			}
			framework, streaming := configuredServers(t, srv)
			req := readRequest(t, "acme", tc.project, tc.status)

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
			if (got.State == nil) != (want.State == nil) {
				t.Fatalf("state present: got %t, want %t", got.State != nil, want.State != nil)
			}
			if want.State != nil && !bytes.Equal(got.State.MsgPack, want.State.MsgPack) {
				t.Fatalf("the streamed state (%d bytes) differs from the framework's (%d bytes)", len(got.State.MsgPack), len(want.State.MsgPack))
			}
			if len(want.Diagnostics) == 0 && len(want.State.MsgPack) < 100*tc.keys {
				t.Fatalf("the state holds %d bytes for %d keys", len(want.State.MsgPack), tc.keys)
			}
		})
	}
}

func diagnosticTexts(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, fmt.Sprintf("%d %s: %s", d.Severity, d.Summary, d.Detail))
	}
	return out
}

func TestProjectKeysStateTypeMatchesSchema(t *testing.T) {
	ctx := context.Background()
	schemas, err := NewServer("test")().GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := schemas.DataSourceSchemas[projectKeysTypeName].ValueType(); !got.Equal(projectKeysStateType) {
		t.Fatalf("the schema's type %s is not the streamed state's %s", got, projectKeysStateType)
	}
}
