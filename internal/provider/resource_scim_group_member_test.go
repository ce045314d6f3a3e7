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
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	scimMemberAddr    = "confluence_scim_group_member.m"
	routeSCIMGetGroup = "GET /scim/directory/{directoryId}/Groups/{id}"
	routeSCIMPatchGrp = "PATCH /scim/directory/{directoryId}/Groups/{id}"
)

// scimMemberFixture creates, through the SCIM API, a group and n active users.
func scimMemberFixture(t *testing.T, api *scim.Client, group string, n int) (string, []string) {
	t.Helper()
	ctx := context.Background()
	g, err := api.CreateGroup(ctx, scim.Group{DisplayName: group})
	if err != nil {
		t.Fatal(err)
	}
	users := make([]string, n)
	for i := range n {
		name := fmt.Sprintf("%s-%03d@example.com", group, i)
		u, err := api.CreateUser(ctx, scim.User{UserName: name, Emails: []scim.Email{{Value: name, Type: "work", Primary: true}}})
		if err != nil {
			t.Fatal(err)
		}
		users[i] = u.ID
	}
	return g.ID, users
}

// scimGroupMemberIDs reads the group's members straight from the API (GetGroup, never a cache), sorted.
func scimGroupMemberIDs(ctx context.Context, api *scim.Client, groupID string) ([]string, error) {
	g, err := api.GetGroup(ctx, groupID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(g.Members))
	for _, m := range g.Members {
		ids = append(ids, m.Value)
	}
	slices.Sort(ids)
	return ids, nil
}

// expectSCIMMembers checks through the API that the group's members are exactly want.
func expectSCIMMembers(ctx context.Context, api *scim.Client, groupID string, want ...string) error {
	got, err := scimGroupMemberIDs(ctx, api, groupID)
	if err != nil {
		return err
	}
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("group %s has members %v, want %v", groupID, got, want)
	}
	return nil
}

// scimRequestBudget asserts the emulator's request counts since the last reset: exactly want, no other route.
// It is both a state check (after an apply) and a plan check (after a plan-only step's plans).
type scimRequestBudget struct {
	env  *acctest.Env
	want map[string]int
}

func (b scimRequestBudget) check() error {
	got := b.env.APIStats()
	if !maps.Equal(got, b.want) {
		return fmt.Errorf("requests %v, want exactly %v", got, b.want)
	}
	return nil
}

func (b scimRequestBudget) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = b.check()
}

func (b scimRequestBudget) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = b.check()
}

func scimMemberConfig(env *acctest.Env, groupID, userID string) string {
	return env.Config(fmt.Sprintf(`
resource "confluence_scim_group_member" "m" {
  group_id = %q
  user_id  = %q
}
`, groupID, userID))
}

// Additive: the resource adds and removes its one user and leaves the group's other members alone.
func TestAccSCIMGroupMember_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	groupID, users := scimMemberFixture(t, api, "engineering", 3)
	other := users[2] // a member nobody manages with Terraform
	if err := api.AddMembers(ctx, groupID, other); err != nil {
		t.Fatal(err)
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return expectSCIMMembers(ctx, api, groupID, other) // destroy removed its user only
		},
		Steps: []resource.TestStep{
			{ // create
				Config: scimMemberConfig(env, groupID, users[0]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimMemberAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(scimMemberAddr, tfjsonpath.New("id"), knownvalue.StringExact(groupID+"/"+users[0])),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimMemberAddr, tfjsonpath.New("id"), knownvalue.StringExact(groupID+"/"+users[0])),
					statecheck.ExpectKnownValue(scimMemberAddr, tfjsonpath.New("group_id"), knownvalue.StringExact(groupID)),
					statecheck.ExpectKnownValue(scimMemberAddr, tfjsonpath.New("user_id"), knownvalue.StringExact(users[0])),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, users[0], other) }),
				},
			},
			{ // nothing to do on a second plan
				Config:           scimMemberConfig(env, groupID, users[0]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // import group_id/user_id fills every attribute
				ResourceName:      scimMemberAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // drift: the member is removed through the API; plan adds it again
				PreConfig: func() {
					if err := api.RemoveMembers(ctx, groupID, users[0]); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimMemberConfig(env, groupID, users[0]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimMemberAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, users[0], other) }),
				},
			},
			{ // another user replaces the membership: the old user leaves, the other member stays
				Config: scimMemberConfig(env, groupID, users[1]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimMemberAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimMemberAddr, tfjsonpath.New("id"), knownvalue.StringExact(groupID+"/"+users[1])),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, users[1], other) }),
				},
			},
		},
	})
}

// A user who is already a member is adopted, not an error; destroying the resource then removes them.
func TestAccSCIMGroupMember_existingMembershipIsAdopted(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	groupID, users := scimMemberFixture(t, api, "adopted", 1)
	if err := api.AddMembers(ctx, groupID, users[0]); err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return expectSCIMMembers(ctx, api, groupID) },
		Steps: []resource.TestStep{{
			Config: scimMemberConfig(env, groupID, users[0]),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(scimMemberAddr, tfjsonpath.New("id"), knownvalue.StringExact(groupID+"/"+users[0])),
				acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, users[0]) }),
			},
		}},
	})
}

// A deactivated user and a deleted group both drop the membership from the state (with a warning), so the plan
// shows it being created again; the apply then says exactly what is missing.
func TestAccSCIMGroupMember_removedOutsideTerraform(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	groupA, usersA := scimMemberFixture(t, api, "group-a", 1)
	groupB, usersB := scimMemberFixture(t, api, "group-b", 1)
	config := env.Config(fmt.Sprintf(`
resource "confluence_scim_group_member" "deactivated" {
  group_id = %q
  user_id  = %q
}

resource "confluence_scim_group_member" "group_deleted" {
  group_id = %q
  user_id  = %q
}
`, groupA, usersA[0], groupB, usersB[0]))

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupA, usersA[0]) }),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupB, usersB[0]) }),
				},
			},
			{
				PreConfig: func() {
					if err := api.DeleteUser(ctx, usersA[0]); err != nil { // deactivation removes the user from every group
						t.Fatal(err)
					}
					if err := api.DeleteGroup(ctx, groupB); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_scim_group_member.deactivated", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("confluence_scim_group_member.group_deleted", plancheck.ResourceActionCreate),
				}},
				ExpectError: regexp.MustCompile(`(?s)(SCIM user not found.*` + usersA[0] + `.*SCIM group not found.*` + groupB +
					`|SCIM group not found.*` + groupB + `.*SCIM user not found.*` + usersA[0] + `)`),
			},
		},
	})
}

// With the group managed in the same configuration, deleting the group outside Terraform plans both back, and one
// apply restores them (the membership waits for the new group's id).
func TestAccSCIMGroupMember_withManagedGroup(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	_, users := scimMemberFixture(t, api, "fixture", 1)
	config := env.Config(fmt.Sprintf(`
resource "confluence_scim_group" "g" {
  display_name = "platform"
}

resource "confluence_scim_group_member" "m" {
  group_id = confluence_scim_group.g.id
  user_id  = %q
}
`, users[0]))
	var groupID string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(scimMemberAddr, tfjsonpath.New("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString("confluence_scim_group.g", tfjsonpath.New("id"), &groupID),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, users[0]) }),
				},
			},
			{
				PreConfig: func() {
					if err := api.DeleteGroup(ctx, groupID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_scim_group.g", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(scimMemberAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString("confluence_scim_group.g", tfjsonpath.New("id"), &groupID),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, users[0]) }),
				},
			},
		},
	})
}

// Refreshing N memberships of one group reads that group once per run, not N times: 10 memberships of one group
// and 3 of another cost exactly 2 requests in a plan, and creating them costs one PATCH each and no read.
func TestAccSCIMGroupMember_refreshReadsEachGroupOnce(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	groupA, usersA := scimMemberFixture(t, api, "big", 10)
	groupB, usersB := scimMemberFixture(t, api, "small", 3)
	var b strings.Builder
	b.WriteString("locals {\n  memberships = [\n") // count, not for_each: the test harness's state shim needs int indexes
	for _, u := range usersA {
		fmt.Fprintf(&b, "    { group = %q, user = %q },\n", groupA, u)
	}
	for _, u := range usersB {
		fmt.Fprintf(&b, "    { group = %q, user = %q },\n", groupB, u)
	}
	b.WriteString(`  ]
}

resource "confluence_scim_group_member" "m" {
  count    = length(local.memberships)
  group_id = local.memberships[count.index].group
  user_id  = local.memberships[count.index].user
}
`)
	config := env.Config(b.String())

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{ // apply: one PATCH per membership; the PATCH answers keep the cache current, so no read
				PreConfig: env.ResetRequests,
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					scimRequestBudget{env, map[string]int{routeSCIMPatchGrp: 13}},
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupA, usersA...) }),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupB, usersB...) }),
				},
			},
			{ // a plan-only step runs a plan without refresh (no request) and a plan with refresh of all 13
				PreConfig: env.ResetRequests,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					scimRequestBudget{env, map[string]int{routeSCIMGetGroup: 2}},
				}},
			},
		},
	})
}

// Bad input fails at plan time (or at import, for a malformed ID) without any API request.
func TestAccSCIMGroupMember_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	member := func(group, user string) string {
		return fmt.Sprintf("resource \"confluence_scim_group_member\" \"m\" {\n  group_id = %q\n  user_id  = %q\n}\n", group, user)
	}
	cases := map[string]acctest.ErrorCase{
		"empty group":     {Config: env.Config(member("", "u1")), Error: `(?s)Invalid group_id.*SCIM id.*not\s+an\s+empty\s+string`},
		"empty user":      {Config: env.Config(member("g1", "")), Error: `(?s)Invalid user_id.*SCIM id.*not\s+an\s+empty\s+string`},
		"slash in user":   {Config: env.Config(member("g1", "u1/u2")), Error: `(?s)Invalid user_id.*never\s+contains\s+"/"`},
		"slash in group":  {Config: env.Config(member("g1/x", "u1")), Error: `(?s)Invalid group_id.*never\s+contains\s+"/"`},
		"spaces in group": {Config: env.Config(member(" g1", "u1")), Error: `(?s)Invalid group_id.*without\s+leading\s+or\s+trailing\s+spaces`},
		"no credential": {Config: env.ProviderBlock([]string{"scim_directory_url"}) + member("g1", "u1"),
			Error: `(?s)SCIM API is not configured.*"scim_directory_url".*ATLASSIAN_SCIM_DIRECTORY_URL`},
	}
	t.Cleanup(func() { // after the parallel subtests: bad input is refused before any API call
		if stats := env.Emulator.Stats(); len(stats) != 0 {
			t.Errorf("bad input reached the API: %v", stats)
		}
	})
	acctest.ExpectErrors(t, cases)
	for _, id := range []string{"only-a-group", "g1/u1/x", "/u1", "g1/", "g1/ u1"} {
		t.Run("import "+id, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:        env.Config(member("g1", "u1")),
					ResourceName:  scimMemberAddr,
					ImportState:   true,
					ImportStateId: id,
					ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*Expected\s+group_id/user_id`),
				}},
			})
		})
	}
}
