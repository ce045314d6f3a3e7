package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/parallel"
)

// Plans show principals by id. A warning beside each change names them, so that a reviewer reads who gains or
// loses what. A group is named from Confluence's record of it (GET /wiki/rest/api/group/by-id), which the run
// already keeps for the check that a granted group exists: a run names each group once, however many spaces it
// appears in, and needs no Organizations API for it. Users are named by name and email from one batched
// Organizations API search (ten ids a request). Without the Organizations API, or when a lookup fails, the ids
// stand: a name is a courtesy and never fails a plan.

// principalNames names principals for plan warnings: "group eng-writers", "user Jane Doe <jane@example.com>",
// "anonymous", "access class authenticated-users"; a principal it cannot name keeps its type/id.
func (d *providerData) principalNames(ctx context.Context, principals []confluence.Principal) map[confluence.Principal]string {
	out := make(map[confluence.Principal]string, len(principals))
	var groups, users []string
	for _, p := range principals {
		switch p.Type {
		case confluence.PrincipalAnonymous:
			out[p] = "anonymous"
		case confluence.PrincipalAccessClass:
			out[p] = "access class " + p.ID
		case confluence.PrincipalGroup:
			groups = append(groups, p.ID)
			out[p] = p.String()
		default:
			users = append(users, p.ID)
			out[p] = p.String()
		}
	}
	if len(groups) > 0 {
		d.nameGroups(ctx, groups, out)
	}
	if len(users) == 0 {
		return out
	}
	api, diags := d.Admin(ctx)
	if diags.HasError() {
		return out
	}
	for batch := range slices.Chunk(users, admin.MaxSearchIDs) {
		found, err := api.SearchUsers(ctx, admin.AllDirectories, admin.UserSearch{AccountIDs: batch})
		if err != nil {
			break
		}
		for _, u := range found {
			name := strings.TrimSpace(u.Name + " <" + u.Email + ">")
			if u.Email == "" {
				name = u.Name
			}
			if name != "" {
				out[confluence.Principal{Type: confluence.PrincipalUser, ID: u.AccountID}] = "user " + name
			}
		}
	}
	return out
}

// nameGroups names groups from the run's reads of Confluence groups, reading those not read yet side by side.
func (d *providerData) nameGroups(ctx context.Context, ids []string, out map[confluence.Principal]string) {
	client, diags := d.Confluence(ctx)
	if diags.HasError() {
		return
	}
	var mu sync.Mutex
	_ = parallel.ForEach(ctx, nameReads, ids, func(ctx context.Context, id string) error {
		g, err := client.GroupByID(ctx, id)
		if err == nil && g.Name != "" {
			mu.Lock()
			out[confluence.Principal{Type: confluence.PrincipalGroup, ID: id}] = "group " + g.Name
			mu.Unlock()
		}
		return nil
	})
}

// nameReads is how many group reads one warning makes at a time.
const nameReads = 4

// accessDelta is what one principal gains and loses in a space.
type accessDelta struct {
	principal     confluence.Principal
	gains, losses []string // classic permissions
	roleBefore    string   // role names (or ids), "" for none
	roleAfter     string
	all           bool // loses all access
}

// classicDeltas lists, per principal whose permissions change, what it gains and loses from before to after.
// Principals missing from after keep what they hold unless exhaustive.
func classicDeltas(before, after map[confluence.Principal][]string, exhaustive bool) []accessDelta {
	var out []accessDelta
	seen := map[confluence.Principal]bool{}
	for p, want := range after {
		seen[p] = true
		gains, losses := diff(before[p], want)
		if len(gains)+len(losses) > 0 {
			out = append(out, accessDelta{principal: p, gains: gains, losses: losses, all: len(want) == 0 && len(before[p]) > 0})
		}
	}
	if exhaustive {
		for p, had := range before {
			if !seen[p] && len(had) > 0 {
				out = append(out, accessDelta{principal: p, losses: slices.Sorted(slices.Values(had)), all: true})
			}
		}
	}
	return out
}

// roleDeltas lists the principals whose role changes from the assignments to want (a whole table: a principal
// missing from want loses its role), with role names.
func roleDeltas(assignments []access.Assignment, want map[confluence.Principal]string, names map[string]string) []accessDelta {
	var out []accessDelta
	had := map[confluence.Principal]string{}
	for _, a := range assignments {
		had[a.Principal] = a.RoleID
	}
	for p, role := range want {
		if had[p] != role {
			out = append(out, accessDelta{principal: p, roleBefore: nameOr(names, had[p]), roleAfter: nameOr(names, role)})
		}
	}
	for p, role := range had {
		if _, kept := want[p]; !kept {
			out = append(out, accessDelta{principal: p, roleBefore: nameOr(names, role)})
		}
	}
	return out
}

// roleNames maps role ids to names.
func roleNames(roles []access.Role) map[string]string {
	out := make(map[string]string, len(roles))
	for _, r := range roles {
		out[r.ID] = r.Name
	}
	return out
}

// nameOr is the name of id, or id itself; "" stays "".
func nameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// warnAccessChanges adds one warning listing each principal's change in a space with its name, such as
// "ENG: group eng-writers gains create/page; user Jane Doe <jane@example.com> loses all access (read/space and
// 3 more)". Nothing is added, and nothing read, when nothing changes.
func (d *providerData) warnAccessChanges(ctx context.Context, spaceKey string, deltas []accessDelta, diags *diag.Diagnostics) {
	if len(deltas) == 0 {
		return
	}
	principals := make([]confluence.Principal, len(deltas))
	for i, dl := range deltas {
		principals[i] = dl.principal
	}
	names := d.principalNames(ctx, principals)
	slices.SortFunc(deltas, func(a, b accessDelta) int { return strings.Compare(names[a.principal], names[b.principal]) })
	parts := make([]string, 0, len(deltas))
	for _, dl := range deltas {
		parts = append(parts, names[dl.principal]+" "+dl.describe())
	}
	diags.AddWarning("Access changes in space "+spaceKey, spaceKey+": "+strings.Join(parts, "; "))
}

// warnGroupChanges adds one warning naming the accounts that join or leave a group and the site roles it gains
// or loses, such as "Group ops-wiki-editors: user Ken Contract <ken@example.com> leaves; gains atlassian/user".
func (d *providerData) warnGroupChanges(ctx context.Context, group string, joins, leaves, gains, losses []string, diags *diag.Diagnostics) {
	if len(joins)+len(leaves)+len(gains)+len(losses) == 0 {
		return
	}
	accounts := make([]confluence.Principal, 0, len(joins)+len(leaves))
	for _, id := range slices.Concat(joins, leaves) {
		accounts = append(accounts, confluence.Principal{Type: confluence.PrincipalUser, ID: id})
	}
	names := d.principalNames(ctx, accounts)
	var parts []string
	for _, id := range joins {
		parts = append(parts, names[confluence.Principal{Type: confluence.PrincipalUser, ID: id}]+" joins")
	}
	for _, id := range leaves {
		parts = append(parts, names[confluence.Principal{Type: confluence.PrincipalUser, ID: id}]+" leaves")
	}
	if len(gains) > 0 {
		parts = append(parts, "gains "+strings.Join(gains, ", "))
	}
	if len(losses) > 0 {
		parts = append(parts, "loses "+strings.Join(losses, ", "))
	}
	diags.AddWarning("Access changes in group "+group, "Group "+group+": "+strings.Join(parts, "; "))
}

func (dl accessDelta) describe() string {
	var parts []string
	switch {
	case dl.all && len(dl.losses) > 0:
		parts = append(parts, "loses all access ("+summarize(dl.losses)+")")
	case len(dl.losses) > 0:
		parts = append(parts, "loses "+strings.Join(dl.losses, ", "))
	}
	if len(dl.gains) > 0 {
		parts = append([]string{"gains " + strings.Join(dl.gains, ", ")}, parts...)
	}
	switch {
	case dl.roleBefore == dl.roleAfter:
	case dl.roleAfter == "":
		parts = append(parts, "loses role "+dl.roleBefore)
	case dl.roleBefore == "":
		parts = append(parts, "gets role "+dl.roleAfter)
	default:
		parts = append(parts, fmt.Sprintf("changes role from %s to %s", dl.roleBefore, dl.roleAfter))
	}
	return strings.Join(parts, " and ")
}

// summarize is "read/space" or "read/space and 3 more", read/space first.
func summarize(perms []string) string {
	sorted := slices.Clone(perms)
	slices.SortFunc(sorted, func(a, b string) int {
		switch {
		case a == access.ReadSpace:
			return -1
		case b == access.ReadSpace:
			return 1
		}
		return strings.Compare(a, b)
	})
	if len(sorted) == 1 {
		return sorted[0]
	}
	return fmt.Sprintf("%s and %d more", sorted[0], len(sorted)-1)
}
