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
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const spacesAddr = "data.confluence_spaces.this"

// spacesListRoute is the v2 listing of spaces, the one request of the data source.
const spacesListRoute = "GET /wiki/api/v2/spaces"

// expectOnlyRequests checks, after the apply of a step, that the emulator served exactly want (the organization
// check left out) since the step's PreConfig reset the counters.
func expectOnlyRequests(env *acctest.Env, want map[string]int) statecheck.StateCheck {
	return acctest.CheckAPI(func(context.Context) error {
		if got := env.APIStats(); !maps.Equal(got, want) {
			return fmt.Errorf("requests %v, want %v", got, want)
		}
		return nil
	})
}

// expectSortedKeys checks that spaces holds exactly want keys, in this order.
func expectSortedKeys(want ...string) statecheck.StateCheck {
	return acctest.CheckValue(spacesAddr, tfjsonpath.New("spaces"), func(v any) error {
		var got []string
		for _, s := range v.([]any) {
			got = append(got, s.(map[string]any)["key"].(string))
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("keys %v, want %v", got, want)
		}
		return nil
	})
}

// The seeded site plus 300 generated spaces: every space, sorted by key, in one request per 250 spaces; the
// filters narrow the listing and combine; a key that does not exist is left out, not an error.
func TestAccSpacesDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{ExtraSpaces: 300})
	eng, err := env.Confluence(t).SpaceByKey(t.Context(), "ENG")
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"DOCS", "ENG"}
	for i := 1; i <= 300; i++ {
		all = append(all, fmt.Sprintf("GEN%04d", i))
	}
	all = append(all, "HR", "OPS", "SEC")
	// 260 keys, listed 250 keys a request: two requests, and one sorted list.
	var many []string
	for i := 300; i > 40; i-- {
		many = append(many, fmt.Sprintf("%q", fmt.Sprintf("GEN%04d", i)))
	}
	config := func(body string) string { return env.Config("data \"confluence_spaces\" \"this\" {\n" + body + "\n}") }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.ResetRequests,
				Config:    config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectSortedKeys(all...),
					statecheck.ExpectKnownValue(spacesAddr, tfjsonpath.New("space_keys"), acctest.StringSet(all...)),
					expectOnlyRequests(env, map[string]int{spacesListRoute: 2}), // 305 spaces: 250 + 55
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    config(`keys = ["SEC", "ENG", "NOPE", "eng"]` + "\n" + `type = "global"` + "\n" + `status = "current"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(spacesAddr, tfjsonpath.New("spaces"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"key": knownvalue.StringExact("ENG"), "id": knownvalue.StringExact(eng.ID), "name": knownvalue.StringExact("Engineering"),
							"type": knownvalue.StringExact("global"), "status": knownvalue.StringExact("current"),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"key": knownvalue.StringExact("SEC"), "id": knownvalue.NotNull(), "name": knownvalue.StringExact("Security"),
							"type": knownvalue.StringExact("global"), "status": knownvalue.StringExact("current"),
						}),
					})),
					statecheck.ExpectKnownValue(spacesAddr, tfjsonpath.New("space_keys"), acctest.StringSet("ENG", "SEC")),
					expectOnlyRequests(env, map[string]int{spacesListRoute: 1}),
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    config(`keys = [` + strings.Join(many, ", ") + `]`),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckValue(spacesAddr, tfjsonpath.New("spaces"), func(v any) error {
						list := v.([]any)
						first, last := list[0].(map[string]any)["key"], list[len(list)-1].(map[string]any)["key"]
						if len(list) != 260 || first != "GEN0041" || last != "GEN0300" {
							return fmt.Errorf("%d spaces from %v to %v, want 260 from GEN0041 to GEN0300", len(list), first, last)
						}
						return nil
					}),
					expectSortedKeys(all[42:302]...),
					expectOnlyRequests(env, map[string]int{spacesListRoute: 2}), // 250 keys, then 10
				},
			},
			{
				// The seeded spaces are all global and current: the other values match nothing.
				PreConfig: env.ResetRequests,
				Config:    config(`type = "personal"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(spacesAddr, tfjsonpath.New("spaces"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(spacesAddr, tfjsonpath.New("space_keys"), knownvalue.SetExact([]knownvalue.Check{})),
					expectOnlyRequests(env, map[string]int{spacesListRoute: 1}),
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    config(`status = "archived"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(spacesAddr, tfjsonpath.New("space_keys"), knownvalue.SetExact([]knownvalue.Check{})),
					expectOnlyRequests(env, map[string]int{spacesListRoute: 1}),
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    config(`status = "current"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(spacesAddr, tfjsonpath.New("space_keys"), acctest.StringSet(all...)),
					expectOnlyRequests(env, map[string]int{spacesListRoute: 2}),
				},
			},
			{
				// An empty set of keys matches no space, with no request (the API would list every space).
				PreConfig: env.ResetRequests,
				Config:    config(`keys = []`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(spacesAddr, tfjsonpath.New("spaces"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(spacesAddr, tfjsonpath.New("space_keys"), knownvalue.SetExact([]knownvalue.Check{})),
					expectOnlyRequests(env, map[string]int{}),
				},
			},
			{
				// The description's advice for a key that must exist: a postcondition comparing keys with space_keys.
				Config: config(`keys = ["ENG", "NOPE"]
  lifecycle {
    postcondition {
      condition     = length(self.space_keys) == length(self.keys)
      error_message = "No such space: ${join(", ", setsubtract(self.keys, self.space_keys))}."
    }
  }`),
				ExpectError: regexp.MustCompile(`No such space: NOPE\.`),
			},
		},
	})
}

// Bad filters are plan-time errors naming the attribute and the accepted values, before any request.
func TestAccSpacesDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	t.Cleanup(func() { // after the cases below, which run in parallel
		if n := env.Requests(spacesListRoute); n != 0 {
			t.Errorf("bad input sent %d space listings", n)
		}
	})
	config := func(body string) string { return env.Config(`data "confluence_spaces" "x" { ` + body + ` }`) }
	acctest.ExpectErrors(t, map[string]acctest.ErrorCase{
		"keys":       {Config: config(`keys = ["ENG OPS"]`), Error: `(?s)keys\[Value\("ENG OPS"\)\].*must be a space key`},
		"empty key":  {Config: config(`keys = [""]`), Error: `(?s)keys\[Value\(""\)\].*string length must be between 1 and 255`},
		"type":       {Config: config(`type = "Global"`), Error: `(?s)type value must be one of.*"global".*"personal".*"collaboration".*"knowledge_base".*got: "Global"`},
		"status":     {Config: config(`status = "deleted"`), Error: `(?s)status value must be one of.*"current".*"archived".*got: "deleted"`},
		"no account": {Config: env.ProviderBlock([]string{"email", "api_token"}) + `data "confluence_spaces" "x" {}`, Error: `(?s)Confluence REST API is not configured`},
	})
}

// expectImports is a plan check: the plan imports exactly the resources at these addresses.
type expectImports []string

func (want expectImports) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var got []string
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change != nil && rc.Change.Importing != nil {
			got = append(got, rc.Address)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		resp.Error = fmt.Errorf("the plan imports %v, want %v", got, []string(want))
	}
}

// spacesImportConfig adopts every space's access table as it is: confluence_spaces feeds import for_each, and
// confluence_space_permissions the tables, keyed the way import keys them, so the import plans no change.
const spacesImportConfig = `
data "confluence_spaces" "all" {}

data "confluence_space_permissions" "each" {
  for_each  = data.confluence_spaces.all.space_keys
  space_key = each.key
}

locals {
  tables = {
    for key, t in data.confluence_space_permissions.each : key => merge(
      {
        for g in t.grants : (g.principal_type == "anonymous" ? "anonymous" : "${g.principal_type}/${g.principal_id}") => {
          principal_type = g.principal_type, principal_id = g.principal_id, permissions = g.permissions, role_id = null
        }
      },
      {
        for a in t.role_assignments : "${a.principal_type}/${a.principal_id}" => {
          principal_type = a.principal_type, principal_id = a.principal_id, permissions = null, role_id = a.role_id
        }
      },
    )
  }
}

import {
  for_each = data.confluence_spaces.all.space_keys
  to       = confluence_space_permissions_exclusive.this[each.key]
  id       = each.key
}

resource "confluence_space_permissions_exclusive" "this" {
  for_each  = data.confluence_spaces.all.space_keys
  space_key = each.key
  grants    = local.tables[each.key]
}
`

// Adopting a site whose tables were made by hand: one import block with for_each over confluence_spaces imports
// every space's table, the plan changes nothing, the apply writes nothing, and the state holds the hand-made
// grants. Runs on any CLI with import for_each (Terraform 1.7, OpenTofu 1.7 and later) that
// TF_ACC_TERRAFORM_PATH names.
func TestAccSpacesDataSource_importForEach(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	contractors := env.NewGroup(t, "contractors")
	auditors := env.NewGroup(t, "auditors")
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "group", ID: contractors}, "read/space", "create/comment")
	env.GrantByHand(t, "OPS", confluence.Principal{Type: "group", ID: contractors}, "read/space", "create/page", "update/page")
	env.GrantByHand(t, "HR", confluence.Principal{Type: "group", ID: auditors}, "read/space", "export/space")
	env.GrantByHand(t, "SEC", confluence.Principal{Type: "anonymous"}, "read/space")
	keys := []string{"DOCS", "ENG", "HR", "OPS", "SEC"}
	var addresses []string
	var noop []plancheck.PlanCheck
	for _, k := range keys {
		a := fmt.Sprintf("confluence_space_permissions_exclusive.this[%q]", k)
		addresses = append(addresses, a)
		noop = append(noop, plancheck.ExpectResourceAction(a, plancheck.ResourceActionNoop))
	}
	grant := func(label string) tfjsonpath.Path {
		return tfjsonpath.New("grants").AtMapKey(label).AtMapKey("permissions")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{{
			PreConfig: env.ResetRequests,
			Config:    env.Config(spacesImportConfig),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             append([]plancheck.PlanCheck{expectImports(addresses)}, noop...),
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				// Plan and apply of the saved plan: the listing answers every later key lookup, and each table is
				// read once, for the data source and the import together. Nothing is written.
				expectOnlyRequests(env, map[string]int{
					spacesListRoute:                                 1,
					"GET /wiki/api/v2/space-role-mode":              1,
					"GET /wiki/api/v2/spaces/{id}/permissions":      len(keys),
					"GET /wiki/api/v2/spaces/{id}/role-assignments": len(keys),
				}),
				statecheck.ExpectKnownValue(addresses[1], grant("group/"+contractors), acctest.StringSet("read/space", "create/comment")),
				statecheck.ExpectKnownValue(addresses[3], grant("group/"+contractors), acctest.StringSet("read/space", "create/page", "update/page")),
				statecheck.ExpectKnownValue(addresses[2], grant("group/"+auditors), acctest.StringSet("read/space", "export/space")),
				statecheck.ExpectKnownValue(addresses[4], grant("anonymous"), acctest.StringSet("read/space")),
				statecheck.ExpectKnownValue(addresses[0], tfjsonpath.New("grants"), knownvalue.MapSizeExact(2)), // DOCS: two role assignments
				statecheck.ExpectKnownValue(addresses[0], tfjsonpath.New("allow_self_lockout"), knownvalue.Bool(false)),
			},
		}, {
			// The harness cannot read back a state holding for_each instances (its state shim wants integer
			// indexes), so the case ends with an empty one. Destroying the tables stops managing them and revokes
			// nothing: the hand-made grants are still there.
			Config: env.Config(""),
			ConfigStateChecks: []statecheck.StateCheck{acctest.CheckAPI(func(ctx context.Context) error {
				c := env.Confluence(t)
				for key, group := range map[string]string{"ENG": contractors, "OPS": contractors, "HR": auditors} {
					s, err := c.SpaceByKey(ctx, key)
					if err != nil {
						return err
					}
					perms, err := c.SpacePermissions(ctx, s.ID)
					if err != nil {
						return err
					}
					if !slices.ContainsFunc(perms, func(p confluence.Permission) bool { return p.Principal.ID == group }) {
						return fmt.Errorf("space %s lost the grants of group %s", key, group)
					}
				}
				return nil
			})},
		}},
	})
}
