# Add one user to the group. Other members of the group are left alone.
resource "confluence_scim_group_member" "jane" {
  group_id = confluence_scim_group.engineering.id
  user_id  = confluence_scim_user.jane.id
}

# Several users: one membership each.
resource "confluence_scim_group_member" "engineers" {
  for_each = confluence_scim_user.engineer
  group_id = confluence_scim_group.engineering.id
  user_id  = each.value.id
}
