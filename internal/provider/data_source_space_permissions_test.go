package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const routeRoleAssignments = "GET /wiki/api/v2/spaces/{id}/role-assignments"

// seededAdminPermissions are the classic permissions the emulator gives its admin account in every classic space.
var seededAdminPermissions = []string{
	"read/space", "administer/space", "create/page", "create/blogpost", "create/comment", "create/attachment",
	"delete/page", "export/space", "restrict_content/space",
}

func grantCheck(typ string, id knownvalue.Check, perms ...string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"principal_type": knownvalue.StringExact(typ),
		"principal_id":   id,
		"permissions":    ppSet(perms...),
	})
}

func roleAssignmentCheck(typ, id, roleID string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"principal_type": knownvalue.StringExact(typ),
		"principal_id":   knownvalue.StringExact(id),
		"role_id":        knownvalue.StringExact(roleID),
	})
}

// Pages of one entry: the whole table is read, whatever the number of pages.
func TestAccSpacePermissionsDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PageSize: 1})
	me := env.Creds.AdminAccountID
	users := ppSeededGroup(t, env, "confluence-users")
	roles := env.SpaceRoleIDs(t)
	env.GrantByHand(t, "OPS", confluence.Principal{Type: confluence.PrincipalAnonymous}, "read/space", "create/comment")
	// Only the Confluence credential is given: the data source needs no other.
	config := env.ProviderBlock([]string{"scim_api_key", "scim_directory_url", "admin_api_key", "organization_id"}) + `
data "confluence_space_permissions" "eng" {
  space_key = "ENG"
}
data "confluence_space_permissions" "ops" {
  space_key = "OPS"
}
data "confluence_space_permissions" "docs" {
  space_key = "DOCS"
}
`
	const eng, ops, docs = "data.confluence_space_permissions.eng", "data.confluence_space_permissions.ops", "data.confluence_space_permissions.docs"
	none := knownvalue.SetExact([]knownvalue.Check{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(eng, tfjsonpath.New("space_id"), knownvalue.StringExact(ppSpaceID(t, env, "ENG"))),
				statecheck.ExpectKnownValue(eng, tfjsonpath.New("role_mode"), knownvalue.StringExact("ROLES_TRANSITION")),
				statecheck.ExpectKnownValue(eng, tfjsonpath.New("grants"), knownvalue.SetExact([]knownvalue.Check{
					grantCheck("user", knownvalue.StringExact(me), seededAdminPermissions...),
					grantCheck("group", knownvalue.StringExact(users), "read/space"),
				})),
				statecheck.ExpectKnownValue(eng, tfjsonpath.New("role_assignments"), none),
				statecheck.ExpectKnownValue(ops, tfjsonpath.New("grants"), knownvalue.SetExact([]knownvalue.Check{
					grantCheck("user", knownvalue.StringExact(me), seededAdminPermissions...),
					grantCheck("group", knownvalue.StringExact(users), "read/space"),
					grantCheck("anonymous", knownvalue.Null(), "read/space", "create/comment"),
				})),
				statecheck.ExpectKnownValue(docs, tfjsonpath.New("space_id"), knownvalue.StringExact(ppSpaceID(t, env, "DOCS"))),
				statecheck.ExpectKnownValue(docs, tfjsonpath.New("grants"), none),
				statecheck.ExpectKnownValue(docs, tfjsonpath.New("role_assignments"), knownvalue.SetExact([]knownvalue.Check{
					roleAssignmentCheck("user", me, roles["Admin"]),
					roleAssignmentCheck("group", users, roles["Viewer"]),
				})),
			},
		}},
	})
}

// A PRE_ROLES site has no space roles: role assignments are empty and not asked for.
func TestAccSpacePermissionsDataSource_classicSite(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{RoleMode: "PRE_ROLES"})
	me := env.Creds.AdminAccountID
	const addr = "data.confluence_space_permissions.eng"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.ResetRequests,
			Config:    env.Config(`data "confluence_space_permissions" "eng" { space_key = "ENG" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("role_mode"), knownvalue.StringExact("PRE_ROLES")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("grants"), knownvalue.SetPartial([]knownvalue.Check{
					grantCheck("user", knownvalue.StringExact(me), seededAdminPermissions...),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("role_assignments"), knownvalue.SetExact([]knownvalue.Check{})),
				acctest.CheckAPI(func(ctx context.Context) error {
					if n := env.Requests(routeRoleAssignments); n != 0 {
						return fmt.Errorf("%d role assignment reads on a PRE_ROLES site", n)
					}
					return nil
				}),
			},
		}},
	})
}

func TestAccSpacePermissionsDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"unknown space": {Config: env.Config(`data "confluence_space_permissions" "x" { space_key = "NOPE" }`), Error: `(?s)Space not found.*"NOPE"`},
		"invalid key":   {Config: env.Config(`data "confluence_space_permissions" "x" { space_key = "ENG OPS" }`), Error: `(?s)space_key.*must be a space key`},
		"no credential": {Config: env.ProviderBlock([]string{"email", "api_token"}) + `data "confluence_space_permissions" "x" { space_key = "ENG" }`,
			Error: `(?s)Confluence REST API is not configured`},
	}
	acctest.ExpectErrors(t, cases)
}
