import {
  to       = confluence_group.wiki_editors
  identity = { id = "0d5bd2b5-7c1f-4b8e-9a1f-3c8f6a2e9b10" }
}
