package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func roleNames(names ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(names))
	for i, n := range names {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)})
	}
	return knownvalue.ListExact(checks)
}

// Pages of one item: every listing is followed to its end.
func TestAccSpaceRolesDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PageSize: 1})
	ctx := context.Background()
	api := env.Confluence(t)
	reviewers, err := api.CreateSpaceRole(ctx, confluence.SpaceRoleInput{
		Name: "Reviewers", Description: "Read and comment", Permissions: []string{"read/space", "create/comment"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := env.SpaceRoleIDs(t)
	config := env.Config(`
data "confluence_space_roles" "all" {}

data "confluence_space_roles" "system" {
  type = "SYSTEM"
}

data "confluence_space_roles" "custom" {
  type = "CUSTOM"
}

data "confluence_space_roles" "docs" {
  space_key = "DOCS"
}
`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_space_roles.all", tfjsonpath.New("roles"),
					roleNames("Admin", "Collaborator", "Manager", "Reviewers", "Viewer")),
				statecheck.ExpectKnownValue("data.confluence_space_roles.system", tfjsonpath.New("roles"),
					roleNames("Admin", "Collaborator", "Manager", "Viewer")),
				statecheck.ExpectKnownValue("data.confluence_space_roles.system", tfjsonpath.New("roles").AtSliceIndex(3),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":          knownvalue.StringExact(ids["Viewer"]),
						"name":        knownvalue.StringExact("Viewer"),
						"type":        knownvalue.StringExact("SYSTEM"),
						"description": knownvalue.StringExact("View content"),
						"permissions": acctest.StringSet("read/space"),
					})),
				statecheck.ExpectKnownValue("data.confluence_space_roles.custom", tfjsonpath.New("roles"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":          knownvalue.StringExact(reviewers.ID),
						"name":        knownvalue.StringExact("Reviewers"),
						"type":        knownvalue.StringExact("CUSTOM"),
						"description": knownvalue.StringExact("Read and comment"),
						"permissions": acctest.StringSet("read/space", "create/comment"),
					})})),
				// DOCS is seeded with the admin account as Admin and confluence-users as Viewer.
				statecheck.ExpectKnownValue("data.confluence_space_roles.docs", tfjsonpath.New("roles"), roleNames("Admin", "Viewer")),
				statecheck.ExpectKnownValue("data.confluence_space_roles.all", tfjsonpath.New("permissions"), knownvalue.ListSizeExact(16)),
				statecheck.ExpectKnownValue("data.confluence_space_roles.all", tfjsonpath.New("permissions").AtSliceIndex(0),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                      knownvalue.StringExact("read/space"),
						"display_name":            knownvalue.StringExact("View space"),
						"description":             knownvalue.StringExact("View the space and its content"),
						"required_permission_ids": knownvalue.SetExact([]knownvalue.Check{}),
					})),
				statecheck.ExpectKnownValue("data.confluence_space_roles.all", tfjsonpath.New("permissions").AtSliceIndex(1),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id":                      knownvalue.StringExact("create/page"),
						"required_permission_ids": acctest.StringSet("read/space"),
					})),
			},
		}},
	})
}

func TestAccSpaceRolesDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"type":          {Config: env.Config(`data "confluence_space_roles" "x" { type = "system" }`), Error: `(?s)type.*value must be one of.*"SYSTEM".*"CUSTOM"`},
		"space key":     {Config: env.Config(`data "confluence_space_roles" "x" { space_key = "DO-CS" }`), Error: `(?s)space_key.*must be a space key`},
		"missing space": {Config: env.Config(`data "confluence_space_roles" "x" { space_key = "NOPE" }`), Error: wrapped(`(?s)Space not found.*No space with key "NOPE" exists`)},
		"no credential": {Config: env.ProviderBlock([]string{"api_token"}) + `data "confluence_space_roles" "x" {}`,
			Error: `(?s)Confluence REST API is not configured.*"api_token".*CONFLUENCE_API_TOKEN`},
	}
	acctest.ExpectErrors(t, cases)
}
