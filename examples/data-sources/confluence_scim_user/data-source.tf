# Look a user up by exactly one of id, user_name (case-insensitive) or external_id.
data "confluence_scim_user" "jane" {
  user_name = "jane.doe@example.com"

  # Only because the example's folder creates the users too: users your identity provider pushed need no depends_on.
  depends_on = [confluence_scim_group_member.jane]
}

data "confluence_scim_user" "by_idp_id" {
  external_id = "00u1a2b3c4d5e6f7g8h9" # the user's id in the identity provider
  depends_on  = [confluence_scim_user.omar]
}

output "jane" {
  value = {
    scim_id    = data.confluence_scim_user.jane.id
    account_id = data.confluence_scim_user.jane.atlassian_account_id
    group_ids  = data.confluence_scim_user.jane.group_ids
  }
}

output "by_idp_id" {
  value = data.confluence_scim_user.by_idp_id.user_name
}
