package provider_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// gatewayProvider is the emulator's provider block with site_url on the api.atlassian.com form,
// <emulator>/ex/confluence/<cloudId>.
func gatewayProvider(env *acctest.Env, cloudID string) string {
	return env.ProviderBlock([]string{"site_url"}, `site_url = "`+env.URL+"/ex/confluence/"+cloudID+`"`)
}

// The provider runs against the gateway form of the site URL: a space permission resource applies,
// re-plans empty and destroys through /ex/confluence/<cloudId>/wiki/..., with single-item pages so the
// v2 listings paginate on that form; a wrong cloud id fails (so the gateway path is the one used), and
// the requests count under the site routes, as the request budgets of other tests expect.
func TestAccGatewaySiteURL_spacePrincipalPermissions(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{PageSize: 1})
	gid := env.NewGroup(t, "gateway-team")
	group := confluence.Principal{Type: confluence.PrincipalGroup, ID: gid}
	body := principalPermissionsBody("ENG", "group", gid, []string{"read/space", "create/page"})
	config := gatewayProvider(env, env.Creds.CloudID) + "\n" + body

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return ppCheckHeld(context.Background(), t, env, "ENG", group)
		},
		Steps: []resource.TestStep{
			{ // another cloud id: the gateway does not know it
				Config:      gatewayProvider(env, "00000000-0000-0000-0000-000000000000") + "\n" + body,
				ExpectError: regexp.MustCompile(`(?s)00000000-0000-0000-0000-000000000000|404|not found`),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ppAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ppAddr, tfjsonpath.New("permissions"), ppSet("read/space", "create/page")),
					ppExpectHeld(t, env, "ENG", group, "read/space", "create/page"),
					acctest.CheckAPI(func(context.Context) error {
						if n := env.Requests(routeAddSpacePerm); n != 2 {
							t.Errorf("%d permission writes counted under %s, want 2", n, routeAddSpacePerm)
						}
						if env.Requests(routeSpaces) == 0 || env.Requests(routeSpacePerms) == 0 {
							t.Errorf("gateway reads not counted under the site routes: %v", env.Emulator.Stats())
						}
						return nil
					}),
				},
			},
			{ // nothing to do on a second plan
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
