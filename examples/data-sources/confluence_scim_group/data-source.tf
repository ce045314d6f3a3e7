# A group pushed by the identity provider, looked up by name.
data "confluence_scim_group" "engineering" {
  display_name = "engineering"
}

output "engineering_members" {
  value = length(data.confluence_scim_group.engineering.member_ids)
}
