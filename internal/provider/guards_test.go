package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// Tests of the plan-time guards against resources that fight over one space or group. depends_on fixes which
// of two resources Terraform plans first, so which one gets the error, and what it says about the other.

// guardError matches the error Terraform prints for the resource at addr, fighting over scope with the resource
// described as other. Terraform wraps long lines, so words may be split by any white space.
func guardError(scope, addr, other string) *regexp.Regexp {
	words := func(s string) string {
		f := strings.Fields(s)
		for i := range f {
			f[i] = regexp.QuoteMeta(f[i])
		}
		return strings.Join(f, `\s+`)
	}
	return regexp.MustCompile(words("Error: Resources fight over "+scope) + `[\s\S]*` +
		words("with "+addr+",") + `[\s\S]*` +
		words("is also managed in this configuration by "+other) + `[\s\S]*` +
		words("each apply would undo the other") + `[\s\S]*` +
		words("the other resource's address cannot be shown"))
}

// guardPrincipalBlock is a principal-permissions resource for a group in ENG.
func guardPrincipalBlock(name, groupID, extra string) string {
	return fmt.Sprintf(`
resource "confluence_space_principal_permissions" %q {
  space_key      = %q
  principal_type = "group"
  principal_id   = %q
  permissions    = ["read/space", "create/page"]
  %s
}
`, name, "ENG", groupID, extra)
}

func guardMembersBlock(name, groupID, extra string, users ...string) string {
	quoted := make([]string, len(users))
	for i, u := range users {
		quoted[i] = fmt.Sprintf("%q", u)
	}
	return fmt.Sprintf(`
resource "confluence_scim_group_members_exclusive" %q {
  group_id = %q
  user_ids = [%s]
  %s
}
`, name, groupID, strings.Join(quoted, ", "), extra)
}

func guardMemberBlock(name, groupID, userID, extra string) string {
	return fmt.Sprintf(`
resource "confluence_scim_group_member" %q {
  group_id = %q
  user_id  = %q
  %s
}
`, name, groupID, userID, extra)
}

func adminGrant(env *acctest.Env) grant {
	return grant{typ: "user", id: env.Creds.AdminAccountID, perms: []string{"read/space", "administer/space"}}
}

// Guard 1: two exclusive tables for one space.
func TestAccGuard_twoExclusiveSpaceTables(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	team := env.NewGroup(t, "eng-team")
	teamGrant := grant{typ: "group", id: team, perms: []string{"read/space", "create/page"}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(spaceExclusiveBody("first", "ENG", "", adminGrant(env)) +
				spaceExclusiveBody("second", "ENG", "depends_on = [confluence_space_permissions_exclusive.first]", adminGrant(env), teamGrant)),
			ExpectError: guardError("space ENG", "confluence_space_permissions_exclusive.second",
				"a confluence_space_permissions_exclusive with 1 grant."),
		}},
	})
}

// Guard 2, classic side: an exclusive table beside per-principal permissions of the same space, whichever is
// planned first.
func TestAccGuard_exclusiveBesidePrincipalPermissions(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	team := env.NewGroup(t, "eng-team")
	readers := env.NewGroup(t, "eng-readers")
	table := func(extra string) string {
		return spaceExclusiveBody("table", "ENG", extra, adminGrant(env),
			grant{typ: "group", id: team, perms: []string{"read/space", "create/page"}})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.Config(table("") +
					guardPrincipalBlock("readers", readers, "depends_on = [confluence_space_permissions_exclusive.table]")),
				ExpectError: guardError("space ENG", "confluence_space_principal_permissions.readers",
					"a confluence_space_permissions_exclusive with 2 grants."),
			},
			{
				Config: env.Config(table("depends_on = [confluence_space_principal_permissions.readers]") +
					guardPrincipalBlock("readers", readers, "")),
				ExpectError: guardError("space ENG", "confluence_space_permissions_exclusive.table",
					"a confluence_space_principal_permissions for group "+readers+"."),
			},
		},
	})
}

// Guard 2, role side: an exclusive table beside a role assignment of the same space (DOCS has space roles).
func TestAccGuard_exclusiveBesideRoleAssignment(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	roles := env.SpaceRoleIDs(t)
	writers := env.NewGroup(t, "doc-writers")
	table := func(extra string) string {
		return spaceExclusiveBody("table", "DOCS", extra, grant{typ: "user", id: env.Creds.AdminAccountID, role: roles["Admin"]})
	}
	assignment := func(extra string) string {
		return roleAssignmentBody("writers", "DOCS", "group", writers, roles["Collaborator"], extra)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.Config(table("depends_on = [confluence_space_role_assignment.writers]") + assignment("")),
				ExpectError: guardError("space DOCS", "confluence_space_permissions_exclusive.table",
					"a confluence_space_role_assignment for group "+writers+" (role "+roles["Collaborator"]+")."),
			},
			{
				Config: env.Config(table("") + assignment("depends_on = [confluence_space_permissions_exclusive.table]")),
				ExpectError: guardError("space DOCS", "confluence_space_role_assignment.writers",
					"a confluence_space_permissions_exclusive with 1 grant."),
			},
		},
	})
}

// Guard 3: two exclusive member lists for one SCIM group.
func TestAccGuard_twoExclusiveMemberLists(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	groupID, users := scimMemberFixture(t, env.SCIM(t), "engineering", 2)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(guardMembersBlock("first", groupID, "", users[0]) +
				guardMembersBlock("second", groupID, "depends_on = [confluence_scim_group_members_exclusive.first]", users...)),
			ExpectError: guardError("SCIM group "+groupID, "confluence_scim_group_members_exclusive.second",
				"a confluence_scim_group_members_exclusive with 1 member."),
		}},
	})
}

// Guard 4: an exclusive member list beside an additive membership of the same group, whichever is planned first.
func TestAccGuard_exclusiveBesideGroupMember(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	groupID, users := scimMemberFixture(t, env.SCIM(t), "engineering", 3)
	list := func(extra string) string { return guardMembersBlock("list", groupID, extra, users[0], users[1]) }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.Config(list("") +
					guardMemberBlock("extra", groupID, users[2], "depends_on = [confluence_scim_group_members_exclusive.list]")),
				ExpectError: guardError("SCIM group "+groupID, "confluence_scim_group_member.extra",
					"a confluence_scim_group_members_exclusive with 2 members."),
			},
			{
				Config: env.Config(list("depends_on = [confluence_scim_group_member.extra]") +
					guardMemberBlock("extra", groupID, users[2], "")),
				ExpectError: guardError("SCIM group "+groupID, "confluence_scim_group_members_exclusive.list",
					"a confluence_scim_group_member for user "+users[2]+"."),
			},
		},
	})
}

// A fight that only exists in the state is caught too: an applied exclusive table plans with no change, but a
// principal resource added beside it in a later run is refused.
func TestAccGuard_fightWithAppliedTable(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	readers := env.NewGroup(t, "eng-readers")
	table := spaceExclusiveBody("table", "ENG", "", adminGrant(env))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.Config(table)},
			{
				Config: env.Config(table +
					guardPrincipalBlock("readers", readers, "depends_on = [confluence_space_permissions_exclusive.table]")),
				ExpectError: guardError("space ENG", "confluence_space_principal_permissions.readers",
					"a confluence_space_permissions_exclusive with 1 grant."),
			},
		},
	})
}

// Resources that share a space or group without owning all of it do not fight: two principals' permissions on
// one space, two memberships of one group, and exclusive tables and member lists of different spaces and groups.
func TestAccGuard_noFight(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	team := env.NewGroup(t, "eng-team")
	readers := env.NewGroup(t, "eng-readers")
	groupA, usersA := scimMemberFixture(t, env.SCIM(t), "group-a", 2)
	groupB, usersB := scimMemberFixture(t, env.SCIM(t), "group-b", 1)
	groupC, usersC := scimMemberFixture(t, env.SCIM(t), "group-c", 1)
	ops := grant{typ: "group", id: team, perms: []string{"read/space", "create/page"}}
	config := env.Config(
		guardPrincipalBlock("team", team, "") +
			guardPrincipalBlock("readers", readers, "depends_on = [confluence_space_principal_permissions.team]") +
			spaceExclusiveBody("ops", "OPS", "", adminGrant(env), ops) +
			spaceExclusiveBody("hr", "HR", "depends_on = [confluence_space_permissions_exclusive.ops]", adminGrant(env)) +
			guardMemberBlock("a0", groupA, usersA[0], "") +
			guardMemberBlock("a1", groupA, usersA[1], "depends_on = [confluence_scim_group_member.a0]") +
			guardMembersBlock("b", groupB, "", usersB...) +
			guardMembersBlock("c", groupC, "depends_on = [confluence_scim_group_members_exclusive.b]", usersC...))
	me := env.Creds.AdminAccountID
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					ppExpectHeld(t, env, "ENG", confluence.Principal{Type: "group", ID: team}, "read/space", "create/page"),
					ppExpectHeld(t, env, "ENG", confluence.Principal{Type: "group", ID: readers}, "read/space", "create/page"),
					expectTable(t, env, "OPS", "user/"+me+": administer/space,read/space", "group/"+team+": create/page,read/space"),
					expectTable(t, env, "HR", "user/"+me+": administer/space,read/space"),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, env.SCIM(t), groupA, usersA...) }),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, env.SCIM(t), groupB, usersB...) }),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, env.SCIM(t), groupC, usersC...) }),
				},
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// Replacing an exclusive table or member list plans it twice in one walk (the update that turns out to need
// replacement, then the create) and again during apply, with the same configuration: none of these is a second
// resource.
func TestAccGuard_replacementIsNotAFight(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	team := env.NewGroup(t, "eng-team")
	groupA, usersA := scimMemberFixture(t, env.SCIM(t), "group-a", 1)
	groupB, usersB := scimMemberFixture(t, env.SCIM(t), "group-b", 2)
	me := env.Creds.AdminAccountID
	config := func(key, groupID string, users []string) string {
		return env.Config(spaceExclusiveBody("table", key, "", adminGrant(env), grant{typ: "group", id: team, perms: []string{"read/space"}}) +
			guardPrincipalBlock("team", team, "") +
			guardMembersBlock("list", groupID, "", users...))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("OPS", groupA, usersA)},
			{
				Config: config("HR", groupB, usersB),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_space_permissions_exclusive.table", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("confluence_scim_group_members_exclusive.list", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectTable(t, env, "HR", "user/"+me+": administer/space,read/space", "group/"+team+": read/space"),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, env.SCIM(t), groupB, usersB...) }),
				},
			},
		},
	})
}

// A group created in the same run has no id at plan time, so the guard cannot run then; Terraform plans the
// resources again during apply, with the id known, and the guard stops the second one there.
func TestAccGuard_groupKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	_, users := scimMemberFixture(t, env.SCIM(t), "fixture", 2)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(fmt.Sprintf(`
resource "confluence_scim_group" "g" {
  display_name = "made-in-this-run"
}

resource "confluence_scim_group_members_exclusive" "list" {
  group_id = confluence_scim_group.g.id
  user_ids = [%q]
}

resource "confluence_scim_group_member" "extra" {
  group_id   = confluence_scim_group.g.id
  user_id    = %q
  depends_on = [confluence_scim_group_members_exclusive.list]
}
`, users[0], users[1])),
			ExpectError: regexp.MustCompile(`Error running apply[\s\S]*Error: Resources fight over SCIM group[\s\S]*` +
				`with confluence_scim_group_member\.extra,[\s\S]*` +
				`also\s+managed\s+in\s+this\s+configuration\s+by\s+a\s+confluence_scim_group_members_exclusive\s+with\s+1\s+member\.`),
		}},
	})
}

// Planned destroys claim nothing: one apply can replace per-principal permissions with an exclusive table of the
// same space, or an exclusive member list with memberships of the same group.
func TestAccGuard_destroyIsNotAFight(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	team := env.NewGroup(t, "eng-team")
	groupID, users := scimMemberFixture(t, env.SCIM(t), "engineering", 1)
	me := env.Creds.AdminAccountID
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.Config(guardPrincipalBlock("team", team, "") + guardMembersBlock("list", groupID, "", users...))},
			{
				// The table leaves the team out, as the destroy of its permissions does, so the order of the two
				// does not matter.
				Config: env.Config(spaceExclusiveBody("table", "ENG", "", adminGrant(env)) + guardMemberBlock("m", groupID, users[0], "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_space_principal_permissions.team", plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction("confluence_space_permissions_exclusive.table", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("confluence_scim_group_members_exclusive.list", plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction("confluence_scim_group_member.m", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectTable(t, env, "ENG", "user/"+me+": administer/space,read/space"),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, env.SCIM(t), groupID, users...) }),
				},
			},
		},
	})
}
