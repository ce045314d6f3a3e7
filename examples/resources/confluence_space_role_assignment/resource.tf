data "confluence_space_roles" "all" {}

locals {
  # Role ids by name: Admin, Manager, Collaborator, Viewer and the site's custom roles.
  role_ids = { for r in data.confluence_space_roles.all.roles : r.name => r.id }
}

# A group edits the space.
resource "confluence_space_role_assignment" "engineering" {
  space_key      = "DOCS"
  principal_type = "group"
  principal_id   = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f" # e.g. confluence_group_mapping.engineering.confluence_group_id
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
  principal_id   = "557058:f1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d" # an Atlassian account id
  role_id        = local.role_ids["Admin"]
}
