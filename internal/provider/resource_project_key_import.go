package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// importIDPattern is the import ID: organization/project/key id.
var importIDPattern = regexp.MustCompile(`^([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)/([0-9a-f]{32})$`)

func (r *projectKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ident projectKeyIdentityModel
	switch {
	case req.ID != "":
		m := importIDPattern.FindStringSubmatch(req.ID)
		if m == nil {
			resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf(
				"The import ID %q is not of the form organization/project/key_id, such as acme/web/0123456789abcdef0123456789abcdef: "+
					"the organization's and the project's slug (or numeric id) and the key's id, its 32-character public key.", req.ID))
			return
		}
		ident = projectKeyIdentityModel{Organization: types.StringValue(m[1]), Project: types.StringValue(m[2]), ID: types.StringValue(m[3])}
	case req.Identity != nil:
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		whole := strings.Join([]string{ident.Organization.ValueString(), ident.Project.ValueString(), ident.ID.ValueString()}, "/")
		if !importIDPattern.MatchString(whole) {
			resp.Diagnostics.AddError("Invalid Import Identity", fmt.Sprintf(
				"The identity {organization = %q, project = %q, id = %q} does not name a client key: organization and project are slugs or numeric ids, "+
					"id is the key's 32-character public key in lowercase hexadecimal.", ident.Organization.ValueString(), ident.Project.ValueString(), ident.ID.ValueString()))
			return
		}
	default:
		resp.Diagnostics.AddError("Missing Import ID", "Import a client key by ID (organization/project/key_id) or by identity.")
		return
	}
	// The state takes the slugs, so that a configuration that writes them
	// plans no change (the other way round is an update in place).
	if org, project := ident.Organization.ValueString(), ident.Project.ValueString(); isNumeric(org) || isNumeric(project) {
		if r.data == nil || !r.configured(&resp.Diagnostics) {
			return
		}
		orgSlug, projectSlug, err := slugs(ctx, r.data.client, org, project)
		if err != nil {
			addReadError(&resp.Diagnostics, err, keyTarget(org, project, ident.ID.ValueString()))
			return
		}
		ident.Organization, ident.Project = types.StringValue(orgSlug), types.StringValue(projectSlug)
	}
	for name, v := range map[string]types.String{"organization": ident.Organization, "project": ident.Project, "id": ident.ID} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, ident)...)
	}
}

// slugs returns the slugs of a project named by slug or numeric id, the
// spelling configurations usually write; slugs alone cost no request.
func slugs(ctx context.Context, client *sentry.Client, org, project string) (string, string, error) {
	if !isNumeric(org) && !isNumeric(project) {
		return org, project, nil
	}
	p, err := client.GetProject(ctx, org, project)
	if err != nil {
		return "", "", err
	}
	return p.Organization.Slug, p.Slug, nil
}

// isNumeric reports whether a segment is a numeric id: Sentry's slugs are
// never all digits.
func isNumeric(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
