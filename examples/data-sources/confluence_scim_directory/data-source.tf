data "confluence_scim_directory" "this" {}

# Fail a scheduled run well before the directory API key expires.
check "scim_api_key" {
  assert {
    condition     = data.confluence_scim_directory.this.api_key_days_left == null || data.confluence_scim_directory.this.api_key_days_left > 14
    error_message = "The SCIM directory API key expires in ${data.confluence_scim_directory.this.api_key_days_left} days: regenerate it."
  }
}

output "directory" {
  value = {
    id     = data.confluence_scim_directory.this.id
    users  = data.confluence_scim_directory.this.user_count
    groups = data.confluence_scim_directory.this.group_count
  }
}
