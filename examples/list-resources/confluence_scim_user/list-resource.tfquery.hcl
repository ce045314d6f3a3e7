# terraform query (Terraform 1.14 and later) finds the directory's users; -generate-config-out writes their
# resource and import blocks. Filters: user_name_prefix, display_name_prefix, active.
list "confluence_scim_user" "contractors" {
  provider = confluence
  limit    = 1000 # Terraform stops at 100 results unless told otherwise

  config {
    user_name_prefix = "contractor-"
    active           = true
  }
}
