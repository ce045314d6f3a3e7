terraform {
  required_providers {
    confluence = { source = "accessplane/confluence" }
  }
}

# A directory group whose members use Confluence and may read and comment in the ENG space.
resource "confluence_scim_group" "readers" {
  display_name = "eng-readers"
}

resource "confluence_group_mapping" "readers" {
  scim_group_id  = confluence_scim_group.readers.id
  product_access = ["atlassian/user"]
}

resource "confluence_space_principal_permissions" "readers" {
  space_key      = "ENG"
  principal_type = "group"
  principal_id   = confluence_group_mapping.readers.confluence_group_id
  permissions    = ["read/space", "create/comment"]
}
