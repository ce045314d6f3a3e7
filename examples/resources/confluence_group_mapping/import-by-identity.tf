# A same-name mapping: the SCIM group alone. A mirrored mapping adds target_group_id.
import {
  to       = confluence_group_mapping.engineering
  identity = { scim_group_id = "50202593-bc47-45df-8fa0-3f63343aa3c1" }
}

import {
  to = confluence_group_mapping.wiki_editors
  identity = {
    scim_group_id   = "50202593-bc47-45df-8fa0-3f63343aa3c1"
    target_group_id = "0d5bd2b5-7c1f-4b8e-9a1f-3c8f6a2e9b10"
  }
}
