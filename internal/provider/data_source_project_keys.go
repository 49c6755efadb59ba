package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

var _ datasource.DataSourceWithConfigure = (*projectKeysDataSource)(nil)

// NewProjectKeysDataSource returns the sentry_project_keys data source.
func NewProjectKeysDataSource() datasource.DataSource {
	return &projectKeysDataSource{}
}

type projectKeysDataSource struct {
	client *sentry.Client
}

// projectKeysModel is sentry_project_keys, as data source and as ephemeral
// resource.
type projectKeysModel struct {
	Organization types.String `tfsdk:"organization"`
	Project      types.String `tfsdk:"project"`
	Status       types.String `tfsdk:"status"`
	Keys         types.List   `tfsdk:"keys"`
}

// projectKeysAttrs is the schema of sentry_project_keys, the data source and
// the ephemeral resource alike.
var projectKeysAttrs = []attrSpec{organizationArg, projectArg, statusArg, keysAttr}

func (d *projectKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_keys"
}

func (d *projectKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every client key (DSN) of a Sentry project, newest first, following Sentry's pagination to the end. " +
			"`secret` and `dsn.secret` are sensitive. To keep them out of the state altogether, use the " +
			"[`sentry_project_keys` ephemeral resource](../ephemeral-resources/project_keys.md).",
		Attributes: attributes(dataSourceKit, projectKeysAttrs...),
	}
}

func (d *projectKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = from[sentry.Client](req.ProviderData, &resp.Diagnostics)
}

func (d *projectKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data projectKeysModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state, ok := data.read(ctx, d.client, &resp.Diagnostics); ok {
		resp.State.Raw = state
	}
}

// read lists the keys the model's arguments select and returns the state:
// the arguments and the keys, built from keyAttrs without the framework's
// reflection (which costs a for_each over hundreds of projects more than a
// tenth of its time). It reports whether it succeeded.
func (m *projectKeysModel) read(ctx context.Context, client *sentry.Client, diags *diag.Diagnostics) (tftypes.Value, bool) {
	status, ok := keyStatus(m.Status, diags)
	if !ok || !configured(client, diags) {
		return tftypes.Value{}, false
	}
	org, project := m.Organization.ValueString(), m.Project.ValueString()
	ctx = withProject(ctx, org, project)

	keys, err := client.ListProjectKeys(ctx, org, project, status)
	if err != nil {
		addReadError(diags, err, projectTarget(org, project))
		return tftypes.Value{}, false
	}
	tflog.Debug(ctx, "Read the client keys of a Sentry project", map[string]any{"keys": len(keys)})
	return tftypes.NewValue(projectKeysType, map[string]tftypes.Value{
		"organization": stateValue(ctx, m.Organization), "project": stateValue(ctx, m.Project),
		"status": stateValue(ctx, m.Status), "keys": keyList(keys),
	}), true
}

// keyStatus returns the status argument for the client. The schema's
// validator rejects anything else at plan time; this check keeps a request
// that skipped validation (a direct protocol call) from reading as an empty
// project, which is how Sentry answers an unknown status.
func keyStatus(v types.String, diags *diag.Diagnostics) (sentry.KeyStatus, bool) {
	switch s := sentry.KeyStatus(v.ValueString()); s {
	case sentry.KeyStatusAll, sentry.KeyStatusActive, sentry.KeyStatusInactive:
		return s, true
	default:
		diags.AddAttributeError(path.Root("status"), "Invalid Key Status", fmt.Sprintf(
			"status is %q; it must be %q or %q, or left out to read every key.", string(s), sentry.KeyStatusActive, sentry.KeyStatusInactive))
		return "", false
	}
}
