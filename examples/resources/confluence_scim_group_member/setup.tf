# Not on the documentation page: what the example needs to run. The provider reads its settings from the
# CONFLUENCE_* and ATLASSIAN_* environment variables (the emulator prints them).
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

# The group, and the users the example adds to it.
resource "confluence_scim_group" "engineering" {
  display_name = "engineering"
}

resource "confluence_scim_user" "jane" {
  user_name    = "jane.doe@example.com"
  email        = "jane.doe@example.com"
  display_name = "Jane Doe"
}

resource "confluence_scim_user" "engineer" {
  for_each     = { "ada.lovelace@example.com" = "Ada Lovelace", "alan.turing@example.com" = "Alan Turing" }
  user_name    = each.key
  email        = each.key
  display_name = each.value
}
