# Import a SCIM group by its SCIM id.
terraform import confluence_scim_group.engineering 50202593-bc47-45df-8fa0-3f63343aa3c1
