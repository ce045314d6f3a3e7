# terraform query (Terraform 1.14 and later) finds the directory's groups. Filter: display_name_prefix.
list "confluence_scim_group" "teams" {
  provider = confluence

  config {
    display_name_prefix = "team-"
  }
}
