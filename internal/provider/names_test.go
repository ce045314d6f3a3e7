package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	routeOrgUserSearchNames  = "POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search"
	routeOrgGroupSearchNames = "POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/search"
)

// accessWarning returns the detail of the plan's "Access changes in space" warning, or "".
func accessWarning(diags []*tfprotov6.Diagnostic) string {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning && strings.HasPrefix(d.Summary, "Access changes in space ") {
			return d.Detail
		}
	}
	return ""
}

// A plan that changes access names who gains what: a group by its name, a user by name and email, from one
// Organizations API search per kind.
func TestNames_inThePlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	group := env.NewGroup(t, "eng-writers")
	u, err := env.SCIM(t).CreateUser(context.Background(), scim.User{
		UserName: "jane@example.com", DisplayName: "Jane Doe",
		Emails: []scim.Email{{Value: "jane@example.com", Type: "work", Primary: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	run := newProtocolRun(t, env)
	perms := tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{
		tftypes.NewValue(tftypes.String, "read/space"), tftypes.NewValue(tftypes.String, "create/page"),
	})
	for _, tc := range []struct{ typ, id, want, route string }{
		{"group", group, "ENG: group eng-writers gains create/page, read/space", routeOrgGroupSearchNames},
		{"user", u.AccountID(), "ENG: user Jane Doe <jane@example.com> gains create/page, read/space", routeOrgUserSearchNames},
	} {
		env.ResetRequests()
		resp, _, _ := run.plan("confluence_space_principal_permissions", map[string]tftypes.Value{
			"space_key":      tftypes.NewValue(tftypes.String, "ENG"),
			"principal_type": tftypes.NewValue(tftypes.String, tc.typ),
			"principal_id":   tftypes.NewValue(tftypes.String, tc.id),
			"permissions":    perms,
		})
		if got := accessWarning(resp.Diagnostics); got != tc.want {
			t.Errorf("%s: warning %q, want %q", tc.typ, got, tc.want)
		}
		if n := env.Requests(tc.route); n != 1 {
			t.Errorf("%s: %d name lookups, want 1", tc.typ, n)
		}
	}
}

// A plan that changes nothing reads no name.
func TestAccNames_tableAndNoChange(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	me := env.Creds.AdminAccountID
	team := env.NewGroup(t, "names-team")
	config := env.Config(spaceExclusiveBody("ops", "OPS", "",
		grant{typ: "user", id: me, perms: []string{"read/space", "administer/space"}},
		grant{typ: "group", id: team, perms: []string{"read/space", "create/page"}}))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: env.ResetRequests,
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{acctest.CheckAPI(func(context.Context) error {
					if n := env.Requests(routeOrgGroupSearchNames) + env.Requests(routeOrgUserSearchNames); n != 0 {
						return fmt.Errorf("%d name lookups for a plan that changes nothing, want 0", n)
					}
					return nil
				})},
			},
		},
	})
}
