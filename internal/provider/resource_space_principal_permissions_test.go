package provider_test

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	ppAddr = "confluence_space_principal_permissions.this"

	routeSpaces          = "GET /wiki/api/v2/spaces"
	routeSpacePerms      = "GET /wiki/api/v2/spaces/{id}/permissions"
	routeAddSpacePerm    = "POST /wiki/rest/api/space/{spaceKey}/permission"
	routeRemoveSpacePerm = "DELETE /wiki/rest/api/space/{spaceKey}/permission/{id}"
)

// ppConfig is one confluence_space_principal_permissions.this; id "" omits principal_id, extra adds lines.
func principalPermissionsConfig(env *acctest.Env, key, typ, id string, perms []string, extra ...string) string {
	return env.Config(principalPermissionsBody(key, typ, id, perms, extra...))
}

// ppBody is the resource block of ppConfig, for configurations with another provider block.
func principalPermissionsBody(key, typ, id string, perms []string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"confluence_space_principal_permissions\" \"this\" {\n  space_key      = %q\n  principal_type = %q\n", key, typ)
	if id != "" {
		fmt.Fprintf(&b, "  principal_id   = %q\n", id)
	}
	quoted := make([]string, len(perms))
	for i, p := range perms {
		quoted[i] = fmt.Sprintf("%q", p)
	}
	fmt.Fprintf(&b, "  permissions    = [%s]\n", strings.Join(quoted, ", "))
	for _, l := range extra {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// ppClient is a fresh Confluence client (nothing cached) for checks and drift, which waits out 429s like the
// provider does, so that checks work under the emulator's rate limit too.
func ppClient(t *testing.T, env *acctest.Env) *confluence.Client {
	t.Helper()
	hc := transport.NewHTTPClient(transport.Config{UserAgent: "acctest", MaxRetries: 10})
	c, err := confluence.New(hc, env.URL, transport.Basic(env.Creds.Email, env.Creds.APIToken))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ppHeld reads what principal holds in the space through the API. Duplicates are kept, so a duplicated
// grant shows.
func ppHeld(ctx context.Context, t *testing.T, env *acctest.Env, key string, p confluence.Principal) ([]string, error) {
	c := ppClient(t, env)
	space, err := c.SpaceByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	perms, err := c.SpacePermissions(ctx, space.ID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, perm := range perms {
		if perm.Principal == p {
			out = append(out, perm.Operation.String())
		}
	}
	slices.Sort(out)
	return out, nil
}

// ppExpectHeld checks through the API that principal holds exactly want in the space, each once.
func ppExpectHeld(t *testing.T, env *acctest.Env, key string, p confluence.Principal, want ...string) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error { return ppCheckHeld(ctx, t, env, key, p, want...) })
}

func ppCheckHeld(ctx context.Context, t *testing.T, env *acctest.Env, key string, p confluence.Principal, want ...string) error {
	got, err := ppHeld(ctx, t, env, key, p)
	if err != nil {
		return err
	}
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		return fmt.Errorf("%s holds %q in space %s, want %q", p, got, key, want)
	}
	return nil
}

// ppRemoveByHand removes one permission of principal through the API, as an admin would in the UI.
func ppRemoveByHand(t *testing.T, env *acctest.Env, key string, p confluence.Principal, op string) {
	t.Helper()
	ctx := context.Background()
	c := ppClient(t, env)
	space, err := c.SpaceByKey(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	perms, err := c.SpacePermissions(ctx, space.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, perm := range perms {
		if perm.Principal == p && perm.Operation.String() == op {
			if err := c.RemovePermission(ctx, key, space.ID, perm.ID); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("%s does not hold %s in %s", p, op, key)
}

func ppSeededGroup(t *testing.T, env *acctest.Env, name string) string {
	t.Helper()
	g, err := env.Admin(t).GroupByName(context.Background(), admin.AllDirectories, name)
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}

func ppSpaceID(t *testing.T, env *acctest.Env, key string) string {
	t.Helper()
	s, err := env.Confluence(t).SpaceByKey(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func ppSet(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

// ppWrites counts the permission writes the emulator served.
func ppWrites(env *acctest.Env) int {
	return env.Requests(routeAddSpacePerm) + env.Requests(routeRemoveSpacePerm)
}

// ppExpectBefore checks the permissions a planned change starts from: the state after refresh.
type ppExpectBefore struct {
	addr string
	want []string
}

func (c ppExpectBefore) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		raw, _ := before["permissions"].([]any)
		var got []string
		for _, v := range raw {
			got = append(got, fmt.Sprint(v))
		}
		slices.Sort(got)
		if want := slices.Sorted(slices.Values(c.want)); !slices.Equal(got, want) {
			resp.Error = fmt.Errorf("%s plans from permissions %q, want %q", c.addr, got, want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

// ppBudget checks that the emulator served exactly these requests since the last reset.
type ppBudget struct {
	env  *acctest.Env
	want map[string]int
}

func (b ppBudget) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if got := b.env.APIStats(); !maps.Equal(got, b.want) {
		resp.Error = fmt.Errorf("requests %v, want exactly %v", got, b.want)
	}
}

func TestAccSpacePrincipalPermissions_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	gid := env.NewGroup(t, "platform")
	group := confluence.Principal{Type: confluence.PrincipalGroup, ID: gid}
	spaceID := ppSpaceID(t, env, "ENG")
	config := func(perms ...string) string { return principalPermissionsConfig(env, "ENG", "group", gid, perms) }

	steps := []resource.TestStep{
		{ // create: id and space_id are known at plan time
			Config: config("read/space", "create/page"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(ppAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(ppAddr, tfjsonpath.New("id"), knownvalue.StringExact("ENG/group/"+gid)),
				plancheck.ExpectKnownValue(ppAddr, tfjsonpath.New("space_id"), knownvalue.StringExact(spaceID)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ppAddr, tfjsonpath.New("permissions"), ppSet("read/space", "create/page")),
				statecheck.ExpectKnownValue(ppAddr, tfjsonpath.New("allow_self_lockout"), knownvalue.Bool(false)),
				ppExpectHeld(t, env, "ENG", group, "read/space", "create/page"),
			},
		},
		{ // nothing to do on a second plan
			Config:           config("read/space", "create/page"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
		{ // import fills every attribute
			ResourceName:      ppAddr,
			ImportState:       true,
			ImportStateVerify: true,
		},
	}
	for _, id := range []string{"ENG", "ENG/group", "ENG/group/", "ENG/role/" + gid, "ENG/anonymous/x", "ENG/user/anonymous",
		"E G/group/" + gid, "ENG/group/" + gid + "/x"} {
		steps = append(steps, resource.TestStep{
			ResourceName:  ppAddr,
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*SPACEKEY/group/GROUP_ID.*` + regexp.QuoteMeta(fmt.Sprintf("%q", id))),
		})
	}
	steps = append(steps,
		resource.TestStep{ // in place: create/page removed, create/blogpost and create/comment added
			Config: config("read/space", "create/blogpost", "create/comment"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(ppAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ppAddr, tfjsonpath.New("permissions"), ppSet("read/space", "create/blogpost", "create/comment")),
				ppExpectHeld(t, env, "ENG", group, "read/space", "create/blogpost", "create/comment"),
			},
		},
		resource.TestStep{ // drift: a permission removed by hand is planned back
			PreConfig: func() { ppRemoveByHand(t, env, "ENG", group, "create/comment") },
			Config:    config("read/space", "create/blogpost", "create/comment"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(ppAddr, plancheck.ResourceActionUpdate),
				ppExpectBefore{ppAddr, []string{"read/space", "create/blogpost"}},
			}},
			ConfigStateChecks: []statecheck.StateCheck{ppExpectHeld(t, env, "ENG", group, "read/space", "create/blogpost", "create/comment")},
		},
		resource.TestStep{ // drift: a permission added by hand is planned away
			PreConfig: func() { env.GrantByHand(t, "ENG", group, "export/space") },
			Config:    config("read/space", "create/blogpost", "create/comment"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(ppAddr, plancheck.ResourceActionUpdate),
				ppExpectBefore{ppAddr, []string{"read/space", "create/blogpost", "create/comment", "export/space"}},
				plancheck.ExpectKnownValue(ppAddr, tfjsonpath.New("permissions"), ppSet("read/space", "create/blogpost", "create/comment")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{ppExpectHeld(t, env, "ENG", group, "read/space", "create/blogpost", "create/comment")},
		},
		resource.TestStep{ // drift: read/space removed by hand takes everything with it; plan creates again
			PreConfig: func() {
				ppRemoveByHand(t, env, "ENG", group, "read/space")
				if err := ppCheckHeld(context.Background(), t, env, "ENG", group); err != nil {
					t.Fatalf("removing read/space did not cascade: %v", err)
				}
			},
			Config: config("read/space", "create/blogpost", "create/comment"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(ppAddr, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{ppExpectHeld(t, env, "ENG", group, "read/space", "create/blogpost", "create/comment")},
		},
	)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return ppCheckHeld(context.Background(), t, env, "ENG", group)
		},
		Steps: steps,
	})
}

func TestAccSpacePrincipalPermissions_anonymous(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	anonymous := confluence.Principal{Type: confluence.PrincipalAnonymous}
	config := principalPermissionsConfig(env, "OPS", "anonymous", "", []string{"read/space", "create/comment"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return ppCheckHeld(context.Background(), t, env, "OPS", anonymous) },
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ppAddr, tfjsonpath.New("id"), knownvalue.StringExact("OPS/anonymous")),
					statecheck.ExpectKnownValue(ppAddr, tfjsonpath.New("principal_id"), knownvalue.Null()),
					ppExpectHeld(t, env, "OPS", anonymous, "read/space", "create/comment"),
				},
			},
			{ResourceName: ppAddr, ImportState: true, ImportStateId: "OPS/anonymous", ImportStateVerify: true},
			{ // drift: removed by hand
				PreConfig: func() { ppRemoveByHand(t, env, "OPS", anonymous, "create/comment") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ppAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{ppExpectHeld(t, env, "OPS", anonymous, "read/space", "create/comment")},
			},
		},
	})
}

// A site in ROLES mode refuses classic permissions: the plan says so, naming the resource to use, and
// nothing is written.
func TestAccSpacePrincipalPermissions_rolesSiteRefused(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{RoleMode: "ROLES"})
	gid := ppSeededGroup(t, env, "confluence-users")
	t.Cleanup(func() {
		if n := ppWrites(env); n != 0 {
			t.Errorf("%d permission writes reached the API", n)
		}
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      principalPermissionsConfig(env, "ENG", "group", gid, []string{"read/space", "create/page"}),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Space uses roles, not classic permissions.*mode ROLES.*confluence_space_role_assignment`),
		}},
	})
}

// Managing the provider's own account: the space's last administrator is kept even with allow_self_lockout;
// with another administrator, taking the account's administer/space away is refused unless allow_self_lockout.
func TestAccSpacePrincipalPermissions_selfLockout(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	me := confluence.Principal{Type: confluence.PrincipalUser, ID: env.Creds.AdminAccountID}
	siteAdmins := confluence.Principal{Type: confluence.PrincipalGroup, ID: ppSeededGroup(t, env, "site-admins")}
	perms := []string{"read/space", "create/page"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := ppCheckHeld(context.Background(), t, env, "ENG", me); err != nil {
				return err
			}
			return ppCheckHeld(context.Background(), t, env, "ENG", siteAdmins, "read/space", "administer/space")
		},
		Steps: []resource.TestStep{
			{ // the admin account is ENG's only administrator: allow_self_lockout does not remove the last one
				Config:      principalPermissionsConfig(env, "ENG", "user", me.ID, perms, "allow_self_lockout = true"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)The space would have no administrator.*administer/space in space ENG`),
			},
			{ // site-admins administers ENG too: the account's own administration is still protected
				PreConfig: func() {
					if n := ppWrites(env); n != 0 {
						t.Fatalf("a refused plan wrote %d permissions", n)
					}
					env.GrantByHand(t, "ENG", siteAdmins, "read/space", "administer/space")
				},
				Config:      principalPermissionsConfig(env, "ENG", "user", me.ID, perms),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)remove your own administration of the space.*` + me.ID + `.*allow_self_lockout = true`),
			},
			{ // allow_self_lockout lets the account give its administration up
				PreConfig: func() {
					if n := ppWrites(env); n != 2 { // the two grants made by hand above
						t.Fatalf("a refused plan wrote %d permissions", n-2)
					}
				},
				Config: principalPermissionsConfig(env, "ENG", "user", me.ID, perms, "allow_self_lockout = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ppAddr, tfjsonpath.New("allow_self_lockout"), knownvalue.Bool(true)),
					ppExpectHeld(t, env, "ENG", me, perms...),
				},
			},
		},
	})
}

// The last administrator of a space is never removed: neither by an update nor by a destroy.
func TestAccSpacePrincipalPermissions_lastAdmin(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	me := confluence.Principal{Type: confluence.PrincipalUser, ID: env.Creds.AdminAccountID}
	gid := ppSeededGroup(t, env, "site-admins") // the admin account is a member: it keeps administering through it
	group := confluence.Principal{Type: confluence.PrincipalGroup, ID: gid}
	admins := principalPermissionsConfig(env, "ENG", "group", gid, []string{"read/space", "administer/space"})
	var writes int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := ppCheckHeld(context.Background(), t, env, "ENG", group); err != nil {
				return err
			}
			held, err := ppHeld(context.Background(), t, env, "ENG", me)
			if err == nil && !slices.Contains(held, "administer/space") {
				err = fmt.Errorf("the admin account lost administer/space: %q", held)
			}
			return err
		},
		Steps: []resource.TestStep{
			{
				Config:            admins,
				ConfigStateChecks: []statecheck.StateCheck{ppExpectHeld(t, env, "ENG", group, "read/space", "administer/space")},
			},
			{ // the admin account's own administer/space goes by hand: the group is now the last administrator
				PreConfig: func() {
					ppRemoveByHand(t, env, "ENG", me, "administer/space")
					writes = ppWrites(env)
				},
				Config:      principalPermissionsConfig(env, "ENG", "group", gid, []string{"read/space"}),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)The space would have no administrator.*refuses to remove its last administrator`),
			},
			{
				Config:      admins,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)The space would have no administrator.*Destroying this resource.*group/` + gid + `.*removed block`),
			},
			{ // nothing was written by the refused plans; another administrator comes back, and destroy may proceed
				PreConfig: func() {
					if n := ppWrites(env); n != writes {
						t.Fatalf("refused plans wrote %d permissions", n-writes)
					}
					env.GrantByHand(t, "ENG", me, "administer/space")
				},
				Config:           admins,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccSpacePrincipalPermissions_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	const gid = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	read := []string{"read/space"}
	cases := map[string]acctest.ErrorCase{
		"principal type": {Config: principalPermissionsConfig(env, "ENG", "role", gid, read), Error: `(?s)principal_type.*value must be one of.*"group".*"user".*"anonymous"`},
		"group without id": {Config: principalPermissionsConfig(env, "ENG", "group", "", read),
			Error: `(?s)Missing principal_id.*principal_type is "group".*group id`},
		"user without id":   {Config: principalPermissionsConfig(env, "ENG", "user", "", read), Error: `(?s)Missing principal_id.*account id`},
		"anonymous with id": {Config: principalPermissionsConfig(env, "ENG", "anonymous", gid, read), Error: `(?s)principal_id must be omitted for anonymous`},
		"user anonymous":    {Config: principalPermissionsConfig(env, "ENG", "user", "anonymous", read), Error: `(?s)Use principal_type anonymous`},
		"id with slash":     {Config: principalPermissionsConfig(env, "ENG", "group", "a/b", read), Error: `(?s)principal_id.*must be a group id or an account id`},
		"unknown permission": {Config: principalPermissionsConfig(env, "ENG", "group", gid, []string{"read/space", "write/space"}),
			Error: `(?s)permissions.*value must be one of.*"read/space".*"administer/space".*"delete/attachment"`},
		"no read/space": {Config: principalPermissionsConfig(env, "ENG", "group", gid, []string{"create/page"}),
			Error: `(?s)permissions must contain read/space.*Accepted values:.*administer/space`},
		"empty permissions": {Config: principalPermissionsConfig(env, "ENG", "group", gid, nil), Error: `(?s)permissions must contain read/space`},
		"space key":         {Config: principalPermissionsConfig(env, "ENG OPS", "group", gid, read), Error: `(?s)space_key.*must be a space key`},
		"no credential": {Config: env.ProviderBlock([]string{"email", "api_token"}) + principalPermissionsBody("ENG", "group", gid, read),
			Error: `(?s)Confluence REST API is not configured.*"email".*CONFLUENCE_EMAIL`},
	}
	t.Cleanup(func() { // after the parallel subtests: bad input is refused before any API call
		if stats := env.Emulator.Stats(); len(stats) != 0 {
			t.Errorf("bad input reached the API: %v", stats)
		}
	})
	acctest.ExpectErrors(t, cases)
}

// A group id or space key that names nothing is a plan-time error, before any write.
func TestAccSpacePrincipalPermissions_unknownTargets(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	gid := env.NewGroup(t, "platform")
	cases := map[string]acctest.ErrorCase{
		"group": {Config: principalPermissionsConfig(env, "ENG", "group", "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f", []string{"read/space"}),
			Error: `(?s)Group not found.*"6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f".*not its name`},
		"group name": {Config: principalPermissionsConfig(env, "ENG", "group", "platform", []string{"read/space"}), Error: `(?s)Group not found.*"platform"`},
		"space":      {Config: principalPermissionsConfig(env, "NOPE", "group", gid, []string{"read/space"}), Error: `(?s)Space not found.*"NOPE"`},
	}
	t.Cleanup(func() {
		if n := ppWrites(env); n != 0 {
			t.Errorf("%d permission writes reached the API", n)
		}
	})
	acctest.ExpectErrors(t, cases)
}

// Refreshing 40 resources of one space reads the space's permission listing once (all its pages) and
// resolves its key once per run, whatever the number of resources.
func TestAccSpacePrincipalPermissions_requestCounts(t *testing.T) {
	t.Parallel()
	const n, pageSize = 40, 25
	env := acctest.New(t, emulator.Options{PageSize: pageSize})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = env.NewGroup(t, fmt.Sprintf("team-%02d", i))
	}
	var b strings.Builder
	b.WriteString("locals {\n  groups = [\n") // count, not for_each: the test harness's state shim needs int indexes
	for _, id := range ids {
		fmt.Fprintf(&b, "    %q,\n", id)
	}
	b.WriteString(`  ]
}

resource "confluence_space_principal_permissions" "team" {
  count          = length(local.groups)
  space_key      = "ENG"
  principal_type = "group"
  principal_id   = local.groups[count.index]
  permissions    = ["read/space", "create/page"]
}
`)
	config := env.Config(b.String())
	// ENG's listing after the apply: the seeded 9 permissions of the admin account and confluence-users'
	// read/space, plus 2 per team.
	grants := 9 + 1 + 2*n
	pages := (grants + pageSize - 1) / pageSize // 90 grants in pages of 25: 4 requests

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{ // every permission is granted exactly once
				PreConfig: env.ResetRequests,
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(func(context.Context) error {
						if got := env.Requests(routeAddSpacePerm); got != 2*n {
							return fmt.Errorf("%d permission grants, want %d", got, 2*n)
						}
						if got := env.Requests(routeRemoveSpacePerm); got != 0 {
							return fmt.Errorf("%d permission removals, want none", got)
						}
						return nil
					}),
					acctest.CheckAPI(func(ctx context.Context) error {
						for _, id := range ids {
							p := confluence.Principal{Type: confluence.PrincipalGroup, ID: id}
							if err := ppCheckHeld(ctx, t, env, "ENG", p, "read/space", "create/page"); err != nil {
								return err
							}
						}
						return nil
					}),
				},
			},
			{
				// A plan-only step runs two plans. The first does not refresh, and no resource has a change,
				// so ModifyPlan reads nothing: 0 requests. The second refreshes all 40 resources: they read ENG
				// by the id in their state (no key lookup), their permission reads share one listing of ENG
				// (followed through its pages), and ModifyPlan, with nothing to change, reads nothing more.
				// No role mode, group or current-user read.
				PreConfig: env.ResetRequests,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					ppBudget{env, map[string]int{routeSpacePerms: pages}},
				}},
			},
		},
	})
}

// Under a tight rate limit a large permission set applies: slower (429s are waited out), never failing.
func TestAccSpacePrincipalPermissions_rateLimited(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{RateLimit: 4})
	gid := env.NewGroup(t, "everything")
	group := confluence.Principal{Type: confluence.PrincipalGroup, ID: gid}
	all := []string{
		"read/space", "administer/space", "export/space", "restrict_content/space", "delete/space",
		"create/page", "update/page", "delete/page", "archive/page",
		"create/blogpost", "update/blogpost", "delete/blogpost",
		"create/comment", "delete/comment", "create/attachment", "delete/attachment",
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return ppCheckHeld(context.Background(), t, env, "ENG", group) },
		Steps: []resource.TestStep{{
			PreConfig: env.ResetRequests,
			Config:    principalPermissionsConfig(env, "ENG", "group", gid, all),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ppAddr, tfjsonpath.New("permissions"), ppSet(all...)),
				ppExpectHeld(t, env, "ENG", group, all...),
				acctest.CheckAPI(func(context.Context) error {
					// More requests than grants: some were refused with 429 and sent again.
					if got := env.Requests(routeAddSpacePerm); got <= len(all) {
						return fmt.Errorf("%d grant requests for %d grants: the rate limit was never hit", got, len(all))
					}
					return nil
				}),
			},
		}},
	})
}

// A refusal, not a 5xx: a 5xx to a grant is settled by a read and sent again (lost_answer_test.go).
var faultThirdGrant = []emulator.Fault{{Route: routeAddSpacePerm, Nth: 3, Status: 403}}

// An update whose third grant fails: the error names the permission, the state holds what was applied (the
// next plan adds exactly the missing one), and the next apply completes without granting anything twice.
func TestAccSpacePrincipalPermissions_partialUpdate(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{Faults: faultThirdGrant})
	gid := env.NewGroup(t, "platform")
	group := confluence.Principal{Type: confluence.PrincipalGroup, ID: gid}
	// parallelism 1 makes the order of the grants, hence the one that fails, deterministic: sorted, read/space first.
	config := func(perms ...string) string {
		return env.ProviderBlock(nil, "parallelism = 1") + principalPermissionsBody("ENG", "group", gid, perms)
	}
	full := []string{"read/space", "create/blogpost", "create/comment", "create/page", "delete/page"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return ppCheckHeld(context.Background(), t, env, "ENG", group) },
		Steps: []resource.TestStep{
			{ // grant 1: read/space
				Config:            config("read/space"),
				ConfigStateChecks: []statecheck.StateCheck{ppExpectHeld(t, env, "ENG", group, "read/space")},
			},
			{ // grants 2-5: create/blogpost, create/comment (fails), create/page, delete/page
				Config:      config(full...),
				ExpectError: regexp.MustCompile(`(?s)Could not set the permissions of group/` + gid + ` in space ENG.*granting create/comment to group/` + gid + `.*403.*run apply again`),
			},
			{
				Config: config(full...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ppAddr, plancheck.ResourceActionUpdate),
					ppExpectBefore{ppAddr, []string{"read/space", "create/blogpost", "create/page", "delete/page"}},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					ppExpectHeld(t, env, "ENG", group, full...),
					acctest.CheckAPI(func(context.Context) error {
						// 5 grants, one of them sent twice: nothing granted twice.
						if got := env.Requests(routeAddSpacePerm); got != 6 {
							return fmt.Errorf("%d grant requests, want 6", got)
						}
						return nil
					}),
				},
			},
		},
	})
}

// A create whose third grant fails: the state records what was granted (Terraform marks the half-created
// resource tainted, so the next plan replaces it from that state) and the next apply completes.
func TestAccSpacePrincipalPermissions_partialCreate(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{Faults: faultThirdGrant})
	gid := env.NewGroup(t, "platform")
	group := confluence.Principal{Type: confluence.PrincipalGroup, ID: gid}
	perms := []string{"read/space", "create/blogpost", "create/comment", "create/page"}
	config := env.ProviderBlock(nil, "parallelism = 1") + principalPermissionsBody("ENG", "group", gid, perms)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return ppCheckHeld(context.Background(), t, env, "ENG", group) },
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)granting create/comment to group/` + gid + `.*403`),
			},
			{
				PreConfig: func() {
					if err := ppCheckHeld(context.Background(), t, env, "ENG", group, "read/space", "create/blogpost", "create/page"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ppAddr, plancheck.ResourceActionDestroyBeforeCreate),
					ppExpectBefore{ppAddr, []string{"read/space", "create/blogpost", "create/page"}},
				}},
				ConfigStateChecks: []statecheck.StateCheck{ppExpectHeld(t, env, "ENG", group, perms...)},
			},
		},
	})
}
