package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func TestAccSCIMGroupDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PageSize: 1})
	api := env.SCIM(t)
	ctx := context.Background()
	var userIDs []string
	for _, name := range []string{"ana@example.com", "bo@example.com"} {
		u, err := api.CreateUser(ctx, scim.User{UserName: name, Emails: []scim.Email{{Value: name, Type: "work", Primary: true}}})
		if err != nil {
			t.Fatal(err)
		}
		userIDs = append(userIDs, u.ID)
	}
	if _, err := api.CreateGroup(ctx, scim.Group{DisplayName: "other"}); err != nil {
		t.Fatal(err)
	}
	g, err := api.CreateGroup(ctx, scim.Group{DisplayName: "Platform Team", ExternalID: "okta-42"})
	if err != nil {
		t.Fatal(err)
	}
	if err := api.AddMembers(ctx, g.ID, userIDs...); err != nil {
		t.Fatal(err)
	}
	members := knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(userIDs[0]), knownvalue.StringExact(userIDs[1])})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
data "confluence_scim_group" "by_name" {
  display_name = "platform team"
}
data "confluence_scim_group" "by_id" {
  id = "` + g.ID + `"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.confluence_scim_group.by_name", tfjsonpath.New("id"), knownvalue.StringExact(g.ID)),
					statecheck.ExpectKnownValue("data.confluence_scim_group.by_name", tfjsonpath.New("display_name"), knownvalue.StringExact("Platform Team")),
					statecheck.ExpectKnownValue("data.confluence_scim_group.by_name", tfjsonpath.New("external_id"), knownvalue.StringExact("okta-42")),
					statecheck.ExpectKnownValue("data.confluence_scim_group.by_name", tfjsonpath.New("member_ids"), members),
					statecheck.ExpectKnownValue("data.confluence_scim_group.by_id", tfjsonpath.New("display_name"), knownvalue.StringExact("Platform Team")),
					statecheck.ExpectKnownValue("data.confluence_scim_group.by_id", tfjsonpath.New("member_ids"), members),
				},
			},
		},
	})
}

func TestAccSCIMGroupDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"unknown name": {Config: env.Config(`data "confluence_scim_group" "x" { display_name = "nobody" }`), Error: `(?s)SCIM group not found.*"nobody"`},
		"unknown id":   {Config: env.Config(`data "confluence_scim_group" "x" { id = "0b0e0e0e-0000-4000-8000-000000000000" }`), Error: `(?s)SCIM group not found`},
		"no key":       {Config: env.Config(`data "confluence_scim_group" "x" {}`), Error: `(?s)Exactly one of these attributes must be configured.*id.*display_name`},
		"both keys":    {Config: env.Config(`data "confluence_scim_group" "x" {` + "\n" + `id = "a"` + "\n" + `display_name = "b"` + "\n}"), Error: `(?s)Exactly one of these attributes`},
	}
	acctest.ExpectErrors(t, cases)
}
