# Not on the documentation page: what the example needs to run. The provider reads its settings from the
# CONFLUENCE_* and ATLASSIAN_* environment variables (the emulator prints them).
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

# The group, and the users the example puts in it.
resource "confluence_scim_group" "platform" {
  display_name = "platform"
}

resource "confluence_scim_user" "jane" {
  user_name    = "jane.doe@example.com"
  email        = "jane.doe@example.com"
  display_name = "Jane Doe"
}

resource "confluence_scim_user" "omar" {
  user_name    = "omar.khan@example.com"
  email        = "omar.khan@example.com"
  display_name = "Omar Khan"
}
