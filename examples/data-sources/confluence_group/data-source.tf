# A group of the organization, looked up by name (without regard to case).
data "confluence_group" "users" {
  name = "confluence-users"
}

# Groups looked up by id: here, every group with a permission in the ENG space.
data "confluence_space_permissions" "eng" {
  space_key = "ENG"
}

data "confluence_group" "eng" {
  for_each = toset([for g in data.confluence_space_permissions.eng.grants : g.principal_id if g.principal_type == "group"])
  id       = each.value
}

output "users_group" {
  value = {
    id         = data.confluence_group.users.id
    members    = data.confluence_group.users.user_count
    managed_by = data.confluence_group.users.managed_by
  }
}

# Group names, and whether the identity provider syncs them.
output "eng_groups" {
  value = { for g in data.confluence_group.eng : g.name => g.external_synced }
}
