package provider_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// queryStep is a terraform query step: its list blocks follow the configuration of the step before, which
// holds the provider's block.
func queryStep(lists string, checks ...querycheck.QueryResultCheck) resource.TestStep {
	return resource.TestStep{Query: true, Config: lists, QueryResultChecks: checks}
}

// What each list resource finds, and what its filters leave out (Terraform 1.14 and later).
func TestAccListResources_filters(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{RoleMode: confluence.RoleModeTransition, ExtraSpaces: 3})
	ctx := context.Background()
	api := env.SCIM(t)
	users := map[string]string{}
	for _, name := range []string{"ctr-ann", "ctr-bob", "emp-cy"} {
		u, err := api.CreateUser(ctx, scimUser(name+"@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		users[name] = u.ID
	}
	crew, err := api.CreateGroup(ctx, scim.Group{DisplayName: "team-crew"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateGroup(ctx, scim.Group{DisplayName: "other"}); err != nil {
		t.Fatal(err)
	}
	local := env.NewGroup(t, "wiki-editors")
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "group", ID: local}, "read/space")

	id := func(v string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"id": knownvalue.StringExact(v)}
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.Config("")}, // the query steps need a configuration to follow
			queryStep(`
list "confluence_scim_user" "contractors" {
  provider = confluence
  config { user_name_prefix = "CTR-" }
}
list "confluence_scim_user" "everyone" { provider = confluence }
`,
				querycheck.ExpectLength("confluence_scim_user.contractors", 2),
				querycheck.ExpectIdentity("confluence_scim_user.contractors", id(users["ctr-ann"])),
				querycheck.ExpectIdentity("confluence_scim_user.contractors", id(users["ctr-bob"])),
				querycheck.ExpectLength("confluence_scim_user.everyone", 3),
			),
			queryStep(`
list "confluence_scim_group" "teams" {
  provider = confluence
  config { display_name_prefix = "team-" }
}
list "confluence_group" "wiki" {
  provider = confluence
  config { name_prefix = "wiki-" }
}
list "confluence_group" "local" { provider = confluence }
`,
				querycheck.ExpectLength("confluence_scim_group.teams", 1),
				querycheck.ExpectIdentity("confluence_scim_group.teams", id(crew.ID)),
				querycheck.ExpectLength("confluence_group.wiki", 1),
				querycheck.ExpectIdentity("confluence_group.wiki", id(local)),
				// wiki-editors and the site's default groups; the SCIM groups synced to the organization are left out
				querycheck.ExpectLength("confluence_group.local", 4),
			),
			queryStep(`
list "confluence_space_permissions_exclusive" "some" {
  provider = confluence
  config {
    space_keys = ["ENG", "GEN0002", "NOPE"]
    status     = "current"
  }
}
list "confluence_space_permissions_exclusive" "personal" {
  provider = confluence
  config { type = "personal" }
}
list "confluence_space_permissions_exclusive" "first" {
  provider = confluence
  limit    = 2
}
list "confluence_space_role_assignment" "docs" {
  provider = confluence
  config { space_keys = ["DOCS"] }
}
`,
				querycheck.ExpectLength("confluence_space_permissions_exclusive.some", 2),
				querycheck.ExpectIdentity("confluence_space_permissions_exclusive.some", map[string]knownvalue.Check{"space_key": knownvalue.StringExact("GEN0002")}),
				querycheck.ExpectLength("confluence_space_permissions_exclusive.personal", 0),
				querycheck.ExpectLength("confluence_space_permissions_exclusive.first", 2),
				querycheck.ExpectLength("confluence_space_role_assignment.docs", 2),
				querycheck.ExpectIdentity("confluence_space_role_assignment.docs", map[string]knownvalue.Check{
					"space_key": knownvalue.StringExact("DOCS"), "principal_type": knownvalue.StringExact("user"),
					"principal_id": knownvalue.StringExact(env.Creds.AdminAccountID),
				}),
			),
		},
	})
}

// A filter that cannot work fails before anything is listed, naming the attribute and what it accepts.
func TestAccListResources_badFilters(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	for name, c := range map[string]struct{ list, want string }{
		"space type":    {`list "confluence_space_permissions_exclusive" "x" {` + "\n provider = confluence\n config { type = \"team\" }\n}", `(?s)type.*global.*personal.*collaboration.*knowledge_base`},
		"space status":  {`list "confluence_space_role_assignment" "x" {` + "\n provider = confluence\n config { status = \"gone\" }\n}", `(?s)status.*current.*archived`},
		"space key":     {`list "confluence_space_permissions_exclusive" "x" {` + "\n provider = confluence\n config { space_keys = [\"E-NG\"] }\n}", `(?s)space_keys.*must be a space key`},
		"synced groups": {`list "confluence_group" "x" {` + "\n provider = confluence\n config { source = \"synced\" }\n}", `(?s)source.*confluence_scim_group.*confluence_group_mapping`},
		"empty prefix":  {`list "confluence_scim_user" "x" {` + "\n provider = confluence\n config { user_name_prefix = \"\" }\n}", `(?s)user_name_prefix.*at least 1`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env.ResetRequests()
			step := queryStep(c.list)
			step.ExpectError = regexp.MustCompile(c.want)
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: env.Config("")}, step},
			})
			if n := env.Requests("GET /wiki/api/v2/spaces"); n != 0 {
				t.Errorf("%d space listings for a bad filter", n)
			}
		})
	}
}
