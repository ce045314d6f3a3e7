package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	orgGroupAddr = "confluence_group.eng"

	routeOrgGroups      = "/admin/v2/orgs/{orgId}/directories/{directoryId}/groups"
	routeOrgGroup       = routeOrgGroups + "/{groupId}"
	routeOrgGroupCreate = "POST " + routeOrgGroups
	routeOrgGroupSearch = "POST " + routeOrgGroups + "/search"
	routeOrgGroupGet    = "GET " + routeOrgGroup
	routeOrgGroupDelete = "DELETE " + routeOrgGroup
)

// orgGroupConfig renders confluence_group.eng; an empty description is left out.
func orgGroupConfig(env *acctest.Env, name, description string, providerExtra ...string) string {
	desc := ""
	if description != "" {
		desc = fmt.Sprintf("description = %q", description)
	}
	return env.ProviderBlock(nil, providerExtra...) + fmt.Sprintf(`
resource "confluence_group" "eng" {
  name = %q
  %s
}
`, name, desc)
}

// expectOrgGroup checks through the Admin API that the group with *id is a local group with this name and
// description.
func expectOrgGroup(a *admin.Client, id *string, name, description string) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error {
		g, err := a.GetGroup(ctx, admin.AllDirectories, *id)
		if err != nil {
			return err
		}
		if g.Name != name || g.Description != description || g.ExternalSynced || g.ManagedBy != "admins" {
			return fmt.Errorf("organization holds %+v, want local group %q/%q", g, name, description)
		}
		return nil
	})
}

// orgGroupGone checks through the Admin API that the groups with these ids are gone.
func orgGroupGone(a *admin.Client, ids ...*string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, id := range ids {
			if *id == "" {
				return fmt.Errorf("a group id was never captured")
			}
			if _, err := a.GetGroup(context.Background(), admin.AllDirectories, *id); !transport.IsNotFound(err) {
				return fmt.Errorf("group %s still readable after destroy (err=%w)", *id, err)
			}
		}
		return nil
	}
}

func TestAccGroup_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Admin(t)
	var id, firstID, replacedID string

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             orgGroupGone(api, &firstID, &replacedID, &id),
		Steps: []resource.TestStep{
			{ // create: 201 without a body, then the id is found by name
				PreConfig: env.ResetRequests,
				Config:    orgGroupConfig(env, "Engineering", "All engineers"),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(orgGroupAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(orgGroupAddr, tfjsonpath.New("id"), &firstID),
					statecheck.ExpectKnownValue(orgGroupAddr, tfjsonpath.New("name"), knownvalue.StringExact("Engineering")),
					statecheck.ExpectKnownValue(orgGroupAddr, tfjsonpath.New("description"), knownvalue.StringExact("All engineers")),
					expectOrgGroup(api, &id, "Engineering", "All engineers"),
					expectRequests(env, map[string]int{routeOrgGroupCreate: 1}),
				},
			},
			{ // nothing to do on a second plan; refreshing is one GET per group, and no name search
				PreConfig: env.ResetRequests,
				Config:    orgGroupConfig(env, "Engineering", "All engineers"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequests(env, map[string]int{routeOrgGroupSearch: 0, routeOrgGroupCreate: 0, routeOrgGroupDelete: 0}),
				},
			},
			{ // import fills every attribute
				ResourceName:      orgGroupAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // the API cannot update a group: a new description replaces it
				Config: orgGroupConfig(env, "Engineering", "Everyone in engineering"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgGroupAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(orgGroupAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(orgGroupAddr, tfjsonpath.New("id"), &replacedID),
					expectOrgGroup(api, &id, "Engineering", "Everyone in engineering"),
					acctest.CheckAPI(func(ctx context.Context) error {
						if id == firstID {
							return fmt.Errorf("group %s was kept, want a new group", id)
						}
						return orgGroupGone(api, &firstID)(nil)
					}),
				},
			},
			{ // removing the description replaces it too
				Config: orgGroupConfig(env, "Engineering", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgGroupAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(orgGroupAddr, tfjsonpath.New("id"), &id),
					statecheck.ExpectKnownValue(orgGroupAddr, tfjsonpath.New("description"), knownvalue.Null()),
					expectOrgGroup(api, &id, "Engineering", ""),
				},
			},
			{ // a new spelling of the name replaces the group too: there is no rename route
				Config: orgGroupConfig(env, "ENGINEERING", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgGroupAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(orgGroupAddr, tfjsonpath.New("id"), &id),
					expectOrgGroup(api, &id, "ENGINEERING", ""),
				},
			},
			{ // a tainted group is planned as a plain create, so the plan cannot tell its own group from a
				// taken name: it says to untaint and use -replace (whose plan carries the id being replaced)
				Taint:       []string{orgGroupAddr},
				Config:      orgGroupConfig(env, "ENGINEERING", ""),
				ExpectError: regexp.MustCompile(`(?s)Group already exists.*terraform untaint.*-replace`),
			},
			{ // drift: the group is deleted outside Terraform; plan re-creates it
				PreConfig: func() {
					if err := api.DeleteGroup(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: orgGroupConfig(env, "ENGINEERING", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgGroupAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(orgGroupAddr, tfjsonpath.New("id"), &id),
					expectOrgGroup(api, &id, "ENGINEERING", ""),
				},
			},
		},
	})
}

func TestAccGroup_existingNameFailsThePlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	ctx := context.Background()
	api := env.Admin(t)
	local, err := api.CreateGroup(ctx, env.Creds.LocalDirectoryID, "platform", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.SCIM(t).CreateGroup(ctx, scim.Group{DisplayName: "sre"}); err != nil {
		t.Fatal(err)
	}
	synced, err := api.GroupByName(ctx, admin.AllDirectories, "sre")
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := api.GroupByName(ctx, admin.AllDirectories, "confluence-users")
	if err != nil {
		t.Fatal(err)
	}
	env.ResetRequests()
	cases := map[string]struct{ name, want string }{
		"local group, other case": {"Platform", `(?s)Group already exists.*terraform import confluence_group.<name> ` + regexp.QuoteMeta(local.ID)},
		"default group":           {"confluence-users", `(?s)Group already exists.*terraform import confluence_group.<name> ` + regexp.QuoteMeta(defaults.ID)},
		"synced group": {"SRE", `(?s)Group already exists.*` + regexp.QuoteMeta(synced.ID) +
			`.*synced from an identity provider.*confluence_scim_group`},
	}
	t.Cleanup(func() { // after the parallel subtests: a plan-time check never writes
		if n := env.Requests(routeOrgGroupCreate); n != 0 {
			t.Errorf("a plan created a group (%d requests)", n)
		}
	})
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      orgGroupConfig(env, c.name, ""),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}

// Two resources with one name pass the plan (neither exists yet). Whichever comes second is refused with the
// import command of the group the first one created: by Atlassian's 409 when both creates race, or by the
// plan Terraform makes again at apply when the first group already exists by then. Either way one group exists.
func TestAccGroup_conflictAtApply(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Admin(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			found, err := api.GroupsByName(context.Background(), admin.AllDirectories, "twins")
			if err != nil || len(found) != 0 {
				return fmt.Errorf("groups named twins after destroy: %v (err=%w)", found, err)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: env.Config(`
resource "confluence_group" "a" {
  name = "twins"
}
resource "confluence_group" "b" {
  name = "Twins"
}
`),
			ExpectError: regexp.MustCompile(`(?s)Group already exists.*terraform import confluence_group.<name> [0-9a-f-]{36}`),
		}, {
			PreConfig: func() { // exactly one group came out of it, whichever way the second was refused
				found, err := api.GroupsByName(context.Background(), admin.AllDirectories, "twins")
				if err != nil || len(found) != 1 {
					t.Fatalf("groups named twins after the refused apply: %v (err=%v)", found, err)
				}
			},
			Config: env.Config(""),
		}},
	})
	if n := env.Requests(routeOrgGroupCreate); n < 1 || n > 2 {
		t.Errorf("%d creates, want 1 or 2 (one succeeding, maybe one refused)", n)
	}
}

func TestAccGroup_importOfSyncedGroupRefused(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PropagationDelay: 0}) // the SCIM group shows in the org at once
	ctx := context.Background()
	if _, err := env.SCIM(t).CreateGroup(ctx, scim.Group{DisplayName: "oncall"}); err != nil {
		t.Fatal(err)
	}
	synced, err := env.Admin(t).GroupByName(ctx, admin.AllDirectories, "oncall")
	if err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        orgGroupConfig(env, "oncall", ""),
			ResourceName:  orgGroupAddr,
			ImportState:   true,
			ImportStateId: synced.ID,
			ExpectError:   regexp.MustCompile(`(?s)synced from an identity provider.*confluence_scim_group`),
		}},
	})
	if n := env.Requests(routeOrgGroupDelete); n != 0 {
		t.Errorf("the refused import deleted something (%d requests)", n)
	}
}

// A group granting admin access cannot be deleted: destroy says to revoke the role, and succeeds once it is.
func TestAccGroup_destroyOfAdminGroup(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PropagationDelay: 0})
	api := env.Admin(t)
	ctx := context.Background()
	site, err := api.SiteARI(ctx, env.URL)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             orgGroupGone(api, &id),
		Steps: []resource.TestStep{
			{
				Config:            orgGroupConfig(env, "wiki-admins", ""),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureString(orgGroupAddr, tfjsonpath.New("id"), &id)},
			},
			{ // an admin grants the group Confluence admin by hand; destroy is refused with what to do
				PreConfig: func() {
					if err := api.AssignGroupRole(ctx, id, site, admin.RoleAdmin); err != nil {
						t.Fatal(err)
					}
				},
				Config:      orgGroupConfig(env, "wiki-admins", ""),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Group grants admin access.*ADMIN-403-7.*Revoke its admin\s+role first`),
			},
			{ // the group is still there and managed
				PreConfig: func() {
					if err := api.RevokeGroupRole(ctx, id, site, admin.RoleAdmin); err != nil {
						t.Fatal(err)
					}
				},
				Config: orgGroupConfig(env, "wiki-admins", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectOrgGroup(api, &id, "wiki-admins", "")},
			},
		},
	})
}

// A default group can be imported but not deleted: destroy explains how to stop managing it, and a removed
// block does so without deleting it.
func TestAccGroup_defaultGroupIsNotDeleted(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Admin(t)
	users, err := api.GroupByName(context.Background(), admin.AllDirectories, "confluence-users")
	if err != nil {
		t.Fatal(err)
	}
	imported := orgGroupConfig(env, "confluence-users", "") + fmt.Sprintf(`
import {
  to = %s
  id = %q
}
`, orgGroupAddr, users.ID)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			_, err := api.GetGroup(context.Background(), admin.AllDirectories, users.ID)
			return err // the default group must still exist
		},
		Steps: []resource.TestStep{
			{
				Config: imported,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgGroupAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(orgGroupAddr, tfjsonpath.New("id"), knownvalue.StringExact(users.ID)),
				},
			},
			{
				Config:      imported,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Atlassian does not delete default groups.*ADMIN-403-6.*removed \{.*terraform state rm`),
			},
			{ // the advice works: the removed block forgets the group and deletes nothing
				Config: env.Config(fmt.Sprintf(`
removed {
  from = %s
  lifecycle {
    destroy = false
  }
}
`, orgGroupAddr)),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(func(ctx context.Context) error {
						_, err := api.GetGroup(ctx, admin.AllDirectories, users.ID)
						return err
					}),
				},
			},
		},
	})
}

// The create waits for the new group to show in the organization, bounded by consistency_timeout.
func TestAccGroup_createWaitsForConsistency(t *testing.T) {
	t.Parallel()
	t.Run("appears within the timeout", func(t *testing.T) {
		t.Parallel()
		env := acctest.New(t, emulator.Options{PropagationDelay: 1500 * time.Millisecond})
		api := env.Admin(t)
		var id string
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             orgGroupGone(api, &id),
			Steps: []resource.TestStep{{
				Config: orgGroupConfig(env, "slow", "Shows after a lag"),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(orgGroupAddr, tfjsonpath.New("id"), &id),
					expectOrgGroup(api, &id, "slow", "Shows after a lag"),
					acctest.CheckAPI(func(context.Context) error {
						// the plan's duplicate check, then polls until the group showed
						if n := env.Requests(routeOrgGroupSearch); n < 3 {
							return fmt.Errorf("%d name searches, want the create to have polled", n)
						}
						return nil
					}),
				},
			}},
		})
	})
	t.Run("times out", func(t *testing.T) {
		t.Parallel()
		env := acctest.New(t, emulator.Options{PropagationDelay: time.Hour})
		start := time.Now()
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      orgGroupConfig(env, "never", "", `consistency_timeout = "1s"`, `request_timeout = "2s"`),
				ExpectError: regexp.MustCompile(`(?s)Group did not appear in time.*consistency_timeout \(1s\).*terraform plan again`),
			}},
		})
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("the create waited %s, want it bounded by consistency_timeout", d)
		}
	})
}

func TestAccGroup_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"empty name":        {Config: orgGroupConfig(env, "", ""), Error: `(?s)Invalid name.*must not be empty`},
		"blank name":        {Config: orgGroupConfig(env, "   ", ""), Error: `(?s)Invalid name.*must not be empty`},
		"padded name":       {Config: orgGroupConfig(env, " eng ", ""), Error: `(?s)Invalid name.*must not start or end with spaces`},
		"empty description": {Config: env.Config("resource \"confluence_group\" \"eng\" {\n  name = \"x\"\n  description = \"\"\n}\n"), Error: `(?s)description.*length`},
		"no organization": {Config: env.ProviderBlock([]string{"organization_id"}) + `resource "confluence_group" "eng" { name = "x" }`,
			Error: `(?s)Organizations API is not configured.*"organization_id".*ATLASSIAN_ORGANIZATION_ID`},
		"no admin key": {Config: env.ProviderBlock([]string{"admin_api_key"}) + `resource "confluence_group" "eng" { name = "x" }`,
			Error: `(?s)Organizations API is not configured.*"admin_api_key".*ATLASSIAN_ADMIN_API_KEY`},
	}
	t.Cleanup(func() { // after the parallel subtests: bad input is refused before any API call
		if stats := env.Emulator.Stats(); len(stats) != 0 {
			t.Errorf("bad input reached the API: %v", stats)
		}
	})
	acctest.ExpectErrors(t, cases)
	for name, id := range map[string]string{"import id with a slash": "dir/0d5bd2b5", "import id with a space": "0d5b d2b5"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:        orgGroupConfig(env, "x", ""),
					ResourceName:  orgGroupAddr,
					ImportState:   true,
					ImportStateId: id,
					ExpectError:   regexp.MustCompile(`(?s)Invalid import ID.*Expected the Atlassian group id`),
				}},
			})
		})
	}
}
