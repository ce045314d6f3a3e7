# Import a SCIM user by its SCIM id (not the user name, not the Atlassian account id).
terraform import confluence_scim_user.jane 247b915a-9d6c-4cd5-b5a5-071b1b3abc2e
