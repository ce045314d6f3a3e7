data "confluence_space_permissions" "engineering" {
  space_key = "ENG"
}

# Who holds administer/space in ENG through classic permissions.
output "engineering_admins" {
  value = [
    for g in data.confluence_space_permissions.engineering.grants :
    coalesce(g.principal_id, g.principal_type) if contains(g.permissions, "administer/space")
  ]
}

# Who holds which space role in ENG (sites in ROLES_TRANSITION or ROLES mode).
output "engineering_roles" {
  value = {
    for a in data.confluence_space_permissions.engineering.role_assignments :
    "${a.principal_type}/${a.principal_id}" => a.role_id
  }
}
