# Each setting can come from the environment variable named beside it instead; keep the secrets there.
provider "confluence" {
  # Confluence REST API (space access)
  site_url = var.confluence_site_url # CONFLUENCE_SITE_URL, such as https://acme.atlassian.net
  email    = var.confluence_email    # CONFLUENCE_EMAIL
  # api_token: CONFLUENCE_API_TOKEN

  # Organizations API (groups, product access)
  organization_id = var.organization_id # ATLASSIAN_ORGANIZATION_ID
  # admin_api_key: ATLASSIAN_ADMIN_API_KEY

  # SCIM directory (users, groups, memberships)
  scim_directory_url      = var.scim_directory_url      # ATLASSIAN_SCIM_DIRECTORY_URL
  scim_api_key_expires_at = var.scim_api_key_expires_at # ATLASSIAN_SCIM_API_KEY_EXPIRES_AT, such as 2027-03-31
  # scim_api_key: ATLASSIAN_SCIM_API_KEY

  # Guardrails every plan enforces: access goes to groups, anonymous users get none, only the named
  # principals administer spaces, and guests get nothing in the HR space. A resource may carry
  # policy_exemption = "<reason>" to pass with a warning.
  access_policy {
    deny_anonymous          = true
    deny_user_principals    = true
    allowed_user_principals = var.break_glass_account_ids
    admin_principals        = [for id in var.space_admin_group_ids : "group/${id}"]
    deny_guests_in          = ["HR"]
  }
}
