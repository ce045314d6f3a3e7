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

func TestAccSCIMUserDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	jane, err := api.CreateUser(ctx, scim.User{
		UserName:    "jane.doe@example.com",
		ExternalID:  "00u1abcd",
		Emails:      []scim.Email{{Value: "jane.doe@example.com", Type: "work", Primary: true}},
		Name:        &scim.Name{GivenName: "Jane", FamilyName: "Doe"},
		DisplayName: "Jane Doe",
		Title:       "Engineer",
		Timezone:    "Europe/London",
		Enterprise:  &scim.Enterprise{Department: "R&D"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Group membership is made through the API, as an identity provider would push it.
	eng, err := api.CreateGroup(ctx, scim.Group{DisplayName: "engineering"})
	if err != nil {
		t.Fatal(err)
	}
	ops, err := api.CreateGroup(ctx, scim.Group{DisplayName: "operations"})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{eng.ID, ops.ID} {
		if err := api.AddMembers(ctx, g, jane.ID); err != nil {
			t.Fatal(err)
		}
	}
	config := env.Config(`
data "confluence_scim_user" "by_id" {
  id = "` + jane.ID + `"
}
data "confluence_scim_user" "by_name" {
  user_name = "Jane.Doe@Example.COM"
}
data "confluence_scim_user" "by_external" {
  external_id = "00u1abcd"
}
`)
	same := func(addr string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(jane.ID)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact("jane.doe@example.com")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("external_id"), knownvalue.StringExact("00u1abcd")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Jane Doe")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("given_name"), knownvalue.StringExact("Jane")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("family_name"), knownvalue.StringExact("Doe")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("title"), knownvalue.StringExact("Engineer")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("department"), knownvalue.StringExact("R&D")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("timezone"), knownvalue.StringExact("Europe/London")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("nick_name"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("active"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("atlassian_account_id"), knownvalue.StringExact(jane.AccountID())),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("group_ids"), knownvalue.SetExact([]knownvalue.Check{
				knownvalue.StringExact(eng.ID), knownvalue.StringExact(ops.ID),
			})),
		}
	}
	var checks []statecheck.StateCheck
	checks = append(checks, same("data.confluence_scim_user.by_id")...)
	checks = append(checks, same("data.confluence_scim_user.by_name")...)
	checks = append(checks, same("data.confluence_scim_user.by_external")...)
	checks = append(checks,
		statecheck.ExpectKnownValue("data.confluence_scim_user.by_id", tfjsonpath.New("user_name"), knownvalue.StringExact("jane.doe@example.com")),
		// the lookup key keeps the configured spelling
		statecheck.ExpectKnownValue("data.confluence_scim_user.by_name", tfjsonpath.New("user_name"), knownvalue.StringExact("Jane.Doe@Example.COM")),
	)
	if jane.AccountID() == "" {
		t.Fatal("the directory reported no Atlassian account id")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// Zero and several matches fail, naming the candidates; lookups that need no API call fail before making one.
func TestAccSCIMUserDataSource_errors(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"ann@example.com", "bob@example.com"} {
		u, err := api.CreateUser(ctx, scim.User{UserName: name, ExternalID: "shared-00u", Emails: []scim.Email{{Value: name, Primary: true}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	cases := map[string]acctest.ErrorCase{
		"no user name": {Config: env.Config(`data "confluence_scim_user" "x" { user_name = "nobody@example.com" }`),
			Error: `(?s)SCIM user not found.*user name "nobody@example.com"`},
		"no id": {Config: env.Config(`data "confluence_scim_user" "x" { id = "0b7a5a1c-0000-4000-8000-000000000000" }`),
			Error: `(?s)SCIM user not found.*0b7a5a1c-0000-4000-8000-000000000000`},
		"external id is case-exact": {Config: env.Config(`data "confluence_scim_user" "x" { external_id = "SHARED-00U" }`),
			Error: `(?s)SCIM user not found.*external id "SHARED-00U"`},
		"several": {Config: env.Config(`data "confluence_scim_user" "x" { external_id = "shared-00u" }`),
			Error: `(?s)Several SCIM users match.*2\s+users\s+have\s+external\s+id\s+"shared-00u".*ann@example.com\s+\(` + ids[0] + `\),\s+bob@example.com\s+\(` + ids[1] + `\)`},
	}
	acctest.ExpectErrors(t, cases)
}

func TestAccSCIMUserDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"no key": {Config: env.Config(`data "confluence_scim_user" "x" {}`),
			Error: `(?s)Exactly one of these attributes must be configured.*id.*user_name.*external_id`},
		"two keys": {Config: env.Config(`data "confluence_scim_user" "x" {
  id        = "abc"
  user_name = "jane@example.com"
}`), Error: `(?s)Exactly one of these attributes must be configured`},
		"empty user name": {Config: env.Config(`data "confluence_scim_user" "x" { user_name = "" }`), Error: `(?s)user_name.*length must be at least 1`},
		"no credential": {Config: env.ProviderBlock([]string{"scim_directory_url"}) + `data "confluence_scim_user" "x" { user_name = "jane@example.com" }`,
			Error: `(?s)SCIM API is not configured.*"scim_directory_url".*ATLASSIAN_SCIM_DIRECTORY_URL`},
	}
	t.Cleanup(func() { // after the parallel subtests: nothing reached the API
		if stats := env.Emulator.Stats(); len(stats) != 0 {
			t.Errorf("bad input reached the API: %v", stats)
		}
	})
	acctest.ExpectErrors(t, cases)
}
