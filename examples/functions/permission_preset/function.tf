# Say what each group is for; the preset expands to that level's classic space permissions.
resource "confluence_space_principal_permissions" "writers" {
  space_key      = "ENG"
  principal_type = "group"
  principal_id   = confluence_group_mapping.writers.confluence_group_id
  permissions    = provider::confluence::permission_preset("contributor")
}

# A preset is a set of strings: combine it with others with setunion.
resource "confluence_space_principal_permissions" "reviewers" {
  space_key      = "ENG"
  principal_type = "group"
  principal_id   = confluence_group_mapping.reviewers.confluence_group_id
  permissions    = setunion(provider::confluence::permission_preset("commenter"), ["export/space"])
}

output "space_admin_permissions" {
  value = provider::confluence::permission_preset("space_admin")
}
