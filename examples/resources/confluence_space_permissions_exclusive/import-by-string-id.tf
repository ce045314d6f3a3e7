import {
  to = confluence_space_permissions_exclusive.eng
  id = "ENG"
}
