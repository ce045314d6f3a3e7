import {
  to       = confluence_scim_user.jane
  identity = { id = "247b915a-9d6c-4cd5-b5a5-071b1b3abc2e" }
}
