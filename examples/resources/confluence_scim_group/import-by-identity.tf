import {
  to       = confluence_scim_group.engineering
  identity = { id = "50202593-bc47-45df-8fa0-3f63343aa3c1" }
}
