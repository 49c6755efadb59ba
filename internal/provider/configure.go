package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// from returns what Configure handed a data source, resource, ephemeral
// resource or list resource: the client, or for resources *providerData.
// It returns nil, without error, before the provider is configured.
func from[T any](data any, diags *diag.Diagnostics) *T {
	v, ok := data.(*T)
	if data != nil && !ok {
		diags.AddError("Unexpected Configure Type", fmt.Sprintf(
			"Expected %T, got: %T. Please report this issue to the provider developers.", v, data))
	}
	return v
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
