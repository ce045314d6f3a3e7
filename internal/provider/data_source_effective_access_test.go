package provider_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const effectiveAddr = "data.confluence_effective_access.this"

// entryLines renders entries (as the state's JSON holds them) as sorted lines
// "email status product_role perms roles <- sources", so that a test states each expected entry in one line.
func entryLines(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("not a list: %v", v)
	}
	strs := func(x any) string {
		var out []string
		for _, s := range x.([]any) {
			out = append(out, s.(string))
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	var lines []string
	for _, e := range list {
		m := e.(map[string]any)
		var sources []string
		for _, s := range m["sources"].([]any) {
			src := s.(map[string]any)
			name := src["principal_type"].(string)
			if n, ok := src["name"].(string); ok {
				name += ":" + n
			}
			sources = append(sources, name)
		}
		lines = append(lines, fmt.Sprintf("%s %s %s [%s] [%s] <- %s", m["email"], m["status"], m["product_role"],
			strs(m["permissions"]), strs(m["roles"]), strings.Join(sources, ",")))
	}
	sort.Strings(lines)
	return lines, nil
}

func expectEntries(path string, want ...string) statecheck.StateCheck {
	sort.Strings(want)
	return acctest.CheckValue(effectiveAddr, tfjsonpath.New(path), func(v any) error {
		got, err := entryLines(v)
		if err != nil {
			return err
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("\n  got  %q\n  want %q", got, want)
		}
		return nil
	})
}

// A classic space reached directly, through groups, by anonymous users, by a deactivated member, by an account
// without product access, and once through a group since deleted.
func TestAccEffectiveAccess_space(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	ctx := context.Background()
	api := env.Admin(t)
	users := map[string]string{}  // email → account id
	scimIDs := map[string]string{} // email → SCIM id
	for _, email := range []string{"bob@example.com", "carl@example.com", "dora@example.com"} {
		u, err := env.SCIM(t).CreateUser(ctx, scimUser(email))
		if err != nil {
			t.Fatal(err)
		}
		users[email] = u.AccountID()
		scimIDs[email] = u.ID
	}
	writers := env.NewGroup(t, "writers")
	groups, err := api.SearchGroups(ctx, admin.AllDirectories, admin.GroupSearch{GroupNames: []string{"confluence-users"}})
	if err != nil || len(groups) != 1 {
		t.Fatalf("confluence-users: %v %v", groups, err)
	}
	for _, m := range [][2]string{{writers, "bob@example.com"}, {writers, "carl@example.com"}, {groups[0].ID, "bob@example.com"}, {groups[0].ID, "carl@example.com"}} {
		if err := api.AddMember(ctx, m[0], users[m[1]]); err != nil {
			t.Fatal(err)
		}
	}
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "group", ID: writers}, "read/space", "create/page")
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "user", ID: users["dora@example.com"]}, "read/space") // no product access
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "anonymous"}, "read/space")
	gone := env.NewGroup(t, "old-team")
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "group", ID: gone}, "read/space", "export/space")
	if err := api.DeleteGroup(ctx, gone); err != nil {
		t.Fatal(err)
	}
	// carl leaves the company: deactivated, still in writers.
	if err := env.SCIM(t).DeleteUser(ctx, scimIDs["carl@example.com"]); err != nil {
		t.Fatal(err)
	}
	table, err := accessTable(ctx, env.Confluence(t), "ENG")
	if err != nil {
		t.Fatal(err)
	}
	var seeded string // what confluence-users and the admin hold, from the seed
	for _, line := range table {
		if strings.HasPrefix(line, "group/"+groups[0].ID+": ") {
			seeded = strings.TrimPrefix(line, "group/"+groups[0].ID+": ")
		}
	}
	adminPerms := ""
	for _, line := range table {
		if strings.HasPrefix(line, "user/"+env.Creds.AdminAccountID+": ") {
			adminPerms = strings.TrimPrefix(line, "user/"+env.Creds.AdminAccountID+": ")
		}
	}
	union := func(lists ...string) string {
		var all []string
		for _, l := range lists {
			all = append(all, strings.Split(l, ",")...)
		}
		slices.Sort(all)
		return strings.Join(slices.Compact(all), ",")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(`data "confluence_effective_access" "this" { space_key = "ENG" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				expectEntries("entries",
					fmt.Sprintf("%s active admin [%s] [] <- group:confluence-users,user", env.Creds.Email, union(adminPerms, seeded)),
					fmt.Sprintf("bob@example.com active user [%s] [] <- group:confluence-users,group:writers", union(seeded, "create/page,read/space")),
				),
				expectEntries("dormant_entries",
					// the product access of carl's groups stands: on reactivation carl gets it all back
					fmt.Sprintf("carl@example.com deactivated user [%s] [] <- group:confluence-users,group:writers", union(seeded, "create/page,read/space")),
					"dora@example.com active none [read/space] [] <- user",
				),
				statecheck.ExpectKnownValue(effectiveAddr, tfjsonpath.New("anonymous_access"), acctest.StringSet("read/space")),
				// Deleting a group removes its space permissions, so nothing is left unresolved.
				statecheck.ExpectKnownValue(effectiveAddr, tfjsonpath.New("unresolved_principals"), knownvalue.ListExact(nil)),
			},
		}},
	})
}
