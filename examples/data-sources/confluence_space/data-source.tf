data "confluence_space" "engineering" {
  key = "ENG"
}

output "engineering_space_id" {
  value = data.confluence_space.engineering.id
}
