# The engineering group can read and write in ENG: a mapped group's confluence_group_id, or the id of
# a confluence_group resource or data source. permission_preset (Terraform 1.8 or OpenTofu 1.7, and later)
# names a level instead of listing its permissions: viewer, commenter, contributor or space_admin.
resource "confluence_space_principal_permissions" "engineering" {
  space_key      = "ENG"
  principal_type = "group"
  principal_id   = confluence_group_mapping.engineering.confluence_group_id
  permissions    = provider::confluence::permission_preset("contributor")
}

# One person administers the space; permissions may also be listed, as key/target strings.
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
