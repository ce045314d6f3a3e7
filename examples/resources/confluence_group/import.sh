# Import a local group by its Atlassian group id. Groups synced from an identity provider cannot be imported:
# manage them with confluence_scim_group.
terraform import confluence_group.wiki_editors 0d5bd2b5-7c1f-4b8e-9a1f-3c8f6a2e9b10
