# A group's or a user's permissions in a space are imported by SPACEKEY/type/id.
terraform import confluence_space_principal_permissions.engineering ENG/group/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f
terraform import confluence_space_principal_permissions.lead ENG/user/557058:0e6a7d3c-1f2b-4c5d-8e9f-0a1b2c3d4e5f

# Anonymous users' permissions are imported by SPACEKEY/anonymous.
terraform import confluence_space_principal_permissions.public DOCS/anonymous
