# Import the access table of a space by its key; the next plan lists everything not declared.
terraform import confluence_space_permissions_exclusive.eng ENG
