package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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
// any other change of either replaces the key. A plan that destroys or
// replaces a key warns when the key still receives events.
func (r *projectKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return // a create
	}
	var state projectKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if req.Plan.Raw.IsNull() {
		r.warnIfInUse(ctx, state, "Destroying", &resp.Diagnostics)
		return
	}
	var org, project types.String
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
	r.warnIfInUse(ctx, state, "Replacing", &resp.Diagnostics)
}

// warnIfInUse warns when the key accepted error events in the last 24
// hours, by Sentry's per-key statistics, or when they cannot be read. It
// never fails the plan.
func (r *projectKeyResource) warnIfInUse(ctx context.Context, state projectKeyModel, doing string, diags *diag.Diagnostics) {
	if r.data == nil || state.ID.IsNull() {
		return
	}
	org, project, id := state.Organization.ValueString(), state.Project.ValueString(), state.ID.ValueString()
	what := fmt.Sprintf("client key %q (%s) of project %q in organization %q", state.Name.ValueString(), id, project, org)
	const uncounted = "Sentry counts error events only: spans, logs and metrics sent with the key's DSN are not counted."
	now := time.Now()
	stats, err := r.data.client.ProjectKeyStats(withProject(ctx, org, project), org, project, id, now.Add(-24*time.Hour), now)
	switch {
	case err != nil:
		reason := err.Error()
		if apiErr := (*sentry.APIError)(nil); errors.As(err, &apiErr) {
			reason = httpStatus(apiErr) + "; they need project:read"
		}
		diags.AddWarning("Sentry Client Key Use Unknown", fmt.Sprintf(
			"%s %s, but whether it still receives events could not be read from Sentry's key statistics (%s). "+
				"Check the key's usage in Sentry before applying: every application still sending events with its DSN stops reporting. %s",
			doing, what, reason, uncounted))
	case stats.Accepted > 0:
		diags.AddWarning("Sentry Client Key In Use", fmt.Sprintf(
			"%s %s, which accepted %d error events in the last 24 hours: every application still sending events with its DSN stops reporting. %s "+
				"To retire a key that shipped apps still carry, set is_active = false first and delete the key once this warning is gone.",
			doing, what, stats.Accepted, uncounted))
	}
}
