# Every current space of type global (personal spaces left out), sorted by key.
data "confluence_spaces" "global" {
  type   = "global"
  status = "current"
}

output "global_spaces" {
  value = { for s in data.confluence_spaces.global.spaces : s.key => s.name }
}

# Some spaces by key. A key that matches no space is left out of the result; the postcondition makes it an error.
data "confluence_spaces" "teams" {
  keys = ["ENG", "OPS"]

  lifecycle {
    postcondition {
      condition     = length(self.space_keys) == length(self.keys)
      error_message = "No such space: ${join(", ", setsubtract(self.keys, self.space_keys))}."
    }
  }
}

# Adopt the access tables of the team spaces with one import block (Terraform 1.7, OpenTofu 1.7 and later).
import {
  for_each = data.confluence_spaces.teams.space_keys
  to       = confluence_space_permissions_exclusive.team[each.key]
  id       = each.key
}

data "confluence_user" "me" {
  email = "admin@example.com" # the account the provider runs as (CONFLUENCE_EMAIL)
}

data "confluence_group" "users" {
  name = "confluence-users"
}

# One standard table for every team space. The entries are keyed as import keys them (user/<account id>,
# group/<group id>), so where a space already holds this table the import plans no change, and where it does not
# the plan shows the difference before anything is written. Labels of your own work too: after the import they
# are one in-place update that writes nothing.
resource "confluence_space_permissions_exclusive" "team" {
  for_each  = data.confluence_spaces.teams.space_keys
  space_key = each.key
  grants = {
    "user/${data.confluence_user.me.account_id}" = {
      principal_type = "user"
      principal_id   = data.confluence_user.me.account_id
      permissions = [
        "read/space", "administer/space", "export/space", "restrict_content/space", "create/page", "delete/page",
        "create/blogpost", "create/comment", "create/attachment",
      ]
    }
    "group/${data.confluence_group.users.id}" = {
      principal_type = "group"
      principal_id   = data.confluence_group.users.id
      permissions    = ["read/space"]
    }
  }
}
