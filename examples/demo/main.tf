# The demo configuration, applied by `make demo` against the emulator. The provider reads its settings from
# the environment variables the emulator prints.
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

provider "confluence" {}

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

# Directory users and groups, as the identity provider would push them.
resource "confluence_scim_user" "person" {
  for_each     = local.people
  user_name    = each.key
  email        = each.key
  given_name   = each.value.given
  family_name  = each.value.family
  display_name = "${each.value.given} ${each.value.family}"
  department   = each.value.department
}

resource "confluence_scim_group" "team" {
  for_each     = local.teams
  display_name = each.key
  external_id  = each.value
}

# Who is in each team, authoritatively: anyone added by hand shows up as drift.
resource "confluence_scim_group_members_exclusive" "team" {
  for_each = local.teams
  group_id = confluence_scim_group.team[each.key].id
  user_ids = [for email, p in local.people : confluence_scim_user.person[email].id if contains(p.teams, each.key)]
}

data "confluence_space" "eng" {
  key = "ENG"
}

output "group_ids" {
  value = { for name, g in confluence_scim_group.team : name => g.id }
}

output "user_ids" {
  value = { for email, u in confluence_scim_user.person : email => u.id }
}

# Used by `make demo` to make a change by hand.
output "engineering_group_id" {
  value = confluence_scim_group.team["engineering"].id
}

output "contractor_user_id" {
  value = confluence_scim_user.person["ken.contract@example.com"].id
}

output "eng_space" {
  value = "${data.confluence_space.eng.key} (${data.confluence_space.eng.name}), id ${data.confluence_space.eng.id}"
}
