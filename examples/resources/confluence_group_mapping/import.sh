# A same-name mapping is imported by the SCIM group id.
terraform import confluence_group_mapping.engineering 50202593-bc47-45df-8fa0-3f63343aa3c1

# A mirrored mapping is imported by the SCIM group id and the target group id.
terraform import confluence_group_mapping.wiki_editors 50202593-bc47-45df-8fa0-3f63343aa3c1/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f
