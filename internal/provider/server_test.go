package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestServedServerKeepsOptionalInterfaces checks that the server main.go
// serves passes the framework's optional protocol interfaces through:
// tf6server finds list resources, actions and state stores by type
// assertion, and a wrapper that hid them would make Terraform report them as
// not implemented.
func TestServedServerKeepsOptionalInterfaces(t *testing.T) {
	served := NewServer("test")()
	list, ok := served.(tfprotov6.ProviderServerWithListResource) //nolint:staticcheck // SA1019: what tf6server asserts.
	if !ok {
		t.Fatal("the served server does not implement tfprotov6.ProviderServerWithListResource")
	}
	if _, ok := served.(tfprotov6.ProviderServerWithActions); !ok { //nolint:staticcheck // SA1019: what tf6server asserts.
		t.Error("the served server does not implement tfprotov6.ProviderServerWithActions")
	}
	if _, ok := served.(tfprotov6.ProviderServerWithStateStores); !ok { //nolint:staticcheck // SA1019: what tf6server asserts.
		t.Error("the served server does not implement tfprotov6.ProviderServerWithStateStores")
	}

	// The call reaches the framework, which answers an unknown type with
	// its own diagnostic.
	stream, err := list.ListResource(context.Background(), &tfprotov6.ListResourceRequest{TypeName: "sentry_no_such_list"})
	if err != nil {
		t.Fatal(err)
	}
	var diags []*tfprotov6.Diagnostic
	for result := range stream.Results {
		diags = append(diags, result.Diagnostics...)
	}
	if len(diags) == 0 || !strings.Contains(diags[0].Summary+diags[0].Detail, "sentry_no_such_list") {
		t.Fatalf("ListResource of an unknown type answered %v, want the framework's diagnostic naming the type", diagnosticTexts(diags))
	}
}

func TestProtocolDiagnosticsKeepAttributePaths(t *testing.T) {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("keys").AtListIndex(3).AtName("dsn").AtName("public"), "E", "error detail")
	diags.AddAttributeWarning(path.Root("projects").AtMapKey("web"), "W", "warning detail")
	diags.AddAttributeError(path.Root("slugs").AtSetValue(types.StringValue("web")), "S", "set detail")
	diags.AddError("No Path", "plain")

	got := protocolDiagnostics(diags)
	want := []struct {
		severity tfprotov6.DiagnosticSeverity
		path     *tftypes.AttributePath
	}{
		{tfprotov6.DiagnosticSeverityError, tftypes.NewAttributePath().WithAttributeName("keys").WithElementKeyInt(3).WithAttributeName("dsn").WithAttributeName("public")},
		{tfprotov6.DiagnosticSeverityWarning, tftypes.NewAttributePath().WithAttributeName("projects").WithElementKeyString("web")},
		{tfprotov6.DiagnosticSeverityError, tftypes.NewAttributePath().WithAttributeName("slugs").WithElementKeyValue(tftypes.NewValue(tftypes.String, "web"))},
		{tfprotov6.DiagnosticSeverityError, nil},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Severity != w.severity || g.Summary != diags[i].Summary() || g.Detail != diags[i].Detail() {
			t.Errorf("diagnostic %d = %v %q %q", i, g.Severity, g.Summary, g.Detail)
		}
		switch {
		case w.path == nil && g.Attribute != nil:
			t.Errorf("diagnostic %d has path %s, want none", i, g.Attribute)
		case w.path != nil && (g.Attribute == nil || !g.Attribute.Equal(w.path)):
			t.Errorf("diagnostic %d has path %v, want %s", i, g.Attribute, w.path)
		}
	}
}
