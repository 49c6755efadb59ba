package provider

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

const organizationProjectKeysTypeName = "sentry_organization_project_keys"

// organizationProjectKeysStateType is the state type of
// sentry_organization_project_keys, derived from the specs of its schema.
var organizationProjectKeysStateType = tfObjectType(organizationProjectKeysSpecs)

// readOrganizationProjectKeys answers ReadDataSource for
// sentry_organization_project_keys the way readProjectKeys does for
// sentry_project_keys: the keys are encoded straight to the msgpack
// Terraform receives, without the framework's state values. For 200
// projects of two keys, the framework's path spent 0.58 s where the
// requests take 0.08 s; TestStreamedOrganizationReadMatchesFramework holds
// the two to the same state and diagnostics.
func (s *protocolServer) readOrganizationProjectKeys(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) *tfprotov6.ReadDataSourceResponse {
	return s.streamedRead(ctx, req, streamOrganizationProjectKeys)
}

// streamOrganizationProjectKeys reads what the configuration selects and
// returns the encoded state. Read failures go to diags; an error means the
// state could not be built.
func streamOrganizationProjectKeys(ctx context.Context, client *sentry.Client, config *tfprotov6.DynamicValue, diags *diag.Diagnostics) (*tfprotov6.DynamicValue, error) {
	if config == nil {
		return nil, fmt.Errorf("the request has no configuration")
	}
	args, err := config.Unmarshal(organizationProjectKeysStateType)
	if err != nil {
		return nil, err
	}
	var org, team, status types.String
	if err := stringArguments(args, map[string]*types.String{"organization": &org, "team": &team, "status": &status}); err != nil {
		return nil, err
	}
	var attrs map[string]tftypes.Value
	if err := args.As(&attrs); err != nil {
		return nil, err
	}
	slugsValue := attrs["project_slugs"]
	var slugs []string
	if !slugsValue.IsNull() {
		var elems []tftypes.Value
		if err := slugsValue.As(&elems); err != nil {
			return nil, err
		}
		slugs = make([]string, len(elems))
		for i, e := range elems {
			if err := e.As(&slugs[i]); err != nil {
				return nil, err
			}
		}
	}

	result := readOrganizationKeys(ctx, client, org.ValueString(), team.ValueString(), status, slugs, diags)
	if result == nil {
		return nil, nil
	}

	// The project_slugs argument goes back as given, in tftypes' encoding.
	encodedSlugs, err := tfprotov6.NewDynamicValue(slugsValue.Type(), slugsValue)
	if err != nil {
		return nil, err
	}
	projects := result.Projects
	sort.Slice(projects, func(i, j int) bool { return projects[i].Project.Slug < projects[j].Project.Slug })
	size := 0
	for _, p := range projects {
		size += len(p.Keys) * encodedKeySizeHint
	}
	out := bytes.NewBuffer(make([]byte, 0, size+1024))
	enc := msgpack.NewEncoder(out)
	// An object is a map of its attributes sorted by name.
	fields := []struct {
		name   string
		encode func() error
	}{
		{"organization", func() error { return encodeString(enc, org) }},
		{"project_slugs", func() error { _, err := out.Write(encodedSlugs.MsgPack); return err }},
		{"projects", func() error { return encodeProjects(enc, projects) }},
		{"status", func() error { return encodeString(enc, status) }},
		{"team", func() error { return encodeString(enc, team) }},
	}
	if err := enc.EncodeMapLen(len(fields)); err != nil {
		return nil, err
	}
	for _, f := range fields {
		if err := enc.EncodeString(f.name); err != nil {
			return nil, err
		}
		if err := f.encode(); err != nil {
			return nil, err
		}
	}
	return &tfprotov6.DynamicValue{MsgPack: out.Bytes()}, nil
}

// encodeProjects writes the projects map: by slug, objects of id, keys (the
// public attributes of each key) and slug.
func encodeProjects(enc *msgpack.Encoder, projects []sentry.ProjectKeys) error {
	if err := enc.EncodeMapLen(len(projects)); err != nil {
		return err
	}
	for _, p := range projects {
		if err := enc.EncodeString(p.Project.Slug); err != nil {
			return err
		}
		if err := enc.EncodeMapLen(3); err != nil {
			return err
		}
		if err := enc.EncodeString("id"); err != nil {
			return err
		}
		if err := enc.EncodeInt(int64(p.Project.ID)); err != nil {
			return err
		}
		if err := enc.EncodeString("keys"); err != nil {
			return err
		}
		if err := enc.EncodeArrayLen(len(p.Keys)); err != nil {
			return err
		}
		for i := range p.Keys {
			m := newKeyModel(&p.Keys[i])
			if err := m.encodeMsgPackAs(enc, publicKeyEncoding); err != nil {
				return err
			}
		}
		if err := enc.EncodeString("slug"); err != nil {
			return err
		}
		if err := enc.EncodeString(p.Project.Slug); err != nil {
			return err
		}
	}
	return nil
}
