import {
  to = confluence_space_principal_permissions.engineering
  id = "ENG/group/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
}
