package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

var _ resource.ResourceWithModifyPlan = (*projectKeyResource)(nil)

// ModifyPlan decides at plan time what only Sentry can tell: whether a
// change of organization or project still names the key's own project (its
// slug renamed in Sentry, or its numeric id for its slug, either way), in
// which case the key and its DSN are kept and the update sends nothing;
// any other change of either replaces the key.
func (r *projectKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // a create or a destroy
	}
	var state projectKeyModel
	var org, project types.String
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("organization"), &org)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("project"), &project)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var changed path.Paths
	if !org.Equal(state.Organization) {
		changed = append(changed, path.Root("organization"))
	}
	if !project.Equal(state.Project) {
		changed = append(changed, path.Root("project"))
	}
	if len(changed) == 0 {
		return
	}
	if known(org) && known(project) && r.data != nil {
		ctx = withProject(ctx, org.ValueString(), project.ValueString())
		key, err := r.data.client.GetProjectKey(ctx, org.ValueString(), project.ValueString(), state.ID.ValueString())
		var apiErr *sentry.APIError
		switch {
		case err == nil && int64(key.ProjectID) == state.ProjectID.ValueInt64():
			resp.Diagnostics.AddWarning("Sentry Client Key Kept", fmt.Sprintf(
				"%s/%s and %s/%s name the same Sentry project (id %d), which holds client key %q: the key and its DSN are kept, "+
					"and the update only records the new names in the state, without a request to Sentry.",
				state.Organization.ValueString(), state.Project.ValueString(), org.ValueString(), project.ValueString(), key.ProjectID, key.ID))
			return
		case err == nil, errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Detail != "":
			// Another project: the key is not there.
		default:
			t := keyTarget(org.ValueString(), project.ValueString(), state.ID.ValueString())
			t.note = "The provider reads the key under the new organization and project to tell a renamed or renumbered project, " +
				"which keeps the key, from another project, which replaces it; it cannot plan either without the answer."
			addReadError(&resp.Diagnostics, err, t)
			return
		}
	}
	resp.RequiresReplace = append(resp.RequiresReplace, changed...)
}
