package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewServer returns a constructor of the provider's protocol 6 server: the
// framework's server, except that reading sentry_project_keys and
// sentry_organization_project_keys streams (see readProjectKeys and
// readOrganizationProjectKeys). main.go serves it, and the tests use it too, so both go
// through the same code.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return newProtocolServer(&sentryProvider{version: version, getenv: os.Getenv})
	}
}

// frameworkServer is every protocol interface the framework's server
// implements: the core ProviderServer and the optional ones that
// tf6server discovers by type assertion (list resources, actions, state
// stores). Embedding only tfprotov6.ProviderServer would hide the optional
// ones, and Terraform would be told that `terraform query` is not
// implemented. terraform-plugin-go marks these interfaces deprecated
// because their methods will move into ProviderServer; until they do,
// tf6server looks for exactly them.
//
//nolint:staticcheck // SA1019: tf6server asserts these interfaces (see above).
type frameworkServer interface {
	tfprotov6.ProviderServerWithListResource
	tfprotov6.ProviderServerWithActions
	tfprotov6.ProviderServerWithStateStores
}

//nolint:staticcheck // SA1019: tf6server asserts these interfaces (see frameworkServer).
var (
	_ tfprotov6.ProviderServerWithListResource = (*protocolServer)(nil)
	_ tfprotov6.ProviderServerWithActions      = (*protocolServer)(nil)
	_ tfprotov6.ProviderServerWithStateStores  = (*protocolServer)(nil)
)

// protocolServer is the framework's server with ReadDataSource of
// sentry_project_keys and sentry_organization_project_keys taken over.
// Every other call, including the validation of those data sources'
// configurations, goes to the framework.
type protocolServer struct {
	frameworkServer
	provider *sentryProvider
}

func newProtocolServer(p *sentryProvider) *protocolServer {
	fw, ok := providerserver.NewProtocol6(p)().(frameworkServer)
	if !ok {
		// The framework implements every optional interface; a version that
		// stops doing so must fail every test, not hide a capability.
		panic("the framework's protocol 6 server no longer implements the list resource, action and state store interfaces")
	}
	return &protocolServer{frameworkServer: fw, provider: p}
}

func (s *protocolServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	switch req.TypeName {
	case projectKeysTypeName:
		return s.readProjectKeys(ctx, req), nil
	case organizationProjectKeysTypeName:
		return s.readOrganizationProjectKeys(ctx, req), nil
	}
	return s.frameworkServer.ReadDataSource(ctx, req)
}

// protocolDiagnostics converts diagnostics to the protocol's form, with
// their attribute paths, as the framework does.
func protocolDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		severity := tfprotov6.DiagnosticSeverityError
		if d.Severity() == diag.SeverityWarning {
			severity = tfprotov6.DiagnosticSeverityWarning
		}
		pd := &tfprotov6.Diagnostic{Severity: severity, Summary: d.Summary(), Detail: d.Detail()}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			attribute, err := attributePath(withPath.Path())
			if err != nil {
				// A path that cannot be expressed still leaves the
				// diagnostic's text intact.
				pd.Detail += fmt.Sprintf(" (at %s)", withPath.Path())
			} else {
				pd.Attribute = attribute
			}
		}
		out = append(out, pd)
	}
	return out
}

// attributePath converts a framework path to the protocol's attribute path.
func attributePath(p path.Path) (*tftypes.AttributePath, error) {
	steps := p.Steps()
	out := tftypes.NewAttributePath()
	for _, step := range steps {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(s))
		case path.PathStepElementKeyValue:
			v, err := s.ToTerraformValue(context.Background())
			if err != nil {
				return nil, err
			}
			out = out.WithElementKeyValue(v)
		default:
			return nil, fmt.Errorf("unknown path step %T", step)
		}
	}
	return out, nil
}
