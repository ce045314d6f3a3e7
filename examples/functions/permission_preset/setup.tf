# Not on the documentation page: what the example needs to run. The provider reads its settings from the
# CONFLUENCE_* and ATLASSIAN_* environment variables (the emulator prints them). Provider-defined functions
# need Terraform 1.8 or OpenTofu 1.7, or later.
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

# The identity provider's groups, mapped to Confluence.
resource "confluence_scim_group" "team" {
  for_each     = toset(["writers", "reviewers"])
  display_name = each.value
}

resource "confluence_group_mapping" "writers" {
  scim_group_id  = confluence_scim_group.team["writers"].id
  product_access = ["atlassian/user"]
}

resource "confluence_group_mapping" "reviewers" {
  scim_group_id  = confluence_scim_group.team["reviewers"].id
  product_access = ["atlassian/user"]
}
