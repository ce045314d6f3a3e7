# Not on the documentation page: what the example needs to run. The provider reads its settings from the
# CONFLUENCE_* and ATLASSIAN_* environment variables (the emulator prints them).
terraform {
  required_providers {
    confluence = {
      source = "accessplane/confluence"
    }
  }
}

# The provider block's values. Left null (the default), a setting is read from its environment variable.
variable "confluence_site_url" {
  description = "Confluence site URL, such as https://acme.atlassian.net."
  type        = string
  default     = null
}

variable "confluence_email" {
  description = "Email of the account whose API token the provider uses."
  type        = string
  default     = null
}

variable "organization_id" {
  description = "Atlassian organization id."
  type        = string
  default     = null
}

variable "scim_directory_url" {
  description = "SCIM directory base URL, https://api.atlassian.com/scim/directory/<directoryId>."
  type        = string
  default     = null
}

variable "scim_api_key_expires_at" {
  description = "When the SCIM directory API key expires (RFC 3339 date)."
  type        = string
  default     = null
}

# One read from each API, so that a run uses every setting.
data "confluence_space" "eng" {
  key = "ENG"
}

data "confluence_group" "users" {
  name = "confluence-users"
}

data "confluence_scim_directory" "this" {}

variable "break_glass_account_ids" {
  description = "Account ids that may hold access directly despite deny_user_principals."
  type        = set(string)
  default     = []
}

variable "space_admin_group_ids" {
  description = "Groups that alone may administer spaces; empty leaves administration unrestricted."
  type        = set(string)
  default     = []
}
