# Import a custom space role by its id (the confluence_space_roles data source lists them).
terraform import confluence_space_role.page_editors 3a8f6c1e-2b4d-4e6f-9a1b-7c5d3e2f1a0b
