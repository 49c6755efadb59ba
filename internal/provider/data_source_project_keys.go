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
	Keys         []keyModel   `tfsdk:"keys"`
}

func (d *projectKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_keys"
}

func (d *projectKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every client key (DSN) of a Sentry project, newest first, following Sentry's pagination to the end. " +
			"`secret` and `dsn.secret` are sensitive. To keep them out of the state altogether, use the " +
			"[`sentry_project_keys` ephemeral resource](../ephemeral-resources/project_keys.md).",
		Attributes: dataSourceAttributes(projectKeysSpecs),
	}
}

func (d *projectKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics, "Data Source")
}

func (d *projectKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data projectKeysModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	raw, diags := data.read(ctx, d.client, resp.State.Schema)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.State.Raw = raw
	}
}

// read lists the keys the model's arguments select and returns the model as
// the state value of schema.
func (m *projectKeysModel) read(ctx context.Context, client *sentry.Client, s typedSchema) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	if client == nil {
		diags.AddError("Unconfigured Sentry Provider", "The provider was not configured before the read; please report this issue to the provider developers.")
		return tftypes.Value{}, diags
	}
	status, ok := keyStatus(m.Status, &diags)
	if !ok {
		return tftypes.Value{}, diags
	}
	org, project := m.Organization.ValueString(), m.Project.ValueString()
	ctx = tflog.SetField(ctx, "organization", org)
	ctx = tflog.SetField(ctx, "project", project)

	keys, err := client.ListProjectKeys(ctx, org, project, status)
	if err != nil {
		addReadError(&diags, err, projectTarget(org, project))
		return tftypes.Value{}, diags
	}
	tflog.Debug(ctx, "Read the client keys of a Sentry project", map[string]any{"keys": len(keys)})

	m.Keys = newKeyModels(keys)
	raw, err := m.tfValue(ctx, s)
	if err != nil {
		diags.AddError("Internal Error Building State", "The client keys could not be stored: "+err.Error()+". Please report this issue to the provider developers.")
	}
	return raw, diags
}

// tfValue returns the model as the state value of schema. It is what
// resp.State.Set(ctx, m) would store, built without reflection (see
// key_value.go).
func (m *projectKeysModel) tfValue(ctx context.Context, s typedSchema) (tftypes.Value, error) {
	return objectValue(ctx, s, map[string]tftypes.Value{
		"organization": tfString(m.Organization),
		"project":      tfString(m.Project),
		"status":       tfString(m.Status),
		"keys":         keysTFValue(m.Keys),
	})
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
