package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

var (
	_ list.ListResource              = (*projectKeyListResource)(nil)
	_ list.ListResourceWithConfigure = (*projectKeyListResource)(nil)
)

// NewProjectKeyListResource returns the sentry_project_key list resource,
// which `terraform query` uses to find the keys of a project.
func NewProjectKeyListResource() list.ListResource {
	return &projectKeyListResource{}
}

type projectKeyListResource struct {
	client *sentry.Client
}

// projectKeyListModel is the configuration of a list block.
type projectKeyListModel struct {
	Organization types.String `tfsdk:"organization"`
	Project      types.String `tfsdk:"project"`
	Status       types.String `tfsdk:"status"`
}

func (r *projectKeyListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_key"
}

func (r *projectKeyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds every client key of a Sentry project, following all of Sentry's pages, for `terraform query` " +
			"(Terraform 1.14 and later). Each result is a key's identity with its name as display name; with `include_resource = true`, " +
			"the whole `sentry_project_key` object. Results name the organization and the project by their slugs, also when the configuration " +
			"gives their numeric ids. `terraform query -generate-config-out=FILE` writes the configuration that imports them.",
		Attributes: map[string]listschema.Attribute{
			"organization": listschema.StringAttribute{Required: true, MarkdownDescription: organizationArg.desc, Validators: organizationArg.strings},
			"project":      listschema.StringAttribute{Required: true, MarkdownDescription: projectArg.desc, Validators: projectArg.strings},
			"status":       listschema.StringAttribute{Optional: true, MarkdownDescription: statusArg.desc, Validators: statusArg.strings},
		},
	}
}

func (r *projectKeyListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = from[sentry.Client](req.ProviderData, &resp.Diagnostics)
}

func (r *projectKeyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config projectKeyListModel
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &config)...)
	status, ok := keyStatus(config.Status, &diags)
	if diags.HasError() || !ok || !configured(r.client, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	org, project := config.Organization.ValueString(), config.Project.ValueString()
	ctx = withProject(ctx, org, project)

	stream.Results = func(push func(list.ListResult) bool) {
		// Results name the project by its slugs, so that the configuration
		// terraform query generates reads as users write it, and imports
		// what its identities name. Each page is handed on as it arrives.
		orgSlug, projectSlug, err := slugs(ctx, r.client, org, project)
		var pages *sentry.Pages[sentry.ProjectKey]
		if err == nil {
			pages, err = r.client.ProjectKeyPages(org, project, status)
		}
		for sent := int64(0); err == nil && !pages.Done(); {
			var page []sentry.ProjectKey
			if page, err = pages.Next(ctx); err != nil {
				break
			}
			for i := range page {
				if (req.Limit > 0 && sent >= req.Limit) || !push(listResult(ctx, req, orgSlug, projectSlug, &page[i])) {
					return
				}
				sent++
			}
		}
		if err != nil {
			var diags diag.Diagnostics
			addReadError(&diags, err, projectTarget(org, project))
			push(list.ListResult{Diagnostics: diags})
		}
	}
}

// listResult is one key as a result: its identity, its name, and with
// include_resource the state a read of the key gives.
func listResult(ctx context.Context, req list.ListRequest, org, project string, key *sentry.ProjectKey) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = key.Name
	ident := projectKeyIdentityModel{Organization: types.StringValue(org), Project: types.StringValue(project), ID: types.StringValue(key.ID)}
	result.Diagnostics.Append(result.Identity.Set(ctx, ident)...)
	if req.IncludeResource {
		result.Resource.Raw = keyWith(ctx, result.Resource.Schema, key, map[string]attr.Value{
			"organization": ident.Organization, "project": ident.Project,
		})
	}
	return result
}
