# Who holds what in ENG, as a Markdown table for the run's outputs or a pull-request comment:
#
# | principal | read/space | administer/space | archive/page | create/attachment | …
# | --- | :-: | :-: | :-: | :-: | …
# | group/6f1c2d3e-… | ✓ |  |  | ✓ | …
# | user/557058:0e6a… | ✓ | ✓ | ✓ | ✓ | …
output "eng_access" {
  value = provider::confluence::access_matrix(confluence_space_permissions_exclusive.eng.grants)
}

# Grants keyed by a label (a map, or an object as here) show the label in place of the principal.
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
