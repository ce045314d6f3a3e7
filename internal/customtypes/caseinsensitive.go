// Package customtypes holds the provider's custom attribute types.
package customtypes

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.StringTypable                    = CaseInsensitiveStringType{}
	_ basetypes.StringValuableWithSemanticEquals = CaseInsensitiveString{}
)

// CaseInsensitiveStringType is a string whose values compare without regard to case, such as SCIM user names
// (RFC 7643 §4.1.1: caseExact false) and email addresses. The configured spelling is kept in state, and a
// value that the API returns in another case is not a change.
type CaseInsensitiveStringType struct {
	basetypes.StringType
}

func (t CaseInsensitiveStringType) String() string { return "customtypes.CaseInsensitiveStringType" }

func (t CaseInsensitiveStringType) ValueType(context.Context) attr.Value {
	return CaseInsensitiveString{}
}

func (t CaseInsensitiveStringType) Equal(o attr.Type) bool {
	other, ok := o.(CaseInsensitiveStringType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t CaseInsensitiveStringType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return CaseInsensitiveString{StringValue: in}, nil
}

func (t CaseInsensitiveStringType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return CaseInsensitiveString{StringValue: s}, nil
}

// CaseInsensitiveString is a value of CaseInsensitiveStringType.
type CaseInsensitiveString struct {
	basetypes.StringValue
}

// NewCaseInsensitiveString returns a known value.
func NewCaseInsensitiveString(s string) CaseInsensitiveString {
	return CaseInsensitiveString{StringValue: basetypes.NewStringValue(s)}
}

// NewCaseInsensitiveStringNull returns a null value.
func NewCaseInsensitiveStringNull() CaseInsensitiveString {
	return CaseInsensitiveString{StringValue: basetypes.NewStringNull()}
}

func (v CaseInsensitiveString) Type(context.Context) attr.Type { return CaseInsensitiveStringType{} }

func (v CaseInsensitiveString) Equal(o attr.Value) bool {
	other, ok := o.(CaseInsensitiveString)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports values that differ only in case as equal, so the framework keeps the prior
// spelling instead of planning a change.
func (v CaseInsensitiveString) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(CaseInsensitiveString)
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("expected %T, got %T", v, newValuable))
		return false, diags
	}
	return strings.EqualFold(v.ValueString(), other.ValueString()), diags
}
