package provider

import (
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	rsschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Each schema package (datasource/schema, ephemeral/schema,
// resource/schema) has attribute types of its own, so a kit of five
// constructors per package turns attrSpecs into its attributes.

type schemaKit[A any] struct {
	str, num, flag func(s attrSpec) A
	object, list   func(s attrSpec, attrs map[string]A) A
}

// attributes turns specs into the kit's attributes, by name.
func attributes[A any](kit schemaKit[A], specs ...attrSpec) map[string]A {
	out := make(map[string]A, len(specs))
	for _, s := range specs {
		switch s.typ.(type) {
		case types.ObjectType:
			out[s.name] = kit.object(s, attributes(kit, s.attrs...))
		case types.ListType:
			out[s.name] = kit.list(s, attributes(kit, s.attrs...))
		case basetypes.StringType:
			out[s.name] = kit.str(s)
		case basetypes.Int64Type:
			out[s.name] = kit.num(s)
		default:
			out[s.name] = kit.flag(s)
		}
	}
	return out
}

var dataSourceKit = schemaKit[dsschema.Attribute]{
	str: func(s attrSpec) dsschema.Attribute {
		return dsschema.StringAttribute{Required: s.mode == required, Optional: s.mode == optional, Computed: s.mode == computed,
			Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.strings}
	},
	num: func(s attrSpec) dsschema.Attribute {
		return dsschema.Int64Attribute{Computed: true, MarkdownDescription: s.desc}
	},
	flag: func(s attrSpec) dsschema.Attribute {
		return dsschema.BoolAttribute{Computed: true, MarkdownDescription: s.desc}
	},
	object: func(s attrSpec, attrs map[string]dsschema.Attribute) dsschema.Attribute {
		return dsschema.SingleNestedAttribute{Computed: true, MarkdownDescription: s.desc, Attributes: attrs}
	},
	list: func(s attrSpec, attrs map[string]dsschema.Attribute) dsschema.Attribute {
		return dsschema.ListNestedAttribute{Computed: true, MarkdownDescription: s.desc, NestedObject: dsschema.NestedAttributeObject{Attributes: attrs}}
	},
}

var ephemeralKit = schemaKit[ephschema.Attribute]{
	str: func(s attrSpec) ephschema.Attribute {
		return ephschema.StringAttribute{Required: s.mode == required, Optional: s.mode == optional, Computed: s.mode == computed,
			Sensitive: s.sensitive, MarkdownDescription: s.desc, Validators: s.strings}
	},
	num: func(s attrSpec) ephschema.Attribute {
		return ephschema.Int64Attribute{Computed: true, MarkdownDescription: s.desc}
	},
	flag: func(s attrSpec) ephschema.Attribute {
		return ephschema.BoolAttribute{Computed: true, MarkdownDescription: s.desc}
	},
	object: func(s attrSpec, attrs map[string]ephschema.Attribute) ephschema.Attribute {
		return ephschema.SingleNestedAttribute{Computed: true, MarkdownDescription: s.desc, Attributes: attrs}
	},
	list: func(s attrSpec, attrs map[string]ephschema.Attribute) ephschema.Attribute {
		return ephschema.ListNestedAttribute{Computed: true, MarkdownDescription: s.desc, NestedObject: ephschema.NestedAttributeObject{Attributes: attrs}}
	},
}

// resourceKit makes read-only resource attributes: Sentry sets them at
// creation and no update changes them, so a plan keeps the values in the
// state (UseStateForUnknown) and what consumes them, the DSNs above all,
// is not planned to change.
var resourceKit = schemaKit[rsschema.Attribute]{
	str: func(s attrSpec) rsschema.Attribute {
		return rsschema.StringAttribute{Computed: true, Sensitive: s.sensitive, MarkdownDescription: s.desc,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	},
	num: func(s attrSpec) rsschema.Attribute {
		return rsschema.Int64Attribute{Computed: true, MarkdownDescription: s.desc,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
	},
	flag: func(s attrSpec) rsschema.Attribute {
		return rsschema.BoolAttribute{Computed: true, MarkdownDescription: s.desc,
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}}
	},
	object: func(s attrSpec, attrs map[string]rsschema.Attribute) rsschema.Attribute {
		return rsschema.SingleNestedAttribute{Computed: true, MarkdownDescription: s.desc, Attributes: attrs,
			PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()}}
	},
	list: func(s attrSpec, attrs map[string]rsschema.Attribute) rsschema.Attribute {
		return rsschema.ListNestedAttribute{Computed: true, MarkdownDescription: s.desc, NestedObject: rsschema.NestedAttributeObject{Attributes: attrs}}
	},
}
