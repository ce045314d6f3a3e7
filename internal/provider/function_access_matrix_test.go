package provider_test

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/provider"
)

// grantType is the object type of one grant of confluence_space_permissions_exclusive.
var grantType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"principal_type": types.StringType,
	"principal_id":   types.StringType,
	"permissions":    types.SetType{ElemType: types.StringType},
	"role_id":        types.StringType,
}}

// optString is s, or null when s is empty.
func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// strSet is a set of strings.
func strSet(values ...string) types.Set {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// grantValue is a grant as the resource holds it: every attribute present, null when not given.
func grantValue(typ, id, role string, perms ...string) attr.Value {
	p := types.SetNull(types.StringType)
	if perms != nil {
		p = strSet(perms...)
	}
	return types.ObjectValueMust(grantType.AttrTypes, map[string]attr.Value{
		"principal_type": optString(typ), "principal_id": optString(id), "permissions": p, "role_id": optString(role),
	})
}

// object is an object of exactly attrs, as an HCL object literal makes one (attributes may be left out).
func object(attrs map[string]attr.Value) types.Object {
	ctx := context.Background()
	typs := make(map[string]attr.Type, len(attrs))
	for k, v := range attrs {
		typs[k] = v.Type(ctx)
	}
	return types.ObjectValueMust(typs, attrs)
}

// tuple is a tuple of elems, as an HCL list literal of differently shaped objects makes one.
func tuple(elems ...attr.Value) types.Tuple {
	ctx := context.Background()
	typs := make([]attr.Type, len(elems))
	for i, e := range elems {
		typs[i] = e.Type(ctx)
	}
	return types.TupleValueMust(typs, elems)
}

func dyn(v attr.Value) types.Dynamic { return types.DynamicValue(v) }

// matrix joins table lines, each ending with a newline.
func matrix(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// Ids of the unit tests' grants.
const (
	mxAccount   = "557058:0a1b2c3d"
	mxTeam      = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	mxOps       = "0c2e4a6b-1d3f-4e5a-8b7c-9d0e1f2a3b4c"
	mxAdminRole = "role-admin"
	mxViewRole  = "role-viewer"
)

// classicTable is the matrix of classicGrants.
var classicTable = matrix(
	"| principal | read/space | administer/space | create/page | export/space |",
	"| --- | :-: | :-: | :-: | :-: |",
	"| anonymous | ✓ |  |  |  |",
	"| group/"+mxTeam+" | ✓ |  | ✓ | ✓ |",
	"| user/"+mxAccount+" | ✓ | ✓ |  |  |",
)

func classicGrants() []attr.Value {
	return []attr.Value{
		grantValue("user", mxAccount, "", "read/space", "administer/space"),
		grantValue("group", mxTeam, "", "read/space", "create/page", "export/space"),
		grantValue("anonymous", "", "", "read/space"),
	}
}

func TestFunctionAccessMatrix_run(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		grants attr.Value
		want   string
	}{
		"set, as the resource's grants": {
			grants: types.SetValueMust(grantType, classicGrants()),
			want:   classicTable,
		},
		"list": {
			grants: types.ListValueMust(grantType, classicGrants()),
			want:   classicTable,
		},
		"tuple of objects leaving attributes out": {
			grants: tuple(
				object(map[string]attr.Value{"principal_type": types.StringValue("anonymous"), "permissions": tuple(types.StringValue("read/space"))}),
				object(map[string]attr.Value{
					"principal_type": types.StringValue("group"), "principal_id": types.StringValue(mxTeam),
					"permissions": types.ListValueMust(types.StringType, []attr.Value{types.StringValue("create/page"), types.StringValue("read/space")}),
				}),
				object(map[string]attr.Value{
					"principal_type": types.StringValue("user"), "principal_id": types.StringValue(mxAccount),
					"permissions": strSet("read/space", "administer/space"), "role_id": dyn(types.StringNull()),
				}),
				object(map[string]attr.Value{
					"principal_type": types.StringValue("group"), "principal_id": types.StringValue(mxTeam),
					"permissions": types.DynamicNull(), "extra": types.BoolValue(true), // ignored
					"role_id": dyn(types.StringNull()),
				}),
				object(map[string]attr.Value{"principal_type": types.StringValue("group"), "principal_id": types.StringValue(mxTeam), "permissions": strSet("export/space")}),
			),
			want: classicTable, // the team's three entries make one row
		},
		"roles add a role column": {
			grants: types.SetValueMust(grantType, []attr.Value{
				grantValue("user", mxAccount, mxAdminRole),
				grantValue("access_class", "authenticated-users", mxViewRole),
				grantValue("group", mxTeam, "", "read/space", "create/page"),
			}),
			want: matrix(
				"| principal | read/space | create/page | role |",
				"| --- | :-: | :-: | --- |",
				"| access_class/authenticated-users |  |  | "+mxViewRole+" |",
				"| group/"+mxTeam+" | ✓ | ✓ |  |",
				"| user/"+mxAccount+" |  |  | "+mxAdminRole+" |",
			),
		},
		"map keyed by label": {
			grants: types.MapValueMust(grantType, map[string]attr.Value{
				"lead":     grantValue("user", mxAccount, "", "read/space", "administer/space"),
				"everyone": grantValue("anonymous", "", "", "read/space"),
				"ops team": grantValue("group", mxOps, "", "read/space", "create/page"),
			}),
			want: matrix(
				"| principal | read/space | administer/space | create/page |",
				"| --- | :-: | :-: | :-: |",
				"| everyone | ✓ |  |  |",
				"| lead | ✓ | ✓ |  |",
				"| ops team | ✓ |  | ✓ |",
			),
		},
		"object keyed by label, as a for expression makes one": {
			grants: object(map[string]attr.Value{
				"writers": object(map[string]attr.Value{"principal_type": types.StringValue("group"), "principal_id": types.StringValue(mxTeam), "permissions": tuple(types.StringValue("read/space"), types.StringValue("create/page"))}),
				"admins":  object(map[string]attr.Value{"principal_type": types.StringValue("user"), "principal_id": types.StringValue(mxAccount), "role_id": types.StringValue(mxAdminRole)}),
			}),
			want: matrix(
				"| principal | read/space | create/page | role |",
				"| --- | :-: | :-: | --- |",
				"| admins |  |  | "+mxAdminRole+" |",
				"| writers | ✓ | ✓ |  |",
			),
		},
		"permissions sorted with read/space first": {
			grants: types.ListValueMust(grantType, []attr.Value{
				grantValue("group", mxTeam, "", "update/page", "administer/space", "read/space", "create/attachment"),
			}),
			want: matrix(
				"| principal | read/space | administer/space | create/attachment | update/page |",
				"| --- | :-: | :-: | :-: | :-: |",
				"| group/"+mxTeam+" | ✓ | ✓ | ✓ | ✓ |",
			),
		},
		"rows sorted by type, then id": {
			grants: types.ListValueMust(grantType, []attr.Value{
				grantValue("user", "b", "", "read/space"),
				grantValue("group", "z", "", "read/space"),
				grantValue("user", "a", "", "read/space"),
				grantValue("group", "y", "", "read/space"),
			}),
			want: matrix(
				"| principal | read/space |",
				"| --- | :-: |",
				"| group/y | ✓ |",
				"| group/z | ✓ |",
				"| user/a | ✓ |",
				"| user/b | ✓ |",
			),
		},
		"pipes and line breaks in labels are escaped": {
			grants: types.MapValueMust(grantType, map[string]attr.Value{"a|b\nc": grantValue("anonymous", "", "", "read/space")}),
			want:   matrix("| principal | read/space |", "| --- | :-: |", `| a\|b c | ✓ |`),
		},
		"no grants": {
			grants: types.ListValueMust(grantType, nil),
			want:   matrix("| principal |", "| --- |"),
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := runFunction(t, provider.NewAccessMatrixFunction(), dyn(c.grants))
			if resp.Error != nil {
				t.Fatalf("access_matrix: %v", resp.Error)
			}
			got, ok := resp.Result.Value().(types.String)
			if !ok || got.IsUnknown() || got.IsNull() {
				t.Fatalf("access_matrix returned %s, not a known string", resp.Result.Value())
			}
			if got.ValueString() != c.want {
				t.Errorf("access_matrix =\n%s\nwant\n%s", got.ValueString(), c.want)
			}
		})
	}
}

func TestFunctionAccessMatrix_unknown(t *testing.T) {
	t.Parallel()
	for name, grants := range map[string]types.Dynamic{
		"unknown grants":       types.DynamicUnknown(),
		"unknown list":         dyn(types.ListUnknown(grantType)),
		"an unknown principal": dyn(types.ListValueMust(grantType, []attr.Value{grantValue("user", mxAccount, "", "read/space"), types.ObjectUnknown(grantType.AttrTypes)})),
		"an unknown id": dyn(tuple(object(map[string]attr.Value{
			"principal_type": types.StringValue("group"), "principal_id": types.StringUnknown(), "permissions": strSet("read/space"),
		}))),
		"an unknown permission": dyn(tuple(object(map[string]attr.Value{
			"principal_type": types.StringValue("group"), "principal_id": types.StringValue(mxTeam),
			"permissions": types.SetValueMust(types.StringType, []attr.Value{types.StringValue("read/space"), types.StringUnknown()}),
		}))),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := runFunction(t, provider.NewAccessMatrixFunction(), grants)
			if resp.Error != nil {
				t.Fatalf("access_matrix: %v", resp.Error)
			}
			if got := resp.Result.Value(); !got.IsUnknown() {
				t.Errorf("access_matrix = %s, want an unknown string", got)
			}
		})
	}
}

func TestFunctionAccessMatrix_errors(t *testing.T) {
	t.Parallel()
	grant := func(attrs map[string]attr.Value) attr.Value { return tuple(object(attrs)) }
	for name, c := range map[string]struct {
		grants types.Dynamic
		want   string
	}{
		"no principal_type": {
			grants: dyn(grant(map[string]attr.Value{"principal_id": types.StringValue(mxTeam), "permissions": strSet("read/space")})),
			want:   `grants[0] has no principal_type: give one of "group", "user", "anonymous", "access_class"`,
		},
		"null principal_type": {
			grants: dyn(types.SetValueMust(grantType, []attr.Value{grantValue("", mxTeam, "", "read/space")})),
			want:   `a grant in the set has no principal_type: give one of "group", "user", "anonymous", "access_class"`,
		},
		"principal_type not a string": {
			grants: dyn(grant(map[string]attr.Value{"principal_type": types.Int64Value(1)})),
			want:   `grants[0]: principal_type must be a string; got a number`,
		},
		"principal_id not a string": {
			grants: dyn(grant(map[string]attr.Value{"principal_type": types.StringValue("user"), "principal_id": types.BoolValue(true)})),
			want:   `grants[0]: principal_id must be a string; got a bool`,
		},
		"role_id not a string": {
			grants: dyn(grant(map[string]attr.Value{"principal_type": types.StringValue("user"), "principal_id": types.StringValue(mxAccount), "role_id": strSet("x")})),
			want:   `grants[0]: role_id must be a string; got a set`,
		},
		"a permission that is a number": {
			grants: dyn(grant(map[string]attr.Value{
				"principal_type": types.StringValue("anonymous"), "permissions": tuple(types.StringValue("read/space"), types.NumberValue(big.NewFloat(1))),
			})),
			want: `grants[0]: permissions must be a list or set of key/target strings, such as "read/space"; one is a number`,
		},
		"a permission that is a bool": {
			grants: dyn(grant(map[string]attr.Value{
				"principal_type": types.StringValue("anonymous"), "permissions": tuple(types.StringValue("read/space"), types.BoolValue(false)),
			})),
			want: `grants[0]: permissions must be a list or set of key/target strings, such as "read/space"; one is a bool`,
		},
		"a null permission": {
			grants: dyn(grant(map[string]attr.Value{
				"principal_type": types.StringValue("anonymous"), "permissions": types.SetValueMust(types.StringType, []attr.Value{types.StringNull()}),
			})),
			want: `grants[0]: permissions must be a list or set of key/target strings, such as "read/space"; one is null`,
		},
		"permissions a string": {
			grants: dyn(grant(map[string]attr.Value{"principal_type": types.StringValue("anonymous"), "permissions": types.StringValue("read/space")})),
			want:   `grants[0]: permissions must be a list or set of key/target strings; got a string`,
		},
		"permissions a map": {
			grants: dyn(types.MapValueMust(types.ObjectType{AttrTypes: map[string]attr.Type{
				"principal_type": types.StringType, "permissions": types.MapType{ElemType: types.BoolType},
			}}, map[string]attr.Value{"x": object(map[string]attr.Value{
				"principal_type": types.StringValue("anonymous"),
				"permissions":    types.MapValueMust(types.BoolType, map[string]attr.Value{"read/space": types.BoolValue(true)}),
			})})),
			want: `grants["x"]: permissions must be a list or set of key/target strings; got a map`,
		},
		"a grant that is a string": {
			grants: dyn(tuple(grantValue("anonymous", "", "", "read/space"), types.StringValue("group/x"))),
			want:   `grants[1] must be an object with principal_type, principal_id, permissions and role_id; got a string`,
		},
		"a null grant": {
			grants: dyn(types.ListValueMust(grantType, []attr.Value{types.ObjectNull(grantType.AttrTypes)})),
			want:   `grants[0] must be an object with principal_type, principal_id, permissions and role_id; got null`,
		},
		"a group without an id": {
			grants: dyn(types.ListValueMust(grantType, []attr.Value{grantValue("group", "", "", "read/space")})),
			want:   `grants[0] has principal_type "group" but no principal_id; only anonymous has no id`,
		},
		"grants a string": {
			grants: dyn(types.StringValue("ENG")),
			want:   `grants must be a list, set, tuple or map of grant objects, such as the grants of a confluence_space_permissions_exclusive; got a string`,
		},
		"grants a single grant": {
			grants: dyn(grantValue("anonymous", "", "", "read/space")),
			want:   `grants is a single grant: pass a list of grants, such as [ { principal_type = ... } ]`,
		},
		"null grants": {
			grants: types.DynamicNull(),
			want:   `grants must not be null: pass a list, set, tuple or map of grant objects`,
		},
		"a null list of grants": {
			grants: dyn(types.ListNull(grantType)),
			want:   `grants must not be null: pass a list, set, tuple or map of grant objects`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := runFunction(t, provider.NewAccessMatrixFunction(), c.grants)
			if resp.Error == nil {
				t.Fatalf("access_matrix: no error; result %s", resp.Result.Value())
			}
			if resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 0 {
				t.Errorf("the error names no argument (want grants, position 0): %v", resp.Error)
			}
			if resp.Error.Text != c.want {
				t.Errorf("error %q, want %q", resp.Error.Text, c.want)
			}
		})
	}
}

// accessMatrixOutput is an output holding access_matrix(grants).
func accessMatrixOutput(name, grants string) string {
	return fmt.Sprintf("output %q {\n  value = provider::confluence::access_matrix(%s)\n}\n", name, grants)
}

// The function in configurations: a list literal mixing shapes, a map literal, and an element without
// principal_type as an error naming the argument.
func TestAccFunctionAccessMatrix_outputs(t *testing.T) {
	t.Parallel()
	config := accessMatrixOutput("list", `[
    { principal_type = "user", principal_id = "`+mxAccount+`", permissions = ["read/space", "administer/space"] },
    { principal_type = "group", principal_id = "`+mxTeam+`", permissions = toset(["read/space", "create/page", "export/space"]) },
    { principal_type = "anonymous", permissions = provider::confluence::permission_preset("viewer"), role_id = null },
  ]`) + accessMatrixOutput("keyed", `{
    lead   = { principal_type = "user", principal_id = "`+mxAccount+`", role_id = "`+mxAdminRole+`" }
    public = { principal_type = "anonymous", permissions = ["read/space"] }
  }`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("list", knownvalue.StringExact(classicTable)),
					statecheck.ExpectKnownOutputValue("keyed", knownvalue.StringExact(matrix(
						"| principal | read/space | role |",
						"| --- | :-: | --- |",
						"| lead |  | "+mxAdminRole+" |",
						"| public | ✓ |  |",
					))),
				},
			},
			{
				Config:      accessMatrixOutput("bad", `[{ principal_id = "`+mxTeam+`", permissions = ["read/space"] }]`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "grants" parameter:.*grants\[0\] has no principal_type`),
			},
			{
				Config:      accessMatrixOutput("bad", `[{ principal_type = "anonymous", permissions = ["read/space", ["create/page"]] }]`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "grants" parameter:.*grants\[0\]: permissions must be a list\s+or\s+set\s+of\s+key/target\s+strings.*one\s+is\s+a\s+list\.\n`),
			},
		},
	})
}

// The grants of a real confluence_space_permissions_exclusive, which keeps the provider's account as the space's
// administrator, render as the table of what the space holds; the plan after is empty.
func TestAccFunctionAccessMatrix_exclusiveGrants(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	me := env.Creds.AdminAccountID
	team := env.NewGroup(t, "eng-team")
	config := spaceExclusiveConfig(env, "ENG", "",
		grant{typ: "user", id: me, perms: []string{"read/space", "administer/space"}},
		grant{typ: "group", id: team, perms: []string{"read/space", "create/page", "create/comment"}},
		grant{typ: "anonymous", perms: []string{"read/space"}},
	) + accessMatrixOutput("matrix", exclusiveAddr+".grants")
	want := matrix(
		"| principal | read/space | administer/space | create/comment | create/page |",
		"| --- | :-: | :-: | :-: | :-: |",
		"| anonymous | ✓ |  |  |  |",
		"| group/"+team+" | ✓ |  | ✓ | ✓ |",
		"| user/"+me+" | ✓ | ✓ |  |  |",
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownOutputValue("matrix", knownvalue.StringExact(want)), // the grants are known at plan time
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("matrix", knownvalue.StringExact(want)),
					expectTable(t, env, "ENG", "user/"+me+": administer/space,read/space",
						"group/"+team+": create/comment,create/page,read/space", "anonymous: read/space"),
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Grants that are not known until apply make an unknown table in the plan, and the table once applied.
func TestAccFunctionAccessMatrix_unknownUntilApply(t *testing.T) {
	t.Parallel()
	config := `resource "terraform_data" "group" {}

` + accessMatrixOutput("matrix", `[
    { principal_type = "anonymous", permissions = ["read/space"] },
    { principal_type = "group", principal_id = terraform_data.group.id, permissions = ["read/space", "create/page"] },
  ]`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownOutputValue("matrix")}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("matrix", knownvalue.StringRegexp(regexp.MustCompile(
					`^\| principal \| read/space \| create/page \|\n\| --- \| :-: \| :-: \|\n\| anonymous \| ✓ \|  \|\n\| group/[0-9a-f-]{36} \| ✓ \| ✓ \|\n$`))),
			},
		}},
	})
}
