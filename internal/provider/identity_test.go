package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// identityOf is each resource instance of identityConfig with its identity attributes.
var identityOf = map[string][]string{
	"confluence_scim_user.ida":                          {"id"},
	"confluence_scim_group.team":                        {"id"},
	"confluence_scim_group.crew":                        {"id"},
	"confluence_scim_group_member.ida":                  {"group_id", "user_id"},
	"confluence_scim_group_members_exclusive.crew":      {"group_id"},
	"confluence_group.local":                            {"id"},
	"confluence_group_mapping.team":                     {"scim_group_id", "target_group_id"},
	"confluence_group_mapping.crew":                     {"scim_group_id", "target_group_id"},
	"confluence_space_permissions_exclusive.eng":        {"space_key"},
	"confluence_space_principal_permissions.anonymous":  {"space_key", "principal_type", "principal_id"},
	"confluence_space_principal_permissions.local":      {"space_key", "principal_type", "principal_id"},
	"confluence_space_role.reader":                      {"id"},
	"confluence_space_role_assignment.local":            {"space_key", "principal_type", "principal_id"},
	"confluence_space_role_assignment.licensed_readers": {"space_key", "principal_type", "principal_id"},
}

// identityConfig holds every resource type, with an optional identity part left out where it can be
// (a same-name mapping, anonymous users). The exclusive table's grants carry the keys an import gives them.
func identityConfig(env *acctest.Env, everyone string) string {
	return env.Config(fmt.Sprintf(`
resource "confluence_scim_user" "ida" {
  user_name = "ida@example.com"
  email     = "ida@example.com"
}

resource "confluence_scim_group" "team" { display_name = "identity-team" }
resource "confluence_scim_group" "crew" { display_name = "identity-crew" }

resource "confluence_scim_group_member" "ida" {
  group_id = confluence_scim_group.team.id
  user_id  = confluence_scim_user.ida.id
}

resource "confluence_scim_group_members_exclusive" "crew" {
  group_id = confluence_scim_group.crew.id
  user_ids = [confluence_scim_user.ida.id]
}

resource "confluence_group" "local" { name = "identity-local" }

resource "confluence_group_mapping" "team" {
  scim_group_id  = confluence_scim_group.team.id
  product_access = ["atlassian/user"]
}

resource "confluence_group_mapping" "crew" {
  scim_group_id   = confluence_scim_group.crew.id
  target_group_id = confluence_group.local.id
  depends_on      = [confluence_scim_group_members_exclusive.crew] # mirrors the members it sets
}

resource "confluence_space_permissions_exclusive" "eng" {
  space_key = "ENG"
  grants = {
    "user/%[1]s" = {
      principal_type = "user"
      principal_id   = %[1]q
      permissions    = ["read/space", "administer/space"]
    }
    "group/%[2]s" = {
      principal_type = "group"
      principal_id   = %[2]q
      permissions    = ["read/space"]
    }
  }
}

resource "confluence_space_principal_permissions" "anonymous" {
  space_key      = "OPS"
  principal_type = "anonymous"
  permissions    = ["read/space"]
}

resource "confluence_space_principal_permissions" "local" {
  space_key      = "OPS"
  principal_type = "group"
  principal_id   = confluence_group.local.id
  permissions    = ["read/space", "create/page"]
}

resource "confluence_space_role" "reader" {
  name        = "Identity readers"
  permissions = ["read/space"]
}

resource "confluence_space_role_assignment" "local" {
  space_key      = "DOCS"
  principal_type = "group"
  principal_id   = confluence_group.local.id
  role_id        = confluence_space_role.reader.id
}

resource "confluence_space_role_assignment" "licensed_readers" {
  space_key      = "DOCS"
  principal_type = "access_class"
  principal_id   = "all-licensed-users"
  role_id        = confluence_space_role.reader.id
}
`, env.Creds.AdminAccountID, everyone))
}

// Every resource has an identity equal to its parts in the state, and imports by it with a plan that changes
// nothing (Terraform 1.12 and later).
func TestAccIdentity_importEveryResource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{RoleMode: "ROLES_TRANSITION"})
	config := identityConfig(env, confluenceUsers(t, env).ID)
	var checks []statecheck.StateCheck
	for addr, attrs := range identityOf {
		for _, a := range attrs {
			checks = append(checks, statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New(a)))
		}
	}
	steps := []resource.TestStep{{Config: config, ConfigStateChecks: checks}}
	for addr := range identityOf {
		steps = append(steps, resource.TestStep{
			Config:          config,
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		})
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
}
