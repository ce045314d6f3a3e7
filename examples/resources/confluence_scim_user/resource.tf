resource "confluence_scim_user" "jane" {
  user_name          = "jane.doe@example.com"
  email              = "jane.doe@example.com"
  external_id        = "00u1a2b3c4d5e6f7g8h9" # the user's id in the identity provider
  display_name       = "Jane Doe"
  given_name         = "Jane"
  family_name        = "Doe"
  title              = "Staff Engineer"
  department         = "Platform Engineering"
  organization       = "Example Corp"
  timezone           = "Europe/London"
  preferred_language = "en-GB"

  # Unset attributes (nick_name here) are not managed: the identity provider's value is kept.
  # Set one to "" to remove it from the directory.
}

# A contractor whose access is paused: deactivated (every later plan stays empty), and re-activated on the same
# Atlassian account by removing the line.
resource "confluence_scim_user" "contractor" {
  user_name = "ken.contract@example.com"
  email     = "ken.contract@example.com"
  active    = false
}

# A service account this stack manages but must never offboard: destroying the resource (retiring the stack, or
# moving the user to another identity provider) forgets it and leaves it active.
resource "confluence_scim_user" "build_bot" {
  user_name  = "build-bot@example.com"
  email      = "build-bot@example.com"
  on_destroy = "unmanage"
}

output "jane_account_id" {
  value = confluence_scim_user.jane.atlassian_account_id
}
