# Same-name mapping: the identity provider's "engineering" group, as synced into Atlassian, gets Confluence.
resource "confluence_group_mapping" "engineering" {
  scim_group_id  = confluence_scim_group.engineering.id
  product_access = ["atlassian/user"]
}

# Mirrored mapping: a differently named local group whose members follow the SCIM group's.
resource "confluence_group" "wiki_editors" {
  name        = "wiki-editors"
  description = "Mirrors the identity provider's engineering group"
}

resource "confluence_group_mapping" "wiki_editors" {
  scim_group_id   = confluence_scim_group.engineering.id
  target_group_id = confluence_group.wiki_editors.id
  product_access  = ["atlassian/user"]

  # Only active members who used Confluence in the last 90 days hold the seat; the plan says who leaves and why.
  member_filter = {
    statuses      = ["active"]
    inactive_days = 90
  }
}

# Grant space permissions to the mapped group.
output "engineering_confluence_group_id" {
  value = confluence_group_mapping.engineering.confluence_group_id
}
