resource "confluence_scim_group" "engineering" {
  display_name = "engineering"
}

# Add one user to the group. Other members of the group are left alone.
resource "confluence_scim_group_member" "jane" {
  group_id = confluence_scim_group.engineering.id
  user_id  = confluence_scim_user.jane.id
}

# Several users: one membership each.
variable "engineers" {
  description = "SCIM ids of the engineers."
  type        = set(string)
  default     = []
}

resource "confluence_scim_group_member" "engineers" {
  for_each = var.engineers
  group_id = confluence_scim_group.engineering.id
  user_id  = each.value
}
