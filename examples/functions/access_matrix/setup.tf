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

# The identity provider's engineering group, mapped to Confluence.
resource "confluence_scim_group" "engineering" {
  display_name = "engineering"
}

resource "confluence_group_mapping" "engineering" {
  scim_group_id  = confluence_scim_group.engineering.id
  product_access = ["atlassian/user"]
}

data "confluence_user" "me" {
  email = "admin@example.com" # the account the provider runs as (CONFLUENCE_EMAIL) keeps administering the space
}

# The whole access table of ENG.
resource "confluence_space_permissions_exclusive" "eng" {
  space_key = "ENG"
  grants = {
    space_admin = {
      principal_type = "user"
      principal_id   = data.confluence_user.me.account_id
      permissions    = provider::confluence::permission_preset("space_admin")
    }
    engineering = {
      principal_type = "group"
      principal_id   = confluence_group_mapping.engineering.confluence_group_id
      permissions    = provider::confluence::permission_preset("contributor")
    }
  }
}
