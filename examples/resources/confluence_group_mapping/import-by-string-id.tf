import {
  to = confluence_group_mapping.engineering
  id = "50202593-bc47-45df-8fa0-3f63343aa3c1"
}
