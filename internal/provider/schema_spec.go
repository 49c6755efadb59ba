package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	rsschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Several data sources, an ephemeral resource and a resource hold client
// keys, and each schema package (datasource/schema, ephemeral/schema,
// resource/schema) has its own attribute types. The attributes are
// therefore declared once, as attrSpecs, and turned into each package's
// types by small converters, so that descriptions, types, validators and
// sensitivity cannot drift apart: a field added to the key appears in every
// schema.

type attrKind int

const (
	kindString attrKind = iota
	kindInt64
	kindBool
	kindStringSet
	kindObject
	kindObjectList
	kindObjectMap
)

type attrMode int

const (
	computed attrMode = iota
	required
	optional
	// optionalComputed is an argument that the read also fills in.
	optionalComputed
)

type attrSpec struct {
	name      string
	kind      attrKind
	mode      attrMode
	desc      string
	sensitive bool
	// attrs describes the object of kindObject, kindObjectList and
	// kindObjectMap.
	attrs []attrSpec
	// Validators of arguments, by kind.
	strings []validator.String
	bools   []validator.Bool
	sets    []validator.Set
	int64s  []validator.Int64

	// What only resources have.
	// keep plans the value in state when the configuration does not
	// change it (UseStateForUnknown): read-only values that no update
	// changes, and optional values Sentry chose.
	keep bool
	// replace forces a new object when the value changes.
	replace bool
	// defaultBool is the value of an optional bool left out.
	defaultBool *bool
	// stringPlan are further plan modifiers of a string.
	stringPlan []planmodifier.String
}

// publicSpecs returns specs without the sensitive attributes, for results that
// carry public information only.
func publicSpecs(specs []attrSpec) []attrSpec {
	out := make([]attrSpec, 0, len(specs))
	for _, s := range specs {
		if s.sensitive {
			continue
		}
		if s.attrs != nil {
			s.attrs = publicSpecs(s.attrs)
		}
		out = append(out, s)
	}
	return out
}

// attrTypes returns the Terraform types of specs, keyed by name.
func attrTypes(specs []attrSpec) map[string]attr.Type {
	out := make(map[string]attr.Type, len(specs))
	for _, s := range specs {
		out[s.name] = attrType(s)
	}
	return out
}

func attrType(s attrSpec) attr.Type {
	switch s.kind {
	case kindString:
		return types.StringType
	case kindInt64:
		return types.Int64Type
	case kindBool:
		return types.BoolType
	case kindStringSet:
		return types.SetType{ElemType: types.StringType}
	case kindObject:
		return types.ObjectType{AttrTypes: attrTypes(s.attrs)}
	case kindObjectList:
		return types.ListType{ElemType: types.ObjectType{AttrTypes: attrTypes(s.attrs)}}
	default:
		return types.MapType{ElemType: types.ObjectType{AttrTypes: attrTypes(s.attrs)}}
	}
}

// flags returns Required, Optional and Computed for a mode.
func (m attrMode) flags() (req, opt, comp bool) {
	switch m {
	case required:
		return true, false, false
	case optional:
		return false, true, false
	case optionalComputed:
		return false, true, true
	default:
		return false, false, true
	}
}

// dataSourceAttributes turns specs into data source attributes.
func dataSourceAttributes(specs []attrSpec) map[string]dsschema.Attribute {
	out := make(map[string]dsschema.Attribute, len(specs))
	for _, s := range specs {
		out[s.name] = dataSourceAttribute(s)
	}
	return out
}

func dataSourceAttribute(s attrSpec) dsschema.Attribute {
	req, opt, comp := s.mode.flags()
	switch s.kind {
	case kindString:
		return dsschema.StringAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.strings}
	case kindInt64:
		return dsschema.Int64Attribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.int64s}
	case kindBool:
		return dsschema.BoolAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.bools}
	case kindStringSet:
		return dsschema.SetAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			ElementType: types.StringType, Validators: s.sets}
	case kindObject:
		return dsschema.SingleNestedAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			Attributes: dataSourceAttributes(s.attrs)}
	case kindObjectList:
		return dsschema.ListNestedAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			NestedObject: dsschema.NestedAttributeObject{Attributes: dataSourceAttributes(s.attrs)}}
	default:
		return dsschema.MapNestedAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			NestedObject: dsschema.NestedAttributeObject{Attributes: dataSourceAttributes(s.attrs)}}
	}
}

// ephemeralAttributes turns specs into ephemeral resource attributes.
func ephemeralAttributes(specs []attrSpec) map[string]ephschema.Attribute {
	out := make(map[string]ephschema.Attribute, len(specs))
	for _, s := range specs {
		out[s.name] = ephemeralAttribute(s)
	}
	return out
}

func ephemeralAttribute(s attrSpec) ephschema.Attribute {
	req, opt, comp := s.mode.flags()
	switch s.kind {
	case kindString:
		return ephschema.StringAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.strings}
	case kindInt64:
		return ephschema.Int64Attribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.int64s}
	case kindBool:
		return ephschema.BoolAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.bools}
	case kindStringSet:
		return ephschema.SetAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			ElementType: types.StringType, Validators: s.sets}
	case kindObject:
		return ephschema.SingleNestedAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			Attributes: ephemeralAttributes(s.attrs)}
	case kindObjectList:
		return ephschema.ListNestedAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			NestedObject: ephschema.NestedAttributeObject{Attributes: ephemeralAttributes(s.attrs)}}
	default:
		return ephschema.MapNestedAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			NestedObject: ephschema.NestedAttributeObject{Attributes: ephemeralAttributes(s.attrs)}}
	}
}

// resourceAttributes turns specs into resource attributes.
func resourceAttributes(specs []attrSpec) map[string]rsschema.Attribute {
	out := make(map[string]rsschema.Attribute, len(specs))
	for _, s := range specs {
		out[s.name] = resourceAttribute(s)
	}
	return out
}

func resourceAttribute(s attrSpec) rsschema.Attribute {
	req, opt, comp := s.mode.flags()
	switch s.kind {
	case kindString:
		a := rsschema.StringAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.strings}
		a.PlanModifiers = append(a.PlanModifiers, s.stringPlan...)
		if s.keep {
			a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.UseStateForUnknown())
		}
		if s.replace {
			a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.RequiresReplace())
		}
		return a
	case kindInt64:
		a := rsschema.Int64Attribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.int64s}
		if s.keep {
			a.PlanModifiers = append(a.PlanModifiers, int64planmodifier.UseStateForUnknown())
		}
		return a
	case kindBool:
		a := rsschema.BoolAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.bools}
		if s.keep {
			a.PlanModifiers = append(a.PlanModifiers, boolplanmodifier.UseStateForUnknown())
		}
		if s.defaultBool != nil {
			a.Default = booldefault.StaticBool(*s.defaultBool)
		}
		return a
	case kindObject:
		a := rsschema.SingleNestedAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			Attributes: resourceAttributes(s.attrs)}
		if s.keep {
			a.PlanModifiers = append(a.PlanModifiers, objectplanmodifier.UseStateForUnknown())
		}
		return a
	case kindObjectList:
		return rsschema.ListNestedAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			NestedObject: rsschema.NestedAttributeObject{Attributes: resourceAttributes(s.attrs)}}
	case kindStringSet:
		return rsschema.SetAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			ElementType: types.StringType, Validators: s.sets}
	default:
		return rsschema.MapNestedAttribute{Required: req, Optional: opt, Computed: comp, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			NestedObject: rsschema.NestedAttributeObject{Attributes: resourceAttributes(s.attrs)}}
	}
}

// listAttributes turns the specs of arguments into the attributes of a list
// block's configuration, which has arguments only: strings and bools.
func listAttributes(specs []attrSpec) map[string]listschema.Attribute {
	out := make(map[string]listschema.Attribute, len(specs))
	for _, s := range specs {
		req, opt, _ := s.mode.flags()
		switch s.kind {
		case kindString:
			out[s.name] = listschema.StringAttribute{Required: req, Optional: opt, MarkdownDescription: s.desc, Validators: s.strings}
		case kindBool:
			out[s.name] = listschema.BoolAttribute{Required: req, Optional: opt, MarkdownDescription: s.desc, Validators: s.bools}
		default:
			panic("a list block's configuration has no attribute of kind " + fmt.Sprint(s.kind) + ": " + s.name)
		}
	}
	return out
}
