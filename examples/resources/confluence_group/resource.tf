# A local group of the organization, to grant Confluence space permissions to.
resource "confluence_group" "wiki_editors" {
  name        = "wiki-editors"
  description = "Can edit every engineering space" # changing it replaces the group: the API has no update
}
