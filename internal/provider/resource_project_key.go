package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

var (
	_ resource.ResourceWithConfigure   = (*projectKeyResource)(nil)
	_ resource.ResourceWithImportState = (*projectKeyResource)(nil)
	_ resource.ResourceWithIdentity    = (*projectKeyResource)(nil)
)

const projectKeyTypeName = "sentry_project_key"

// NewProjectKeyResource returns the sentry_project_key resource.
func NewProjectKeyResource() resource.Resource {
	return &projectKeyResource{}
}

type projectKeyResource struct {
	data *providerData
}

// Limits Sentry enforces on what it stores.
const (
	maxKeyNameLength  = 64
	maxRateLimitWin   = 86400
	maxRateLimitCount = 2147483647 // the column is a 32-bit positive integer
)

func (r *projectKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_key"
	// The identity names the organization and project as the configuration
	// does, which may change while the key stays (a renamed project).
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *projectKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// Every attribute of a key, read-only, then the arguments.
	attrs := attributes(resourceKit, keyAttrs...)
	// Whether a change of organization or project replaces the key is
	// decided by ModifyPlan, which asks Sentry.
	attrs["organization"] = schema.StringAttribute{Required: true, Validators: []validator.String{slugValidator()},
		MarkdownDescription: "The slug or numeric id of the organization. A change that still names the key's own project " +
			"(the organization's id for its slug, or the reverse) keeps the key; another organization replaces it."}
	attrs["project"] = schema.StringAttribute{Required: true, Validators: []validator.String{slugValidator()},
		MarkdownDescription: "The slug or numeric id of the project. A change that still names the key's own project " +
			"(its new slug after a rename in Sentry, or its id for its slug) keeps the key and its DSN, updating only the state; another project replaces the key."}
	attrs["name"] = schema.StringAttribute{Optional: true, Computed: true,
		Validators:    []validator.String{stringvalidator.UTF8LengthBetween(1, maxKeyNameLength), trimmedValidator()},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		MarkdownDescription: fmt.Sprintf("The key's name, at most %d characters, without leading or trailing white space. "+
			"Omitted, Sentry picks a two-word name at creation, which is kept from then on; removing the argument later keeps the current name.", maxKeyNameLength)}
	attrs["label"] = schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{labelIsName{}},
		MarkdownDescription: "The key's label: Sentry keeps it equal to `name`."}
	attrs["is_active"] = schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
		MarkdownDescription: "Whether the key accepts events. Defaults to `true`; `false` deactivates the key without deleting it."}
	attrs["rate_limit"] = schema.SingleNestedAttribute{Optional: true,
		MarkdownDescription: "The key's rate limit, for error events and security reports (spans, logs and metrics are not counted against it). " +
			"Omitted, the key has none; removing it clears Sentry's limit. " +
			"Sentry only keeps it on plans with per-key rate limits; otherwise the apply fails with an error that says so.",
		Attributes: map[string]schema.Attribute{
			"window": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.Between(1, maxRateLimitWin)},
				MarkdownDescription: fmt.Sprintf("The length of the window, in seconds, from 1 to %d (a day).", maxRateLimitWin)},
			"count": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.Between(1, maxRateLimitCount)},
				MarkdownDescription: "The number of error events and security reports accepted per window, at least 1."},
		}}
	attrs["browser_sdk_version"] = schema.StringAttribute{Optional: true, Computed: true,
		Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		MarkdownDescription: "The JavaScript loader version the key selects, such as `10.x` or `9.x`. Omitted, the project's default at creation, kept from then on. " +
			"Sentry checks the value; `browser_sdk.choices` lists the versions it offers."}
	flags := map[string]schema.Attribute{}
	for _, f := range loaderFlags {
		flags[f.name] = schema.BoolAttribute{Optional: true, Computed: true, MarkdownDescription: f.desc,
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}}
	}
	attrs["dynamic_sdk_loader_options"] = schema.SingleNestedAttribute{Optional: true, Computed: true, Attributes: flags,
		PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
		MarkdownDescription: "The JavaScript loader options. Each flag is optional: a flag left out keeps Sentry's value " +
			"(new keys start with the project's defaults, usually replay and tracing on)."}

	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages one client key (DSN) of a Sentry project: its name, state, rate limit and JavaScript loader settings. " +
			"`secret` and `dsn.secret` are sensitive. Creating and updating a key needs a token with `project:write`, deleting it `project:admin`.",
		Attributes: attrs,
	}
}

func (r *projectKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"organization": identityschema.StringAttribute{RequiredForImport: true, Description: "The slug or numeric id of the organization."},
			"project":      identityschema.StringAttribute{RequiredForImport: true, Description: "The slug or numeric id of the project."},
			"id":           identityschema.StringAttribute{RequiredForImport: true, Description: "The key's id: its public key, 32 hexadecimal characters."},
		},
	}
}

func (r *projectKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = from[providerData](req.ProviderData, &resp.Diagnostics)
}

func (r *projectKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan projectKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	org, project := plan.Organization.ValueString(), plan.Project.ValueString()
	ctx = withProject(ctx, org, project)

	// POST honours only the name and the rate limit; a name left to
	// Sentry is unknown, and sent as none.
	create := sentry.ProjectKeyCreate{Name: plan.Name.ValueString(), RateLimit: plan.rateLimit()}
	key, err := r.data.client.CreateProjectKey(ctx, org, project, create)
	if err != nil {
		// With a key, a warning: the key is this create's, and kept.
		addWriteError(&resp.Diagnostics, err, createTarget(org, project, create.Name))
		if key == nil {
			return
		}
	}
	r.data.reads.wrote(key.ID)
	warnIfMoved(&resp.Diagnostics, org, key)
	tflog.Debug(ctx, "Created a Sentry client key", map[string]any{"key_id": key.ID})

	// What POST ignores takes one PUT: deactivation, the loader version and
	// the loader options.
	if !plan.IsActive.ValueBool() || known(plan.BrowserSDKVersion) || plan.loader() != nil {
		t := updateTarget(org, project, key.ID)
		t.doing = "applying the settings of the new " + t.what
		t.note = "The key was created and is in the state as Sentry has it; Terraform marks a resource that failed to create as tainted, " +
			"so the next apply replaces the key, with a new DSN. To keep this key instead, fix the configuration and run terraform untaint on it first."
		updated := r.update(ctx, plan, key, t, &resp.Diagnostics)
		if updated == nil {
			// The key exists: keep it in the state, so that it is neither
			// orphaned nor created twice by the next apply.
			r.setState(ctx, org, project, key, &resp.State, resp.Identity, &resp.Diagnostics)
			return
		}
		key = updated
	}
	r.setState(ctx, org, project, key, &resp.State, resp.Identity, &resp.Diagnostics)
	checkKept(ctx, plan, resp.State, &resp.Diagnostics)
}

func (r *projectKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state projectKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	org, project, id := state.Organization.ValueString(), state.Project.ValueString(), state.ID.ValueString()
	ctx = withProject(ctx, org, project)
	if resp.Identity != nil {
		// Terraform expects an identity even from a read that finds the key
		// gone; it is the one in the state.
		resp.Diagnostics.Append(resp.Identity.Set(ctx, projectKeyIdentityModel{Organization: state.Organization, Project: state.Project, ID: state.ID})...)
	}

	key, err := r.data.reads.read(ctx, org, project, id)
	if err != nil {
		addReadError(&resp.Diagnostics, err, keyTarget(org, project, id))
		return
	}
	if key == nil {
		resp.Diagnostics.AddWarning("Sentry Client Key Deleted Outside Terraform", fmt.Sprintf(
			"Client key %q of project %q in organization %q no longer exists in Sentry, so it was removed from the state; "+
				"the plan proposes to create a new key, with a new DSN.", id, project, org))
		resp.State.RemoveResource(ctx)
		return
	}
	r.setState(ctx, org, project, key, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *projectKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior projectKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	org, project, id := plan.Organization.ValueString(), plan.Project.ValueString(), prior.ID.ValueString()
	ctx = withProject(ctx, org, project)

	if plan.sameArguments(prior) {
		// Only the organization's or the project's name changed, for the
		// same project (see ModifyPlan): nothing to send.
		prior.Organization, prior.Project = plan.Organization, plan.Project
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		if resp.Identity != nil {
			resp.Diagnostics.Append(resp.Identity.Set(ctx, projectKeyIdentityModel{Organization: prior.Organization, Project: prior.Project, ID: prior.ID})...)
		}
		return
	}
	current := &sentry.ProjectKey{ID: id, Name: prior.Name.ValueString(), BrowserSDKVersion: prior.BrowserSDKVersion.ValueStringPointer()}
	key := r.update(ctx, plan, current, updateTarget(org, project, id), &resp.Diagnostics)
	if key == nil {
		return
	}
	r.setState(ctx, org, project, key, &resp.State, resp.Identity, &resp.Diagnostics)
	checkKept(ctx, plan, resp.State, &resp.Diagnostics)
}

// update sends the whole desired state of the key in one PUT: what the
// plan knows, and for what it leaves to Sentry, the key's current name and
// loader version (Sentry resets the version to the project's default when
// a PUT leaves it out). It returns Sentry's answer, or nil after an error.
func (r *projectKeyResource) update(ctx context.Context, plan projectKeyModel, current *sentry.ProjectKey, t target, diags *diag.Diagnostics) *sentry.ProjectKey {
	u := sentry.ProjectKeyUpdate{
		Name:                    current.Name,
		IsActive:                plan.IsActive.ValueBool(),
		RateLimit:               plan.rateLimit(),
		BrowserSDKVersion:       deref(current.BrowserSDKVersion, ""),
		DynamicSDKLoaderOptions: plan.loader(),
	}
	if known(plan.Name) {
		u.Name = plan.Name.ValueString()
	}
	if known(plan.BrowserSDKVersion) {
		u.BrowserSDKVersion = plan.BrowserSDKVersion.ValueString()
	}
	if u.BrowserSDKVersion == "" {
		// A server that did not say which version the key uses, and a
		// configuration that does not set one: an update would reset it.
		diags.AddAttributeError(path.Root("browser_sdk_version"), "JavaScript Loader Version Unknown", t.withNote(fmt.Sprintf(
			"Sentry did not say which JavaScript loader version %s uses, and an update without one would reset it to the project's default. "+
				"Set browser_sdk_version in the configuration to the version the key should use.", t.what)))
		return nil
	}
	key, err := r.data.client.UpdateProjectKey(ctx, plan.Organization.ValueString(), plan.Project.ValueString(), current.ID, u)
	r.data.reads.wrote(current.ID)
	if err != nil {
		addWriteError(diags, err, t)
		return nil
	}
	warnIfMoved(diags, plan.Organization.ValueString(), key)
	return key
}

// warnIfMoved tells of a write that Sentry redirected to a renamed
// project's new slug: it was done there, and the configuration should name
// the new slug, which plans an update that keeps the key (see ModifyPlan).
func warnIfMoved(diags *diag.Diagnostics, org string, key *sentry.ProjectKey) {
	if key.Moved == nil {
		return
	}
	diags.AddAttributeWarning(path.Root("project"), "Sentry Project Renamed", fmt.Sprintf(
		"Project %q of organization %q is now %q in Sentry, which redirected the request for client key %q there, where it was done. "+
			"Set project = %q in the configuration: the next plan then updates the state in place and keeps the key and its DSN.",
		key.Moved.From, org, key.Moved.To, key.ID, key.Moved.To))
}

func (r *projectKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state projectKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	org, project, id := state.Organization.ValueString(), state.Project.ValueString(), state.ID.ValueString()
	ctx = withProject(ctx, org, project)

	// A key already gone is deleted too: the client says nothing of a 404.
	err := r.data.client.DeleteProjectKey(ctx, org, project, id)
	r.data.reads.wrote(id)
	if err != nil {
		addWriteError(&resp.Diagnostics, err, deleteTarget(org, project, id))
	}
}

func (r *projectKeyResource) configured(diags *diag.Diagnostics) bool {
	if r.data == nil {
		return configured(nil, diags)
	}
	return true
}

// setState stores Sentry's answer for the key as the state, and its
// identity.
func (r *projectKeyResource) setState(ctx context.Context, org, project string, key *sentry.ProjectKey, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	organization, proj := types.StringValue(org), types.StringValue(project)
	state.Raw = keyWith(ctx, state.Schema, key, map[string]attr.Value{"organization": organization, "project": proj})
	if identity != nil {
		diags.Append(identity.Set(ctx, projectKeyIdentityModel{Organization: organization, Project: proj, ID: types.StringValue(key.ID)})...)
	}
}

// known reports whether a value is neither null nor unknown.
func known(v attr.Value) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// withProject adds the organization and project to the context's log
// fields.
func withProject(ctx context.Context, org, project string) context.Context {
	ctx = tflog.SetField(ctx, "organization", org)
	return tflog.SetField(ctx, "project", project)
}

// labelIsName plans label as the planned name: Sentry keeps the two equal.
type labelIsName struct{}

func (labelIsName) Description(context.Context) string {
	return "label follows name"
}

func (m labelIsName) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (labelIsName) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if known(name) {
		resp.PlanValue = name
	}
}
