package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const spaceRoleAddr = "confluence_space_role.editors"

// spaceRoleBody is a confluence_space_role block; an empty description is left out (it defaults to "").
func spaceRoleBody(name, description string, perms ...string) string {
	desc := ""
	if description != "" {
		desc = fmt.Sprintf("description = %q", description)
	}
	quoted := make([]string, len(perms))
	for i, p := range perms {
		quoted[i] = fmt.Sprintf("%q", p)
	}
	return fmt.Sprintf(`
resource "confluence_space_role" "editors" {
  name        = %q
  %s
  permissions = [%s]
}
`, name, desc, strings.Join(quoted, ", "))
}

// wrapped lets a pattern's spaces match the line breaks Terraform puts into long diagnostics.
func wrapped(pattern string) string { return strings.ReplaceAll(pattern, " ", `\s+`) }

func spaceRoleConfig(env *acctest.Env, name, description string, perms ...string) string {
	return env.Config(spaceRoleBody(name, description, perms...))
}

// expectSpaceRole checks through the API that the role with *id reads as given.
func expectSpaceRole(api *confluence.Client, id *string, name, description string, perms ...string) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error {
		r, err := api.GetSpaceRole(ctx, *id)
		if err != nil {
			return err
		}
		got := slices.Clone(r.Permissions)
		slices.Sort(got)
		want := slices.Clone(perms)
		slices.Sort(want)
		if r.Name != name || r.Description != description || r.Type != "CUSTOM" || !slices.Equal(got, want) {
			return fmt.Errorf("API has role %q/%q/%s %v, want %q/%q/CUSTOM %v", r.Name, r.Description, r.Type, got, name, description, want)
		}
		return nil
	})
}

func spaceRoleGone(api *confluence.Client, id *string) func(*terraform.State) error {
	return func(*terraform.State) error {
		_, err := api.GetSpaceRole(context.Background(), *id)
		if !transport.IsNotFound(err) {
			return fmt.Errorf("space role %s still readable after destroy (err=%w)", *id, err)
		}
		return nil
	}
}

// Role changes are asynchronous (202): with a propagation delay of a second, every apply must wait until the
// change shows, or the API checks right after it and the empty re-plans would fail.
func TestAccSpaceRole_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PropagationDelay: time.Second})
	api := env.Confluence(t)
	ctx := context.Background()
	var id string
	base := []string{"read/space", "create/page", "update/page"}
	more := []string{"read/space", "create/page", "update/page", "delete/page"}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             spaceRoleGone(api, &id),
		Steps: []resource.TestStep{
			{ // create
				Config: spaceRoleConfig(env, "Editors", "", base...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(spaceRoleAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(spaceRoleAddr, tfjsonpath.New("id"), &id),
					statecheck.ExpectKnownValue(spaceRoleAddr, tfjsonpath.New("type"), knownvalue.StringExact("CUSTOM")),
					statecheck.ExpectKnownValue(spaceRoleAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(spaceRoleAddr, tfjsonpath.New("permissions"), acctest.StringSet(base...)),
					expectSpaceRole(api, &id, "Editors", "", base...),
				},
			},
			{ // nothing to do on a second plan
				Config:           spaceRoleConfig(env, "Editors", "", base...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // import fills every attribute
				ResourceName:      spaceRoleAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // rename, describe and extend in place; the apply waits for the 202 change to show
				Config: spaceRoleConfig(env, "Page editors", "Edit and delete pages", more...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(spaceRoleAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(spaceRoleAddr, tfjsonpath.New("name"), knownvalue.StringExact("Page editors")),
					statecheck.ExpectKnownValue(spaceRoleAddr, tfjsonpath.New("permissions"), acctest.StringSet(more...)),
					expectSpaceRole(api, &id, "Page editors", "Edit and delete pages", more...),
				},
			},
			{ // drift: a permission removed and the description changed by hand; plan shows an update that restores them
				PreConfig: func() {
					in := confluence.SpaceRoleInput{Name: "Page editors", Description: "changed by hand", Permissions: base}
					if _, err := api.UpdateSpaceRole(ctx, id, in, 30*time.Second); err != nil {
						t.Fatal(err)
					}
				},
				Config: spaceRoleConfig(env, "Page editors", "Edit and delete pages", more...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(spaceRoleAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(spaceRoleAddr, tfjsonpath.New("permissions"), acctest.StringSet(more...)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectSpaceRole(api, &id, "Page editors", "Edit and delete pages", more...)},
			},
			{ // drift: the description is dropped from the configuration; the default "" is applied
				Config: spaceRoleConfig(env, "Page editors", "", more...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(spaceRoleAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(spaceRoleAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectSpaceRole(api, &id, "Page editors", "", more...)},
			},
			{ // drift: the role is deleted by hand; plan creates it again
				PreConfig: func() {
					if err := api.DeleteSpaceRole(ctx, id, 30*time.Second); err != nil {
						t.Fatal(err)
					}
				},
				Config: spaceRoleConfig(env, "Page editors", "", more...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(spaceRoleAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(spaceRoleAddr, tfjsonpath.New("id"), &id),
					expectSpaceRole(api, &id, "Page editors", "", more...),
				},
			},
		},
	})
}

// A change Atlassian accepts but does not show within consistency_timeout fails the apply with advice to re-run;
// once it has applied, the next plan is empty.
func TestAccSpaceRole_updateNotVisibleInTime(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PropagationDelay: 3 * time.Second})
	api := env.Confluence(t)
	var id string
	short := env.ProviderBlock(nil, `consistency_timeout = "1s"`)
	long := env.ProviderBlock(nil, `consistency_timeout = "30s"`)
	changed := spaceRoleBody("Reviewers", "", "read/space", "create/comment")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             spaceRoleGone(api, &id),
		Steps: []resource.TestStep{
			{
				Config:            long + spaceRoleBody("Reviewers", "", "read/space"),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureString(spaceRoleAddr, tfjsonpath.New("id"), &id)},
			},
			{
				Config:      short + changed,
				ExpectError: regexp.MustCompile(wrapped(`(?s)accepted but not applied yet.*not visible after 1s \(the provider's consistency_timeout\).*run terraform apply again`)),
			},
			{ // once Atlassian has applied it, refresh finds the configuration satisfied
				PreConfig: func() {
					deadline := time.Now().Add(20 * time.Second)
					for {
						r, err := api.GetSpaceRole(context.Background(), id)
						if err == nil && len(r.Permissions) == 2 {
							return
						}
						if time.Now().After(deadline) {
							t.Fatalf("the accepted change never applied (role %+v, err %v)", r, err)
						}
						time.Sleep(200 * time.Millisecond)
					}
				},
				Config:           long + changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A role still assigned in a space cannot be deleted: the error says to reassign first, and the role stays managed.
func TestAccSpaceRole_deleteAssignedRole(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.Confluence(t)
	ctx := context.Background()
	var id string
	docs, err := api.SpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	authenticated := confluence.Principal{Type: confluence.PrincipalAccessClass, ID: "authenticated-users"}
	config := spaceRoleConfig(env, "Readers", "Read only", "read/space")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             spaceRoleGone(api, &id),
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureString(spaceRoleAddr, tfjsonpath.New("id"), &id)},
			},
			{ // assigned by hand, then removed from the configuration
				PreConfig: func() {
					if err := api.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{{Principal: authenticated, RoleID: id}}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      env.Config(""),
				ExpectError: regexp.MustCompile(wrapped(`(?s)Could not delete the space role.*is assigned to 1 principal.*Give them another role first`)),
			},
			{ // once unassigned, the role is still in the state and the configuration matches it
				PreConfig: func() {
					if err := api.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{{Principal: authenticated}}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccSpaceRole_badInput(t *testing.T) {
	t.Parallel()
	// Schema-level refusals: no API request at all.
	schemaEnv := acctest.New(t, emulator.Options{})
	t.Cleanup(func() { // after the parallel subtests
		if stats := schemaEnv.Emulator.Stats(); len(stats) != 0 {
			t.Errorf("bad input reached the API: %v", stats)
		}
	})
	// Refusals that need the site's catalogue or role mode: reads only, no write.
	apiEnv := acctest.New(t, emulator.Options{})
	existing, err := apiEnv.Confluence(t).CreateSpaceRole(context.Background(), confluence.SpaceRoleInput{Name: "Auditors", Permissions: []string{"read/space"}})
	if err != nil {
		t.Fatal(err)
	}
	apiEnv.ResetRequests()
	t.Cleanup(func() {
		for route := range apiEnv.APIStats() {
			if !strings.HasPrefix(route, "GET ") {
				t.Errorf("bad input caused a write: %s", route)
			}
		}
	})
	preRoles := acctest.New(t, emulator.Options{RoleMode: "PRE_ROLES"})
	var viewerID string
	roles, err := apiEnv.Confluence(t).ListSpaceRoles(context.Background(), confluence.SpaceRoleFilter{RoleType: "SYSTEM"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == "Viewer" {
			viewerID = r.ID
		}
	}
	apiEnv.ResetRequests()

	cases := map[string]struct {
		step resource.TestStep
		want string
	}{
		"no permissions": {step: resource.TestStep{Config: spaceRoleConfig(schemaEnv, "Editors", "")}, want: `(?s)permissions.*at least 1`},
		"empty name":     {step: resource.TestStep{Config: spaceRoleConfig(schemaEnv, "", "", "read/space")}, want: `(?s)name.*length`},
		"padded name":    {step: resource.TestStep{Config: spaceRoleConfig(schemaEnv, "Editors ", "", "read/space")}, want: `(?s)leading or trailing spaces`},
		"no credential": {step: resource.TestStep{Config: schemaEnv.ProviderBlock([]string{"api_token"}) + spaceRoleBody("Editors", "", "read/space")},
			want: `(?s)Confluence REST API is not configured.*"api_token".*CONFLUENCE_API_TOKEN`},
		"unknown permission": {step: resource.TestStep{Config: spaceRoleConfig(apiEnv, "Editors", "", "read/space", "fly/space", "create/page")},
			want: `(?s)Unknown space permissions.*no fly/space\.\s+Valid\s+permission\s+ids:\s+read/space,.*administer/space`},
		"missing required": {step: resource.TestStep{Config: spaceRoleConfig(apiEnv, "Editors", "", "create/page", "delete/page")},
			want: `(?s)Missing required space permissions.*create/page requires read/space;\s+delete/page\s+requires\s+read/space\.\s+Add\s+read/space\s+to\s+permissions`},
		"system role name": {step: resource.TestStep{Config: spaceRoleConfig(apiEnv, "viewer", "", "read/space")},
			want: wrapped(`(?s)Space role already exists.*name.*"Viewer" is the name of the system role`)},
		"existing custom role": {step: resource.TestStep{Config: spaceRoleConfig(apiEnv, "Auditors", "", "read/space")},
			want: `(?s)Space role already exists.*terraform import confluence_space_role.<name> ` + regexp.QuoteMeta(existing.ID)},
		"pre-roles site": {step: resource.TestStep{Config: spaceRoleConfig(preRoles, "Editors", "", "read/space")},
			want: wrapped(`(?s)Space roles are not available on this site.*role mode PRE_ROLES.*confluence_space_principal_permissions`)},
		"import of a system role": {step: resource.TestStep{
			Config: spaceRoleConfig(apiEnv, "Viewer", "", "read/space"), ResourceName: spaceRoleAddr, ImportState: true, ImportStateId: viewerID,
		}, want: `(?s)System space roles cannot be managed`},
		"import id with a slash": {step: resource.TestStep{
			Config: spaceRoleConfig(schemaEnv, "Editors", "", "read/space"), ResourceName: spaceRoleAddr, ImportState: true, ImportStateId: "DOCS/x",
		}, want: `(?s)Invalid import ID`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			step := c.step
			step.PlanOnly = !step.ImportState
			step.ExpectError = regexp.MustCompile(c.want)
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: []resource.TestStep{step}})
		})
	}
}
