# Anonymous users have no principal_id.
import {
  to = confluence_space_principal_permissions.engineering
  identity = {
    space_key      = "ENG"
    principal_type = "group"
    principal_id   = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
  }
}
