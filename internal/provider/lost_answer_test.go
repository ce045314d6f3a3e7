package provider_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	routeSCIMCreateUser   = "POST /scim/directory/{directoryId}/Users"
	routeSCIMListUsers    = "GET /scim/directory/{directoryId}/Users"
	routeSCIMCreateGroup  = "POST /scim/directory/{directoryId}/Groups"
	routeSCIMListGroups   = "GET /scim/directory/{directoryId}/Groups"
	routeSpaceRoleCreate  = "POST /wiki/api/v2/space-roles"
	routeSpaceRoleList    = "GET /wiki/api/v2/space-roles"
	routeOrgGroupAssign   = "POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/assign"
	routeOrgGroupAddUser  = "POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships"
	lostAnswerTestAddress = "lost@example.com"
)

// lostAnswerCase is one create-capable resource whose first write commits and loses its answer (a 503 after
// the write took effect).
type lostAnswerCase struct {
	body  func(env *acctest.Env) string
	write string // the route whose first answer is lost
	// read is the route of the one read that settles a write not safe to repeat; "" for a write that is safe to
	// repeat, which the transport sends again instead.
	read  string
	check func(ctx context.Context, t testing.TB, env *acctest.Env) error // exactly one of what was made, as asked
}

func lostAnswerCases() map[string]lostAnswerCase {
	scimUser := func(*acctest.Env) string {
		return fmt.Sprintf(`
resource "confluence_scim_user" "u" {
  user_name = %[1]q
  email     = %[1]q
}
`, lostAnswerTestAddress)
	}
	scimGroup := `
resource "confluence_scim_group" "g" {
  display_name = "lost-answers"
}
`
	oneSCIMUser := func(ctx context.Context, t testing.TB, env *acctest.Env) error {
		found, err := env.SCIM(t).FindUsers(ctx, "userName", lostAnswerTestAddress)
		if err == nil && len(found) != 1 {
			err = fmt.Errorf("%d users named %s, want 1", len(found), lostAnswerTestAddress)
		}
		return err
	}
	oneSCIMGroup := func(ctx context.Context, t testing.TB, env *acctest.Env) error {
		found, err := env.SCIM(t).FindGroupsByName(ctx, "lost-answers")
		if err == nil && len(found) != 1 {
			err = fmt.Errorf("%d SCIM groups named lost-answers, want 1", len(found))
		}
		return err
	}
	anonymousHolds := func(key string, want ...string) func(ctx context.Context, t testing.TB, env *acctest.Env) error {
		return func(ctx context.Context, t testing.TB, env *acctest.Env) error {
			api := env.Confluence(t)
			space, err := api.SpaceByKey(ctx, key)
			if err != nil {
				return err
			}
			perms, err := api.SpacePermissions(ctx, space.ID)
			if err != nil {
				return err
			}
			var got []string
			for _, p := range perms {
				if p.Principal.Type == confluence.PrincipalAnonymous {
					got = append(got, p.Operation.String())
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				return fmt.Errorf("anonymous holds %v in %s, want %v", got, key, want)
			}
			return nil
		}
	}
	return map[string]lostAnswerCase{
		"scim_user": {body: scimUser, write: routeSCIMCreateUser, read: routeSCIMListUsers, check: oneSCIMUser},
		"scim_group": {
			body: func(*acctest.Env) string { return scimGroup }, write: routeSCIMCreateGroup, read: routeSCIMListGroups,
			check: oneSCIMGroup,
		},
		"group": {
			body: func(*acctest.Env) string {
				return `
resource "confluence_group" "g" {
  name        = "lost-answers"
  description = "made once"
}
`
			},
			write: routeOrgGroupCreate, read: routeOrgGroupSearch,
			check: func(ctx context.Context, t testing.TB, env *acctest.Env) error {
				found, err := env.Admin(t).GroupsByName(ctx, admin.AllDirectories, "lost-answers")
				if err == nil && (len(found) != 1 || found[0].Description != "made once") {
					err = fmt.Errorf("groups named lost-answers: %+v, want one described %q", found, "made once")
				}
				return err
			},
		},
		"space_role": {
			body: func(*acctest.Env) string {
				return `
resource "confluence_space_role" "r" {
  name        = "Lost answers"
  description = "made once"
  permissions = ["read/space", "create/comment"]
}
`
			},
			write: routeSpaceRoleCreate, read: routeSpaceRoleList,
			check: func(ctx context.Context, t testing.TB, env *acctest.Env) error {
				roles, err := env.Confluence(t).ListSpaceRoles(ctx, confluence.SpaceRoleFilter{})
				n := 0
				for _, r := range roles {
					if strings.EqualFold(r.Name, "Lost answers") {
						n++
					}
				}
				if err == nil && n != 1 {
					err = fmt.Errorf("%d roles named Lost answers, want 1", n)
				}
				return err
			},
		},
		"space_principal_permissions": {
			body: func(*acctest.Env) string {
				return `
resource "confluence_space_principal_permissions" "anonymous" {
  space_key      = "ENG"
  principal_type = "anonymous"
  permissions    = ["read/space", "create/comment"]
}
`
			},
			write: routeAddSpacePerm, read: routeSpacePerms,
			check: anonymousHolds("ENG", "create/comment", "read/space"),
		},
		"space_permissions_exclusive": {
			body: func(env *acctest.Env) string {
				return fmt.Sprintf(`
resource "confluence_space_permissions_exclusive" "eng" {
  space_key = "ENG"
  grants = {
    admin  = { principal_type = "user", principal_id = %q, permissions = ["read/space", "administer/space"] }
    public = { principal_type = "anonymous", permissions = ["read/space", "export/space"] }
  }
}
`, env.Creds.AdminAccountID)
			},
			write: routeAddSpacePerm, read: routeSpacePerms,
			check: anonymousHolds("ENG", "export/space", "read/space"),
		},
		"space_role_assignment": {
			body: func(env *acctest.Env) string {
				return `
data "confluence_space_roles" "all" {}

resource "confluence_space_role_assignment" "a" {
  space_key      = "DOCS"
  principal_type = "access_class"
  principal_id   = "authenticated-users"
  role_id        = one([for r in data.confluence_space_roles.all.roles : r.id if r.name == "Viewer"])
}
`
			},
			write: routeRoleAssignmentsSet,
			check: func(ctx context.Context, t testing.TB, env *acctest.Env) error {
				api := env.Confluence(t)
				docs, err := api.SpaceByKey(ctx, "DOCS")
				if err != nil {
					return err
				}
				list, err := api.RoleAssignments(ctx, docs.ID)
				n := 0
				for _, a := range list {
					if a.Principal.ID == "authenticated-users" {
						n++
					}
				}
				if err == nil && n != 1 {
					err = fmt.Errorf("authenticated-users holds %d roles in DOCS, want 1", n)
				}
				return err
			},
		},
		"scim_group_member": {
			body: func(env *acctest.Env) string {
				return scimUser(env) + scimGroup + `
resource "confluence_scim_group_member" "m" {
  group_id = confluence_scim_group.g.id
  user_id  = confluence_scim_user.u.id
}
`
			},
			write: routeSCIMPatchGrp, check: oneMember,
		},
		"scim_group_members_exclusive": {
			body: func(env *acctest.Env) string {
				return scimUser(env) + scimGroup + `
resource "confluence_scim_group_members_exclusive" "m" {
  group_id = confluence_scim_group.g.id
  user_ids = [confluence_scim_user.u.id]
}
`
			},
			write: routeSCIMPatchGrp, check: oneMember,
		},
		"group_mapping": {
			body: func(*acctest.Env) string {
				return scimGroup + `
resource "confluence_group_mapping" "m" {
  scim_group_id  = confluence_scim_group.g.id
  product_access = ["atlassian/user"]
}
`
			},
			write: routeOrgGroupAssign,
			check: func(ctx context.Context, t testing.TB, env *acctest.Env) error {
				g, err := env.Admin(t).GroupByName(ctx, admin.AllDirectories, "lost-answers")
				if err != nil {
					return err
				}
				roles, err := env.Admin(t).GroupRoleAssignments(ctx, admin.AllDirectories, g.ID)
				if err == nil && len(roles) != 1 {
					err = fmt.Errorf("the mapped group holds roles %+v, want one", roles)
				}
				return err
			},
		},
	}
}

// oneMember checks that the SCIM group holds the one user.
func oneMember(ctx context.Context, t testing.TB, env *acctest.Env) error {
	groups, err := env.SCIM(t).FindGroupsByName(ctx, "lost-answers")
	if err != nil {
		return err
	}
	if len(groups) != 1 {
		return fmt.Errorf("%d groups named lost-answers, want 1", len(groups))
	}
	if n := len(groups[0].Members); n != 1 {
		return fmt.Errorf("group holds %d members, want 1", n)
	}
	return nil
}

// Every create-capable resource converges in one apply when its first write is applied and its answer lost:
// nothing is made twice, nothing is left out of the state (the post-apply plan is empty), and the cost is at
// most one read for a write not safe to repeat, or one repeat of a write that is, beside the same apply with
// nothing lost.
func TestAccLostAnswer_everyCreate(t *testing.T) {
	t.Parallel()
	for name, tc := range lostAnswerCases() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clean := runLostAnswerCase(t, tc, false)
			lost := runLostAnswerCase(t, tc, true)
			wantWrites, wantReads := clean[tc.write], clean[tc.read]+1
			if tc.read == "" {
				wantWrites++ // sent again by the transport
			}
			if lost[tc.write] != wantWrites {
				t.Errorf("%s: %d requests with the answer lost, %d without: want %d", tc.write, lost[tc.write], clean[tc.write], wantWrites)
			}
			// At most: the settling read of a group stands in for the wait that follows a create answered.
			if tc.read != "" && (lost[tc.read] > wantReads || lost[tc.read] < clean[tc.read]) {
				t.Errorf("%s: %d requests with the answer lost, %d without: want at most one more", tc.read, lost[tc.read], clean[tc.read])
			}
		})
	}
}

// runLostAnswerCase applies and destroys the case's configuration, losing the first answer of its write when
// lose is set, and returns the emulator's request counts.
func runLostAnswerCase(t *testing.T, tc lostAnswerCase, lose bool) map[string]int {
	t.Helper()
	var opts emulator.Options
	if lose {
		opts.Faults = []emulator.Fault{{Route: tc.write, Nth: 1, Status: http.StatusServiceUnavailable, AfterCommit: true}}
	}
	env := acctest.New(t, opts)
	var stats map[string]int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(tc.body(env)),
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.CheckAPI(func(ctx context.Context) error {
					stats = env.APIStats()
					return tc.check(ctx, t, env)
				}),
			},
		}},
	})
	if lose && env.Requests(tc.write) == 0 {
		t.Fatalf("the configuration never sent %s", tc.write)
	}
	return maps.Clone(stats)
}

// A fifth of all writes commit and lose their answer, across users, groups, memberships, local groups, grants
// and roles: one apply makes each object exactly once, saves all of it (the post-apply plan is empty), and the
// destroy converges too.
func TestAccLostAnswer_rate(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{LostAnswerRate: 0.2, Seed: 7})
	const users, groups = 20, 6
	config := env.Config(fmt.Sprintf(`
resource "confluence_scim_user" "u" {
  count     = %[1]d
  user_name = "lossy${count.index}@example.com"
  email     = "lossy${count.index}@example.com"
}

resource "confluence_scim_group" "g" {
  count        = %[2]d
  display_name = "lossy-${count.index}"
}

resource "confluence_scim_group_members_exclusive" "m" {
  count    = %[2]d
  group_id = confluence_scim_group.g[count.index].id
  user_ids = [for i in range(count.index, %[1]d, %[2]d) : confluence_scim_user.u[i].id]
}

resource "confluence_group" "l" {
  count = %[2]d
  name  = "lossy-local-${count.index}"
}

resource "confluence_space_principal_permissions" "p" {
  count          = %[2]d
  space_key      = "ENG"
  principal_type = "group"
  principal_id   = confluence_group.l[count.index].id
  permissions    = ["read/space", "create/page", "create/comment"]
}

resource "confluence_space_role" "r" {
  count       = 3
  name        = "Lossy ${count.index}"
  permissions = ["read/space"]
}
`, users, groups))
	countNamed := func(ctx context.Context) error {
		all, err := env.SCIM(t).ListUsers(ctx)
		if err != nil {
			return err
		}
		n := 0
		for _, u := range all {
			if strings.HasPrefix(u.UserName, "lossy") {
				n++
			}
		}
		if n != users {
			return fmt.Errorf("%d lossy users in the directory, want %d", n, users)
		}
		gs, err := env.SCIM(t).ListGroups(ctx)
		if err != nil {
			return err
		}
		n = 0
		for _, g := range gs {
			if strings.HasPrefix(g.DisplayName, "lossy-") {
				n++
			}
		}
		if n != groups {
			return fmt.Errorf("%d lossy SCIM groups, want %d", n, groups)
		}
		local, err := env.Admin(t).GroupsByName(ctx, admin.AllDirectories, "lossy-local-0")
		if err == nil && len(local) != 1 {
			err = fmt.Errorf("%d groups named lossy-local-0, want 1", len(local))
		}
		return err
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{acctest.CheckAPI(countNamed)},
		}},
	})
	if lost := env.Emulator.LostAnswers(); lost < 5 {
		t.Fatalf("only %d answers were lost; the test proves nothing", lost)
	} else {
		t.Logf("%d answers lost", lost)
	}
}
