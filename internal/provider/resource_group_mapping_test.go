package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const mappingAddr = "confluence_group_mapping.this"

// expectRoles checks through the Organizations API which roles the group holds on the emulator's site.
func expectRoles(env *acctest.Env, a *admin.Client, groupID *string, want ...string) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error {
		ari, err := a.SiteARI(ctx, env.URL)
		if err != nil {
			return err
		}
		roles, err := a.GroupRoles(ctx, admin.AllDirectories, *groupID, ari)
		if err != nil {
			return err
		}
		slices.Sort(want)
		if !slices.Equal(roles, want) {
			return fmt.Errorf("group %s holds %v on the site, want %v", *groupID, roles, want)
		}
		return nil
	})
}

// expectMembers checks through the Organizations API who is in a group.
func expectMembers(a *admin.Client, groupID *string, want ...string) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error {
		got, err := a.GroupMemberIDs(ctx, admin.AllDirectories, *groupID)
		if err != nil {
			return err
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("group %s has members %v, want %v", *groupID, got, want)
		}
		return nil
	})
}

func stringSetCheck(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

func sameNameMappingConfig(env *acctest.Env, roles string) string {
	return env.Config(fmt.Sprintf(`
resource "confluence_scim_group" "design" {
  display_name = "design"
}

resource "confluence_group_mapping" "this" {
  scim_group_id  = confluence_scim_group.design.id
  product_access = %s
}
`, roles))
}

func TestAccGroupMapping_sameName(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Admin(t)
	var groupID string

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sameNameMappingConfig(env, `["atlassian/user"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(mappingAddr, tfjsonpath.New("confluence_group_id"), &groupID),
					statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("mode"), knownvalue.StringExact("same-name")),
					statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("confluence_group_name"), knownvalue.StringExact("design")),
					statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("member_account_ids"), knownvalue.Null()),
					statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("product_access"), stringSetCheck("atlassian/user")),
					acctest.CheckAPI(func(ctx context.Context) error {
						g, err := api.GroupByName(ctx, admin.AllDirectories, "design")
						if err != nil {
							return err
						}
						if g.ID != groupID || !g.ExternalSynced {
							return fmt.Errorf("mapping points at %s, the synced group is %+v", groupID, g)
						}
						return nil
					}),
					expectRoles(env, api, &groupID, "atlassian/user"),
				},
			},
			{
				Config:           sameNameMappingConfig(env, `["atlassian/user"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      mappingAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // product access changes in place: revoke one role, grant another
				Config: sameNameMappingConfig(env, `["atlassian/guest"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("confluence_group_id"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectRoles(env, api, &groupID, "atlassian/guest")},
			},
			{ // drift: an admin grants product admin by hand and takes guest away; plan shows it, apply reverts it
				PreConfig: func() {
					ctx := context.Background()
					ari, err := api.SiteARI(ctx, env.URL)
					if err != nil {
						t.Fatal(err)
					}
					if err := api.AssignGroupRole(ctx, groupID, ari, "atlassian/admin"); err != nil {
						t.Fatal(err)
					}
					if err := api.RevokeGroupRole(ctx, groupID, ari, "atlassian/guest"); err != nil {
						t.Fatal(err)
					}
				},
				Config: sameNameMappingConfig(env, `["atlassian/guest"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("product_access"), stringSetCheck("atlassian/guest")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectRoles(env, api, &groupID, "atlassian/guest")},
			},
			{ // removing the mapping revokes its product access and keeps the group
				Config: env.Config(`
resource "confluence_scim_group" "design" {
  display_name = "design"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectRoles(env, api, &groupID),
					acctest.CheckAPI(func(ctx context.Context) error {
						_, err := api.GetGroup(ctx, admin.AllDirectories, groupID)
						return err
					}),
				},
			},
		},
	})
}

// mirroredFixture is a SCIM group with two of three users, and a local target group.
type mirroredFixture struct {
	scimGroupID, targetID string
	users                 []*scim.User // ana, bo, cy
	accounts              []string
}

func newMirroredFixture(t *testing.T, env *acctest.Env) *mirroredFixture {
	t.Helper()
	ctx := context.Background()
	s := env.SCIM(t)
	f := &mirroredFixture{}
	for _, name := range []string{"ana@example.com", "bo@example.com", "cy@example.com"} {
		u, err := s.CreateUser(ctx, scim.User{UserName: name, Emails: []scim.Email{{Value: name, Type: "work", Primary: true}}})
		if err != nil {
			t.Fatal(err)
		}
		f.users = append(f.users, u)
		f.accounts = append(f.accounts, u.AccountID())
	}
	g, err := s.CreateGroup(ctx, scim.Group{DisplayName: "eng-idp"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddMembers(ctx, g.ID, f.users[0].ID, f.users[1].ID); err != nil {
		t.Fatal(err)
	}
	target, err := env.Admin(t).CreateGroup(ctx, env.Creds.LocalDirectoryID, "Engineering (Confluence)", "")
	if err != nil {
		t.Fatal(err)
	}
	f.scimGroupID, f.targetID = g.ID, target.ID
	return f
}

func (f *mirroredFixture) config(env *acctest.Env) string {
	return env.Config(fmt.Sprintf(`
resource "confluence_group_mapping" "this" {
  scim_group_id   = %q
  target_group_id = %q
  product_access  = ["atlassian/user"]
}
`, f.scimGroupID, f.targetID))
}

func TestAccGroupMapping_mirrored(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Admin(t)
	f := newMirroredFixture(t, env)
	ana, bo, cy := f.accounts[0], f.accounts[1], f.accounts[2]
	admin := env.Creds.AdminAccountID

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{ // the plan already shows whom the target will hold
				Config: f.config(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("member_account_ids"), stringSetCheck(ana, bo)),
					plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("confluence_group_id"), knownvalue.StringExact(f.targetID)),
					plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("mode"), knownvalue.StringExact("mirrored")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("id"), knownvalue.StringExact(f.scimGroupID+"/"+f.targetID)),
					statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("confluence_group_name"), knownvalue.StringExact("Engineering (Confluence)")),
					expectMembers(api, &f.targetID, ana, bo),
					expectRoles(env, api, &f.targetID, "atlassian/user"),
				},
			},
			{
				Config:           f.config(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      mappingAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // drift: the identity provider adds cy to the SCIM group
				PreConfig: func() {
					if err := env.SCIM(t).AddMembers(context.Background(), f.scimGroupID, f.users[2].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: f.config(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("member_account_ids"), stringSetCheck(ana, bo, cy)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectMembers(api, &f.targetID, ana, bo, cy)},
			},
			{ // drift: someone adds an account to the target by hand
				PreConfig: func() {
					if err := api.AddMember(context.Background(), f.targetID, admin); err != nil {
						t.Fatal(err)
					}
				},
				Config: f.config(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("member_account_ids"), stringSetCheck(ana, bo, cy)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectMembers(api, &f.targetID, ana, bo, cy)},
			},
			{ // removing the mapping removes the mirrored members and the product access, and keeps the group
				Config: env.Config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectMembers(api, &f.targetID),
					expectRoles(env, api, &f.targetID),
				},
			},
		},
	})
}

// A SCIM group and its mapping created in one apply: the mapping waits for Atlassian to sync the group.
func TestAccGroupMapping_waitsForSync(t *testing.T) {
	t.Parallel()
	const delay = 3 * time.Second
	env := acctest.New(t, emulator.Options{PropagationDelay: delay})
	var groupID string
	start := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sameNameMappingConfig(env, `["atlassian/user"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(mappingAddr, tfjsonpath.New("confluence_group_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(mappingAddr, tfjsonpath.New("confluence_group_id"), &groupID),
					expectRoles(env, env.Admin(t), &groupID, "atlassian/user"),
					acctest.CheckAPI(func(context.Context) error {
						if elapsed := time.Since(start); elapsed < delay {
							return fmt.Errorf("apply finished after %s, before the group could have synced (%s)", elapsed, delay)
						}
						return nil
					}),
				},
			},
			{
				Config:           sameNameMappingConfig(env, `["atlassian/user"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Refreshing a mapping costs a fixed number of requests plus one member listing per group involved.
func TestAccGroupMapping_refreshCost(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	f := newMirroredFixture(t, env)
	var stats map[string]int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: f.config(env)},
			{PreConfig: env.ResetRequests, Config: f.config(env), PlanOnly: true},
			{PreConfig: func() { stats = env.APIStats() }, Config: f.config(env), PlanOnly: true},
		},
	})
	t.Logf("mirrored mapping, one plan-only step: %v", stats)
	// A plan-only step runs two plans: one with refresh (Read + ModifyPlan) and one without (ModifyPlan only).
	// Read costs the target group, its member listing, the site's resource id and the group's roles; ModifyPlan
	// costs the target group, the SCIM group's name, its synced group and that group's member listing. The site's
	// resource id is the organization check's workspace lookup, left out with it (TestAccOrganization_checkCost).
	want := map[string]int{
		"GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}":                  1 + 2,
		"POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search":                     1 + 2,
		"GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments": 1,
		"GET /scim/directory/{directoryId}/Groups/{id}":                                          2,
		"POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/search":                    2,
	}
	for route, n := range want {
		if stats[route] != n {
			t.Errorf("%s: %d requests, want %d", route, stats[route], n)
		}
	}
	for route := range stats {
		if _, ok := want[route]; !ok {
			t.Errorf("unexpected request %s (%d)", route, stats[route])
		}
	}
}

// An unknown scim_group_id is refused by the plan, naming the attribute and how to find the right id, for both
// modes; nothing is written.
func TestAccGroupMapping_unknownSCIMGroup(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	target, err := env.Admin(t).CreateGroup(context.Background(), env.Creds.LocalDirectoryID, "Engineering (Confluence)", "")
	if err != nil {
		t.Fatal(err)
	}
	const unknown = "00000000-0000-4000-8000-00000000dead"
	env.ResetRequests()
	for mode, extra := range map[string]string{"same-name": "", "mirrored": fmt.Sprintf("target_group_id = %q", target.ID)} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.Config(fmt.Sprintf(`
resource "confluence_group_mapping" "this" {
  scim_group_id  = %q
  product_access = ["atlassian/user"]
  %s
}
`, unknown, extra)),
				ExpectError: regexp.MustCompile(wrapped(`(?s)SCIM group not found.*scim_group_id = "` + unknown + `".*No SCIM group with id "` +
					unknown + `".*confluence_scim_group data source`)),
			}},
		})
		for route, n := range env.APIStats() {
			if !strings.HasPrefix(route, "GET ") && !strings.HasSuffix(route, "/search") {
				t.Errorf("%s: %s was sent %d time(s); a refused plan writes nothing", mode, route, n)
			}
		}
	}
}

func TestAccGroupMapping_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	ctx := context.Background()
	synced, err := env.SCIM(t).CreateGroup(ctx, scim.Group{DisplayName: "synced"})
	if err != nil {
		t.Fatal(err)
	}
	syncedOrg, err := env.Admin(t).GroupByName(ctx, admin.AllDirectories, "synced")
	if err != nil {
		t.Fatal(err)
	}
	mapping := func(args string) string {
		return "resource \"confluence_group_mapping\" \"this\" {\n" + args + "\n}\n"
	}
	cases := map[string]acctest.ErrorCase{
		"unknown role": {Config: env.Config(mapping(`scim_group_id = "` + synced.ID + `"` + "\n" + `product_access = ["atlassian/superuser"]`)),
			Error: `(?s)product_access.*value must be one of.*atlassian/user.*atlassian/admin`},
		"synced target": {Config: env.Config(mapping(`scim_group_id = "` + synced.ID + `"` + "\n" + `target_group_id = "` + syncedOrg.ID + `"`)),
			Error: `(?s)Target group is synced from an identity provider.*Leave\s+target_group_id unset`},
		"filter without a target": {Config: env.Config(mapping(`scim_group_id = "` + synced.ID + `"` + "\n" + `member_filter = { statuses = ["active"] }`)),
			Error: `(?s)member_filter.*target_group_id.*must be specified|Attribute "target_group_id" must be specified when "member_filter"`},
		"filter status": {Config: env.Config(mapping(`scim_group_id = "` + synced.ID + `"` + "\n" + `target_group_id = "` + syncedOrg.ID + `"` + "\n" + `member_filter = { statuses = ["gone"] }`)),
			Error: `(?s)member_filter.statuses.*value must be one of.*"active".*"suspended".*"deactivated"`},
		"missing target": {Config: env.Config(mapping(`scim_group_id = "` + synced.ID + `"` + "\n" + `target_group_id = "00000000-0000-4000-8000-000000000000"`)),
			Error: `(?s)Target group not found`},
		"no admin credential": {Config: env.ProviderBlock([]string{"admin_api_key"}) + mapping(`scim_group_id = "`+synced.ID+`"`),
			Error: `(?s)Organizations API is not configured.*"admin_api_key".*ATLASSIAN_ADMIN_API_KEY`},
		"no site": {Config: env.ProviderBlock([]string{"site_url"}) + mapping(`scim_group_id = "`+synced.ID+`"`),
			Error: `(?s)Confluence site is not configured.*"site_url".*CONFLUENCE_SITE_URL`},
	}
	acctest.ExpectErrors(t, cases)
	t.Run("import id", func(t *testing.T) {
		t.Parallel()
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:        env.Config(mapping(`scim_group_id = "` + synced.ID + `"`)),
				ResourceName:  mappingAddr,
				ImportState:   true,
				ImportStateId: "a/b/c",
				ExpectError:   regexp.MustCompile(`(?s)Expected <scim_group_id>.*<scim_group_id>/<target_group_id>`),
			}},
		})
	})
}

// member_filter keeps a suspended member out of the mirrored target group: the plan shows it leave, the apply
// removes it, and the next plan is empty.
func TestAccGroupMapping_memberFilter(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Admin(t)
	f := newMirroredFixture(t, env)
	ana, bo := f.accounts[0], f.accounts[1]
	filtered := strings.Replace(f.config(env), `product_access  = ["atlassian/user"]`,
		"product_access  = [\"atlassian/user\"]\n  member_filter = { statuses = [\"active\"], inactive_days = 30 }", 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: filtered, ConfigStateChecks: []statecheck.StateCheck{expectMembers(api, &f.targetID, ana, bo)}},
			{
				PreConfig: func() { env.SuspendByHand(t, bo) },
				Config:    filtered,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("member_account_ids"), stringSetCheck(ana)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectMembers(api, &f.targetID, ana)},
			},
			{Config: filtered, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{ // without the filter, the suspended member is mirrored again
				Config:            f.config(env),
				ConfigStateChecks: []statecheck.StateCheck{expectMembers(api, &f.targetID, ana, bo)},
			},
		},
	})
}
