package bench

import (
	"fmt"
	"slices"
	"strings"
)

// groupPermissions are the P permissions each group gets in each space (P ≤ len).
var groupPermissions = []string{"read/space", "create/page", "create/blogpost", "create/comment", "create/attachment", "export/space"}

// Site is what the configurations name that only the emulator knows: group ids and the grants a space keeps.
type Site struct {
	// Groups maps the G labels (g01…) to the ids of the groups made for the run.
	Groups map[string]string
	// AdminAccountID is the account the provider runs as (the environment's credentials).
	AdminAccountID string
	// AdminPermissions are the permissions that account holds in every generated space before the run. The
	// exclusive table keeps all of them (read/space and administer/space among them), so that applying it adds
	// exactly the S × G × P group grants and revokes nothing, like the per-principal shape: both shapes then
	// have the same write floor. Keeping only read/space and administer/space would add one v1 delete per
	// other seeded permission and space to the apply.
	AdminPermissions []string
	// UsersGroupID is the seeded confluence-users group, which reads every generated space; the exclusive
	// table keeps that grant, for the same reason.
	UsersGroupID string
}

// Config returns the main.tf of a scenario: the provider's resources, or with floor set Terraform's own
// terraform_data in the same for_each shape and with the same values (Terraform's cost for that many
// resources).
func Config(s Scenario, site Site, floor bool) string {
	var b strings.Builder
	if !floor {
		b.WriteString("terraform {\n  required_providers {\n    confluence = { source = \"accessplane/confluence\" }\n  }\n}\n\n")
	}
	labels := make([]string, 0, len(site.Groups))
	for l := range site.Groups {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	b.WriteString("locals {\n")
	fmt.Fprintf(&b, "  spaces      = [for i in range(1, %d) : format(\"GEN%%04d\", i)]\n", s.Spaces+1)
	b.WriteString("  groups = {\n")
	for _, l := range labels {
		fmt.Fprintf(&b, "    %s = %q\n", l, site.Groups[l])
	}
	b.WriteString("  }\n")
	fmt.Fprintf(&b, "  permissions = %s\n", hclList(groupPermissions[:s.Permissions]))
	switch s.Shape {
	case PerPrincipal:
		b.WriteString("  grants = {\n" +
			"    for pair in setproduct(local.spaces, keys(local.groups)) : \"${pair[0]}/${pair[1]}\" => {\n" +
			"      space_key = pair[0]\n      group_id  = local.groups[pair[1]]\n    }\n  }\n}\n\n")
		if floor {
			b.WriteString("resource \"terraform_data\" \"grant\" {\n  for_each = local.grants\n  input = {\n" +
				"    space_key      = each.value.space_key\n    principal_type = \"group\"\n" +
				"    principal_id   = each.value.group_id\n    permissions    = local.permissions\n  }\n}\n")
		} else {
			b.WriteString("resource \"confluence_space_principal_permissions\" \"grant\" {\n  for_each       = local.grants\n" +
				"  space_key      = each.value.space_key\n  principal_type = \"group\"\n" +
				"  principal_id   = each.value.group_id\n  permissions    = local.permissions\n}\n")
		}
	case Exclusive:
		b.WriteString("  kept = {\n")
		fmt.Fprintf(&b, "    provider_account = { principal_type = \"user\", principal_id = %q, permissions = %s }\n",
			site.AdminAccountID, hclList(site.AdminPermissions))
		fmt.Fprintf(&b, "    confluence_users = { principal_type = \"group\", principal_id = %q, permissions = [\"read/space\"] }\n",
			site.UsersGroupID)
		b.WriteString("  }\n")
		b.WriteString("  group_grants = {\n    for label, id in local.groups : label => {\n" +
			"      principal_type = \"group\"\n      principal_id   = id\n      permissions    = local.permissions\n    }\n  }\n}\n\n")
		if floor {
			b.WriteString("resource \"terraform_data\" \"space\" {\n  for_each = toset(local.spaces)\n" +
				"  input = {\n    space_key = each.key\n    grants    = merge(local.kept, local.group_grants)\n  }\n}\n")
		} else {
			b.WriteString("resource \"confluence_space_permissions_exclusive\" \"space\" {\n  for_each  = toset(local.spaces)\n" +
				"  space_key = each.key\n  grants    = merge(local.kept, local.group_grants)\n}\n")
		}
	}
	return b.String()
}

func hclList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
