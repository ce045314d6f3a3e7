# The leaver: deactivated in the directory, which takes the account's product access away.
resource "confluence_scim_user" "leaver" {
  user_name = "ken.contract@example.com"
  email     = "ken.contract@example.com"
  active    = false
}

# Everything the leaver's account can still reach, in every space the provider's credential can view: direct
# grants, groups and access classes. A deactivated account's access is dormant: it returns on reactivation.
data "confluence_effective_access" "leaver" {
  account_id = confluence_scim_user.leaver.atlassian_account_id
}

# A check block warns and never fails a run: the scheduled drift run reports it.
check "leaver_has_no_access" {
  assert {
    condition     = length(data.confluence_effective_access.leaver.entries) + length(data.confluence_effective_access.leaver.dormant_entries) == 0
    error_message = "The leaver still holds access: ${join(", ", [for e in concat(data.confluence_effective_access.leaver.entries, data.confluence_effective_access.leaver.dormant_entries) : e.space_key])}."
  }
}

# Where the run must fail instead, a precondition stops the apply.
resource "terraform_data" "offboarding_gate" {
  lifecycle {
    precondition {
      condition     = length(data.confluence_effective_access.leaver.dormant_entries) == 0
      error_message = "Offboarding is not finished: a group or a direct grant still holds the leaver's access."
    }
  }
}
