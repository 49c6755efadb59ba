package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

var (
	_ datasource.DataSourceWithConfigure        = (*projectKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*projectKeyDataSource)(nil)
)

// NewProjectKeyDataSource returns the sentry_project_key data source.
func NewProjectKeyDataSource() datasource.DataSource {
	return &projectKeyDataSource{}
}

type projectKeyDataSource struct {
	client *sentry.Client
}

// projectKeyArgs are the arguments of sentry_project_key that select the
// key; id and name double as attributes of the key.
type projectKeyArgs struct {
	Organization types.String `tfsdk:"organization"`
	Project      types.String `tfsdk:"project"`
	Status       types.String `tfsdk:"status"`
	First        types.Bool   `tfsdk:"first"`
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
}

var keyIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (d *projectKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_key"
}

func (d *projectKeyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one client key (DSN) of a Sentry project, selected by exactly one of `id`, `name` or `first = true`. " +
			"It has the attributes of one element of `sentry_project_keys.keys`; `secret` and `dsn.secret` are sensitive.",
		Attributes: projectKeyDataSourceAttributes(),
	}
}

// projectKeyDataSourceAttributes are the lookup arguments, then the
// attributes of one element of sentry_project_keys.keys, with id and name
// doubling as arguments.
func projectKeyDataSourceAttributes() map[string]schema.Attribute {
	attrs := attributes(dataSourceKit, append([]attrSpec{organizationArg, projectArg, statusArg}, keyAttrs...)...)
	attrs["first"] = schema.BoolAttribute{Optional: true, Validators: []validator.Bool{boolvalidator.Equals(true)},
		MarkdownDescription: "Set to `true` to select the project's oldest key by `date_created`: the key Sentry created with the project, usually named \"Default\". " +
			"Only `true` is accepted; to select a key by id or name, set that argument instead."}
	attrs["id"] = schema.StringAttribute{Optional: true, Computed: true,
		Validators:          []validator.String{stringvalidator.RegexMatches(keyIDPattern, "must be a client key id: 32 lowercase hexadecimal characters")},
		MarkdownDescription: "The key's id (its public key, 32 hexadecimal characters). As an argument it selects the key with one request."}
	attrs["name"] = schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: "The key's name as shown in Sentry. As an argument it selects the one key with that name; " +
			"no key or several keys of that name is an error that lists the candidates."}
	return attrs
}

func (d *projectKeyDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"), path.MatchRoot("first")),
	}
}

func (d *projectKeyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = from[sentry.Client](req.ProviderData, &resp.Diagnostics)
}

func (d *projectKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var args projectKeyArgs
	for name, target := range map[string]any{
		"organization": &args.Organization, "project": &args.Project, "status": &args.Status,
		"first": &args.First, "id": &args.ID, "name": &args.Name,
	} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), target)...)
	}
	if resp.Diagnostics.HasError() || !configured(d.client, &resp.Diagnostics) {
		return
	}
	org, project := args.Organization.ValueString(), args.Project.ValueString()
	status := sentry.KeyStatus(args.Status.ValueString())
	ctx = withProject(ctx, org, project)

	var key *sentry.ProjectKey
	switch {
	case !args.ID.IsNull():
		key = d.byID(ctx, org, project, args.ID.ValueString(), status, &resp.Diagnostics)
	case !args.Name.IsNull():
		key = d.byName(ctx, org, project, args.Name.ValueString(), status, &resp.Diagnostics)
	default:
		key = d.oldest(ctx, org, project, status, &resp.Diagnostics)
	}
	if key == nil {
		return
	}
	resp.State.Raw = keyWith(ctx, resp.State.Schema, key, map[string]attr.Value{
		"organization": args.Organization, "project": args.Project, "status": args.Status, "first": args.First,
	})
}

// byID reads a key with one request to its own endpoint.
func (d *projectKeyDataSource) byID(ctx context.Context, org, project, id string, status sentry.KeyStatus, diags *diag.Diagnostics) *sentry.ProjectKey {
	key, err := d.client.GetProjectKey(ctx, org, project, id)
	if err != nil {
		addReadError(diags, err, keyTarget(org, project, id))
		return nil
	}
	if status != sentry.KeyStatusAll && (status == sentry.KeyStatusActive) != key.IsActive {
		diags.AddAttributeError(path.Root("status"), "Sentry Key Has Another Status", fmt.Sprintf(
			"Client key %q of project %q in organization %q is %s, but status is %q. Remove status to read the key whatever its state.",
			id, project, org, keyState(key), status))
		return nil
	}
	return key
}

// byName reads every key and selects the one with that name.
func (d *projectKeyDataSource) byName(ctx context.Context, org, project, name string, status sentry.KeyStatus, diags *diag.Diagnostics) *sentry.ProjectKey {
	keys, err := d.client.ListProjectKeys(ctx, org, project, status)
	if err != nil {
		addReadError(diags, err, projectTarget(org, project))
		return nil
	}
	var matches []*sentry.ProjectKey
	for i := range keys {
		if keys[i].Name == name {
			matches = append(matches, &keys[i])
		}
	}
	switch len(matches) {
	case 1:
		return matches[0]
	case 0:
		diags.AddAttributeError(path.Root("name"), "No Sentry Key With This Name", fmt.Sprintf(
			"Project %q in organization %q has no %s named %q. %s Names are compared exactly, including case.",
			project, org, keysNoun(status), name, candidates(keys, status)))
	default:
		var ids []string
		for _, k := range matches {
			ids = append(ids, fmt.Sprintf("%s (%s, created %s)", k.ID, keyState(k), deref(k.DateCreated, "at an unknown time")))
		}
		diags.AddAttributeError(path.Root("name"), "Several Sentry Keys With This Name", fmt.Sprintf(
			"Project %q in organization %q has %d %ss named %q: %s. Select one by id instead, or rename the others in Sentry.",
			project, org, len(matches), keysNoun(status), name, strings.Join(ids, "; ")))
	}
	return nil
}

// oldest reads every key and selects the first one created.
func (d *projectKeyDataSource) oldest(ctx context.Context, org, project string, status sentry.KeyStatus, diags *diag.Diagnostics) *sentry.ProjectKey {
	keys, err := d.client.ListProjectKeys(ctx, org, project, status)
	if err != nil {
		addReadError(diags, err, projectTarget(org, project))
		return nil
	}
	key := oldestKey(keys)
	if key == nil {
		remedy := "Create a key in Sentry."
		if status != sentry.KeyStatusAll {
			remedy = "Create one in Sentry, or remove status."
		}
		diags.AddAttributeError(path.Root("first"), "Sentry Project Has No Keys", fmt.Sprintf(
			"Project %q in organization %q has no %s, so there is no first one. %s",
			project, org, keysNoun(status), remedy))
	}
	return key
}

// oldestKey returns the key created first. Keys without a parsable
// date_created count as newest; among equal dates the later one in Sentry's
// newest-first order wins.
func oldestKey(keys []sentry.ProjectKey) *sentry.ProjectKey {
	var best *sentry.ProjectKey
	var bestAt time.Time
	for i := len(keys) - 1; i >= 0; i-- {
		at, err := time.Parse(time.RFC3339Nano, deref(keys[i].DateCreated, ""))
		switch {
		case err == nil && (best == nil || bestAt.IsZero() || at.Before(bestAt)):
			best, bestAt = &keys[i], at
		case err != nil && best == nil:
			best = &keys[i]
		}
	}
	return best
}

// candidates lists the names of keys for an error message.
func candidates(keys []sentry.ProjectKey, status sentry.KeyStatus) string {
	if len(keys) == 0 {
		return "It has no " + keysNoun(status) + "s at all."
	}
	seen := map[string]bool{}
	var names []string
	for _, k := range keys {
		if !seen[k.Name] {
			seen[k.Name] = true
			names = append(names, fmt.Sprintf("%q", k.Name))
		}
	}
	sort.Strings(names)
	const most = 20
	more := ""
	if len(names) > most {
		more = fmt.Sprintf(" and %d more", len(names)-most)
		names = names[:most]
	}
	return "Its " + keysNoun(status) + "s are named " + strings.Join(names, ", ") + more + "."
}

func keysNoun(status sentry.KeyStatus) string {
	if status == sentry.KeyStatusAll {
		return "key"
	}
	return string(status) + " key"
}

func keyState(k *sentry.ProjectKey) string {
	if k.IsActive {
		return "active"
	}
	return "inactive"
}

func deref(s *string, fallback string) string {
	if s == nil {
		return fallback
	}
	return *s
}
