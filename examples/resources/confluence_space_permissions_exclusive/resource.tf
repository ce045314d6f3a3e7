data "confluence_user" "me" {
  email = "admin@example.com" # the account the provider runs as (CONFLUENCE_EMAIL) keeps administering the space
}

resource "confluence_space_permissions_exclusive" "eng" {
  space_key = "ENG"
  # Each entry is keyed by a label of your choice: a plan shows a change to one principal under its label.
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
    contractors = {
      principal_type = "group"
      principal_id   = confluence_group_mapping.contractors.confluence_group_id
      permissions    = ["read/space", "create/comment"]
    }
  }
}

# The table as Markdown, for the run's outputs or a pull-request comment (Terraform 1.8 or OpenTofu 1.7, and later).
output "eng_access_matrix" {
  value = provider::confluence::access_matrix(confluence_space_permissions_exclusive.eng.grants)
}

# On a site with space roles, grants name a role instead.
data "confluence_space_roles" "system" {
  type = "SYSTEM"
}

locals {
  role_ids = { for r in data.confluence_space_roles.system.roles : r.name => r.id }
}

resource "confluence_space_permissions_exclusive" "docs" {
  space_key = "DOCS"
  grants = {
    space_admin   = { principal_type = "user", principal_id = data.confluence_user.me.account_id, role_id = local.role_ids["Admin"] }
    engineering   = { principal_type = "group", principal_id = confluence_group_mapping.engineering.confluence_group_id, role_id = local.role_ids["Collaborator"] }
    everyone_else = { principal_type = "access_class", principal_id = "authenticated-users", role_id = local.role_ids["Viewer"] }
  }
}
