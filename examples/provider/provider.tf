# Every setting can come from its environment variable instead; secrets are best kept there.
provider "confluence" {
  # Confluence REST API (space access): CONFLUENCE_SITE_URL, CONFLUENCE_EMAIL, CONFLUENCE_API_TOKEN
  site_url = "https://acme.atlassian.net"
  email    = "automation@acme.example"
  # api_token from CONFLUENCE_API_TOKEN

  # Organizations API (groups, product access): ATLASSIAN_ORGANIZATION_ID, ATLASSIAN_ADMIN_API_KEY
  organization_id = "7a8b9c0d-1e2f-4a5b-8c7d-0e1f2a3b4c5d"
  # admin_api_key from ATLASSIAN_ADMIN_API_KEY

  # SCIM directory (users, groups, memberships): ATLASSIAN_SCIM_DIRECTORY_URL, ATLASSIAN_SCIM_API_KEY
  scim_directory_url      = "https://api.atlassian.com/scim/directory/315e79ae-404a-4061-8a88-df91c8c7db34"
  scim_api_key_expires_at = "2027-03-31"
  # scim_api_key from ATLASSIAN_SCIM_API_KEY
}
