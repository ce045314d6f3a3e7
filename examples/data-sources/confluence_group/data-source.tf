# A group of the organization, looked up by name (without regard to case).
data "confluence_group" "users" {
  name = "confluence-users"
}

# A group synced from the identity provider, looked up by id.
data "confluence_group" "sre" {
  id = "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
}

output "users_group" {
  value = {
    id        = data.confluence_group.users.id
    members   = data.confluence_group.users.user_count
    is_synced = data.confluence_group.sre.external_synced
  }
}
