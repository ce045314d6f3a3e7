# Import a membership by the SCIM ids of the group and the user, separated by "/".
terraform import confluence_scim_group_member.jane 50202593-bc47-45df-8fa0-3f63343aa3c1/c6993c94-dbda-40f1-b6f0-18c855522ade
