# Import the member list of a group by the group's SCIM id. user_ids is filled with the current members, so the
# next plan shows which of them the configuration would remove.
terraform import confluence_scim_group_members_exclusive.platform 50202593-bc47-45df-8fa0-3f63343aa3c1
