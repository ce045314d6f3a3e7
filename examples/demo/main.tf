# The demo configuration, applied by `make demo` against the emulator. The provider reads its settings from
# the environment variables the emulator prints.
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

provider "confluence" {}

locals {
  teams = {
    engineering = "okta-00g-engineering"
    operations  = "okta-00g-operations"
    contractors = "okta-00g-contractors"
  }
}

# Directory groups, as the identity provider would push them.
resource "confluence_scim_group" "team" {
  for_each     = local.teams
  display_name = each.key
  external_id  = each.value
}

data "confluence_space" "eng" {
  key = "ENG"
}

output "group_ids" {
  value = { for name, g in confluence_scim_group.team : name => g.id }
}

output "eng_space" {
  value = "${data.confluence_space.eng.key} (${data.confluence_space.eng.name}), id ${data.confluence_space.eng.id}"
}
