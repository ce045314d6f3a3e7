# An Atlassian account of the organization, by email (without regard to case) or by account id.
data "confluence_user" "admin" {
  email = "admin@example.com"
}

# Accounts looked up by id: here, every user with a direct permission in the ENG space.
data "confluence_space_permissions" "eng" {
  space_key = "ENG"
}

data "confluence_user" "eng" {
  for_each   = toset([for g in data.confluence_space_permissions.eng.grants : g.principal_id if g.principal_type == "user"])
  account_id = each.value
}

output "admin" {
  value = {
    account_id = data.confluence_user.admin.account_id
    status     = data.confluence_user.admin.status
    groups     = data.confluence_user.admin.group_ids
  }
}

output "eng_users" {
  value = [for u in data.confluence_user.eng : u.email]
}
