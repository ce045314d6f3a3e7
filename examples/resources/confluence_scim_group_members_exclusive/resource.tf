# The group holds exactly these users: anyone else added to it is removed on the next apply.
resource "confluence_scim_group_members_exclusive" "platform" {
  group_id = confluence_scim_group.platform.id
  user_ids = [
    confluence_scim_user.jane.id,
    confluence_scim_user.omar.id,
  ]
}

# Keep idle accounts out of a group that Terraform owns: drop whoever confluence_license_usage finds idle.
data "confluence_license_usage" "site" {
  inactive_days = 90
}

locals {
  idle_accounts = toset([for u in data.confluence_license_usage.site.idle_users : u.account_id])
}

resource "confluence_scim_group" "platform_active" {
  display_name = "platform-active"
}

resource "confluence_scim_group_members_exclusive" "platform_active" {
  group_id = confluence_scim_group.platform_active.id
  user_ids = [
    for u in [confluence_scim_user.jane, confluence_scim_user.omar] : u.id
    if !contains(local.idle_accounts, u.atlassian_account_id)
  ]
}
