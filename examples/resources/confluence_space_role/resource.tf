# A custom space role: the permission ids come from the site's catalogue (see the confluence_space_roles data source).
resource "confluence_space_role" "page_editors" {
  name        = "Page editors"
  description = "Create and edit pages, nothing else"
  permissions = [
    "read/space",
    "create/page",
    "update/page",
    "create/comment",
  ]
}

# Give it to a group in a space that uses roles.
resource "confluence_space_role_assignment" "docs_writers" {
  space_key      = "DOCS"
  principal_type = "group"
  principal_id   = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f" # an Atlassian group id, e.g. confluence_group_mapping.x.confluence_group_id
  role_id        = confluence_space_role.page_editors.id
}
