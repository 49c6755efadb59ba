package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// providerDataFrom extracts what Configure built from the provider data
// handed to a data source, resource or ephemeral resource. kind names the
// receiver in the error ("Data Source", "Resource"). It returns nil, without
// error, before the provider is configured.
func providerDataFrom(data any, diags *diag.Diagnostics, kind string) *providerData {
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
	return pd
}

// clientFrom is providerDataFrom for receivers that only need the client.
func clientFrom(data any, diags *diag.Diagnostics, kind string) *sentry.Client {
	if pd := providerDataFrom(data, diags, kind); pd != nil {
		return pd.client
	}
	return nil
}

// configured reports whether the provider was configured before a client
// was needed, with an error when it was not.
func configured(client *sentry.Client, diags *diag.Diagnostics) bool {
	if client == nil {
		diags.AddError("Unconfigured Sentry Provider", "The provider was not configured before it was used; please report this issue to the provider developers.")
		return false
	}
	return true
}
