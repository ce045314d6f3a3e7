import {
  to = confluence_space_role_assignment.engineering
  identity = {
    space_key      = "DOCS"
    principal_type = "group"
    principal_id   = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
  }
}
