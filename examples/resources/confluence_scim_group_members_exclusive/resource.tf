# The group holds exactly these users: anyone else added to it is removed on the next apply.
resource "confluence_scim_group_members_exclusive" "platform" {
  group_id = confluence_scim_group.platform.id
  user_ids = [
    confluence_scim_user.jane.id,
    confluence_scim_user.omar.id,
  ]
}
