# The demo configuration, applied by `make demo` against the emulator: the whole chain from identity provider
# to Confluence space. The provider reads its settings from the environment variables the emulator prints.
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

provider "confluence" {}

variable "admin_email" {
  description = "Email of the account the provider runs as; it keeps administering the space."
  type        = string
}

variable "leavers" {
  description = "People who left: deactivated in the directory and taken out of their teams."
  type        = set(string)
  default     = []
}

locals {
  # People, as the identity provider knows them.
  people = {
    "ada.lovelace@example.com" = { given = "Ada", family = "Lovelace", department = "Engineering", teams = ["engineering"] }
    "alan.turing@example.com"  = { given = "Alan", family = "Turing", department = "Engineering", teams = ["engineering", "operations"] }
    "grace.hopper@example.com" = { given = "Grace", family = "Hopper", department = "Operations", teams = ["operations"] }
    "ken.contract@example.com" = { given = "Ken", family = "Contract", department = "External", teams = ["contractors"] }
  }
  teams = {
    engineering = "okta-00g-engineering"
    operations  = "okta-00g-operations"
    contractors = "okta-00g-contractors"
  }
}

# 1. The SCIM directory: users, groups and who is in them, as the identity provider would push them.
resource "confluence_scim_user" "person" {
  for_each     = local.people
  user_name    = each.key
  email        = each.key
  given_name   = each.value.given
  family_name  = each.value.family
  display_name = "${each.value.given} ${each.value.family}"
  department   = each.value.department
  active       = !contains(var.leavers, each.key)
}

resource "confluence_scim_group" "team" {
  for_each     = local.teams
  display_name = each.key
  external_id  = each.value
}

resource "confluence_scim_group_members_exclusive" "team" {
  for_each = local.teams
  group_id = confluence_scim_group.team[each.key].id
  user_ids = [
    for email, p in local.people : confluence_scim_user.person[email].id
    if contains(p.teams, each.key) && !contains(var.leavers, email)
  ]
}

# 2. Group mappings: engineering and contractors use their synced groups; operations is mirrored into a
#    differently named local group.
resource "confluence_group_mapping" "engineering" {
  scim_group_id  = confluence_scim_group.team["engineering"].id
  product_access = ["atlassian/user"]
}

resource "confluence_group_mapping" "contractors" {
  scim_group_id  = confluence_scim_group.team["contractors"].id
  product_access = ["atlassian/guest"]
}

resource "confluence_group" "ops_wiki" {
  name        = "ops-wiki-editors"
  description = "Mirrors the identity provider's operations group"
}

resource "confluence_group_mapping" "operations" {
  scim_group_id   = confluence_scim_group.team["operations"].id
  target_group_id = confluence_group.ops_wiki.id
  product_access  = ["atlassian/user"]
  depends_on      = [confluence_scim_group_members_exclusive.team] # mirror the members once they are in place
}

# 3. Space access: the whole access table of ENG, authoritative.
data "confluence_user" "me" {
  email = var.admin_email
}

resource "confluence_space_permissions_exclusive" "eng" {
  space_key = "ENG"
  grants = {
    space_admin = {
      principal_type = "user"
      principal_id   = data.confluence_user.me.account_id
      permissions    = ["read/space", "administer/space"]
    }
    engineering = {
      principal_type = "group"
      principal_id   = confluence_group_mapping.engineering.confluence_group_id
      permissions    = ["read/space", "create/page", "create/blogpost", "create/comment", "create/attachment", "export/space"]
    }
    operations = {
      principal_type = "group"
      principal_id   = confluence_group_mapping.operations.confluence_group_id
      permissions    = ["read/space", "create/comment"]
    }
    contractors = {
      principal_type = "group"
      principal_id   = confluence_group_mapping.contractors.confluence_group_id
      permissions    = ["read/space"]
    }
  }
}

output "groups" {
  value = {
    for name, m in { engineering = confluence_group_mapping.engineering, operations = confluence_group_mapping.operations, contractors = confluence_group_mapping.contractors } :
    name => "${m.confluence_group_name} (${m.mode}, ${join(", ", m.product_access)})"
  }
}

# 4. Proof: who can reach ENG now, and who would get access back on reactivation.
data "confluence_effective_access" "eng" {
  space_key = "ENG"
}

output "eng_dormant" {
  value = [
    for e in data.confluence_effective_access.eng.dormant_entries :
    "${e.email} (${e.status}) through ${join(", ", [for s in e.sources : s.name != null ? "group ${s.name}" : s.principal_type])}"
  ]
}

output "eng_reachable_by" {
  value = sort([for e in data.confluence_effective_access.eng.entries : e.email])
}

# Used by `make demo` to make changes by hand.
output "engineering_group_id" {
  value = confluence_scim_group.team["engineering"].id
}

output "contractor_user_id" {
  value = confluence_scim_user.person["ken.contract@example.com"].id
}

output "contractor_account_id" {
  value = confluence_scim_user.person["ken.contract@example.com"].atlassian_account_id
}

output "ops_wiki_group_id" {
  value = confluence_group.ops_wiki.id
}

# Admin API writes name the group's own directory (the organization's local one here).
output "ops_wiki_directory_id" {
  value = confluence_group.ops_wiki.directory_id
}
