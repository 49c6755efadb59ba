package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The framework's reflection (State.Set on a model struct) costs about 0.8 ms
// per key: 8 s for a project with 10,000 keys. These methods build the same
// tftypes values directly, in a few microseconds per key. A unit test checks
// that they produce exactly what State.Set produces from the same models.

// The object types of a key and its nested objects, derived once from the
// specs. A spec that does not produce an object panics at start-up, like
// regexp.MustCompile, so every test catches it.
var (
	keyObjectType       = tfObjectType(keySpecs)
	publicKeyObjectType = tfObjectType(publicSpecs(keySpecs))

	dsnObjectType       = objectOf(keyObjectType, "dsn")
	publicDSNObjectType = objectOf(publicKeyObjectType, "dsn")
	rateLimitObjectType = objectOf(keyObjectType, "rate_limit")
	loaderObjectType    = objectOf(keyObjectType, "dynamic_sdk_loader_options")
	browserSDKType      = objectOf(keyObjectType, "browser_sdk")
	choiceListType      = listOf(browserSDKType, "choices")
	choiceObjectType    = mustObject(choiceListType.ElementType, "browser_sdk.choices")
)

func tfObjectType(specs []attrSpec) tftypes.Object {
	return mustObject(attrType(attrSpec{kind: kindObject, attrs: specs}).TerraformType(context.Background()), "a key")
}

func mustObject(t tftypes.Type, what string) tftypes.Object {
	o, ok := t.(tftypes.Object)
	if !ok {
		panic(fmt.Sprintf("the type of %s is %s, not an object", what, t))
	}
	return o
}

// objectOf returns t's attribute type called name as an object type.
func objectOf(t tftypes.Object, name string) tftypes.Object {
	return mustObject(t.AttributeTypes[name], name)
}

// listOf returns t's attribute type called name as a list type.
func listOf(t tftypes.Object, name string) tftypes.List {
	l, ok := t.AttributeTypes[name].(tftypes.List)
	if !ok {
		panic(fmt.Sprintf("the type of %s is %s, not a list", name, t.AttributeTypes[name]))
	}
	return l
}

func tfString(v types.String) tftypes.Value {
	if v.IsNull() {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, v.ValueString())
}

func tfInt64(v types.Int64) tftypes.Value {
	if v.IsNull() {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(v.ValueInt64()))
}

func tfBool(v types.Bool) tftypes.Value {
	if v.IsNull() {
		return tftypes.NewValue(tftypes.Bool, nil)
	}
	return tftypes.NewValue(tftypes.Bool, v.ValueBool())
}

func (m keyCommonModel) tfAttributes(into map[string]tftypes.Value) {
	into["id"] = tfString(m.ID)
	into["name"] = tfString(m.Name)
	into["label"] = tfString(m.Label)
	into["public"] = tfString(m.Public)
	into["project_id"] = tfInt64(m.ProjectID)
	into["is_active"] = tfBool(m.IsActive)
	into["rate_limit"] = m.RateLimit.tfValue()
	into["browser_sdk_version"] = tfString(m.BrowserSDKVersion)
	into["browser_sdk"] = m.BrowserSDK.tfValue()
	into["date_created"] = tfString(m.DateCreated)
	into["dynamic_sdk_loader_options"] = m.DynamicSDKLoaderOptions.tfValue()
	into["use_case"] = tfString(m.UseCase)
}

// tfValue returns the key as a value of keyObjectType.
func (m keyModel) tfValue() tftypes.Value {
	attrs := make(map[string]tftypes.Value, len(keyObjectType.AttributeTypes))
	m.tfAttributes(attrs)
	attrs["secret"] = tfString(m.Secret)
	dsn := make(map[string]tftypes.Value, len(dsnObjectType.AttributeTypes))
	m.DSN.tfAttributes(dsn)
	dsn["secret"] = tfString(m.DSN.Secret)
	attrs["dsn"] = tftypes.NewValue(dsnObjectType, dsn)
	return tftypes.NewValue(keyObjectType, attrs)
}

// tfValue returns the key as a value of publicKeyObjectType.
func (m publicKeyModel) tfValue() tftypes.Value {
	attrs := make(map[string]tftypes.Value, len(publicKeyObjectType.AttributeTypes))
	m.tfAttributes(attrs)
	dsn := make(map[string]tftypes.Value, len(publicDSNObjectType.AttributeTypes))
	m.DSN.tfAttributes(dsn)
	attrs["dsn"] = tftypes.NewValue(publicDSNObjectType, dsn)
	return tftypes.NewValue(publicKeyObjectType, attrs)
}

func (m publicDSNModel) tfAttributes(into map[string]tftypes.Value) {
	into["public"] = tfString(m.Public)
	into["csp"] = tfString(m.CSP)
	into["security"] = tfString(m.Security)
	into["minidump"] = tfString(m.Minidump)
	into["nel"] = tfString(m.NEL)
	into["unreal"] = tfString(m.Unreal)
	into["crons"] = tfString(m.Crons)
	into["cdn"] = tfString(m.CDN)
	into["playstation"] = tfString(m.Playstation)
	into["integration"] = tfString(m.Integration)
	into["otlp_traces"] = tfString(m.OTLPTraces)
	into["otlp_logs"] = tfString(m.OTLPLogs)
}

func (m *rateLimitModel) tfValue() tftypes.Value {
	if m == nil {
		return tftypes.NewValue(rateLimitObjectType, nil)
	}
	return tftypes.NewValue(rateLimitObjectType, map[string]tftypes.Value{
		"window": tfInt64(m.Window),
		"count":  tfInt64(m.Count),
	})
}

func (m *browserSDKModel) tfValue() tftypes.Value {
	if m == nil {
		return tftypes.NewValue(browserSDKType, nil)
	}
	choices := make([]tftypes.Value, len(m.Choices))
	for i, c := range m.Choices {
		choices[i] = tftypes.NewValue(choiceObjectType, map[string]tftypes.Value{
			"value": tfString(c.Value),
			"label": tfString(c.Label),
		})
	}
	return tftypes.NewValue(browserSDKType, map[string]tftypes.Value{"choices": tftypes.NewValue(choiceListType, choices)})
}

func (m *loaderOptionsModel) tfValue() tftypes.Value {
	if m == nil {
		return tftypes.NewValue(loaderObjectType, nil)
	}
	return tftypes.NewValue(loaderObjectType, map[string]tftypes.Value{
		"has_replay":           tfBool(m.HasReplay),
		"has_performance":      tfBool(m.HasPerformance),
		"has_debug":            tfBool(m.HasDebug),
		"has_feedback":         tfBool(m.HasFeedback),
		"has_logs_and_metrics": tfBool(m.HasLogsAndMetrics),
	})
}

// keysTFValue returns models as a list of keyObjectType.
func keysTFValue(models []keyModel) tftypes.Value {
	vals := make([]tftypes.Value, len(models))
	for i := range models {
		vals[i] = models[i].tfValue()
	}
	return tftypes.NewValue(tftypes.List{ElementType: keyObjectType}, vals)
}

// typedSchema is the part of a framework schema that objectValue needs.
type typedSchema interface {
	Type() attr.Type
}

// objectValue checks attrs against the type of schema s and returns them as
// its state value.
func objectValue(ctx context.Context, s typedSchema, attrs map[string]tftypes.Value) (tftypes.Value, error) {
	typ := s.Type().TerraformType(ctx)
	if err := tftypes.ValidateValue(typ, attrs); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(typ, attrs), nil
}
