package provider_test

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
)

// Live tests run against a real Atlassian organization with `make testacc` and the provider's environment
// variables; without them they skip.

func TestAccLive_scimDirectoryAndGroup(t *testing.T) {
	provider := acctest.Live(t, "scim_directory_url", "scim_api_key")
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := "tf-acc-" + hex.EncodeToString(suffix)
	config := provider + `
data "confluence_scim_directory" "this" {}

resource "confluence_scim_group" "test" {
  display_name = "` + name + `"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.confluence_scim_directory.this", tfjsonpath.New("patch_supported"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("confluence_scim_group.test", tfjsonpath.New("display_name"), knownvalue.StringExact(name)),
				},
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{ResourceName: "confluence_scim_group.test", ImportState: true, ImportStateVerify: true},
		},
	})
}

func TestAccLive_space(t *testing.T) {
	provider := acctest.Live(t, "site_url")
	key := os.Getenv("CONFLUENCE_TEST_SPACE_KEY")
	if key == "" {
		t.Skip("live test: set CONFLUENCE_TEST_SPACE_KEY to a space the Confluence account can view")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: provider + `data "confluence_space" "this" { key = "` + key + `" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_space.this", tfjsonpath.New("id"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.confluence_space.this", tfjsonpath.New("role_mode"), knownvalue.NotNull()),
			},
		}},
	})
}
