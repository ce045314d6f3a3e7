package provider_test

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	roleAssignmentAddr = "confluence_space_role_assignment.a"

	routeRoleAssignmentsList = "GET /wiki/api/v2/spaces/{id}/role-assignments"
	routeRoleAssignmentsSet  = "POST /wiki/api/v2/spaces/{id}/role-assignments"
	routeSpacesList          = "GET /wiki/api/v2/spaces"
	routeSpaceRolesList      = "GET /wiki/api/v2/space-roles"
)

func roleAssignmentBody(name, key, typ, id, roleID string, extra ...string) string {
	return fmt.Sprintf(`
resource "confluence_space_role_assignment" %q {
  space_key      = %q
  principal_type = %q
  principal_id   = %q
  role_id        = %q
  %s
}
`, name, key, typ, id, roleID, strings.Join(extra, "\n  "))
}

func roleAssignmentConfig(env *acctest.Env, key, typ, id, roleID string) string {
	return env.Config(roleAssignmentBody("a", key, typ, id, roleID))
}

// spaceRoleAssignments reads a space's role assignments through the API with a fresh client (clients remember
// listings for their run), as principal → role id.
func spaceRoleAssignments(ctx context.Context, t *testing.T, env *acctest.Env, key string) (map[confluence.Principal]string, error) {
	c := env.Confluence(t)
	space, err := c.SpaceByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	list, err := c.RoleAssignments(ctx, space.ID)
	if err != nil {
		return nil, err
	}
	out := map[confluence.Principal]string{}
	for _, a := range list {
		if _, dup := out[a.Principal]; dup {
			return nil, fmt.Errorf("%s holds more than one role in %s: %v", a.Principal, key, list)
		}
		out[a.Principal] = a.RoleID
	}
	return out, nil
}

// expectDocsRole checks through the API that p holds role (none when role is "") in DOCS.
func expectDocsRole(ctx context.Context, t *testing.T, env *acctest.Env, p confluence.Principal, role string) error {
	const key = "DOCS"
	all, err := spaceRoleAssignments(ctx, t, env, key)
	if err != nil {
		return err
	}
	if got := all[p]; got != role {
		return fmt.Errorf("%s holds role %q in %s, want %q", p, got, key, role)
	}
	return nil
}

// checkDocsRole is expectDocsRole as a state check; role is read when the check runs.
func checkDocsRole(t *testing.T, env *acctest.Env, p confluence.Principal, role *string) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error { return expectDocsRole(ctx, t, env, p, *role) })
}

// roleRequestCount asserts the emulator's request counts since the last reset: exactly want, no other route. It
// is a state check (after an apply) and a plan check (after a plan); reset zeroes the counters as a plan check.
type roleRequestCount struct {
	env   *acctest.Env
	want  map[string]int
	reset bool
}

func (c roleRequestCount) check() error {
	if c.reset {
		c.env.ResetRequests()
		return nil
	}
	if got := c.env.APIStats(); !maps.Equal(got, c.want) {
		return fmt.Errorf("requests %v, want exactly %v", got, c.want)
	}
	return nil
}

func (c roleRequestCount) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check()
}

func (c roleRequestCount) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.check()
}

func TestAccSpaceRoleAssignment_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Confluence(t)
	ctx := context.Background()
	roles := env.SpaceRoleIDs(t)
	groupID := env.NewGroup(t, "docs-writers")
	docs, err := api.SpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	writers := confluence.Principal{Type: "group", ID: groupID}
	seeded, err := spaceRoleAssignments(ctx, t, env, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	collaborator, viewer, none := roles["Collaborator"], roles["Viewer"], ""

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error { // the group's assignment is gone, the others untouched
			all, err := spaceRoleAssignments(ctx, t, env, "DOCS")
			if err != nil {
				return err
			}
			if !maps.Equal(all, seeded) {
				return fmt.Errorf("DOCS assignments after destroy %v, want the seeded %v", all, seeded)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // create: the plan already knows the id and the space id
				Config: roleAssignmentConfig(env, "DOCS", "group", groupID, collaborator),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAssignmentAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(roleAssignmentAddr, tfjsonpath.New("id"), knownvalue.StringExact("DOCS/group/"+groupID)),
					plancheck.ExpectKnownValue(roleAssignmentAddr, tfjsonpath.New("space_id"), knownvalue.StringExact(docs.ID)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(roleAssignmentAddr, tfjsonpath.New("role_name"), knownvalue.StringExact("Collaborator")),
					statecheck.ExpectKnownValue(roleAssignmentAddr, tfjsonpath.New("allow_self_lockout"), knownvalue.Bool(false)),
					checkDocsRole(t, env, writers, &collaborator),
				},
			},
			{ // nothing to do on a second plan
				Config:           roleAssignmentConfig(env, "DOCS", "group", groupID, collaborator),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // import fills every attribute
				ResourceName:      roleAssignmentAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // another role, in place: one write, and the group still holds exactly one role
				Config: roleAssignmentConfig(env, "DOCS", "group", groupID, viewer),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAssignmentAddr, plancheck.ResourceActionUpdate),
					roleRequestCount{env: env, reset: true},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(roleAssignmentAddr, tfjsonpath.New("role_name"), knownvalue.StringExact("Viewer")),
					acctest.CheckAPI(func(context.Context) error {
						if n := env.Requests(routeRoleAssignmentsSet); n != 1 {
							return fmt.Errorf("the role change took %d assignment writes, want 1", n)
						}
						return nil
					}),
					checkDocsRole(t, env, writers, &viewer),
				},
			},
			{ // drift: the assignment is removed by hand; plan assigns it again
				PreConfig: func() {
					if err := api.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{{Principal: writers}}); err != nil {
						t.Fatal(err)
					}
					if err := expectDocsRole(ctx, t, env, writers, none); err != nil {
						t.Fatal(err)
					}
				},
				Config: roleAssignmentConfig(env, "DOCS", "group", groupID, viewer),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAssignmentAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{checkDocsRole(t, env, writers, &viewer)},
			},
			{ // drift: the role is changed by hand; plan changes it back in place
				PreConfig: func() {
					if err := api.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{{Principal: writers, RoleID: collaborator}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: roleAssignmentConfig(env, "DOCS", "group", groupID, viewer),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAssignmentAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(roleAssignmentAddr, tfjsonpath.New("role_id"), knownvalue.StringExact(viewer)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{checkDocsRole(t, env, writers, &viewer)},
			},
		},
	})
}

// Access classes hold roles like groups do, and a role created in the same configuration can be assigned.
func TestAccSpaceRoleAssignment_accessClassWithCustomRole(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	authenticated := confluence.Principal{Type: "access_class", ID: "authenticated-users"}
	var roleID string
	config := env.Config(spaceRoleBody("Commenters", "", "read/space", "create/comment") + `
resource "confluence_space_role_assignment" "a" {
  space_key      = "DOCS"
  principal_type = "access_class"
  principal_id   = "authenticated-users"
  role_id        = confluence_space_role.editors.id
}
`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return expectDocsRole(context.Background(), t, env, authenticated, "")
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(spaceRoleAddr, tfjsonpath.New("id"), &roleID),
					statecheck.ExpectKnownValue(roleAssignmentAddr, tfjsonpath.New("id"), knownvalue.StringExact("DOCS/access_class/authenticated-users")),
					statecheck.ExpectKnownValue(roleAssignmentAddr, tfjsonpath.New("role_name"), knownvalue.StringExact("Commenters")),
					checkDocsRole(t, env, authenticated, &roleID),
				},
			},
			{
				ResourceName:      roleAssignmentAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// The provider's own account administers DOCS through its user assignment: taking that away is refused at plan
// time, always while it is the space's last administrator, and otherwise unless allow_self_lockout is set.
func TestAccSpaceRoleAssignment_selfLockout(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Confluence(t)
	ctx := context.Background()
	roles := env.SpaceRoleIDs(t)
	adminRole, viewer := roles["Admin"], roles["Viewer"]
	me := confluence.Principal{Type: "user", ID: env.Creds.AdminAccountID}
	importID := "DOCS/user/" + me.ID
	mine := func(role string, extra ...string) string {
		return env.Config(roleAssignmentBody("me", "DOCS", "user", me.ID, role, extra...))
	}
	const addr = "confluence_space_role_assignment.me"
	docs, err := api.SpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error { // forgotten, not destroyed
			return expectDocsRole(ctx, t, env, me, viewer)
		},
		Steps: []resource.TestStep{
			{ // the account already holds a role in DOCS: import, don't create
				Config:      mine(adminRole),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`(?s)already holds a role in the space.*already holds space role Admin \(.*\) in space DOCS.*terraform import confluence_space_role_assignment.<name> `) + regexp.QuoteMeta(importID)),
			},
			{
				Config:             mine(adminRole),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      importID,
				ImportStatePersist: true,
			},
			{ // Admin → Viewer for the caller itself, the space's last administrator: refused at plan time
				Config:      mine(viewer),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`(?s)The space would have no administrator.*administer/space in space DOCS`)),
			},
			{ // destroying it is the same loss
				Config:      env.Config(""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`(?s)The space would have no administrator.*in space DOCS`)),
			},
			{ // allow_self_lockout does not let the last administrator go
				Config:      mine(viewer, "allow_self_lockout = true"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`(?s)The space would have no administrator.*in space DOCS`)),
			},
			{ // once product admins administer DOCS too, stepping down is the account's own lockout
				PreConfig: func() {
					admins := confluence.Principal{Type: "access_class", ID: "all-product-admins"}
					if err := api.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{{Principal: admins, RoleID: adminRole}}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      mine(viewer),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`(?s)remove your own administration of the space.*holds space role Admin, with administer/space, in space DOCS.*changes it to role Viewer.*allow_self_lockout = true`)),
			},
			{
				Config:      env.Config(""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapped(`(?s)remove your own administration of the space.*removes that assignment`)),
			},
			{ // which allow_self_lockout allows
				PreConfig: func() {
					if err := expectDocsRole(ctx, t, env, me, adminRole); err != nil {
						t.Fatal(err)
					}
				},
				Config: mine(viewer, "allow_self_lockout = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{checkDocsRole(t, env, me, &viewer)},
			},
			{ // stop managing it without removing anything
				Config: env.Config(`
removed {
  from = confluence_space_role_assignment.me
  lifecycle {
    destroy = false
  }
}
`),
			},
		},
	})
}

// Refreshing 20 assignments in one space costs one assignment listing and one role listing: the space is read by
// the id in the state, with no key lookup.
func TestAccSpaceRoleAssignment_refreshCost(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	roles := env.SpaceRoleIDs(t)
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = env.NewGroup(t, fmt.Sprintf("readers-%02d", i))
	}
	var b strings.Builder
	for i, id := range ids {
		b.WriteString(roleAssignmentBody(fmt.Sprintf("g%02d", i), "DOCS", "group", id, roles["Viewer"]))
	}
	config := env.Config(b.String())
	viewer := roles["Viewer"]

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.ResetRequests,
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(func(ctx context.Context) error {
						if n := env.Requests(routeRoleAssignmentsSet); n != 20 {
							return fmt.Errorf("%d assignment writes for 20 assignments, want 20", n)
						}
						for _, id := range ids {
							if err := expectDocsRole(ctx, t, env, confluence.Principal{Type: "group", ID: id}, viewer); err != nil {
								return err
							}
						}
						return nil
					}),
				},
			},
			{ // a plan with refresh: counted from after the non-refresh plan to after the refresh plan
				Config:   config,
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh: []plancheck.PlanCheck{roleRequestCount{env: env, reset: true}},
					PostApplyPostRefresh: []plancheck.PlanCheck{roleRequestCount{env: env, want: map[string]int{
						routeRoleAssignmentsList: 1, routeSpaceRolesList: 1,
					}}},
				},
			},
		},
	})
}

func TestAccSpaceRoleAssignment_badInput(t *testing.T) {
	t.Parallel()
	schemaEnv := acctest.New(t, emulator.Options{})
	t.Cleanup(func() { // after the parallel subtests: refused before any API call
		if stats := schemaEnv.Emulator.Stats(); len(stats) != 0 {
			t.Errorf("bad input reached the API: %v", stats)
		}
	})
	apiEnv := acctest.New(t, emulator.Options{})
	viewer := apiEnv.SpaceRoleIDs(t)["Viewer"]
	groupID := apiEnv.NewGroup(t, "docs-readers")
	apiEnv.ResetRequests()
	t.Cleanup(func() {
		for route := range apiEnv.APIStats() {
			if !strings.HasPrefix(route, "GET ") {
				t.Errorf("bad input caused a write: %s", route)
			}
		}
	})
	preRoles := acctest.New(t, emulator.Options{RoleMode: "PRE_ROLES"})
	preRolesViewer := preRoles.SpaceRoleIDs(t)["Viewer"]

	cases := map[string]struct {
		step resource.TestStep
		want string
	}{
		"principal type": {step: resource.TestStep{Config: roleAssignmentConfig(schemaEnv, "DOCS", "role", "x", "r")},
			want: `(?s)principal_type.*value must be one of.*"group".*"user".*"access_class"`},
		"access class": {step: resource.TestStep{Config: roleAssignmentConfig(schemaEnv, "DOCS", "access_class", "everyone", "r")},
			want: wrapped(`(?s)Unknown access class.*principal_id.*"everyone" is not an access class.*must be one of anonymous-users, authenticated-users, all-licensed-users, all-product-admins, jsm-project-admins`)},
		"principal id with a slash": {step: resource.TestStep{Config: roleAssignmentConfig(schemaEnv, "DOCS", "group", "a/b", "r")},
			want: `(?s)principal_id.*without / or spaces`},
		"space key": {step: resource.TestStep{Config: roleAssignmentConfig(schemaEnv, "DO CS", "group", "g", "r")},
			want: `(?s)space_key.*must be a space key`},
		"empty role": {step: resource.TestStep{Config: roleAssignmentConfig(schemaEnv, "DOCS", "group", "g", "")},
			want: `(?s)role_id.*length`},
		"no credential": {step: resource.TestStep{Config: schemaEnv.ProviderBlock([]string{"email"}) + roleAssignmentBody("a", "DOCS", "group", "g", "r")},
			want: `(?s)Confluence REST API is not configured.*"email".*CONFLUENCE_EMAIL`},
		"import id": {step: resource.TestStep{
			Config: roleAssignmentConfig(schemaEnv, "DOCS", "group", "g", "r"), ResourceName: roleAssignmentAddr, ImportState: true, ImportStateId: "DOCS/role/x",
		}, want: `(?s)Invalid import ID.*SPACEKEY/principal_type/principal_id`},
		"unknown role": {step: resource.TestStep{Config: roleAssignmentConfig(apiEnv, "DOCS", "group", groupID, "no-such-role")},
			want: wrapped(`(?s)Space role not found.*role_id.*No space role with id "no-such-role" exists on the site. Roles on the site: Admin \(.*Viewer \(`) + regexp.QuoteMeta(viewer)},
		"unknown space": {step: resource.TestStep{Config: roleAssignmentConfig(apiEnv, "NOPE", "group", groupID, viewer)},
			want: wrapped(`(?s)Space not found.*space_key.*No space with key "NOPE" exists`)},
		"pre-roles site": {step: resource.TestStep{Config: roleAssignmentConfig(preRoles, "DOCS", "group", groupID, preRolesViewer)},
			want: wrapped(`(?s)Space uses classic permissions, not roles.*space_key.*role mode PRE_ROLES.*confluence_space_principal_permissions`)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			step := c.step
			step.PlanOnly = !step.ImportState
			step.ExpectError = regexp.MustCompile(c.want)
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: []resource.TestStep{step}})
		})
	}
}

// A group that does not exist is refused at plan time, before the role created beside it is written.
func TestAccSpaceRoleAssignment_unknownGroupFailsThePlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	const ghost = "00000000-0000-4000-8000-000000000000"
	config := env.Config(spaceRoleBody("Ghost readers", "", "read/space") + roleAssignmentBody("ghost", "DOCS", "group", ghost, "${confluence_space_role.editors.id}"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)Group not found.*No group with id "` + ghost + `"`),
		}},
	})
	roles, err := env.Confluence(t).ListSpaceRoles(context.Background(), confluence.SpaceRoleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == "Ghost readers" {
			t.Fatalf("the role %s was created although the plan failed", r.ID)
		}
	}
}
