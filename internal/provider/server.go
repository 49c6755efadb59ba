package provider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer returns a constructor of the provider's protocol 6 server: the
// framework's server, except that reading sentry_project_keys streams (see
// readProjectKeys). main.go serves it, and the tests use it too, so both go
// through the same code.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &sentryProvider{version: version, getenv: os.Getenv}
		return &protocolServer{ProviderServer: providerserver.NewProtocol6(p)(), provider: p}
	}
}

// protocolServer is the framework's server with ReadDataSource of
// sentry_project_keys taken over. Every other call, including the
// validation of that data source's configuration, goes to the framework.
type protocolServer struct {
	tfprotov6.ProviderServer
	provider *sentryProvider
}

func (s *protocolServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if req.TypeName == projectKeysTypeName {
		return s.readProjectKeys(ctx, req), nil
	}
	return s.ProviderServer.ReadDataSource(ctx, req)
}

// protocolDiagnostics converts diagnostics without attribute paths, as the
// streaming read produces them, to the protocol's form.
func protocolDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		severity := tfprotov6.DiagnosticSeverityError
		if d.Severity() == diag.SeverityWarning {
			severity = tfprotov6.DiagnosticSeverityWarning
		}
		out = append(out, &tfprotov6.Diagnostic{Severity: severity, Summary: d.Summary(), Detail: d.Detail()})
	}
	return out
}
