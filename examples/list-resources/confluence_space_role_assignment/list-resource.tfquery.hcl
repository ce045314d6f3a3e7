# terraform query (Terraform 1.14 and later) finds every role assignment in the spaces. Filters: space_keys,
# type, status.
list "confluence_space_role_assignment" "docs" {
  provider = confluence

  config {
    space_keys = ["DOCS"]
  }
}
