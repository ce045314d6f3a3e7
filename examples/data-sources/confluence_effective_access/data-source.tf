data "confluence_effective_access" "engineering" {
  space_key = "ENG"
}

# Who can read ENG, and through which grant: "jane@example.com via group eng-writers, user".
output "engineering_readers" {
  value = {
    for e in data.confluence_effective_access.engineering.entries :
    e.email => join(", ", [for s in e.sources : s.name != null ? "group ${s.name}" : s.principal_type])
    if contains(e.permissions, "read/space")
  }
}

# Accounts that would get access back on reactivation: offboarding is not finished while this is not empty.
output "engineering_dormant" {
  value = [for e in data.confluence_effective_access.engineering.dormant_entries : "${e.email} (${e.status}, ${e.product_role})"]
}

# An auditor's guard: nobody outside the company reads ENG.
check "engineering_is_internal" {
  assert {
    condition = alltrue([
      for e in data.confluence_effective_access.engineering.entries : endswith(e.email, "@example.com")
    ])
    error_message = "An account outside example.com can reach ENG."
  }
}

# What one person can reach, space by space: the offboarding check for a leaver.
data "confluence_user" "me" {
  email = "admin@example.com"
}

data "confluence_effective_access" "me" {
  account_id = data.confluence_user.me.account_id
}

output "my_spaces" {
  value = { for e in data.confluence_effective_access.me.entries : e.space_key => e.permissions }
}
