# Look a user up by exactly one of id, user_name (case-insensitive) or external_id.
data "confluence_scim_user" "jane" {
  user_name = "jane.doe@example.com"
}

data "confluence_scim_user" "by_idp_id" {
  external_id = "00u1a2b3c4d5e6f7g8h9"
}

output "jane" {
  value = {
    scim_id    = data.confluence_scim_user.jane.id
    account_id = data.confluence_scim_user.jane.atlassian_account_id
    group_ids  = data.confluence_scim_user.jane.group_ids
  }
}
