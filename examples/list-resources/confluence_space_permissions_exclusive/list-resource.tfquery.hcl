# terraform query (Terraform 1.14 and later) finds one table per space; -generate-config-out reads each
# table and writes it with its default keys. Filters: space_keys, type, status.
list "confluence_space_permissions_exclusive" "current" {
  provider = confluence
  limit    = 1000 # Terraform stops at 100 results unless told otherwise

  config {
    status = "current"
  }
}
