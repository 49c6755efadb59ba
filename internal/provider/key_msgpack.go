package provider

import (
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// The streaming read of sentry_project_keys encodes keys straight to the
// msgpack Terraform receives, the way tftypes encodes a value of
// keyObjectType: objects as maps with their attributes sorted by name, null as
// nil, numbers as integers. Going through tftypes values costs about ten
// times more (a value, a map and an attribute path per attribute). The
// attribute order comes from the type itself, an attribute without an encoder
// is an error, and TestStreamedReadMatchesFramework compares the result with
// the framework's encoding byte for byte.

var (
	loaderAttrNames     = sortedAttrNames(loaderObjectType)
	rateLimitAttrNames  = sortedAttrNames(rateLimitObjectType)
	browserSDKAttrNames = sortedAttrNames(browserSDKType)
	choiceAttrNames     = sortedAttrNames(choiceObjectType)
)

func sortedAttrNames(t tftypes.Object) []string {
	names := make([]string, 0, len(t.AttributeTypes))
	for name := range t.AttributeTypes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// keyEncoding is the sorted attribute names of one of the two key object
// types: keyObjectType, and publicKeyObjectType, which leaves the secrets
// out.
type keyEncoding struct {
	keyNames, dsnNames []string
}

var (
	fullKeyEncoding   = keyEncoding{keyNames: sortedAttrNames(keyObjectType), dsnNames: sortedAttrNames(dsnObjectType)}
	publicKeyEncoding = keyEncoding{keyNames: sortedAttrNames(publicKeyObjectType), dsnNames: sortedAttrNames(publicDSNObjectType)}
)

// encodeMsgPack writes the key as a value of keyObjectType.
func (m *keyModel) encodeMsgPack(enc *msgpack.Encoder) error {
	return m.encodeMsgPackAs(enc, fullKeyEncoding)
}

// encodeMsgPackAs writes the key as a value of the object type whose names
// e holds: with publicKeyEncoding, the secrets are never written.
func (m *keyModel) encodeMsgPackAs(enc *msgpack.Encoder, e keyEncoding) error {
	if err := enc.EncodeMapLen(len(e.keyNames)); err != nil {
		return err
	}
	for _, name := range e.keyNames {
		if err := enc.EncodeString(name); err != nil {
			return err
		}
		var err error
		switch name {
		case "id":
			err = msgpackString(enc, m.ID)
		case "name":
			err = msgpackString(enc, m.Name)
		case "label":
			err = msgpackString(enc, m.Label)
		case "public":
			err = msgpackString(enc, m.Public)
		case "secret":
			err = msgpackString(enc, m.Secret)
		case "project_id":
			err = msgpackInt64(enc, m.ProjectID)
		case "is_active":
			err = msgpackBool(enc, m.IsActive)
		case "rate_limit":
			err = m.RateLimit.encodeMsgPack(enc)
		case "dsn":
			err = m.DSN.encodeMsgPack(enc, e.dsnNames)
		case "browser_sdk_version":
			err = msgpackString(enc, m.BrowserSDKVersion)
		case "browser_sdk":
			err = m.BrowserSDK.encodeMsgPack(enc)
		case "date_created":
			err = msgpackString(enc, m.DateCreated)
		case "dynamic_sdk_loader_options":
			err = m.DynamicSDKLoaderOptions.encodeMsgPack(enc)
		case "use_case":
			err = msgpackString(enc, m.UseCase)
		default:
			err = fmt.Errorf("no msgpack encoder for key attribute %q", name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *dsnModel) encodeMsgPack(enc *msgpack.Encoder, names []string) error {
	if err := enc.EncodeMapLen(len(names)); err != nil {
		return err
	}
	for _, name := range names {
		if err := enc.EncodeString(name); err != nil {
			return err
		}
		var v types.String
		switch name {
		case "public":
			v = m.Public
		case "secret":
			v = m.Secret
		case "csp":
			v = m.CSP
		case "security":
			v = m.Security
		case "minidump":
			v = m.Minidump
		case "nel":
			v = m.NEL
		case "unreal":
			v = m.Unreal
		case "crons":
			v = m.Crons
		case "cdn":
			v = m.CDN
		case "playstation":
			v = m.Playstation
		case "integration":
			v = m.Integration
		case "otlp_traces":
			v = m.OTLPTraces
		case "otlp_logs":
			v = m.OTLPLogs
		default:
			return fmt.Errorf("no msgpack encoder for dsn attribute %q", name)
		}
		if err := msgpackString(enc, v); err != nil {
			return err
		}
	}
	return nil
}

func (m *rateLimitModel) encodeMsgPack(enc *msgpack.Encoder) error {
	if m == nil {
		return enc.EncodeNil()
	}
	if err := enc.EncodeMapLen(len(rateLimitAttrNames)); err != nil {
		return err
	}
	for _, name := range rateLimitAttrNames {
		if err := enc.EncodeString(name); err != nil {
			return err
		}
		var v types.Int64
		switch name {
		case "count":
			v = m.Count
		case "window":
			v = m.Window
		default:
			return fmt.Errorf("no msgpack encoder for rate_limit attribute %q", name)
		}
		if err := msgpackInt64(enc, v); err != nil {
			return err
		}
	}
	return nil
}

func (m *browserSDKModel) encodeMsgPack(enc *msgpack.Encoder) error {
	if m == nil {
		return enc.EncodeNil()
	}
	if len(browserSDKAttrNames) != 1 || browserSDKAttrNames[0] != "choices" || len(choiceAttrNames) != 2 {
		return fmt.Errorf("no msgpack encoder for browser_sdk attributes %q and %q", browserSDKAttrNames, choiceAttrNames)
	}
	if err := enc.EncodeMapLen(1); err != nil {
		return err
	}
	if err := enc.EncodeString("choices"); err != nil {
		return err
	}
	if err := enc.EncodeArrayLen(len(m.Choices)); err != nil {
		return err
	}
	for _, c := range m.Choices {
		// label sorts before value.
		if err := enc.EncodeMapLen(2); err != nil {
			return err
		}
		for _, field := range [...]struct {
			name string
			v    types.String
		}{{"label", c.Label}, {"value", c.Value}} {
			if err := enc.EncodeString(field.name); err != nil {
				return err
			}
			if err := msgpackString(enc, field.v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *loaderOptionsModel) encodeMsgPack(enc *msgpack.Encoder) error {
	if m == nil {
		return enc.EncodeNil()
	}
	if err := enc.EncodeMapLen(len(loaderAttrNames)); err != nil {
		return err
	}
	for _, name := range loaderAttrNames {
		if err := enc.EncodeString(name); err != nil {
			return err
		}
		var v types.Bool
		switch name {
		case "has_replay":
			v = m.HasReplay
		case "has_performance":
			v = m.HasPerformance
		case "has_debug":
			v = m.HasDebug
		case "has_feedback":
			v = m.HasFeedback
		case "has_logs_and_metrics":
			v = m.HasLogsAndMetrics
		default:
			return fmt.Errorf("no msgpack encoder for dynamic_sdk_loader_options attribute %q", name)
		}
		if err := msgpackBool(enc, v); err != nil {
			return err
		}
	}
	return nil
}

func msgpackString(enc *msgpack.Encoder, v types.String) error {
	if v.IsNull() {
		return enc.EncodeNil()
	}
	return enc.EncodeString(v.ValueString())
}

func msgpackInt64(enc *msgpack.Encoder, v types.Int64) error {
	if v.IsNull() {
		return enc.EncodeNil()
	}
	return enc.EncodeInt(v.ValueInt64())
}

func msgpackBool(enc *msgpack.Encoder, v types.Bool) error {
	if v.IsNull() {
		return enc.EncodeNil()
	}
	return enc.EncodeBool(v.ValueBool())
}
