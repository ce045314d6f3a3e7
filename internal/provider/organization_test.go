package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// An organization with its local directory and the identity provider's: a local group goes to the local one,
// a same-name mapping grants product access on the synced group in the identity provider's directory, and a
// mirrored mapping fills the local group. Every write names the right directory (the emulator refuses "-" and
// other directories, and the harness fails any write that names "-").
func TestAccOrganization_twoDirectories(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Admin(t)
	user, err := env.SCIM(t).CreateUser(context.Background(), scim.User{
		UserName: "dana@example.com", Emails: []scim.Email{{Value: "dana@example.com", Type: "work", Primary: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	config := env.Config(fmt.Sprintf(`
resource "confluence_group" "local" {
  name = "Wiki Editors"
}

resource "confluence_scim_group" "eng" {
  display_name = "engineering"
}

resource "confluence_scim_group_members_exclusive" "eng" {
  group_id = confluence_scim_group.eng.id
  user_ids = [%q]
}

resource "confluence_group_mapping" "same" {
  scim_group_id  = confluence_scim_group.eng.id
  product_access = ["atlassian/user"]
}

resource "confluence_group_mapping" "mirror" {
  scim_group_id   = confluence_scim_group_members_exclusive.eng.group_id
  target_group_id = confluence_group.local.id
  product_access  = ["atlassian/guest"]
}
`, user.ID))
	var localID, syncedID string
	inDirectory := func(id *string, dir string) statecheck.StateCheck {
		return acctest.CheckAPI(func(ctx context.Context) error {
			g, err := api.GetGroup(ctx, admin.AllDirectories, *id)
			if err != nil {
				return err
			}
			if g.DirectoryID != dir {
				return fmt.Errorf("group %s (%s) is in directory %s, want %s", g.Name, g.ID, g.DirectoryID, dir)
			}
			return nil
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("confluence_group.local", tfjsonpath.New("directory_id"), knownvalue.StringExact(env.Creds.LocalDirectoryID)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString("confluence_group.local", tfjsonpath.New("id"), &localID),
					acctest.CaptureString("confluence_group_mapping.same", tfjsonpath.New("confluence_group_id"), &syncedID),
					statecheck.ExpectKnownValue("confluence_group.local", tfjsonpath.New("directory_id"), knownvalue.StringExact(env.Creds.LocalDirectoryID)),
					inDirectory(&localID, env.Creds.LocalDirectoryID),
					inDirectory(&syncedID, env.Creds.DirectoryID),
					expectRoles(env, api, &syncedID, "atlassian/user"),
					expectRoles(env, api, &localID, "atlassian/guest"),
					expectMembers(api, &localID, user.AccountID()),
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // import fills directory_id
				ResourceName:      "confluence_group.local",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // destroying deletes the SCIM group (and so its synced group) and the local group, in its directory
				Config: env.Config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckAPI(func(ctx context.Context) error {
						if _, err := api.GetGroup(ctx, admin.AllDirectories, localID); err == nil {
							return fmt.Errorf("group %s still exists", localID)
						}
						return nil
					}),
				},
			},
		},
	})
}

// With a second local directory the default is ambiguous: the plan lists the directories by id and name, and
// directory_id chooses one. The identity provider's directory and unknown ids are refused at plan time.
func TestAccOrganization_groupDirectoryChoice(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{ExtraDirectories: []string{"Contractors"}})
	dirs, err := env.Admin(t).Directories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var contractors string
	for _, d := range dirs {
		if d.Name == "Contractors" {
			contractors = d.ID
		}
	}
	group := func(dir string) string {
		line := ""
		if dir != "" {
			line = fmt.Sprintf("directory_id = %q", dir)
		}
		return env.Config(fmt.Sprintf(`
resource "confluence_group" "this" {
  name = "Vendors"
  %s
}
`, line))
	}
	ambiguous := `(?s)Directory is ambiguous.*` + regexp.QuoteMeta(env.Creds.LocalDirectoryID) + `.*` + regexp.QuoteMeta(contractors) +
		`.*"Contractors".*Set\s+directory_id`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: group(""), PlanOnly: true, ExpectError: regexp.MustCompile(ambiguous)},
			{Config: group(env.Creds.DirectoryID), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)identity\s+provider.*confluence_scim_group`)},
			{Config: group("not-a-directory"), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Directory not found.*Contractors`)},
			{Config: group("-"), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)directory_id.*"-"`)},
			{
				Config: group(contractors),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_group.this", tfjsonpath.New("directory_id"), knownvalue.StringExact(contractors)),
					acctest.CheckAPI(func(ctx context.Context) error {
						g, err := env.Admin(t).GroupByName(ctx, contractors, "Vendors")
						if err != nil {
							return err
						}
						if g.DirectoryID != contractors {
							return fmt.Errorf("group is in %s, want %s", g.DirectoryID, contractors)
						}
						return nil
					}),
				},
			},
			{ // moving it to another directory replaces it
				Config: group(env.Creds.LocalDirectoryID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_group.this", plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

// A staging SCIM URL with a production organization key, or a site of another organization: the provider
// names both settings and what each points at, whichever resource runs first.
func TestAccOrganization_mismatch(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	staging := "00000000-aaaa-4bbb-8ccc-000000000000"
	settings := env.Settings()
	scimOther := strings.Replace(settings["scim_directory_url"], env.Creds.DirectoryID, staging, 1)
	siteOther := strings.Replace(env.URL, "127.0.0.1", "localhost", 1) // the same server under a host no workspace has
	block := func(scimURL, siteURL string) string {
		return env.ProviderBlock([]string{"scim_directory_url", "site_url"},
			fmt.Sprintf("scim_directory_url = %q", scimURL), fmt.Sprintf("site_url = %q", siteURL))
	}
	scimGroup := `
resource "confluence_scim_group" "this" {
  display_name = "staging-check"
}
`
	space := `
data "confluence_space" "eng" {
  key = "ENG"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: block(scimOther, env.URL) + scimGroup,
				ExpectError: regexp.MustCompile(`(?s)SCIM directory and organization do not match.*scim_directory_url.*` + staging +
					`.*organization_id.*` + regexp.QuoteMeta(env.Creds.LocalDirectoryID)),
			},
			{
				Config:      block(settings["scim_directory_url"], siteOther) + space,
				ExpectError: regexp.MustCompile(`(?s)Confluence site and organization do not match.*site_url.*` + regexp.QuoteMeta(siteOther) + `.*organization_id`),
			},
			{ // without the organization credential, a 404 on the directory itself names the setting to check
				Config: env.ProviderBlock([]string{"scim_directory_url", "organization_id", "admin_api_key"},
					fmt.Sprintf("scim_directory_url = %q", scimOther)) + `
data "confluence_scim_directory" "this" {}
`,
				ExpectError: regexp.MustCompile(`(?s)404.*directory\s+` + staging + `\s+was\s+not\s+found.*Check\s+scim_directory_url`),
			},
		},
	})
	if n := env.Requests("POST /scim/directory/{directoryId}/Groups"); n != 0 {
		t.Errorf("%d SCIM group creates reached the emulator despite the mismatch", n)
	}
}

// The organization check costs the directory listing and the workspace lookup once per provider run, however
// many resources use the APIs: a plan of 1 and of 10 SCIM and local groups costs the same.
func TestAccOrganization_checkCost(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	config := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "resource \"confluence_scim_group\" \"g%d\" {\n  display_name = \"cost-scim-%d\"\n}\n\n", i, i)
			fmt.Fprintf(&b, "resource \"confluence_group\" \"g%d\" {\n  name = \"cost-local-%d\"\n}\n\n", i, i)
		}
		return env.Config(b.String() + "data \"confluence_space\" \"eng\" {\n  key = \"ENG\"\n}\n")
	}
	checkCost := func(n int) map[string]int {
		counts := map[string]int{}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{
				{Config: config(n)},
				{
					PreConfig: env.ResetRequests,
					Config:    config(n),
					PlanOnly:  true,
				},
			},
		})
		stats := env.Emulator.Stats()
		for _, r := range acctest.OrgCheckRoutes {
			counts[r] = stats[r]
		}
		return counts
	}
	one, ten := checkCost(1), checkCost(10)
	t.Logf("organization check per plan-only step: 1 of each resource %v, 10 of each %v", one, ten)
	for _, r := range acctest.OrgCheckRoutes {
		if one[r] < 1 || one[r] != ten[r] {
			t.Errorf("%s: %d requests for 1 resource of each kind, %d for 10; want the same, at least 1", r, one[r], ten[r])
		}
	}
}
