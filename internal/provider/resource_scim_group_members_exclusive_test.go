package provider_test

import (
	"context"
	"fmt"
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
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const scimExclusiveAddr = "confluence_scim_group_members_exclusive.m"

func scimMembersExclusiveConfig(env *acctest.Env, groupID string, userIDs ...string) string {
	quoted := make([]string, len(userIDs))
	for i, id := range userIDs {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return env.Config(fmt.Sprintf(`
resource "confluence_scim_group_members_exclusive" "m" {
  group_id = %q
  user_ids = [%s]
}
`, groupID, strings.Join(quoted, ", ")))
}

// scimUserIDsExactly is the known value of a user_ids set holding exactly ids.
func scimUserIDsExactly(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.StringExact(id)
	}
	return knownvalue.SetExact(checks)
}

func TestAccSCIMGroupMembersExclusive_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	groupID, u := scimMemberFixture(t, api, "engineering", 4)
	// Before Terraform: u0 (to be listed) and u3 (not listed) are members.
	if err := api.AddMembers(ctx, groupID, u[0], u[3]); err != nil {
		t.Fatal(err)
	}
	members := func(want ...string) statecheck.StateCheck {
		return acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, want...) })
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{ // create takes the group over: adds u1, removes the unlisted u3, keeps u0
				Config: scimMembersExclusiveConfig(env, groupID, u[0], u[1]),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimExclusiveAddr, tfjsonpath.New("group_id"), knownvalue.StringExact(groupID)),
					statecheck.ExpectKnownValue(scimExclusiveAddr, tfjsonpath.New("user_ids"), scimUserIDsExactly(u[0], u[1])),
					members(u[0], u[1]),
				},
			},
			{ // nothing to do on a second plan
				Config:           scimMembersExclusiveConfig(env, groupID, u[0], u[1]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // import by group id fills user_ids
				ResourceName:                         scimExclusiveAddr,
				ImportState:                          true,
				ImportStateId:                        groupID,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "group_id",
			},
			{ // in-place update: u0 leaves, u2 joins
				Config: scimMembersExclusiveConfig(env, groupID, u[1], u[2]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimExclusiveAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimExclusiveAddr, tfjsonpath.New("user_ids"), scimUserIDsExactly(u[1], u[2])),
					members(u[1], u[2]),
				},
			},
			{ // drift: a member is added outside Terraform; plan shows it and apply removes it
				PreConfig: func() {
					if err := api.AddMembers(ctx, groupID, u[3]); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimMembersExclusiveConfig(env, groupID, u[1], u[2]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimExclusiveAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(scimExclusiveAddr, tfjsonpath.New("user_ids"), scimUserIDsExactly(u[1], u[2])),
				}},
				ConfigStateChecks: []statecheck.StateCheck{members(u[1], u[2])},
			},
			{ // drift: a listed member is removed outside Terraform; apply adds them back
				PreConfig: func() {
					if err := api.RemoveMembers(ctx, groupID, u[2]); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimMembersExclusiveConfig(env, groupID, u[1], u[2]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimExclusiveAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{members(u[1], u[2])},
			},
			{ // an empty set removes every member
				Config: scimMembersExclusiveConfig(env, groupID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimExclusiveAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimExclusiveAddr, tfjsonpath.New("user_ids"), knownvalue.SetSizeExact(0)),
					members(),
				},
			},
			{ // members added outside an emptied group are drift too
				PreConfig: func() {
					if err := api.AddMembers(ctx, groupID, u[0]); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimMembersExclusiveConfig(env, groupID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimExclusiveAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{members()},
			},
		},
	})
}

// Importing a group shows, in the next plan, exactly which current members the configuration would remove.
func TestAccSCIMGroupMembersExclusive_importShowsRemovals(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	groupID, u := scimMemberFixture(t, api, "imported", 3)
	if err := api.AddMembers(ctx, groupID, u...); err != nil {
		t.Fatal(err)
	}
	config := env.Config(fmt.Sprintf(`
import {
  to = confluence_scim_group_members_exclusive.m
  id = %q
}

resource "confluence_scim_group_members_exclusive" "m" {
  group_id = %q
  user_ids = [%q]
}
`, groupID, groupID, u[0]))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(scimExclusiveAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(scimExclusiveAddr, tfjsonpath.New("user_ids"), scimUserIDsExactly(u[0])),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, u[0]) }),
			},
		}},
	})
}

// Destroying the resource stops managing the group and removes nobody.
func TestAccSCIMGroupMembersExclusive_destroyRemovesNobody(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	groupID, u := scimMemberFixture(t, api, "kept", 2)
	members := func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, u...) }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return members(context.Background()) },
		Steps: []resource.TestStep{
			{
				Config:            scimMembersExclusiveConfig(env, groupID, u...),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CheckAPI(members)},
			},
			{ // removed from the configuration: planned as a destroy, and the members stay
				Config: env.Config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimExclusiveAddr, plancheck.ResourceActionDestroy),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.CheckAPI(members)},
			},
		},
	})
}

// A deactivated listed user shows as drift and the apply names them; a deleted group drops the resource from the
// state (with a warning), so the plan shows a create and the apply says the group is gone.
func TestAccSCIMGroupMembersExclusive_changedOutsideTerraform(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	groupID, u := scimMemberFixture(t, api, "outside", 2)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: scimMembersExclusiveConfig(env, groupID, u...)},
			{ // deactivation removes u1 from the group: drift, and re-adding is refused with the user named
				PreConfig: func() {
					if err := api.DeleteUser(ctx, u[1]); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimMembersExclusiveConfig(env, groupID, u...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimExclusiveAddr, plancheck.ResourceActionUpdate),
				}},
				ExpectError: regexp.MustCompile(`(?s)SCIM user not found.*deactivated.*` + u[1]),
			},
			{ // the user is dropped from the configuration: the group matches again
				Config: scimMembersExclusiveConfig(env, groupID, u[0]),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimExclusiveAddr, tfjsonpath.New("user_ids"), scimUserIDsExactly(u[0])),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, u[0]) }),
				},
			},
			{ // the group is deleted outside Terraform
				PreConfig: func() {
					if err := api.DeleteGroup(ctx, groupID); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimMembersExclusiveConfig(env, groupID, u[0]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimExclusiveAddr, plancheck.ResourceActionCreate),
				}},
				ExpectError: regexp.MustCompile(`(?s)SCIM group not found.*` + groupID + `.*does\s+not\s+exist`),
			},
		},
	})
}

// 200 listed users and 5 unlisted members: create reads the group once and writes in chunks of 100 (2 adds and
// 1 remove); a refresh reads the group once.
func TestAccSCIMGroupMembersExclusive_200Members(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	groupID, users := scimMemberFixture(t, api, "large", 205)
	listed, unlisted := users[:200], users[200:]
	if err := api.AddMembers(context.Background(), groupID, unlisted...); err != nil {
		t.Fatal(err)
	}
	config := scimMembersExclusiveConfig(env, groupID, listed...)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.ResetRequests,
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					scimRequestBudget{env, map[string]int{routeSCIMGetGroup: 1, routeSCIMPatchGrp: 3}},
					statecheck.ExpectKnownValue(scimExclusiveAddr, tfjsonpath.New("user_ids"), knownvalue.SetSizeExact(200)),
					acctest.CheckAPI(func(ctx context.Context) error { return expectSCIMMembers(ctx, api, groupID, listed...) }),
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					scimRequestBudget{env, map[string]int{routeSCIMGetGroup: 1}},
				}},
			},
		},
	})
}

// Bad input fails at plan time (or at import, for a malformed ID) without any API request.
func TestAccSCIMGroupMembersExclusive_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"empty group":    {Config: scimMembersExclusiveConfig(env, "", "u1"), Error: `(?s)Invalid group_id.*not\s+an\s+empty\s+string`},
		"slash in group": {Config: scimMembersExclusiveConfig(env, "g1/u1", "u1"), Error: `(?s)Invalid group_id.*never\s+contains\s+"/"`},
		"empty user id":  {Config: scimMembersExclusiveConfig(env, "g1", "u1", ""), Error: `(?s)Invalid user_ids.*not\s+an\s+empty\s+string`},
		"spaces user id": {Config: scimMembersExclusiveConfig(env, "g1", "u1 "), Error: `(?s)Invalid user_ids.*without\s+leading\s+or\s+trailing\s+spaces`},
		"missing user_ids": {Config: env.Config("resource \"confluence_scim_group_members_exclusive\" \"m\" {\n  group_id = \"g1\"\n}\n"),
			Error: `(?s)"user_ids" is\s+required`},
		"no credential": {Config: env.ProviderBlock([]string{"scim_api_key"}) + `resource "confluence_scim_group_members_exclusive" "m" {
  group_id = "g1"
  user_ids = []
}`, Error: `(?s)SCIM API is not configured.*"scim_api_key".*ATLASSIAN_SCIM_API_KEY`},
	}
	t.Cleanup(func() { // after the parallel subtests: bad input is refused before any API call
		if stats := env.Emulator.Stats(); len(stats) != 0 {
			t.Errorf("bad input reached the API: %v", stats)
		}
	})
	acctest.ExpectErrors(t, cases)
	for _, id := range []string{"g1/u1", " "} {
		t.Run(fmt.Sprintf("import %q", id), func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:        scimMembersExclusiveConfig(env, "g1"),
					ResourceName:  scimExclusiveAddr,
					ImportState:   true,
					ImportStateId: id,
					ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*SCIM\s+id\s+of\s+the\s+group`),
				}},
			})
		})
	}
}
