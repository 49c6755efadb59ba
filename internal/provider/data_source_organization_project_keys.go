package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

var _ datasource.DataSourceWithConfigure = (*organizationProjectKeysDataSource)(nil)

// NewOrganizationProjectKeysDataSource returns the
// sentry_organization_project_keys data source.
func NewOrganizationProjectKeysDataSource() datasource.DataSource {
	return &organizationProjectKeysDataSource{}
}

type organizationProjectKeysDataSource struct {
	client *sentry.Client
}

type organizationProjectKeysModel struct {
	Organization types.String `tfsdk:"organization"`
	Team         types.String `tfsdk:"team"`
	Status       types.String `tfsdk:"status"`
	ProjectSlugs types.Set    `tfsdk:"project_slugs"`
	Projects     types.Map    `tfsdk:"projects"`
}

// organizationProjectType is one project of organizationProjectKeysModel:
// its id, slug and keys without their secrets.
var organizationProjectType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"id": tftypes.Number, "slug": tftypes.String, "keys": tftypes.List{ElementType: publicKeyType},
}}

func (d *organizationProjectKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization_project_keys"
}

func (d *organizationProjectKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the client keys of every project of an organization in a handful of requests, grouped by project slug. " +
			"It carries public information only: `secret` and `dsn.secret` are left out, which keeps it fast with thousands of keys; " +
			"read secrets with `sentry_project_keys` or its ephemeral resource. The token needs `org:read` (or `org:write`, `org:admin`).",
		Attributes: map[string]schema.Attribute{
			"organization": attributes(dataSourceKit, organizationArg)["organization"],
			"status":       attributes(dataSourceKit, statusArg)["status"],
			"team": schema.StringAttribute{Optional: true, Validators: []validator.String{slugValidator()},
				MarkdownDescription: "Only read the projects of this team, by slug or numeric id. An unknown team is an error. " +
					"On Sentry servers without the organization-wide keys endpoint (self-hosted Sentry older than 26.1), an unknown team " +
					"cannot be told from a team without projects: it gives a warning and no projects."},
			"project_slugs": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(slugValidator())},
				MarkdownDescription: "Only keep these projects, by slug. The filtering happens in the provider, so it costs no extra request; " +
					"a slug that names no project the token can read is an error, and so is an empty set (omit the argument to keep every project)."},
			"projects": schema.MapNestedAttribute{Computed: true,
				MarkdownDescription: "The projects the token can read, keyed by slug, each with its keys (newest first). A project without keys has an empty list.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":   schema.Int64Attribute{Computed: true, MarkdownDescription: "The project's numeric id."},
					"slug": schema.StringAttribute{Computed: true, MarkdownDescription: "The project's slug."},
					"keys": attributes(dataSourceKit, objectList("keys", "The project's client keys, newest first: every attribute of `sentry_project_keys.keys` except `secret` and `dsn.secret`.",
						publicKeyAttrs))["keys"],
				}},
			},
		},
	}
}

func (d *organizationProjectKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = from[sentry.Client](req.ProviderData, &resp.Diagnostics)
}

func (d *organizationProjectKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data organizationProjectKeysModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var slugs []string
	if !data.ProjectSlugs.IsNull() {
		slugs = []string{}
		resp.Diagnostics.Append(data.ProjectSlugs.ElementsAs(ctx, &slugs, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	result := readOrganizationKeys(ctx, d.client, data.Organization.ValueString(), data.Team.ValueString(), data.Status, slugs, &resp.Diagnostics)
	if result == nil {
		return
	}
	projects := make(map[string]tftypes.Value, len(result.Projects))
	for _, p := range result.Projects {
		keys := make([]tftypes.Value, len(p.Keys))
		for i := range p.Keys {
			keys[i] = publicKeyObject(&p.Keys[i])
		}
		projects[p.Project.Slug] = tftypes.NewValue(organizationProjectType, map[string]tftypes.Value{
			"id": tftypes.NewValue(tftypes.Number, int64(p.Project.ID)), "slug": tftypes.NewValue(tftypes.String, p.Project.Slug),
			"keys": tftypes.NewValue(tftypes.List{ElementType: publicKeyType}, keys),
		})
	}
	resp.State.Raw = tftypes.NewValue(resp.State.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
		"organization": stateValue(ctx, data.Organization), "team": stateValue(ctx, data.Team), "status": stateValue(ctx, data.Status),
		"project_slugs": stateValue(ctx, data.ProjectSlugs), "projects": tftypes.NewValue(tftypes.Map{ElementType: organizationProjectType}, projects),
	})
}

// readOrganizationKeys reads the keys the arguments select, grouped by
// project. It returns nil after an error.
func readOrganizationKeys(ctx context.Context, client *sentry.Client, org, team string, statusArg types.String, slugs []string, diags *diag.Diagnostics) *sentry.OrganizationKeys {
	status, ok := keyStatus(statusArg, diags)
	if !ok || !configured(client, diags) {
		return nil
	}
	ctx = tflog.SetField(ctx, "organization", org)
	opts := sentry.KeysByProjectOptions{Team: team, Status: status, ProjectSlugs: slugs}
	result, err := client.ListKeysByProject(ctx, org, opts)
	if err != nil {
		addOrganizationReadError(diags, err, org, opts.Team)
		return nil
	}
	tflog.Debug(ctx, "Read the client keys of a Sentry organization", map[string]any{
		"projects": len(result.Projects), "requests": result.Requests, "fallback": result.Fallback,
	})
	if len(result.MissingSlugs) > 0 {
		diags.AddAttributeError(path.Root("project_slugs"), "Unknown Sentry Projects", fmt.Sprintf(
			"project_slugs names projects that organization %q does not have, or that the token cannot read: %s. Check the slugs, and the token's team access.",
			org, strings.Join(result.MissingSlugs, ", ")))
		return nil
	}
	if result.UnknownProjectKeys > 0 {
		diags.AddWarning("Keys Of Unlisted Projects Left Out", fmt.Sprintf(
			"Sentry listed %d client keys of organization %q whose project was not in its projects list, probably a project created or deleted during the read. They were left out; run Terraform again to include them.",
			result.UnknownProjectKeys, org))
	}
	if result.Fallback && opts.Team != "" && len(result.Projects) == 0 {
		diags.AddAttributeWarning(path.Root("team"), "Sentry Team Not Verified", fmt.Sprintf(
			"No project of organization %q that the token can read belongs to team %q. This Sentry server has no organization-wide keys endpoint, so the provider cannot tell a team without projects from a team that does not exist.",
			org, opts.Team))
	}
	return result
}

// addOrganizationReadError describes a failed organization-wide read.
func addOrganizationReadError(diags *diag.Diagnostics, err error, org, team string) {
	var apiErr *sentry.APIError
	if team != "" && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Detail == "Team not found" {
		diags.AddAttributeError(path.Root("team"), "Sentry Team Not Found", fmt.Sprintf(
			"Organization %q has no team %q (HTTP 404: %q). Use the team's slug or numeric id as shown in Sentry's team settings.",
			org, team, apiErr.Detail))
		return
	}
	var projectErr *sentry.ProjectReadError
	if errors.As(err, &projectErr) {
		addReadError(diags, projectErr.Err, projectTarget(org, projectErr.Project))
		return
	}
	addReadError(diags, err, organizationTarget(org))
}
