# Not on the documentation page: what the example needs to run. The provider reads its settings from the
# CONFLUENCE_* and ATLASSIAN_* environment variables (the emulator prints them).
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

# Stands in for the identity provider: the users the example looks up, and a group of Jane's.
resource "confluence_scim_user" "jane" {
  user_name    = "jane.doe@example.com"
  email        = "jane.doe@example.com"
  display_name = "Jane Doe"
}

resource "confluence_scim_user" "omar" {
  user_name    = "omar.khan@example.com"
  email        = "omar.khan@example.com"
  display_name = "Omar Khan"
  external_id  = "00u1a2b3c4d5e6f7g8h9"
}

resource "confluence_scim_group" "engineering" {
  display_name = "engineering"
}

resource "confluence_scim_group_member" "jane" {
  group_id = confluence_scim_group.engineering.id
  user_id  = confluence_scim_user.jane.id
}
