# A group pushed by the identity provider, looked up by name.
data "confluence_scim_group" "engineering" {
  display_name = "engineering"

  # Only because the example's folder creates the group too: a group your identity provider pushed needs no depends_on.
  depends_on = [confluence_scim_group_members_exclusive.engineering]
}

output "engineering_members" {
  value = length(data.confluence_scim_group.engineering.member_ids)
}
