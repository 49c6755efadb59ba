package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sentrykeys/terraform-provider-sentry/internal/dsn"
)

var _ function.Function = (*parseDSNFunction)(nil)

// NewParseDSNFunction returns the parse_dsn provider function.
func NewParseDSNFunction() function.Function {
	return &parseDSNFunction{}
}

type parseDSNFunction struct{}

// parsedDSNModel is the object parse_dsn returns.
type parsedDSNModel struct {
	Scheme    types.String `tfsdk:"scheme"`
	PublicKey types.String `tfsdk:"public_key"`
	SecretKey types.String `tfsdk:"secret_key"`
	Host      types.String `tfsdk:"host"`
	Port      types.Int64  `tfsdk:"port"`
	Path      types.String `tfsdk:"path"`
	ProjectID types.Int64  `tfsdk:"project_id"`
	APIURL    types.String `tfsdk:"api_url"`
}

var parsedDSNAttrTypes = map[string]attr.Type{
	"scheme":     types.StringType,
	"public_key": types.StringType,
	"secret_key": types.StringType,
	"host":       types.StringType,
	"port":       types.Int64Type,
	"path":       types.StringType,
	"project_id": types.Int64Type,
	"api_url":    types.StringType,
}

func (f *parseDSNFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_dsn"
}

func (f *parseDSNFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Takes a Sentry DSN apart.",
		MarkdownDescription: "Parses a Sentry DSN (`https://<public_key>[:<secret_key>]@<host>[:<port>][/<path>]/<project_id>`) " +
			"and returns its parts as an object with the attributes `scheme`, `public_key`, `secret_key` (null when the DSN has none), " +
			"`host`, `port` (the DSN's port, or 443 for https and 80 for http), `path` (the path before the project id, usually empty), " +
			"`project_id` and `api_url` (the project's ingest API base, `<scheme>://<host>[:<port>]<path>/api/<project_id>/`, " +
			"to which SDKs append `envelope/`). A string that is not a DSN is an error that says what is wrong. " +
			"Terraform keeps the result sensitive when the argument is, as `dsn.secret` is.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "dsn",
				MarkdownDescription: "The DSN to parse, such as `data.sentry_project_keys.web.keys[0].dsn.public`.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: parsedDSNAttrTypes},
	}
}

func (f *parseDSNFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var raw string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &raw))
	if resp.Error != nil {
		return
	}
	d, err := dsn.Parse(raw)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Invalid Sentry DSN: "+err.Error()+".")
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, newParsedDSNModel(d)))
}

func newParsedDSNModel(d *dsn.DSN) parsedDSNModel {
	secret := types.StringNull()
	if d.SecretKey != "" {
		secret = types.StringValue(d.SecretKey)
	}
	return parsedDSNModel{
		Scheme:    types.StringValue(d.Scheme),
		PublicKey: types.StringValue(d.PublicKey),
		SecretKey: secret,
		Host:      types.StringValue(d.Host),
		Port:      types.Int64Value(int64(d.Port)),
		Path:      types.StringValue(d.Path),
		ProjectID: types.Int64Value(d.ProjectID),
		APIURL:    types.StringValue(d.APIURL()),
	}
}
