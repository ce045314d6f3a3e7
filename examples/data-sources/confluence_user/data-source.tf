# An Atlassian account of the organization, by email (without regard to case) or by account id.
data "confluence_user" "jane" {
  email = "jane.doe@example.com"
}

data "confluence_user" "bot" {
  account_id = "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"
}

output "jane" {
  value = {
    account_id = data.confluence_user.jane.account_id
    status     = data.confluence_user.jane.status
    groups     = data.confluence_user.jane.group_ids
  }
}
