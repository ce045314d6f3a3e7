# terraform query (Terraform 1.14 and later) finds the groups made in Atlassian (synced groups belong to
# confluence_scim_group). Filters: name_prefix, source ("local", the default).
list "confluence_group" "wiki" {
  provider = confluence

  config {
    name_prefix = "wiki-"
  }
}
