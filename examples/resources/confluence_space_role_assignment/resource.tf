data "confluence_space_roles" "all" {}

locals {
  # Role ids by name: Admin, Manager, Collaborator, Viewer and the site's custom roles.
  role_ids = { for r in data.confluence_space_roles.all.roles : r.name => r.id }
}

# A group edits the space.
resource "confluence_space_role_assignment" "engineering" {
  space_key      = "DOCS"
  principal_type = "group"
  principal_id   = confluence_group_mapping.engineering.confluence_group_id
  role_id        = local.role_ids["Collaborator"]
}

# Everyone signed in to the site may read it.
resource "confluence_space_role_assignment" "everyone" {
  space_key      = "DOCS"
  principal_type = "access_class"
  principal_id   = "authenticated-users"
  role_id        = local.role_ids["Viewer"]
}

# One person administers it.
resource "confluence_space_role_assignment" "owner" {
  space_key      = "DOCS"
  principal_type = "user"
  principal_id   = confluence_scim_user.owner.atlassian_account_id
  role_id        = local.role_ids["Admin"]
}
