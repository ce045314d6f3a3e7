# Import a space role assignment by SPACEKEY/principal_type/principal_id.
terraform import confluence_space_role_assignment.engineering DOCS/group/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f
terraform import confluence_space_role_assignment.everyone DOCS/access_class/authenticated-users
terraform import confluence_space_role_assignment.owner DOCS/user/557058:f1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d
