data "confluence_scim_directory" "this" {}

locals {
  # Whole days until the directory API key expires; null when the provider's scim_api_key_expires_at is not set.
  scim_key_days_left = data.confluence_scim_directory.this.api_key_days_left
}

# Warn in every scheduled plan from two weeks before the directory API key expires.
check "scim_api_key" {
  assert {
    condition     = local.scim_key_days_left == null ? true : local.scim_key_days_left > 14
    error_message = "The SCIM directory API key expires in ${coalesce(local.scim_key_days_left, "?")} days: regenerate it, then update ATLASSIAN_SCIM_API_KEY and ATLASSIAN_SCIM_API_KEY_EXPIRES_AT."
  }
}

output "directory" {
  value = {
    id     = data.confluence_scim_directory.this.id
    users  = data.confluence_scim_directory.this.user_count
    groups = data.confluence_scim_directory.this.group_count
  }
}
