# Not on the documentation page: what the example needs to run. The provider reads its settings from the
# CONFLUENCE_* and ATLASSIAN_* environment variables (the emulator prints them).
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

# The identity provider's groups, mapped to Confluence.
resource "confluence_scim_group" "team" {
  for_each     = toset(["engineering", "contractors"])
  display_name = each.value
}

resource "confluence_group_mapping" "engineering" {
  scim_group_id  = confluence_scim_group.team["engineering"].id
  product_access = ["atlassian/user"]
}

resource "confluence_group_mapping" "contractors" {
  scim_group_id  = confluence_scim_group.team["contractors"].id
  product_access = ["atlassian/guest"]
}
