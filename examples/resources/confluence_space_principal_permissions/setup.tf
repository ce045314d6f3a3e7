# Not on the documentation page: what the example needs to run. The provider reads its settings from the
# CONFLUENCE_* and ATLASSIAN_* environment variables (the emulator prints them).
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

# The identity provider's engineering group, mapped to Confluence, and the space's lead.
resource "confluence_scim_group" "engineering" {
  display_name = "engineering"
}

resource "confluence_group_mapping" "engineering" {
  scim_group_id  = confluence_scim_group.engineering.id
  product_access = ["atlassian/user"]
}

resource "confluence_scim_user" "lead" {
  user_name    = "grace.hopper@example.com"
  email        = "grace.hopper@example.com"
  display_name = "Grace Hopper"
}
