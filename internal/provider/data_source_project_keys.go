package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

type projectKeysDataSourceModel struct {
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
			"`secret` and `dsn.secret` are sensitive.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{
				MarkdownDescription: "The slug or numeric id of the organization.",
				Required:            true,
				Validators:          []validator.String{slugValidator()},
			},
			"project": schema.StringAttribute{
				MarkdownDescription: "The slug or numeric id of the project.",
				Required:            true,
				Validators:          []validator.String{slugValidator()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only list keys in this state: `active` or `inactive`. Omit it to list every key.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(string(sentry.KeyStatusActive), string(sentry.KeyStatusInactive))},
			},
			"keys": schema.ListNestedAttribute{
				MarkdownDescription: "The project's client keys in the order Sentry lists them (newest first). Empty when the project has none.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: dataSourceAttributes(keySpecs)},
			},
		},
	}
}

func (d *projectKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics, "Data Source")
}

func (d *projectKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data projectKeysDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}

	org, project := data.Organization.ValueString(), data.Project.ValueString()
	ctx = tflog.SetField(ctx, "organization", org)
	ctx = tflog.SetField(ctx, "project", project)

	keys, err := d.client.ListProjectKeys(ctx, org, project, sentry.KeyStatus(data.Status.ValueString()))
	if err != nil {
		addReadError(&resp.Diagnostics, err, projectTarget(org, project))
		return
	}
	tflog.Debug(ctx, "Read the client keys of a Sentry project", map[string]any{"keys": len(keys)})

	data.Keys = newKeyModels(keys)
	raw, err := data.tfValue(ctx, resp.State.Schema)
	if err != nil {
		resp.Diagnostics.AddError("Internal Error Building State", "The client keys could not be stored: "+err.Error()+". Please report this issue to the provider developers.")
		return
	}
	resp.State.Raw = raw
}

// tfValue returns the model as the state value of schema. It is what
// resp.State.Set(ctx, m) would store, built without reflection (see
// key_value.go).
func (m *projectKeysDataSourceModel) tfValue(ctx context.Context, s typedSchema) (tftypes.Value, error) {
	return objectValue(ctx, s, map[string]tftypes.Value{
		"organization": tfString(m.Organization),
		"project":      tfString(m.Project),
		"status":       tfString(m.Status),
		"keys":         keysTFValue(m.Keys),
	})
}
