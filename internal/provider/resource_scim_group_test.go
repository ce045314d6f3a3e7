package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const scimGroupAddr = "confluence_scim_group.eng"

func scimGroupConfig(env *acctest.Env, name, externalID string) string {
	ext := ""
	if externalID != "" {
		ext = fmt.Sprintf("external_id = %q", externalID)
	}
	return env.Config(fmt.Sprintf(`
resource "confluence_scim_group" "eng" {
  display_name = %q
  %s
}
`, name, ext))
}

// expectGroup checks through the SCIM API that the group with *id has the given external id.
func expectGroup(c *scim.Client, id *string, name, externalID string) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error {
		g, err := c.GetGroup(ctx, *id)
		if err != nil {
			return err
		}
		if g.DisplayName != name || g.ExternalID != externalID {
			return fmt.Errorf("directory holds %q/%q, want %q/%q", g.DisplayName, g.ExternalID, name, externalID)
		}
		return nil
	})
}

func TestAccSCIMGroup_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	var id string

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			_, err := api.GetGroup(context.Background(), id)
			if !transport.IsNotFound(err) {
				return fmt.Errorf("group %s still readable after destroy (err=%w)", id, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // create
				Config: scimGroupConfig(env, "engineering", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimGroupAddr, tfjsonpath.New("id"), &id),
					statecheck.ExpectKnownValue(scimGroupAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("engineering")),
					statecheck.ExpectKnownValue(scimGroupAddr, tfjsonpath.New("external_id"), knownvalue.Null()),
					expectGroup(api, &id, "engineering", ""),
				},
			},
			{ // nothing to do on a second plan
				Config:           scimGroupConfig(env, "engineering", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // import fills every attribute
				ResourceName:      scimGroupAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // external_id changes in place
				Config: scimGroupConfig(env, "engineering", "okta-00g1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimGroupAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimGroupAddr, tfjsonpath.New("external_id"), knownvalue.StringExact("okta-00g1")),
					expectGroup(api, &id, "engineering", "okta-00g1"),
				},
			},
			{ // drift: someone changes the external id through the API; plan shows it and apply restores it
				PreConfig: func() {
					if _, err := api.PatchGroup(context.Background(), id, scim.Replace("externalId", "changed-by-hand")); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimGroupConfig(env, "engineering", "okta-00g1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimGroupAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(scimGroupAddr, tfjsonpath.New("external_id"), knownvalue.StringExact("okta-00g1")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectGroup(api, &id, "engineering", "okta-00g1")},
			},
			{ // drift: the group is deleted outside Terraform; plan re-creates it
				PreConfig: func() {
					if err := api.DeleteGroup(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimGroupConfig(env, "engineering", "okta-00g1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimGroupAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimGroupAddr, tfjsonpath.New("id"), &id),
					expectGroup(api, &id, "engineering", "okta-00g1"),
				},
			},
			{ // renaming replaces the group: Atlassian cannot rename synced groups
				Config: scimGroupConfig(env, "engineering-all", "okta-00g1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimGroupAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimGroupAddr, tfjsonpath.New("id"), &id),
					expectGroup(api, &id, "engineering-all", "okta-00g1"),
				},
			},
		},
	})
}

func TestAccSCIMGroup_existingGroupIsAnImport(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	existing, err := env.SCIM(t).CreateGroup(context.Background(), scim.Group{DisplayName: "platform"})
	if err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      scimGroupConfig(env, "Platform", ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)already exists.*terraform import confluence_scim_group.<name> ` + regexp.QuoteMeta(existing.ID)),
		}},
	})
}

func TestAccSCIMGroup_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"built-in name":  {Config: scimGroupConfig(env, "confluence-users", ""), Error: `(?s)built-in group name.*never.*syncs`},
		"built-in case":  {Config: scimGroupConfig(env, "Site-Admins", ""), Error: `(?s)built-in group name`},
		"empty name":     {Config: scimGroupConfig(env, "", ""), Error: `(?s)display_name.*length`},
		"empty external": {Config: env.Config("resource \"confluence_scim_group\" \"eng\" {\n  display_name = \"x\"\n  external_id  = \"\"\n}\n"), Error: `(?s)external_id.*length`},
		"no credential": {Config: env.ProviderBlock([]string{"scim_api_key"}) + `resource "confluence_scim_group" "eng" { display_name = "x" }`,
			Error: `(?s)SCIM API is not configured.*"scim_api_key".*ATLASSIAN_SCIM_API_KEY`},
	}
	t.Cleanup(func() { // after the parallel subtests: bad input is refused before any API call
		if stats := env.Emulator.Stats(); len(stats) != 0 {
			t.Errorf("bad input reached the API: %v", stats)
		}
	})
	acctest.ExpectErrors(t, cases)
}
