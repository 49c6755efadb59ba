package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

const projectKeysTypeName = "sentry_project_keys"

// encodedKeySizeHint is about how many bytes one key takes in msgpack on
// sentry.io (13 DSN URLs make most of it).
const encodedKeySizeHint = 1800

// projectKeysStateType is the state type of sentry_project_keys, derived
// from the same specs as its schema.
var projectKeysStateType = tfObjectType(projectKeysSpecs)

// streamFunc reads a data source's configuration and returns its encoded
// state. Read failures go to diags; an error means the state could not be
// built.
type streamFunc func(ctx context.Context, client *sentry.Client, config *tfprotov6.DynamicValue, diags *diag.Diagnostics) (*tfprotov6.DynamicValue, error)

// streamedRead answers ReadDataSource with a streamFunc instead of the
// framework (see readProjectKeys and readOrganizationProjectKeys).
func (s *protocolServer) streamedRead(ctx context.Context, req *tfprotov6.ReadDataSourceRequest, stream streamFunc) *tfprotov6.ReadDataSourceResponse {
	var diags diag.Diagnostics
	state, err := stream(ctx, s.provider.client(), req.Config, &diags)
	resp := &tfprotov6.ReadDataSourceResponse{Diagnostics: protocolDiagnostics(diags)}
	if err != nil {
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Internal Error Building State",
			Detail:   "The client keys could not be stored: " + err.Error() + ". Please report this issue to the provider developers.",
		})
		return resp
	}
	resp.State = state
	if diags.HasError() {
		// Like the framework, answer a failed read with the configuration
		// as state; Terraform discards it.
		resp.State = req.Config
	}
	return resp
}

// readProjectKeys answers ReadDataSource for sentry_project_keys without the
// framework's round trip through whole-state values, and produces the very
// same bytes (TestStreamedReadMatchesFramework compares them). Through the
// framework, a read of 10,000 keys spent about 10 s and 400 MB after the last
// page arrived: semantic-equality conversions of the whole list, state copies
// and comparisons, and the msgpack encoding. Here each page of keys is
// mapped and encoded while the next page is being requested, and the state
// is assembled from the encoded pages, so a read costs little more than its
// requests.
func (s *protocolServer) readProjectKeys(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) *tfprotov6.ReadDataSourceResponse {
	return s.streamedRead(ctx, req, streamProjectKeys)
}

// streamProjectKeys reads the keys the configuration selects and returns the
// encoded state. Read failures go to diags; an error means the state could
// not be built.
func streamProjectKeys(ctx context.Context, client *sentry.Client, config *tfprotov6.DynamicValue, diags *diag.Diagnostics) (*tfprotov6.DynamicValue, error) {
	if client == nil {
		diags.AddError("Unconfigured Sentry Provider", "The provider was not configured before the read; please report this issue to the provider developers.")
		return nil, nil
	}
	if config == nil {
		return nil, fmt.Errorf("the request has no configuration")
	}
	args, err := config.Unmarshal(projectKeysStateType)
	if err != nil {
		return nil, err
	}
	var m projectKeysModel
	if err := stringArguments(args, map[string]*types.String{
		"organization": &m.Organization, "project": &m.Project, "status": &m.Status,
	}); err != nil {
		return nil, err
	}
	status, ok := keyStatus(m.Status, diags)
	if !ok {
		return nil, nil
	}
	org, project := m.Organization.ValueString(), m.Project.ValueString()
	ctx = tflog.SetField(ctx, "organization", org)
	ctx = tflog.SetField(ctx, "project", project)

	// Each page's keys are encoded as they arrive, into a buffer of their
	// own; the list is the concatenation of the encoded keys behind an
	// array header, copied once into the state at the end.
	var pages [][]byte
	count, size := 0, 0
	err = client.EachProjectKeysPage(ctx, org, project, status, func(page []sentry.ProjectKey) error {
		var buf bytes.Buffer
		buf.Grow(len(page) * encodedKeySizeHint)
		enc := msgpack.NewEncoder(&buf)
		for i := range page {
			model := newKeyModel(&page[i])
			if err := model.encodeMsgPack(enc); err != nil {
				return &encodeError{err}
			}
		}
		pages = append(pages, buf.Bytes())
		count += len(page)
		size += buf.Len()
		return nil
	})
	if ee := (*encodeError)(nil); errors.As(err, &ee) {
		return nil, ee.err
	}
	if err != nil {
		addReadError(diags, err, projectTarget(org, project))
		return nil, nil
	}
	tflog.Debug(ctx, "Read the client keys of a Sentry project", map[string]any{"keys": count})

	// The object, as tftypes encodes one: a map of its attributes sorted by
	// name. The encoder writes straight into out (a bytes.Buffer is its own
	// byte writer), so the encoded pages can be written between its calls.
	out := bytes.NewBuffer(make([]byte, 0, size+1024))
	enc := msgpack.NewEncoder(out)
	attrs := []struct {
		name   string
		encode func() error
	}{
		{"keys", func() error {
			if err := enc.EncodeArrayLen(count); err != nil {
				return err
			}
			for _, p := range pages {
				out.Write(p)
			}
			return nil
		}},
		{"organization", func() error { return encodeString(enc, m.Organization) }},
		{"project", func() error { return encodeString(enc, m.Project) }},
		{"status", func() error { return encodeString(enc, m.Status) }},
	}
	if err := enc.EncodeMapLen(len(attrs)); err != nil {
		return nil, err
	}
	for _, a := range attrs {
		if err := enc.EncodeString(a.name); err != nil {
			return nil, err
		}
		if err := a.encode(); err != nil {
			return nil, err
		}
	}
	return &tfprotov6.DynamicValue{MsgPack: out.Bytes()}, nil
}

// encodeError marks a failure to encode a key, as opposed to reading it.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return e.err.Error() }

func encodeString(enc *msgpack.Encoder, s types.String) error {
	if s.IsNull() {
		return enc.EncodeNil()
	}
	return enc.EncodeString(s.ValueString())
}

// stringArguments reads string attributes of a configuration object.
func stringArguments(config tftypes.Value, into map[string]*types.String) error {
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err != nil {
		return err
	}
	for name, target := range into {
		var s *string
		if err := attrs[name].As(&s); err != nil {
			return fmt.Errorf("argument %s: %w", name, err)
		}
		*target = types.StringPointerValue(s)
	}
	return nil
}
