# Every role of the site, and the permission catalogue roles are built from.
data "confluence_space_roles" "all" {}

# Only the roles held by someone in one space.
data "confluence_space_roles" "docs" {
  space_key = "DOCS"
}

output "role_ids_by_name" {
  value = { for r in data.confluence_space_roles.all.roles : r.name => r.id }
}

output "roles_in_docs" {
  value = data.confluence_space_roles.docs.roles[*].name
}

output "permission_ids" {
  value = data.confluence_space_roles.all.permissions[*].id
}
