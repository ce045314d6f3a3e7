package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const routeOrgUserSearch = "POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search"

func TestAccUserDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PageSize: 1, PropagationDelay: 0})
	api := env.Admin(t)
	ctx := context.Background()

	// The seeded admin is in the default groups; add it to a local group too.
	local, err := api.CreateGroup(ctx, env.Creds.LocalDirectoryID, "wiki-editors", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := api.AddMember(ctx, local.ID, env.Creds.AdminAccountID); err != nil {
		t.Fatal(err)
	}
	adminGroups := []knownvalue.Check{knownvalue.StringExact(local.ID)}
	for _, name := range []string{"confluence-users", "site-admins", "org-admins"} {
		g, err := api.GroupByName(ctx, admin.AllDirectories, name)
		if err != nil {
			t.Fatal(err)
		}
		adminGroups = append(adminGroups, knownvalue.StringExact(g.ID))
	}
	seeded, err := api.GetUser(ctx, admin.AllDirectories, env.Creds.AdminAccountID)
	if err != nil {
		t.Fatal(err)
	}

	// A user provisioned through SCIM, member of a synced group.
	dir := env.SCIM(t)
	su, err := dir.CreateUser(ctx, scim.User{
		UserName: "ana@example.com", DisplayName: "Ana Lima",
		Emails: []scim.Email{{Value: "ana@example.com", Type: "work", Primary: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sg, err := dir.CreateGroup(ctx, scim.Group{DisplayName: "sre"})
	if err != nil {
		t.Fatal(err)
	}
	if err := dir.AddMembers(ctx, sg.ID, su.ID); err != nil {
		t.Fatal(err)
	}
	syncedGroup, err := api.GroupByName(ctx, admin.AllDirectories, "sre")
	if err != nil {
		t.Fatal(err)
	}
	if su.Atlassian == nil || su.Atlassian.AtlassianAccountID == "" {
		t.Fatalf("SCIM user has no Atlassian account id: %+v", su)
	}
	anaAccount := su.Atlassian.AtlassianAccountID

	const byEmail, byID, ana = "data.confluence_user.by_email", "data.confluence_user.by_id", "data.confluence_user.ana"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			// each lookup is one search with the groups expanded: no request per group, no user GET
			PreConfig: env.ResetRequests,
			Config: env.Config(fmt.Sprintf(`
data "confluence_user" "by_email" {
  email = %q
}
data "confluence_user" "by_id" {
  account_id = %q
}
data "confluence_user" "ana" {
  email = "Ana@Example.COM"
}
`, strings.ToUpper(env.Creds.Email), env.Creds.AdminAccountID)),
			ConfigStateChecks: []statecheck.StateCheck{
				expectOnlyRoutes(env, routeOrgUserSearch),
				statecheck.ExpectKnownValue(byEmail, tfjsonpath.New("account_id"), knownvalue.StringExact(env.Creds.AdminAccountID)),
				statecheck.ExpectKnownValue(byEmail, tfjsonpath.New("email"), knownvalue.StringExact(env.Creds.Email)),
				statecheck.ExpectKnownValue(byEmail, tfjsonpath.New("name"), knownvalue.StringExact(seeded.Name)),
				statecheck.ExpectKnownValue(byEmail, tfjsonpath.New("account_status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue(byEmail, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue(byEmail, tfjsonpath.New("group_ids"), knownvalue.SetExact(adminGroups)),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("email"), knownvalue.StringExact(env.Creds.Email)),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("name"), knownvalue.StringExact(seeded.Name)),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("group_ids"), knownvalue.SetExact(adminGroups)),
				statecheck.ExpectKnownValue(ana, tfjsonpath.New("account_id"), knownvalue.StringExact(anaAccount)),
				statecheck.ExpectKnownValue(ana, tfjsonpath.New("email"), knownvalue.StringExact("ana@example.com")),
				statecheck.ExpectKnownValue(ana, tfjsonpath.New("group_ids"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(syncedGroup.ID)})),
			},
		}},
	})
}

func TestAccUserDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"unknown email": {Config: env.Config(`data "confluence_user" "x" { email = "nobody@example.com" }`),
			Error: `(?s)User not found.*email "nobody@example.com"`},
		"unknown account": {Config: env.Config(`data "confluence_user" "x" { account_id = "557058:00000000-0000-4000-8000-000000000000" }`),
			Error: `(?s)User not found.*account id`},
		"no key":      {Config: env.Config(`data "confluence_user" "x" {}`), Error: `(?s)Exactly one of these attributes must be configured.*email.*account_id`},
		"both keys":   {Config: env.Config(`data "confluence_user" "x" {` + "\n" + `email = "a"` + "\n" + `account_id = "b"` + "\n}"), Error: `(?s)Exactly one of these attributes`},
		"empty email": {Config: env.Config(`data "confluence_user" "x" { email = "" }`), Error: `(?s)email.*length`},
		"no credential": {Config: env.ProviderBlock([]string{"organization_id"}) + `data "confluence_user" "x" { email = "a@example.com" }`,
			Error: `(?s)Organizations API is not configured.*"organization_id"`},
	}
	acctest.ExpectErrors(t, cases)
}
