resource "confluence_scim_group" "engineering" {
  display_name = "engineering"
  external_id  = "00g1a2b3c4d5e6f7g8h9" # the group's id in the identity provider
}
