# Not on the documentation page: what the example needs to run. The provider reads its settings from the
# CONFLUENCE_* and ATLASSIAN_* environment variables (the emulator prints them).
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

# Stands in for the identity provider: the group the example looks up, with two members.
resource "confluence_scim_user" "engineer" {
  for_each     = { "ada.lovelace@example.com" = "Ada Lovelace", "alan.turing@example.com" = "Alan Turing" }
  user_name    = each.key
  email        = each.key
  display_name = each.value
}

resource "confluence_scim_group" "engineering" {
  display_name = "engineering"
}

resource "confluence_scim_group_members_exclusive" "engineering" {
  group_id = confluence_scim_group.engineering.id
  user_ids = [for u in confluence_scim_user.engineer : u.id]
}
