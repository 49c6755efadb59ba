package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
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

// projectKeyResourceModel is the state of sentry_project_key: where the key
// lives, and the key as Sentry answers for it.
type projectKeyResourceModel struct {
	Organization types.String `tfsdk:"organization"`
	Project      types.String `tfsdk:"project"`
	keyModel
}

// projectKeyIdentityModel is the resource identity of sentry_project_key.
type projectKeyIdentityModel struct {
	Organization types.String `tfsdk:"organization"`
	Project      types.String `tfsdk:"project"`
	ID           types.String `tfsdk:"id"`
}

// Limits Sentry enforces on what it stores.
const (
	maxKeyNameLength  = 64
	maxRateLimitWin   = 86400
	maxRateLimitCount = 2147483647 // the column is a 32-bit positive integer
)

// projectKeyResourceSpecs is the schema of sentry_project_key: where the
// key lives, then every attribute of one element of sentry_project_keys.keys,
// with those a configuration sets turned into arguments.
var projectKeyResourceSpecs = func() []attrSpec {
	specs := []attrSpec{
		{name: "organization", kind: kindString, mode: required, replace: true, strings: []validator.String{slugValidator()},
			desc: "The slug or numeric id of the organization. Changing it replaces the key."},
		{name: "project", kind: kindString, mode: required, replace: true, strings: []validator.String{slugValidator()},
			desc: "The slug or numeric id of the project. Changing it replaces the key."},
	}
	enabled := true
	for _, s := range keySpecs {
		// What only Sentry sets stays as it is across updates, so that an
		// update does not plan the DSNs (and what consumes them) to change.
		s.keep = true
		switch s.name {
		case "name":
			s.mode = optionalComputed
			s.strings = []validator.String{stringvalidator.UTF8LengthBetween(1, maxKeyNameLength), trimmedValidator()}
			s.desc = fmt.Sprintf("The key's name, at most %d characters, without leading or trailing spaces. "+
				"Omitted, Sentry picks a two-word name at creation, which is kept from then on; removing the argument later keeps the current name.", maxKeyNameLength)
		case "label":
			s.keep = false
			s.stringPlan = []planmodifier.String{labelIsName{}}
			s.desc = "The key's label: Sentry keeps it equal to `name`."
		case "is_active":
			s.mode = optionalComputed
			s.keep = false
			s.defaultBool = &enabled
			s.desc = "Whether the key accepts events. Defaults to `true`; `false` deactivates the key without deleting it."
		case "rate_limit":
			s.mode = optional
			s.keep = false
			s.desc = "The key's event rate limit. Omitted, the key has none; removing it clears Sentry's limit. " +
				"Sentry only keeps it on plans with per-key rate limits; otherwise the apply fails with an error that says so."
			s.attrs = []attrSpec{
				{name: "window", kind: kindInt64, mode: required, int64s: []validator.Int64{int64validator.Between(1, maxRateLimitWin)},
					desc: fmt.Sprintf("The length of the window, in seconds, from 1 to %d (a day).", maxRateLimitWin)},
				{name: "count", kind: kindInt64, mode: required, int64s: []validator.Int64{int64validator.Between(1, maxRateLimitCount)},
					desc: "The number of events accepted per window, at least 1."},
			}
		case "browser_sdk_version":
			s.mode = optionalComputed
			s.strings = []validator.String{stringvalidator.LengthAtLeast(1)}
			s.desc = "The JavaScript loader version the key selects, such as `10.x` or `9.x`. Omitted, the project's default at creation, kept from then on. " +
				"Sentry checks the value; `browser_sdk.choices` lists the versions it offers."
		case "dynamic_sdk_loader_options":
			s.mode = optionalComputed
			s.desc = "The JavaScript loader options. Each flag is optional: a flag left out keeps Sentry's value " +
				"(new keys start with the project's defaults, usually replay and tracing on)."
			attrs := make([]attrSpec, len(s.attrs))
			for i, a := range s.attrs {
				a.mode = optionalComputed
				a.keep = true
				attrs[i] = a
			}
			s.attrs = attrs
		}
		specs = append(specs, s)
	}
	return specs
}()

func (r *projectKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_key"
}

func (r *projectKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages one client key (DSN) of a Sentry project: its name, state, rate limit and JavaScript loader settings. " +
			"`secret` and `dsn.secret` are sensitive. Creating and updating a key needs a token with `project:write`, deleting it `project:admin`.",
		Attributes: resourceAttributes(projectKeyResourceSpecs),
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
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics, "Resource")
}

// keyArgs are the arguments of sentry_project_key as a plan or a
// configuration holds them. Values not known yet are unknown.
type keyArgs struct {
	Organization types.String
	Project      types.String
	Name         types.String
	IsActive     types.Bool
	RateLimit    *rateLimitModel
	BrowserSDK   types.String
	Loader       loaderOptionsModel
	// LoaderSet is false when dynamic_sdk_loader_options is null or unknown
	// as a whole.
	LoaderSet bool
}

// getter is what tfsdk.Plan, tfsdk.Config and tfsdk.State have in common.
type getter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

var (
	_ getter = tfsdk.Plan{}
	_ getter = tfsdk.Config{}
	_ getter = tfsdk.State{}
)

// readKeyArgs reads the arguments one by one: the computed objects (dsn) are
// unknown in a plan, which the key model cannot hold.
func readKeyArgs(ctx context.Context, from getter, diags *diag.Diagnostics) keyArgs {
	var a keyArgs
	var loader types.Object
	for name, target := range map[string]any{
		"organization": &a.Organization, "project": &a.Project, "name": &a.Name, "is_active": &a.IsActive,
		"rate_limit": &a.RateLimit, "browser_sdk_version": &a.BrowserSDK, "dynamic_sdk_loader_options": &loader,
	} {
		diags.Append(from.GetAttribute(ctx, path.Root(name), target)...)
	}
	a.Loader = loaderOptionsModel{
		HasReplay: types.BoolUnknown(), HasPerformance: types.BoolUnknown(), HasDebug: types.BoolUnknown(),
		HasFeedback: types.BoolUnknown(), HasLogsAndMetrics: types.BoolUnknown(),
	}
	if !loader.IsNull() && !loader.IsUnknown() {
		a.LoaderSet = true
		diags.Append(loader.As(ctx, &a.Loader, basetypes.ObjectAsOptions{})...)
	}
	return a
}

// sentLoader returns the loader flags to send: those with known values.
// Sentry merges them into the key's options, so a flag left out keeps
// Sentry's value.
func (a keyArgs) sentLoader() *sentry.LoaderOptions {
	if !a.LoaderSet {
		return nil
	}
	o := &sentry.LoaderOptions{
		HasReplay:         knownBool(a.Loader.HasReplay),
		HasPerformance:    knownBool(a.Loader.HasPerformance),
		HasDebug:          knownBool(a.Loader.HasDebug),
		HasFeedback:       knownBool(a.Loader.HasFeedback),
		HasLogsAndMetrics: knownBool(a.Loader.HasLogsAndMetrics),
	}
	if *o == (sentry.LoaderOptions{}) {
		return nil
	}
	return o
}

func knownBool(v types.Bool) *bool {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	b := v.ValueBool()
	return &b
}

func (a keyArgs) rateLimit() *sentry.RateLimit {
	if a.RateLimit == nil {
		return nil
	}
	return &sentry.RateLimit{Window: a.RateLimit.Window.ValueInt64(), Count: a.RateLimit.Count.ValueInt64()}
}

// update is the whole desired state of the key, as one PUT sends it. Sentry
// resets browserSdkVersion to the project's default when a PUT leaves it
// out, so it is always sent: the planned value, else the current one.
func (a keyArgs) update(current *sentry.ProjectKey) sentry.ProjectKeyUpdate {
	u := sentry.ProjectKeyUpdate{
		Name:                    current.Name,
		IsActive:                current.IsActive,
		RateLimit:               a.rateLimit(),
		BrowserSDKVersion:       deref(current.BrowserSDKVersion, ""),
		DynamicSDKLoaderOptions: a.sentLoader(),
	}
	if known(a.Name) {
		u.Name = a.Name.ValueString()
	}
	if known(a.IsActive) {
		u.IsActive = a.IsActive.ValueBool()
	}
	if known(a.BrowserSDK) {
		u.BrowserSDKVersion = a.BrowserSDK.ValueString()
	}
	return u
}

// hasLoaderVersion reports whether an update can be sent: Sentry resets the
// JavaScript loader version to the project's default when an update leaves
// it out, so an update whose version is not known (a server that did not
// say which one the key uses, and a configuration that does not set one)
// is an error instead.
func hasLoaderVersion(u sentry.ProjectKeyUpdate, t target, diags *diag.Diagnostics) bool {
	if u.BrowserSDKVersion != "" {
		return true
	}
	diags.AddAttributeError(path.Root("browser_sdk_version"), "JavaScript Loader Version Unknown", t.withNote(fmt.Sprintf(
		"Sentry did not say which JavaScript loader version %s uses, and an update without one would reset it to the project's default. "+
			"Set browser_sdk_version in the configuration to the version the key should use.", t.what)))
	return false
}

// known reports whether a value is neither null nor unknown.
func known(v interface {
	IsNull() bool
	IsUnknown() bool
}) bool {
	return !v.IsNull() && !v.IsUnknown()
}

func (r *projectKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan := readKeyArgs(ctx, req.Plan, &resp.Diagnostics)
	config := readKeyArgs(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	org, project := plan.Organization.ValueString(), plan.Project.ValueString()
	ctx = tflog.SetField(ctx, "organization", org)
	ctx = tflog.SetField(ctx, "project", project)

	// POST honours only the name and the rate limit.
	create := sentry.ProjectKeyCreate{RateLimit: plan.rateLimit()}
	if known(plan.Name) {
		create.Name = plan.Name.ValueString()
	}
	key, err := r.data.client.CreateProjectKey(ctx, org, project, create)
	if err != nil {
		addWriteError(&resp.Diagnostics, err, createTarget(org, project, create.Name))
		return
	}
	r.data.reads.wrote(key.ID)
	tflog.Debug(ctx, "Created a Sentry client key", map[string]any{"key_id": key.ID})

	// What POST ignores takes one PUT: deactivation, the loader version and
	// the loader options.
	if (known(config.IsActive) && !config.IsActive.ValueBool()) || known(config.BrowserSDK) || plan.sentLoader() != nil {
		update := plan.update(key)
		t := updateTarget(org, project, key.ID)
		t.doing = "applying the settings of the new " + t.what
		t.note = "The key was created and is in the state as Sentry has it; Terraform marks a resource that failed to create as tainted, " +
			"so the next apply replaces the key, with a new DSN. To keep this key instead, fix the configuration and run terraform untaint on it first."
		var updated *sentry.ProjectKey
		if hasLoaderVersion(update, t, &resp.Diagnostics) {
			updated, err = r.data.client.UpdateProjectKey(ctx, org, project, key.ID, update)
			r.data.reads.wrote(key.ID)
			if err != nil {
				addWriteError(&resp.Diagnostics, err, t)
			}
		}
		if updated == nil {
			// The key exists: keep it in the state, so that it is neither
			// orphaned nor created twice by the next apply.
			r.setState(ctx, org, project, key, &resp.State, resp.Identity, &resp.Diagnostics)
			return
		}
		key = updated
	}
	r.setState(ctx, org, project, key, &resp.State, resp.Identity, &resp.Diagnostics)
	checkKept(req.Plan, resp.State, &resp.Diagnostics)
}

func (r *projectKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := readKeyArgs(ctx, req.State, &resp.Diagnostics)
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	org, project := state.Organization.ValueString(), state.Project.ValueString()
	ctx = tflog.SetField(ctx, "organization", org)
	ctx = tflog.SetField(ctx, "project", project)
	if resp.Identity != nil {
		// Terraform expects an identity even from a read that finds the key
		// gone; it is the one in the state.
		resp.Diagnostics.Append(resp.Identity.Set(ctx, projectKeyIdentityModel{Organization: state.Organization, Project: state.Project, ID: id})...)
	}

	key, err := r.data.reads.read(ctx, org, project, id.ValueString())
	if err != nil {
		addReadError(&resp.Diagnostics, err, keyTarget(org, project, id.ValueString()))
		return
	}
	if key == nil {
		resp.Diagnostics.AddWarning("Sentry Client Key Deleted Outside Terraform", fmt.Sprintf(
			"Client key %q of project %q in organization %q no longer exists in Sentry, so it was removed from the state; "+
				"the plan proposes to create a new key, with a new DSN.", id.ValueString(), project, org))
		resp.State.RemoveResource(ctx)
		return
	}
	r.setState(ctx, org, project, key, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *projectKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan := readKeyArgs(ctx, req.Plan, &resp.Diagnostics)
	var prior projectKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	org, project, id := plan.Organization.ValueString(), plan.Project.ValueString(), prior.ID.ValueString()
	ctx = tflog.SetField(ctx, "organization", org)
	ctx = tflog.SetField(ctx, "project", project)

	current := &sentry.ProjectKey{
		ID: id, Name: prior.Name.ValueString(), IsActive: prior.IsActive.ValueBool(),
		BrowserSDKVersion: prior.BrowserSDKVersion.ValueStringPointer(),
	}
	update := plan.update(current)
	if !hasLoaderVersion(update, updateTarget(org, project, id), &resp.Diagnostics) {
		return
	}
	key, err := r.data.client.UpdateProjectKey(ctx, org, project, id, update)
	r.data.reads.wrote(id)
	if err != nil {
		addWriteError(&resp.Diagnostics, err, updateTarget(org, project, id))
		return
	}
	r.setState(ctx, org, project, key, &resp.State, resp.Identity, &resp.Diagnostics)
	checkKept(req.Plan, resp.State, &resp.Diagnostics)
}

func (r *projectKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state projectKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	org, project, id := state.Organization.ValueString(), state.Project.ValueString(), state.ID.ValueString()
	ctx = tflog.SetField(ctx, "organization", org)
	ctx = tflog.SetField(ctx, "project", project)

	err := r.data.client.DeleteProjectKey(ctx, org, project, id)
	r.data.reads.wrote(id)
	var apiErr *sentry.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Detail != "" {
		tflog.Debug(ctx, "The Sentry client key was already deleted", map[string]any{"key_id": id})
		return
	}
	if err != nil {
		addWriteError(&resp.Diagnostics, err, deleteTarget(org, project, id))
	}
}

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
	for name, v := range map[string]types.String{"organization": ident.Organization, "project": ident.Project, "id": ident.ID} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, ident)...)
	}
}

func (r *projectKeyResource) configured(diags *diag.Diagnostics) bool {
	if r.data == nil {
		diags.AddError("Unconfigured Sentry Provider", "The provider was not configured before the resource was used; please report this issue to the provider developers.")
		return false
	}
	return true
}

// setState stores Sentry's answer for the key as the state, and its
// identity.
func (r *projectKeyResource) setState(ctx context.Context, org, project string, key *sentry.ProjectKey, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	m := projectKeyResourceModel{Organization: types.StringValue(org), Project: types.StringValue(project), keyModel: newKeyModel(key)}
	diags.Append(state.Set(ctx, &m)...)
	if identity != nil {
		diags.Append(identity.Set(ctx, projectKeyIdentityModel{Organization: m.Organization, Project: m.Project, ID: m.ID})...)
	}
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
