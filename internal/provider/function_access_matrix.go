package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

var _ function.Function = &accessMatrixFunction{}

// NewAccessMatrixFunction is the constructor of provider::confluence::access_matrix.
func NewAccessMatrixFunction() function.Function {
	return &accessMatrixFunction{}
}

type accessMatrixFunction struct{}

// Matrix cells.
const (
	matrixHeld      = "✓"
	matrixPrincipal = "principal"
	matrixRole      = "role"
)

func (f *accessMatrixFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "access_matrix"
}

func (f *accessMatrixFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "A Markdown table of who holds which space permissions",
		MarkdownDescription: "Renders grants as a Markdown table with one row per principal and one column per classic " +
			"permission, for outputs and pull-request comments. A cell holds `" + matrixHeld + "` when the principal " +
			"holds the permission and is empty otherwise; a `role` column, holding the space role id, is added when " +
			"any grant names a role.\n\n" +
			"Rows are sorted by principal type, then id, and read `group/<id>`, `user/<account id>`, " +
			"`access_class/<class>` or `anonymous`; when `grants` is a map (or an object) of grants, the keys label and " +
			"order the rows instead. Columns are sorted with `read/space` first. The table ends with a newline.\n\n" +
			"While any part of `grants` is unknown (during a plan that creates what it refers to), the result is unknown.\n\n" +
			"Requires Terraform 1.8 or later, or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "grants",
				MarkdownDescription: "The grants, such as the `grants` of a `confluence_space_permissions_exclusive`: a list, " +
					"set, tuple or map of objects with `principal_type` (required), `principal_id` (omitted or null for " +
					"`anonymous`), `permissions` (a list or set of `key/target` strings, optional) and `role_id` " +
					"(optional). Other attributes are ignored.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *accessMatrixFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var grants types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &grants)
	if resp.Error != nil {
		return
	}
	// Terraform does not call a function with an unknown argument unless the parameter allows it; this
	// keeps the function correct when called some other way.
	if !whollyKnown(grants) {
		resp.Error = resp.Result.Set(ctx, types.StringUnknown())
		return
	}
	rows, problem := matrixRows(grants)
	if problem != "" {
		resp.Error = function.NewArgumentFuncError(0, problem)
		return
	}
	resp.Error = resp.Result.Set(ctx, types.StringValue(renderMatrix(rows)))
}

// matrixRow is one principal's row.
type matrixRow struct {
	// sortKey orders the rows: principal type and id, or the map key.
	sortKey [2]string
	label   string
	perms   []string
	roles   []string
}

// matrixRows walks the grants argument into one row per principal (or map key), sorted. problem is a
// sentence for the function error when the argument is not a collection of grants.
func matrixRows(grants attr.Value) ([]*matrixRow, string) {
	type element struct {
		where, key string // key is the map key, when keyed
		keyed      bool
		value      attr.Value
	}
	var elems []element
	if v := underlying(grants); v == nil || v.IsNull() {
		return nil, "grants must not be null: pass a list, set, tuple or map of grant objects"
	}
	switch v := underlying(grants).(type) {
	case basetypes.ListValue:
		for i, e := range v.Elements() {
			elems = append(elems, element{where: fmt.Sprintf("grants[%d]", i), value: e})
		}
	case basetypes.TupleValue:
		for i, e := range v.Elements() {
			elems = append(elems, element{where: fmt.Sprintf("grants[%d]", i), value: e})
		}
	case basetypes.SetValue:
		for _, e := range v.Elements() {
			elems = append(elems, element{where: "a grant in the set", value: e})
		}
	case basetypes.MapValue:
		for k, e := range v.Elements() {
			elems = append(elems, element{where: fmt.Sprintf("grants[%q]", k), key: k, keyed: true, value: e})
		}
	case basetypes.ObjectValue:
		attrs := v.Attributes()
		if t, ok := underlying(attrs["principal_type"]).(basetypes.StringValue); ok && !t.IsNull() {
			return nil, "grants is a single grant: pass a list of grants, such as [ { principal_type = ... } ]"
		}
		for k, e := range attrs {
			elems = append(elems, element{where: fmt.Sprintf("grants[%q]", k), key: k, keyed: true, value: e})
		}
	default:
		return nil, "grants must be a list, set, tuple or map of grant objects, such as the grants of a " +
			"confluence_space_permissions_exclusive; got " + describeValue(grants)
	}

	byLabel := map[string]*matrixRow{}
	for _, e := range elems {
		g, problem := parseMatrixGrant(e.where, e.value)
		if problem != "" {
			return nil, problem
		}
		row := &matrixRow{sortKey: [2]string{e.key}, label: e.key}
		if !e.keyed {
			if g.principal.Type != confluence.PrincipalAnonymous && g.principal.ID == "" {
				return nil, fmt.Sprintf("%s has principal_type %q but no principal_id; only anonymous has no id", e.where, g.principal.Type)
			}
			row = &matrixRow{sortKey: [2]string{g.principal.Type, g.principal.ID}, label: g.principal.String()}
		}
		if known, ok := byLabel[row.label]; ok {
			row = known // the same principal twice: one row holding both
		} else {
			byLabel[row.label] = row
		}
		row.perms = append(row.perms, g.perms...)
		if g.roleID != "" && !slices.Contains(row.roles, g.roleID) {
			row.roles = append(row.roles, g.roleID)
		}
	}

	rows := make([]*matrixRow, 0, len(byLabel))
	for _, r := range byLabel {
		slices.Sort(r.roles)
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b *matrixRow) int {
		if c := strings.Compare(a.sortKey[0], b.sortKey[0]); c != 0 {
			return c
		}
		return strings.Compare(a.sortKey[1], b.sortKey[1])
	})
	return rows, ""
}

// matrixGrant is one grant object of the argument.
type matrixGrant struct {
	principal confluence.Principal
	perms     []string
	roleID    string
}

// parseMatrixGrant reads one grant object; where names it in problems.
func parseMatrixGrant(where string, v attr.Value) (matrixGrant, string) {
	var attrs map[string]attr.Value
	switch o := underlying(v).(type) {
	case basetypes.ObjectValue:
		attrs = o.Attributes()
	case basetypes.MapValue:
		attrs = o.Elements()
	}
	if attrs == nil || v.IsNull() || underlying(v).IsNull() {
		return matrixGrant{}, fmt.Sprintf("%s must be an object with principal_type, principal_id, permissions and role_id; got %s",
			where, describeValue(v))
	}
	var g matrixGrant
	typ, ok := optionalString(attrs["principal_type"])
	switch {
	case !ok:
		return g, fmt.Sprintf("%s: principal_type must be a string; got %s", where, describeValue(attrs["principal_type"]))
	case typ == "":
		return g, fmt.Sprintf("%s has no principal_type: give one of %s", where, strings.Join(quoteAll(grantPrincipalTypes), ", "))
	}
	id, ok := optionalString(attrs["principal_id"])
	if !ok {
		return g, fmt.Sprintf("%s: principal_id must be a string; got %s", where, describeValue(attrs["principal_id"]))
	}
	g.principal = confluence.Principal{Type: typ, ID: id}
	if typ == confluence.PrincipalAnonymous {
		g.principal.ID = ""
	}
	if g.roleID, ok = optionalString(attrs["role_id"]); !ok {
		return g, fmt.Sprintf("%s: role_id must be a string; got %s", where, describeValue(attrs["role_id"]))
	}

	var perms []attr.Value
	switch p := underlying(attrs["permissions"]).(type) {
	case nil:
	case basetypes.SetValue:
		perms = p.Elements()
	case basetypes.ListValue:
		perms = p.Elements()
	case basetypes.TupleValue:
		perms = p.Elements()
	default:
		if !p.IsNull() {
			return g, fmt.Sprintf("%s: permissions must be a list or set of key/target strings; got %s", where, describeValue(p))
		}
	}
	for _, e := range perms {
		s, ok := underlying(e).(basetypes.StringValue)
		if !ok || s.IsNull() {
			return g, fmt.Sprintf("%s: permissions must be a list or set of key/target strings, such as \"read/space\"; one is %s",
				where, describeValue(e))
		}
		g.perms = append(g.perms, s.ValueString())
	}
	return g, ""
}

// optionalString reads an optional string attribute: "" when absent or null; ok is false when it is not a string.
func optionalString(v attr.Value) (string, bool) {
	switch s := underlying(v).(type) {
	case nil:
		return "", true
	case basetypes.StringValue:
		return s.ValueString(), true
	default:
		return "", s.IsNull()
	}
}

// renderMatrix renders the rows as a Markdown table: principal, then one column per permission, then role when
// any row has one.
func renderMatrix(rows []*matrixRow) string {
	var all []string
	withRole := false
	for _, r := range rows {
		all = append(all, r.perms...)
		withRole = withRole || len(r.roles) > 0
	}
	columns := sortPermissions(all)

	header, rule := []string{matrixPrincipal}, []string{"---"}
	for _, c := range columns {
		header, rule = append(header, markdownCell(c)), append(rule, ":-:")
	}
	if withRole {
		header, rule = append(header, matrixRole), append(rule, "---")
	}
	var b strings.Builder
	writeMarkdownRow(&b, header)
	writeMarkdownRow(&b, rule)
	for _, r := range rows {
		cells := []string{markdownCell(r.label)}
		for _, c := range columns {
			cell := ""
			if slices.Contains(r.perms, c) {
				cell = matrixHeld
			}
			cells = append(cells, cell)
		}
		if withRole {
			cells = append(cells, markdownCell(strings.Join(r.roles, ", ")))
		}
		writeMarkdownRow(&b, cells)
	}
	return b.String()
}

func writeMarkdownRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + c + " |")
	}
	b.WriteString("\n")
}

// markdownCell escapes what would break a table cell: pipes and line breaks.
func markdownCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// underlying is a dynamic value's value (nil for a missing attribute); other values are returned as they are.
func underlying(v attr.Value) attr.Value {
	for {
		d, ok := v.(basetypes.DynamicValue)
		if !ok {
			return v
		}
		if d.IsNull() || d.IsUnknown() {
			return d
		}
		v = d.UnderlyingValue()
	}
}

// whollyKnown reports whether v and everything inside it is known.
func whollyKnown(v attr.Value) bool {
	v = underlying(v)
	if v == nil {
		return true
	}
	if v.IsUnknown() {
		return false
	}
	var inner []attr.Value
	switch c := v.(type) {
	case basetypes.ListValue:
		inner = c.Elements()
	case basetypes.SetValue:
		inner = c.Elements()
	case basetypes.TupleValue:
		inner = c.Elements()
	case basetypes.MapValue:
		for _, e := range c.Elements() {
			inner = append(inner, e)
		}
	case basetypes.ObjectValue:
		for _, e := range c.Attributes() {
			inner = append(inner, e)
		}
	}
	for _, e := range inner {
		if !whollyKnown(e) {
			return false
		}
	}
	return true
}

// describeValue names what kind of value v is, for problems: "a string", "a number", "null", ….
func describeValue(v attr.Value) string {
	switch u := underlying(v).(type) {
	case nil:
		return "nothing"
	case basetypes.DynamicValue:
		return "null"
	default:
		if u.IsNull() {
			return "null"
		}
		switch u.(type) {
		case basetypes.StringValue:
			return "a string"
		case basetypes.NumberValue, basetypes.Int64Value, basetypes.Int32Value, basetypes.Float64Value, basetypes.Float32Value:
			return "a number"
		case basetypes.BoolValue:
			return "a bool"
		case basetypes.ListValue, basetypes.TupleValue:
			return "a list"
		case basetypes.SetValue:
			return "a set"
		case basetypes.MapValue:
			return "a map"
		case basetypes.ObjectValue:
			return "an object"
		}
		return u.String()
	}
}
