# The engineering group can read and write in ENG: a mapped group's confluence_group_id, or the id of
# a confluence_group resource or data source.
resource "confluence_space_principal_permissions" "engineering" {
  space_key      = "ENG"
  principal_type = "group"
  principal_id   = confluence_group_mapping.engineering.confluence_group_id
  permissions = [
    "read/space",
    "create/page",
    "update/page",
    "create/blogpost",
    "create/comment",
    "create/attachment",
  ]
}

# One person administers the space.
resource "confluence_space_principal_permissions" "lead" {
  space_key      = "ENG"
  principal_type = "user"
  principal_id   = confluence_scim_user.lead.atlassian_account_id
  permissions    = ["read/space", "administer/space"]
}

# Anyone who can reach the site without logging in may read the documentation.
resource "confluence_space_principal_permissions" "public" {
  space_key      = "DOCS"
  principal_type = "anonymous"
  permissions    = ["read/space"]
}
