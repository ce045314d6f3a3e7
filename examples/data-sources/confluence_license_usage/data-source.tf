data "confluence_user" "break_glass" {
  email = "admin@example.com"
}

data "confluence_license_usage" "site" {
  inactive_days    = 60
  keep_account_ids = [data.confluence_user.break_glass.account_id] # never reported
}

# Seats to reclaim: active accounts with no activity for 60 days.
output "idle_seats" {
  value = [for u in data.confluence_license_usage.site.idle_users : "${u.email} (last active ${coalesce(u.last_active, "never")})"]
}

# Offboarding left unfinished: these get their access back on reactivation.
output "still_in_groups" {
  value = concat(
    [for u in data.confluence_license_usage.site.deactivated_in_groups : u.email],
    [for u in data.confluence_license_usage.site.suspended_in_groups : u.email],
  )
}
