# Import the access table of a space by its key; the next plan lists everything not declared. Imported entries
# are keyed group/<id>, user/<account id>, …: the first apply after import renames them to your labels and
# writes nothing to the space.
terraform import confluence_space_permissions_exclusive.eng ENG
