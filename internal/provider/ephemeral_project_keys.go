package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*projectKeysEphemeralResource)(nil)

// NewProjectKeysEphemeralResource returns the sentry_project_keys ephemeral
// resource.
func NewProjectKeysEphemeralResource() ephemeral.EphemeralResource {
	return &projectKeysEphemeralResource{}
}

type projectKeysEphemeralResource struct {
	client *sentry.Client
}

func (r *projectKeysEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_keys"
}

func (r *projectKeysEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every client key (DSN) of a Sentry project, like the `sentry_project_keys` data source, " +
			"but Terraform never writes the result to the plan or the state. Use it to feed a secret DSN into a write-only " +
			"attribute or another provider's configuration. Requires Terraform 1.10 or later.",
		Attributes: attributes(ephemeralKit, projectKeysAttrs...),
	}
}

func (r *projectKeysEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.client = from[sentry.Client](req.ProviderData, &resp.Diagnostics)
}

func (r *projectKeysEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var data projectKeysModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if result, ok := data.read(ctx, r.client, &resp.Diagnostics); ok {
		resp.Result.Raw = result
	}
}
