package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// clientFrom extracts the shared client from the provider data handed to a
// data source or ephemeral resource. kind names the receiver in the error
// ("Data Source", "Ephemeral Resource"). It returns nil, without error, before
// the provider is configured.
func clientFrom(data any, diags *diag.Diagnostics, kind string) *sentry.Client {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError(
			"Unexpected "+kind+" Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got: %T. Please report this issue to the provider developers.", data),
		)
		return nil
	}
	return pd.client
}
