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
  principal_id   = confluence_group.technical_writers.id # an Atlassian group id
  role_id        = confluence_space_role.page_editors.id
}
