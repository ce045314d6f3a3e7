package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

var (
	labelTeam = confluence.Principal{Type: confluence.PrincipalGroup, ID: "g-1"}
	labelMe   = confluence.Principal{Type: confluence.PrincipalUser, ID: "557058:me"}
	labelAnon = confluence.Principal{Type: confluence.PrincipalAnonymous}
)

func classicGrant(p confluence.Principal, perms ...string) labelledGrant {
	return labelledGrant{principal: p, value: grantValue(p, stringSet(perms), types.StringNull())}
}

func roleGrant(p confluence.Principal, role string) labelledGrant {
	return labelledGrant{principal: p, role: true, value: grantValue(p, types.SetNull(types.StringType), types.StringValue(role))}
}

// labelsOf is the principal and kind under each key of a map of grants, as "key=type/id[:role]".
func labelsOf(t *testing.T, m types.Map) []string {
	t.Helper()
	var out []string
	for k, v := range m.Elements() {
		a := v.(types.Object).Attributes()
		p := confluence.Principal{Type: a["principal_type"].(types.String).ValueString(), ID: a["principal_id"].(types.String).ValueString()}
		entry := k + "=" + p.String()
		if !a["role_id"].IsNull() {
			entry += ":role"
		}
		out = append(out, entry)
	}
	slices.Sort(out)
	return out
}

func TestLabelGrants(t *testing.T) {
	prior := labelGrants(nil, nil) // empty
	if len(prior.Elements()) != 0 {
		t.Fatalf("no grants: %v", prior)
	}
	labelled := types.MapValueMust(grantObjectType, map[string]attr.Value{
		"writers":     grantValue(labelTeam, stringSet([]string{"read/space"}), types.StringNull()),
		"space_admin": grantValue(labelMe, stringSet([]string{"read/space", "administer/space"}), types.StringNull()),
	})
	cases := map[string]struct {
		prior types.Map
		found []labelledGrant
		want  []string
	}{
		"imported: default keys": {
			prior: types.MapNull(grantObjectType),
			found: []labelledGrant{classicGrant(labelTeam, "read/space"), classicGrant(labelAnon, "read/space"), roleGrant(labelMe, "r-1")},
			want:  []string{"anonymous=anonymous", "group/g-1=group/g-1", "user/557058:me=user/557058:me:role"},
		},
		"labels kept, a stranger gets its default key": {
			prior: labelled,
			found: []labelledGrant{classicGrant(labelMe, "read/space"), classicGrant(labelTeam, "read/space", "create/page"), classicGrant(labelAnon, "read/space")},
			want:  []string{"anonymous=anonymous", "space_admin=user/557058:me", "writers=group/g-1"},
		},
		"a classic grant replaced by a role by hand keeps its label": {
			prior: labelled,
			found: []labelledGrant{classicGrant(labelMe, "read/space"), roleGrant(labelTeam, "r-2")},
			want:  []string{"space_admin=user/557058:me", "writers=group/g-1:role"},
		},
		"a principal holding both kinds: the second entry is numbered": {
			prior: types.MapNull(grantObjectType),
			found: []labelledGrant{roleGrant(labelTeam, "r-2"), classicGrant(labelTeam, "read/space")},
			want:  []string{"group/g-1#2=group/g-1:role", "group/g-1=group/g-1"},
		},
		"a label that is another principal's default key is not taken over": {
			prior: types.MapValueMust(grantObjectType, map[string]attr.Value{
				"group/g-1": grantValue(labelMe, stringSet([]string{"read/space"}), types.StringNull()),
			}),
			found: []labelledGrant{classicGrant(labelMe, "read/space"), classicGrant(labelTeam, "read/space")},
			want:  []string{"group/g-1#2=group/g-1", "group/g-1=user/557058:me"},
		},
		"a prior entry whose id is unknown matches nothing": {
			prior: types.MapValueMust(grantObjectType, map[string]attr.Value{
				"newcomers": types.ObjectValueMust(grantAttrTypes, map[string]attr.Value{
					"principal_type": types.StringValue("group"), "principal_id": types.StringUnknown(),
					"permissions": stringSet([]string{"read/space"}), "role_id": types.StringNull(),
				}),
			}),
			found: []labelledGrant{classicGrant(labelTeam, "read/space")},
			want:  []string{"group/g-1=group/g-1"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := labelsOf(t, labelGrants(priorLabels(c.prior), c.found))
			if !slices.Equal(got, c.want) {
				t.Errorf("keys %q, want %q", got, c.want)
			}
		})
	}
}

func TestUpgradeGrantsV0(t *testing.T) {
	v0 := types.SetValueMust(grantObjectType, []attr.Value{
		grantValue(labelTeam, stringSet([]string{"read/space"}), types.StringNull()),
		grantValue(labelTeam, types.SetNull(types.StringType), types.StringValue("r-2")),
		grantValue(labelAnon, stringSet([]string{"read/space"}), types.StringNull()),
	})
	got, err := upgradeGrantsV0(context.Background(), v0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"anonymous=anonymous", "group/g-1#2=group/g-1:role", "group/g-1=group/g-1"}; !slices.Equal(labelsOf(t, got), want) {
		t.Errorf("keys %q, want %q", labelsOf(t, got), want)
	}
	if null, err := upgradeGrantsV0(context.Background(), types.SetNull(grantObjectType)); err != nil || !null.IsNull() {
		t.Errorf("null grants upgrade to %v, %v; want null", null, err)
	}
}
