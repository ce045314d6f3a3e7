package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

// The grants of confluence_space_permissions_exclusive are a map keyed by labels the user chooses. A label is
// the entry's name in plans, so a change to one principal renders as one in-place change under its label, and an
// unknown principal id (a group created in the same apply) leaves every other entry known. The API knows no
// labels: reading the space finds principals, and this file gives each the label it had before.

// grantObjectType is the type of one grant in the map.
var grantObjectType = types.ObjectType{AttrTypes: grantAttrTypes}

// grantValue is one grant: classic permissions, or a role.
func grantValue(p confluence.Principal, permissions types.Set, roleID types.String) attr.Value {
	id := types.StringValue(p.ID)
	if p.Type == confluence.PrincipalAnonymous {
		id = types.StringNull()
	}
	return types.ObjectValueMust(grantAttrTypes, map[string]attr.Value{
		"principal_type": types.StringValue(p.Type),
		"principal_id":   id,
		"permissions":    permissions,
		"role_id":        roleID,
	})
}

// labelledGrant is a grant found in the space, waiting for its label.
type labelledGrant struct {
	principal confluence.Principal
	role      bool // a role assignment, not classic permissions
	value     attr.Value
}

// grantKind is a principal and whether its entry holds a role: a principal may hold both a role and classic
// permissions in a space whose site moves to roles, and then has two entries.
type grantKind struct {
	principal confluence.Principal
	role      bool
}

// defaultGrantKey is the key of a principal found in the space without a label: "group/<id>", "user/<id>",
// "access_class/<class>" or "anonymous". Import and -generate-config-out write the same keys.
func defaultGrantKey(p confluence.Principal) string { return p.String() }

// priorLabels reads the labels of a known map of grants by principal and kind. Entries whose principal is not
// known are skipped: nothing found in the space can match them.
func priorLabels(prior types.Map) map[grantKind]string {
	out := map[grantKind]string{}
	if prior.IsNull() || prior.IsUnknown() {
		return out
	}
	for _, label := range slices.Sorted(maps.Keys(prior.Elements())) {
		obj, ok := prior.Elements()[label].(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		a := obj.Attributes()
		typ, _ := a["principal_type"].(types.String)
		id, _ := a["principal_id"].(types.String)
		role, _ := a["role_id"].(types.String)
		if typ.IsUnknown() || id.IsUnknown() {
			continue
		}
		p := confluence.Principal{Type: typ.ValueString(), ID: id.ValueString()}
		if p.Type == confluence.PrincipalAnonymous {
			p.ID = ""
		}
		k := grantKind{principal: p, role: !role.IsNull()}
		if _, taken := out[k]; !taken {
			out[k] = label
		}
	}
	return out
}

// labelGrants keys what was found in the space: first by the label its principal and kind had, then by a label
// its principal had for the other kind (a classic grant replaced by a role by hand keeps its name), then by its
// default key, made unique with "#2", "#3" when taken.
func labelGrants(labels map[grantKind]string, found []labelledGrant) types.Map {
	// A stable order makes the fallback keys the same on every read.
	slices.SortFunc(found, func(a, b labelledGrant) int {
		if c := strings.Compare(a.principal.String(), b.principal.String()); c != 0 {
			return c
		}
		if a.role == b.role {
			return 0
		}
		if a.role {
			return 1
		}
		return -1
	})
	out := map[string]attr.Value{}
	placed := make([]bool, len(found))
	for i, g := range found { // the same principal and kind
		if label, ok := labels[grantKind{g.principal, g.role}]; ok {
			out[label] = g.value
			placed[i] = true
		}
	}
	for i, g := range found { // the same principal, the other kind
		if placed[i] {
			continue
		}
		if label, ok := labels[grantKind{g.principal, !g.role}]; ok && out[label] == nil {
			out[label] = g.value
			placed[i] = true
		}
	}
	for i, g := range found {
		if placed[i] {
			continue
		}
		key := defaultGrantKey(g.principal)
		for n := 2; out[key] != nil; n++ {
			key = fmt.Sprintf("%s#%d", defaultGrantKey(g.principal), n)
		}
		out[key] = g.value
	}
	return types.MapValueMust(grantObjectType, out)
}

// upgradeGrantsV0 turns the set of grants of schema version 0 into the map of version 1, keyed by default keys.
func upgradeGrantsV0(ctx context.Context, v0 types.Set) (types.Map, error) {
	if v0.IsNull() {
		return types.MapNull(grantObjectType), nil
	}
	var list []grantModel
	if d := v0.ElementsAs(ctx, &list, false); d.HasError() {
		return types.Map{}, fmt.Errorf("reading the grants of schema version 0: %s", d.Errors()[0].Detail())
	}
	found := make([]labelledGrant, 0, len(list))
	for _, g := range list {
		p := grantPrincipal(g)
		found = append(found, labelledGrant{principal: p, role: !g.RoleID.IsNull(), value: grantValue(p, g.Permissions, g.RoleID)})
	}
	return labelGrants(nil, found), nil
}

// spacePermissionsExclusiveModelV0 is the state of schema version 0, whose grants were a set.
type spacePermissionsExclusiveModelV0 struct {
	ID               types.String `tfsdk:"id"`
	SpaceKey         types.String `tfsdk:"space_key"`
	SpaceID          types.String `tfsdk:"space_id"`
	Grants           types.Set    `tfsdk:"grants"`
	AllowSelfLockout types.Bool   `tfsdk:"allow_self_lockout"`
	PolicyExemption  types.String `tfsdk:"policy_exemption"`
}

// UpgradeState moves state of version 0 (grants as a set) to version 1 (grants keyed by label). Version 0
// had no labels, so every entry gets its default key; a configuration that names its labels then plans one
// in-place update that renames keys and writes nothing to the space.
func (r *spacePermissionsExclusiveResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	v0 := schema.Schema{Attributes: map[string]schema.Attribute{
		"id":                 schema.StringAttribute{Computed: true},
		"space_key":          schema.StringAttribute{Required: true},
		"space_id":           schema.StringAttribute{Computed: true},
		"allow_self_lockout": schema.BoolAttribute{Optional: true, Computed: true},
		"policy_exemption":   schema.StringAttribute{Optional: true},
		"grants": schema.SetNestedAttribute{Required: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"principal_type": schema.StringAttribute{Required: true},
			"principal_id":   schema.StringAttribute{Optional: true},
			"permissions":    schema.SetAttribute{ElementType: types.StringType, Optional: true},
			"role_id":        schema.StringAttribute{Optional: true},
		}}},
	}}
	return map[int64]resource.StateUpgrader{0: {
		PriorSchema: &v0,
		StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
			var old spacePermissionsExclusiveModelV0
			if resp.Diagnostics.Append(req.State.Get(ctx, &old)...); resp.Diagnostics.HasError() {
				return
			}
			grants, err := upgradeGrantsV0(ctx, old.Grants)
			if err != nil {
				resp.Diagnostics.AddError("Could not upgrade the state of confluence_space_permissions_exclusive", err.Error())
				return
			}
			resp.Diagnostics.Append(resp.State.Set(ctx, spacePermissionsExclusiveModel{
				ID: old.ID, SpaceKey: old.SpaceKey, SpaceID: old.SpaceID, Grants: grants,
				AllowSelfLockout: old.AllowSelfLockout, PolicyExemption: old.PolicyExemption,
			})...)
		},
	}}
}
