package provider_test

import (
	"context"
	"fmt"
	"slices"
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

// expectOnlyRoutes checks that the emulator served requests on no route but these since the last reset, so a
// lookup is shown to cost what it should (no per-item follow-up requests).
func expectOnlyRoutes(env *acctest.Env, routes ...string) statecheck.StateCheck {
	return acctest.CheckAPI(func(context.Context) error {
		stats := env.Emulator.Stats()
		if len(stats) == 0 {
			return fmt.Errorf("no request was counted")
		}
		for route := range stats {
			if !slices.Contains(routes, route) && !slices.Contains(acctest.OrgCheckRoutes, route) {
				return fmt.Errorf("unexpected requests on %s (all: %v)", route, stats)
			}
		}
		return nil
	})
}

func TestAccGroupDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PageSize: 1, PropagationDelay: 0})
	api := env.Admin(t)
	ctx := context.Background()
	local, err := api.CreateGroup(ctx, env.Creds.LocalDirectoryID, "Platform Team", "Runs the platform")
	if err != nil {
		t.Fatal(err)
	}
	if err := api.AddMember(ctx, local.ID, env.Creds.AdminAccountID); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateGroup(ctx, env.Creds.LocalDirectoryID, "Platform Team Leads", ""); err != nil { // a near miss
		t.Fatal(err)
	}
	dir := env.SCIM(t)
	var members []string
	for _, email := range []string{"ana@example.com", "bo@example.com"} {
		u, err := dir.CreateUser(ctx, scim.User{UserName: email, Emails: []scim.Email{{Value: email, Type: "work", Primary: true}}})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, u.ID)
	}
	sg, err := dir.CreateGroup(ctx, scim.Group{DisplayName: "SRE"})
	if err != nil {
		t.Fatal(err)
	}
	if err := dir.AddMembers(ctx, sg.ID, members...); err != nil {
		t.Fatal(err)
	}
	synced, err := api.GroupByName(ctx, admin.AllDirectories, "SRE")
	if err != nil {
		t.Fatal(err)
	}

	const byName, byID, syncedDS = "data.confluence_group.by_name", "data.confluence_group.by_id", "data.confluence_group.synced"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{ // by name: one search, the member count expanded in it
				PreConfig: env.ResetRequests,
				Config: env.Config(`
data "confluence_group" "by_name" {
  name = "platform team"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectOnlyRoutes(env, routeOrgGroupSearch),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("id"), knownvalue.StringExact(local.ID)),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("name"), knownvalue.StringExact("Platform Team")),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("description"), knownvalue.StringExact("Runs the platform")),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("external_synced"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("managed_by"), knownvalue.StringExact("admins")),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("user_count"), knownvalue.Int64Exact(1)),
				},
			},
			{ // by id: one GET; and a group synced from the identity provider, by name in another case
				PreConfig: env.ResetRequests,
				Config: env.Config(fmt.Sprintf(`
data "confluence_group" "by_id" {
  id = %q
}
data "confluence_group" "synced" {
  name = "sre"
}
`, local.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					expectOnlyRoutes(env, routeOrgGroupGet, routeOrgGroupSearch),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("name"), knownvalue.StringExact("Platform Team")),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("description"), knownvalue.StringExact("Runs the platform")),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("external_synced"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("user_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(syncedDS, tfjsonpath.New("id"), knownvalue.StringExact(synced.ID)),
					statecheck.ExpectKnownValue(syncedDS, tfjsonpath.New("name"), knownvalue.StringExact("SRE")),
					statecheck.ExpectKnownValue(syncedDS, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(syncedDS, tfjsonpath.New("external_synced"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(syncedDS, tfjsonpath.New("managed_by"), knownvalue.StringExact("external")),
					statecheck.ExpectKnownValue(syncedDS, tfjsonpath.New("user_count"), knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}

func TestAccGroupDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	if _, err := env.Admin(t).CreateGroup(context.Background(), env.Creds.LocalDirectoryID, "Platform Team Leads", ""); err != nil {
		t.Fatal(err)
	}
	cases := map[string]acctest.ErrorCase{
		"unknown name": {Config: env.Config(`data "confluence_group" "x" { name = "platform team" }`), Error: `(?s)Group not found.*"platform team"`},
		"unknown id":   {Config: env.Config(`data "confluence_group" "x" { id = "0b0e0e0e-0000-4000-8000-000000000000" }`), Error: `(?s)Group not found.*0b0e0e0e`},
		"no key":       {Config: env.Config(`data "confluence_group" "x" {}`), Error: `(?s)Exactly one of these attributes must be configured.*id.*name`},
		"both keys":    {Config: env.Config(`data "confluence_group" "x" {` + "\n" + `id = "a"` + "\n" + `name = "b"` + "\n}"), Error: `(?s)Exactly one of these attributes`},
		"empty name":   {Config: env.Config(`data "confluence_group" "x" { name = "" }`), Error: `(?s)name.*length`},
		"no credential": {Config: env.ProviderBlock([]string{"admin_api_key"}) + `data "confluence_group" "x" { name = "a" }`,
			Error: `(?s)Organizations API is not configured.*"admin_api_key"`},
	}
	acctest.ExpectErrors(t, cases)
}
