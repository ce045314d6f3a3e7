import {
  to       = confluence_scim_group_members_exclusive.platform
  identity = { group_id = "50202593-bc47-45df-8fa0-3f63343aa3c1" }
}
