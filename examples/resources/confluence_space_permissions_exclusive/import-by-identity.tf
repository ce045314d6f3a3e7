import {
  to       = confluence_space_permissions_exclusive.eng
  identity = { space_key = "ENG" }
}
