# Who holds what in ENG, as a Markdown table for the run's outputs or a pull-request comment. The rows are
# the table's labels:
#
# | principal | read/space | administer/space | archive/page | create/attachment | …
# | --- | :-: | :-: | :-: | :-: | …
# | engineering | ✓ |  |  | ✓ | …
# | space_admin | ✓ | ✓ | ✓ | ✓ | …
output "eng_access" {
  value = provider::confluence::access_matrix(confluence_space_permissions_exclusive.eng.grants)
}

# Any grants can be rendered, such as a table still being written (an object here, keyed by label).
output "planned_access" {
  value = provider::confluence::access_matrix({
    engineering = {
      principal_type = "group"
      principal_id   = confluence_group_mapping.engineering.confluence_group_id
      permissions    = provider::confluence::permission_preset("contributor")
    }
    public = { principal_type = "anonymous", permissions = provider::confluence::permission_preset("viewer") }
  })
}
