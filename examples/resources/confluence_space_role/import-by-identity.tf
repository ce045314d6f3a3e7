import {
  to       = confluence_space_role.page_editors
  identity = { id = "3a8f6c1e-2b4d-4e6f-9a1b-7c5d3e2f1a0b" }
}
