package provider_test

import (
	"context"
	"fmt"
	"maps"
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
	"github.com/accessplane/terraform-provider-confluence/internal/parallel"
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
		sort.Strings(sources)
		lines = append(lines, fmt.Sprintf("%s %s %s [%s] [%s] <- %s", m["email"], m["status"], m["product_role"],
			strs(m["permissions"]), strs(m["roles"]), strings.Join(sources, ",")))
	}
	sort.Strings(lines)
	return lines, nil
}

// confluenceUsers is the site's default group, which gives product access and holds seeded grants.
func confluenceUsers(t *testing.T, env *acctest.Env) admin.Group {
	t.Helper()
	found, err := env.Admin(t).SearchGroups(context.Background(), admin.AllDirectories, admin.GroupSearch{GroupNames: []string{"confluence-users"}})
	if err != nil || len(found) != 1 {
		t.Fatalf("confluence-users: %v %v", found, err)
	}
	return found[0]
}

// union is the sorted, comma-joined union of permission lists, as entryLines writes them.
func union(lists ...[]string) string {
	all := slices.Concat(lists...)
	slices.Sort(all)
	return strings.Join(slices.Compact(all), ",")
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
// without product access, and once through a group since deleted (offboardingSite).
// offboardingSite seeds ENG for effective access: bob writes through writers, carl (deactivated) is still in
// it, dora holds a direct grant without product access, anonymous users read, and old-team, once granted, is
// deleted. bob and carl are in confluence-users. It returns the accounts by email and confluence-users' id.
func offboardingSite(t *testing.T, env *acctest.Env) (users map[string]string, everyone string) {
	t.Helper()
	ctx := context.Background()
	api := env.Admin(t)
	users = map[string]string{}    // email → account id
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
	everyoneID := confluenceUsers(t, env).ID
	for _, m := range [][2]string{{writers, "bob@example.com"}, {writers, "carl@example.com"}, {everyoneID, "bob@example.com"}, {everyoneID, "carl@example.com"}} {
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
	return users, everyoneID
}

func TestAccEffectiveAccess_space(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	ctx := context.Background()
	_, everyone := offboardingSite(t, env)
	table, err := accessTable(ctx, env.Confluence(t), "ENG")
	if err != nil {
		t.Fatal(err)
	}
	// What confluence-users and the provider's account hold, from the seed.
	held := func(principal string) []string {
		for _, line := range table {
			if rest, ok := strings.CutPrefix(line, principal+": "); ok {
				return strings.Split(rest, ",")
			}
		}
		return nil
	}
	seeded, adminPerms := held("group/"+everyone), held("user/"+env.Creds.AdminAccountID)
	writes := []string{"create/page", "read/space"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(`data "confluence_effective_access" "this" { space_key = "ENG" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				expectEntries("entries",
					fmt.Sprintf("%s active admin [%s] [] <- group:confluence-users,user", env.Creds.Email, union(adminPerms, seeded)),
					fmt.Sprintf("bob@example.com active user [%s] [] <- group:confluence-users,group:writers", union(seeded, writes)),
				),
				expectEntries("dormant_entries",
					// the product access of carl's groups stands: on reactivation carl gets it all back
					fmt.Sprintf("carl@example.com deactivated user [%s] [] <- group:confluence-users,group:writers", union(seeded, writes)),
					"dora@example.com active none [read/space] [] <- user",
				),
				statecheck.ExpectKnownValue(effectiveAddr, tfjsonpath.New("anonymous_access"), acctest.StringSet("read/space")),
				// Deleting a group removes its space permissions, so nothing is left unresolved.
				statecheck.ExpectKnownValue(effectiveAddr, tfjsonpath.New("unresolved_principals"), knownvalue.ListExact(nil)),
			},
		}},
	})
}

// A space with roles: the provider's account holds Admin, the site's licensed users Viewer through an access
// class that is expanded, and authenticated users a role reported as a class.
func TestAccEffectiveAccess_roles(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	ctx := context.Background()
	roles := env.SpaceRoleIDs(t)
	c := env.Confluence(t)
	docs, err := c.SpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{
		{Principal: confluence.Principal{Type: "access_class", ID: "all-licensed-users"}, RoleID: roles["Viewer"]},
		{Principal: confluence.Principal{Type: "access_class", ID: "authenticated-users"}, RoleID: roles["Viewer"]},
	}); err != nil {
		t.Fatal(err)
	}
	catalogue, err := c.ListSpaceRoles(ctx, confluence.SpaceRoleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	perms := map[string][]string{}
	for _, r := range catalogue {
		perms[r.Name] = r.Permissions
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(`data "confluence_effective_access" "this" { space_key = "DOCS" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				expectEntries("entries", fmt.Sprintf("%s active admin [%s] [Admin,Viewer] <- access_class,group:confluence-users,user",
					env.Creds.Email, union(perms["Admin"], perms["Viewer"]))),
				expectEntries("dormant_entries"),
				statecheck.ExpectKnownValue(effectiveAddr, tfjsonpath.New("access_classes"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"class": knownvalue.StringExact("all-licensed-users"), "role": knownvalue.StringExact("Viewer"), "expanded": knownvalue.Bool(true),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"class": knownvalue.StringExact("authenticated-users"), "role": knownvalue.StringExact("Viewer"), "expanded": knownvalue.Bool(false),
					}),
				})),
				statecheck.ExpectKnownValue(effectiveAddr, tfjsonpath.New("anonymous_access"), knownvalue.SetExact(nil)),
			},
		}},
	})
}

// pages is how many pages of 100 (the Organizations API's largest) a search of n accounts takes: at least one.
func pages(n int) int { return max(1, (n+99)/100) }

// Reading who can reach a space costs its table's listings, one member search per ten granted groups and page,
// one search per product role and page of the site's licensed accounts, and one search per ten accounts granted
// directly that hold no product access: nothing per account. At 13 granted groups of up to 241 members and 241
// licensed accounts it is 14 or 15 requests, as the groups fall into batches. By the same count, 12 groups of
// 200 and 3,000 licensed accounts on a site with roles take 60. The role catalogue is read only when someone in
// the space holds a role.
func TestAccEffectiveAccess_cost(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	ctx := context.Background()
	api := env.Admin(t)
	everyone := confluenceUsers(t, env)
	const groups, members = 12, 20
	granted := []string{everyone.ID}
	for g := range groups {
		id := env.NewGroup(t, fmt.Sprintf("team-%02d", g))
		granted = append(granted, id)
		env.GrantByHand(t, "ENG", confluence.Principal{Type: "group", ID: id}, "read/space", "create/page", "create/comment")
		for m := range members {
			u, err := env.SCIM(t).CreateUser(ctx, scimUser(fmt.Sprintf("u%02d-%02d@example.com", g, m)))
			if err != nil {
				t.Fatal(err)
			}
			for _, gid := range []string{id, everyone.ID} {
				if err := api.AddMember(ctx, gid, u.AccountID()); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	licensed := groups*members + 1 // and the provider's account
	var stats map[string]int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.ResetRequests,
			Config:    env.Config(`data "confluence_effective_access" "this" { space_key = "ENG" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.CheckValue(effectiveAddr, tfjsonpath.New("entries"), func(v any) error {
					if n := len(v.([]any)); n != licensed {
						return fmt.Errorf("%d entries, want %d", n, licensed)
					}
					stats = env.APIStats()
					return nil
				}),
			},
		}},
	})
	// Granted: the 12 teams and confluence-users (with the provider's account, from the seed). Members are
	// searched ten groups at a time, in the order of their ids; every licensed account is in confluence-users.
	slices.Sort(granted)
	memberPages := 0
	for batch := range slices.Chunk(granted, 10) {
		accounts := members * len(batch)
		if slices.Contains(batch, everyone.ID) {
			accounts = licensed
		}
		memberPages += pages(accounts)
	}
	want := map[string]int{
		"GET /wiki/api/v2/spaces":                       1,
		"GET /wiki/api/v2/space-role-mode":              1,
		"GET /wiki/api/v2/spaces/{id}/permissions":      1,
		"GET /wiki/api/v2/spaces/{id}/role-assignments": 1,
		// licensed accounts by role (user, admin, guest); the account granted directly is among them
		"POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search": memberPages + pages(licensed) + pages(1) + pages(0),
	}
	total := 0
	for route, n := range stats {
		total += n
		if want[route] != n {
			t.Errorf("%s: %d requests, want %d", route, n, want[route])
		}
	}
	for route, n := range want {
		if _, ok := stats[route]; !ok {
			t.Errorf("%s: no request, want %d", route, n)
		}
	}
	t.Logf("effective access of a space with %d granted groups and %d licensed accounts: %d requests (%v)", groups+1, licensed, total, stats)
}

// What one account reaches: every space where it holds anything, or the spaces named; a deactivated account's
// access is dormant.
func TestAccEffectiveAccess_account(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	users, _ := offboardingSite(t, env)
	spacesOf := func(path string, want ...string) statecheck.StateCheck {
		return acctest.ExpectFieldValues(effectiveAddr, tfjsonpath.New(path), "space_key", want...)
	}
	config := func(email, extra string) string {
		return env.Config(fmt.Sprintf("data \"confluence_effective_access\" \"this\" {\n  account_id = %q\n  %s\n}\n", users[email], extra))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{ // bob: ENG through writers and confluence-users, and wherever confluence-users reaches (the seed)
				Config: config("bob@example.com", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					spacesOf("entries", "DOCS", "ENG", "HR", "OPS", "SEC"),
					spacesOf("dormant_entries"),
					acctest.CheckValue(effectiveAddr, tfjsonpath.New("entries"), func(v any) error {
						lines, err := entryLines(v)
						if err != nil {
							return err
						}
						if !slices.ContainsFunc(lines, func(l string) bool {
							return strings.Contains(l, "create/page") && strings.HasSuffix(l, "<- group:confluence-users,group:writers")
						}) {
							return fmt.Errorf("no entry through writers: %q", lines)
						}
						return nil
					}),
				},
			},
			{ // carl, deactivated: the same spaces, all dormant; scoped to ENG
				Config: config("carl@example.com", `space_keys = ["ENG"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					spacesOf("entries"),
					spacesOf("dormant_entries", "ENG"),
				},
			},
			{ // the cost: the spaces' lookup, the role mode, the account with its role (strongest first), one table per space
				PreConfig: env.ResetRequests,
				Config:    config("bob@example.com", `space_keys = ["ENG", "OPS"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					spacesOf("entries", "ENG", "OPS"),
					acctest.CheckAPI(func(context.Context) error {
						want := map[string]int{
							"GET /wiki/api/v2/spaces":                                            1, // both keys in one lookup
							"GET /wiki/api/v2/space-role-mode":                                   1,
							"GET /wiki/api/v2/spaces/{id}/permissions":                           2,
							"GET /wiki/api/v2/spaces/{id}/role-assignments":                      2,
							"POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search": 2, // the account as an admin (no), as a user (yes)
						}
						stats := env.APIStats()
						if !maps.Equal(stats, want) {
							return fmt.Errorf("requests %v, want %v", stats, want)
						}
						return nil
					}),
				},
			},
			{ // dora: only her direct grant, dormant for want of product access
				Config: config("dora@example.com", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					spacesOf("entries"),
					expectEntries("dormant_entries", "dora@example.com active none [read/space] [] <- user"),
				},
			},
		},
	})
}

func TestAccEffectiveAccess_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	acctest.ExpectErrors(t, map[string]acctest.ErrorCase{
		"neither": {Config: env.Config(`data "confluence_effective_access" "this" {}`), Error: `(?s)one \(and only one\) of \[space_key,account_id\] is\s+required`},
		"both": {Config: env.Config(`data "confluence_effective_access" "this" {
  space_key  = "ENG"
  account_id = "abc"
}`), Error: `(?s)space_key.*account_id`},
		"space_keys with space_key": {Config: env.Config(`data "confluence_effective_access" "this" {
  space_key  = "ENG"
  space_keys = ["OPS"]
}`), Error: `(?s)space_keys.*cannot be specified when.*space_key`},
		"unknown account": {Config: env.Config(`data "confluence_effective_access" "this" { account_id = "nobody" }`), Error: `(?s)Account not found.*"nobody"`},
		"unknown space":   {Config: env.Config(`data "confluence_effective_access" "this" { space_key = "NOPE" }`), Error: `(?s)Space not found`},
	})
}

// Suspended and deactivated members of a granting group are dormant; a guest granted directly is an entry with
// the guest product role.
func TestAccEffectiveAccess_population(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{Population: emulator.Population{Suspended: 1, Deactivated: 1, Guests: 1}})
	guest := env.Creds.GuestAccountIDs[0]
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "user", ID: guest}, "read/space", "create/comment")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(`data "confluence_effective_access" "this" { space_key = "ENG" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.CheckValue(effectiveAddr, tfjsonpath.New("entries"), func(v any) error {
					lines, err := entryLines(v)
					if err != nil {
						return err
					}
					if want := "guest-001@partner.example active guest [create/comment,read/space] [] <- user"; !slices.Contains(lines, want) {
						return fmt.Errorf("no %q in %q", want, lines)
					}
					return nil
				}),
				acctest.CheckValue(effectiveAddr, tfjsonpath.New("dormant_entries"), func(v any) error {
					lines, err := entryLines(v)
					if err != nil {
						return err
					}
					var who []string
					for _, l := range lines {
						who = append(who, strings.Join(strings.Fields(l)[:3], " "))
					}
					if want := []string{"deactivated-001@example.com deactivated user", "suspended-001@example.com suspended user"}; !slices.Equal(who, want) {
						return fmt.Errorf("dormant %q, want %q", who, want)
					}
					return nil
				}),
			},
		}},
	})
}

// verify = true asks Confluence about each entry and dormant entry, one check each, and finds no disagreement.
func TestAccEffectiveAccess_verify(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{Population: emulator.Population{Suspended: 1, Guests: 1}})
	offboardingSite(t, env)
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "user", ID: env.Creds.GuestAccountIDs[0]}, "read/space")
	const check = "POST /wiki/rest/api/content/{id}/permission/check"
	var entries int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.Config(`data "confluence_effective_access" "this" { space_key = "ENG" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(effectiveAddr, tfjsonpath.New("verification_mismatches"), knownvalue.Null()),
					acctest.CheckAPI(func(context.Context) error {
						if n := env.Requests(check); n != 0 {
							return fmt.Errorf("%d permission checks without verify", n)
						}
						return nil
					}),
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config: env.Config(`data "confluence_effective_access" "this" {
  space_key = "ENG"
  verify    = true
}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(effectiveAddr, tfjsonpath.New("verification_mismatches"), knownvalue.ListExact(nil)),
					acctest.CheckValue(effectiveAddr, tfjsonpath.New("entries"), func(v any) error { entries += len(v.([]any)); return nil }),
					acctest.CheckValue(effectiveAddr, tfjsonpath.New("dormant_entries"), func(v any) error { entries += len(v.([]any)); return nil }),
					acctest.CheckAPI(func(context.Context) error {
						// admin, bob, the guest; carl, dora and the suspended account: each checked once
						if n := env.Requests(check); n != entries || n != 6 {
							return fmt.Errorf("%d permission checks for %d entries, want 6", n, entries)
						}
						return nil
					}),
				},
			},
		},
	})
}

// The worked size: 40 grants, 12 groups of 200 members and 3,000 licensed accounts, in at most 60 requests on a
// classic site and on a site with roles (where the role assignments are read too).
func TestAccEffectiveAccess_workedSize(t *testing.T) {
	t.Parallel()
	for mode, budget := range map[string]int{"PRE_ROLES": 60, "ROLES_TRANSITION": 60} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			workedSize(t, mode, budget)
		})
	}
}

func workedSize(t *testing.T, mode string, budget int) {
	env := acctest.New(t, emulator.Options{RoleMode: mode, Population: emulator.Population{NeverActive: 2999}})
	ctx := context.Background()
	api := env.Admin(t)
	everyone := confluenceUsers(t, env)
	// ENG's table: the provider's account and the 12 teams; the seeded grants of confluence-users go.
	table, err := accessTable(ctx, env.Confluence(t), "ENG")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range table {
		if rest, ok := strings.CutPrefix(line, "group/"+everyone.ID+": "); ok {
			env.RevokeByHand(t, "ENG", confluence.Principal{Type: "group", ID: everyone.ID}, strings.Split(rest, ",")...)
		}
	}
	accounts := env.Creds.Population.NeverActive
	for g := range 12 {
		id := env.NewGroup(t, fmt.Sprintf("team-%02d", g))
		env.GrantByHand(t, "ENG", confluence.Principal{Type: "group", ID: id}, "read/space", "create/page", "create/comment")
		err := parallel.ForEach(ctx, 4, accounts[g*200:(g+1)*200], func(ctx context.Context, a string) error { return api.AddMember(ctx, id, a) })
		if err != nil {
			t.Fatal(err)
		}
	}
	var total int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.ResetRequests,
			Config:    env.Config(`data "confluence_effective_access" "this" { space_key = "ENG" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.CheckValue(effectiveAddr, tfjsonpath.New("entries"), func(v any) error {
					if n := len(v.([]any)); n != 12*200+1 {
						return fmt.Errorf("%d entries, want %d", n, 12*200+1)
					}
					for _, n := range env.APIStats() {
						total += n
					}
					return nil
				}),
			},
		}},
	})
	t.Logf("worked size, %s: %d requests", mode, total)
	if total > budget {
		t.Errorf("%d requests at the worked size, want at most %d", total, budget)
	}
}
