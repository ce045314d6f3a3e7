package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func TestAccSCIMDirectoryDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := api.CreateGroup(ctx, scim.Group{DisplayName: fmt.Sprintf("team-%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		name := fmt.Sprintf("user%d@example.com", i)
		if _, err := api.CreateUser(ctx, scim.User{UserName: name, Emails: []scim.Email{{Value: name, Type: "work", Primary: true}}}); err != nil {
			t.Fatal(err)
		}
	}
	expires := time.Now().Add(20*24*time.Hour + time.Hour).UTC().Truncate(time.Second)
	addr := "data.confluence_scim_directory.this"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderBlock(nil, fmt.Sprintf("scim_api_key_expires_at = %q", expires.Format(time.RFC3339))) +
					`data "confluence_scim_directory" "this" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(env.Creds.DirectoryID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("url"), knownvalue.StringExact(env.Settings()["scim_directory_url"])),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("patch_supported"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("filter_supported"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("filter_max_results"), knownvalue.Int64Exact(100)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bulk_supported"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("group_count"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("api_key_expires_at"), knownvalue.StringExact(expires.Format(time.RFC3339))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("api_key_days_left"), knownvalue.Int64Exact(20)),
				},
			},
			{ // without an expiry setting the expiry outputs are null
				Config: env.Config(`data "confluence_scim_directory" "this" {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("api_key_expires_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("api_key_days_left"), knownvalue.Null()),
				},
			},
			{
				Config:      env.ProviderBlock([]string{"scim_directory_url"}) + `data "confluence_scim_directory" "this" {}`,
				ExpectError: regexp.MustCompile(`(?s)SCIM API is not configured.*"scim_directory_url".*ATLASSIAN_SCIM_DIRECTORY_URL`),
			},
		},
	})
}
