package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func TestAccSpaceDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PageSize: 1})
	eng, err := env.Confluence(t).SpaceByKey(t.Context(), "ENG")
	if err != nil {
		t.Fatal(err)
	}
	// Only the Confluence credential is given: a configuration that uses one API needs no other credential.
	config := env.ProviderBlock([]string{"scim_api_key", "scim_directory_url", "admin_api_key", "organization_id"}) + `
data "confluence_space" "eng" {
  key = "ENG"
}
data "confluence_space" "docs" {
  key = "DOCS"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_space.eng", tfjsonpath.New("id"), knownvalue.StringExact(eng.ID)),
				statecheck.ExpectKnownValue("data.confluence_space.eng", tfjsonpath.New("name"), knownvalue.StringExact("Engineering")),
				statecheck.ExpectKnownValue("data.confluence_space.eng", tfjsonpath.New("type"), knownvalue.StringExact("global")),
				statecheck.ExpectKnownValue("data.confluence_space.eng", tfjsonpath.New("status"), knownvalue.StringExact("current")),
				statecheck.ExpectKnownValue("data.confluence_space.docs", tfjsonpath.New("name"), knownvalue.StringExact("Documentation")),
				statecheck.ExpectKnownValue("data.confluence_space.eng", tfjsonpath.New("role_mode"), knownvalue.StringExact("ROLES_TRANSITION")),
			},
		}},
	})
}

func TestAccSpaceDataSource_roleMode(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"PRE_ROLES", "ROLES"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t, emulator.Options{RoleMode: mode})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: env.Config(`data "confluence_space" "docs" { key = "DOCS" }`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.confluence_space.docs", tfjsonpath.New("role_mode"), knownvalue.StringExact(mode)),
					},
				}},
			})
		})
	}
}

func TestAccSpaceDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"unknown key": {Config: env.Config(`data "confluence_space" "x" { key = "NOPE" }`), Error: `(?s)Space not found.*"NOPE"`},
		"invalid key": {Config: env.Config(`data "confluence_space" "x" { key = "ENG OPS" }`), Error: `(?s)key.*must be a space key`},
		"no credential": {Config: env.ProviderBlock([]string{"email", "api_token"}) + `data "confluence_space" "x" { key = "ENG" }`,
			Error: `(?s)Confluence REST API is not configured.*"email".*CONFLUENCE_EMAIL.*"api_token".*CONFLUENCE_API_TOKEN`},
	}
	acctest.ExpectErrors(t, cases)
}
