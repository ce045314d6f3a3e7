# The engineering group can read and write in ENG. With a group mapping, use its confluence_group_id.
data "confluence_group" "engineering" {
  name = "engineering"
}

resource "confluence_space_principal_permissions" "engineering" {
  space_key      = "ENG"
  principal_type = "group"
  principal_id   = data.confluence_group.engineering.id
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
data "confluence_user" "lead" {
  email = "lead@example.com"
}

resource "confluence_space_principal_permissions" "lead" {
  space_key      = "ENG"
  principal_type = "user"
  principal_id   = data.confluence_user.lead.account_id
  permissions    = ["read/space", "administer/space"]
}

# Anyone who can reach the site without logging in may read the public handbook.
resource "confluence_space_principal_permissions" "public" {
  space_key      = "HANDBOOK"
  principal_type = "anonymous"
  permissions    = ["read/space"]
}
