import {
  to = confluence_scim_group_member.jane
  identity = {
    group_id = "50202593-bc47-45df-8fa0-3f63343aa3c1"
    user_id  = "c6993c94-dbda-40f1-b6f0-18c855522ade"
  }
}
