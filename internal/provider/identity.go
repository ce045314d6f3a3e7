package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// idSpec is how a resource instance is named outside its state: the import string (its parts joined by "/"),
// the resource identity (Terraform 1.12 and later; one string attribute per part) and the identity of list
// results. Each part is also a state attribute of the same name, so the identity is read off the state.
type idSpec struct {
	parts []idPart
	// parse checks an import string and splits it into the parts' values, in order; "" for a part left out.
	// An identity is joined into an import string and parsed the same way, so both forms follow one rule.
	parse func(id string) ([]string, error)
}

// badID says what is wrong with an import string or identity, in the sentences of the diagnostic's detail.
func badID(format string, args ...any) error { return idProblem(fmt.Sprintf(format, args...)) }

type idProblem string

func (p idProblem) Error() string { return string(p) }

// idPart is one part of the id.
type idPart struct {
	attr     string // the state and identity attribute
	desc     string
	optional bool // may be left out (a mirrored mapping's target, anonymous's principal id)
}

// identitySchema is the resource's identity schema.
func (s idSpec) identitySchema() identityschema.Schema {
	attrs := map[string]identityschema.Attribute{}
	for _, p := range s.parts {
		attrs[p.attr] = identityschema.StringAttribute{Description: p.desc, RequiredForImport: !p.optional, OptionalForImport: p.optional}
	}
	return identityschema.Schema{Attributes: attrs}
}

// join is the import string of the parts' values: "/" between them, and trailing parts left out when empty.
func (s idSpec) join(values []string) string {
	end := len(values)
	for end > 0 && values[end-1] == "" {
		end--
	}
	return strings.Join(values[:end], "/")
}

// importID is what an import names: the import string, or the identity given instead, joined into one.
func (s idSpec) importID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return req.ID, nil
	}
	var diags diag.Diagnostics
	values := make([]string, len(s.parts))
	for i, p := range s.parts {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(p.attr), &v)...)
		values[i] = v.ValueString()
	}
	return s.join(values), diags
}

// importState checks what an import names and sets the parts in the state and the identity. It returns the
// parts' values, or false after an error naming the expected form.
func (s idSpec) importState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) ([]string, bool) {
	id, diags := s.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return nil, false
	}
	values, err := s.parse(id)
	if err != nil {
		what := "Invalid import ID"
		if req.ID == "" {
			what = "Invalid import identity"
		}
		resp.Diagnostics.AddError(what, err.Error())
		return nil, false
	}
	for i, p := range s.parts {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(p.attr), nullIfEmpty(values[i]))...)
	}
	resp.Diagnostics.Append(s.setIdentity(ctx, values, resp.Identity)...)
	return values, !resp.Diagnostics.HasError()
}

// setIdentity sets identity (nil when the CLI has no identity support) to the parts' values.
func (s idSpec) setIdentity(ctx context.Context, values []string, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var diags diag.Diagnostics
	if identity == nil {
		return diags
	}
	for i, p := range s.parts {
		diags.Append(identity.SetAttribute(ctx, path.Root(p.attr), nullIfEmpty(values[i]))...)
	}
	return diags
}

// identify sets identity from the parts in state, after a create, read or update; a removed resource has none.
func (s idSpec) identify(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var diags diag.Diagnostics
	if identity == nil || state.Raw.IsNull() {
		return diags
	}
	values := make([]string, len(s.parts))
	for i, p := range s.parts {
		var v types.String
		diags.Append(state.GetAttribute(ctx, path.Root(p.attr), &v)...)
		values[i] = v.ValueString()
	}
	if diags.HasError() {
		return diags
	}
	return s.setIdentity(ctx, values, identity)
}

// identifyCreate, identifyRead and identifyUpdate, deferred at the start of the operation, set the identity
// from the state it leaves. A read that removes the resource takes the parts from the state it found, since
// the framework asks for an identity even then (and a CLI before 1.12 keeps none to fall back on).
func (s idSpec) identifyCreate(ctx context.Context, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(s.identify(ctx, resp.State, resp.Identity)...)
}

func (s idSpec) identifyRead(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := resp.State
	if state.Raw.IsNull() {
		state = req.State
	}
	resp.Diagnostics.Append(s.identify(ctx, state, resp.Identity)...)
}

func (s idSpec) identifyUpdate(ctx context.Context, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(s.identify(ctx, resp.State, resp.Identity)...)
}
