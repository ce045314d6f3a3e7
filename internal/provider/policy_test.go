package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// policyConfig is a configuration whose provider carries an access_policy block.
func policyConfig(env *acctest.Env, policy, body string) string {
	return env.ProviderBlock(nil, "access_policy {\n    "+policy+"\n  }") + body
}

// Each rule of access_policy is a plan-time error naming the principal and the rule, on every space resource.
func TestAccPolicy_rules(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	me := env.Creds.AdminAccountID
	team := env.NewGroup(t, "policy-team")
	roles := env.SpaceRoleIDs(t)
	anonymousReads := `
resource "confluence_space_principal_permissions" "anonymous" {
  space_key      = "ENG"
  principal_type = "anonymous"
  permissions    = ["read/space"]
}
`
	table := fmt.Sprintf(`
resource "confluence_space_permissions_exclusive" "eng" {
  space_key = "ENG"
  grants = {
    me   = { principal_type = "user", principal_id = %q, permissions = ["read/space", "administer/space"] }
    team = { principal_type = "group", principal_id = %q, permissions = ["read/space", "administer/space"] }
  }
}
`, me, team)
	acctest.ExpectErrors(t, map[string]acctest.ErrorCase{
		"deny_anonymous": {
			Config: policyConfig(env, "deny_anonymous = true", anonymousReads),
			Error:  wrapped(`(?s)Access policy forbids this access.*In space ENG, anonymous would hold read/space.*deny_anonymous`),
		},
		"deny_user_principals": {
			Config: policyConfig(env, "deny_user_principals = true", table),
			Error:  wrapped(`(?s)Access policy forbids this access.*user/` + me + ` would hold.*deny_user_principals`),
		},
		"admin_principals, classic": {
			Config: policyConfig(env, fmt.Sprintf(`admin_principals = ["user/%s"]`, me), table),
			Error:  wrapped(`(?s)group/` + team + ` would hold administer/space, read/space.*admin_principals: only admin_principals may administer a space`),
		},
		"admin_principals, through a role": {
			Config: policyConfig(env, fmt.Sprintf(`admin_principals = ["user/%s"]`, me), roleAssignmentBody("a", "DOCS", "group", team, roles["Admin"])),
			Error:  wrapped(`(?s)In space DOCS, group/` + team + ` would hold role ` + roles["Admin"] + `.*admin_principals`),
		},
		"admin_principals must name principals": {
			Config: policyConfig(env, `admin_principals = ["Admins"]`, anonymousReads),
			Error:  wrapped(`(?s)must be group/<group id> or user/<account id>`),
		},
	})
}

// What the rules allow plans and applies: a break-glass account, an administrator the policy names, a role
// that does not administer, and a violation with policy_exemption (a warning).
func TestAccPolicy_allowed(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	me := env.Creds.AdminAccountID
	team := env.NewGroup(t, "policy-readers")
	roles := env.SpaceRoleIDs(t)
	policy := fmt.Sprintf(`deny_anonymous = true
    deny_user_principals = true
    allowed_user_principals = [%q]
    admin_principals = ["user/%s"]`, me, me)
	config := policyConfig(env, policy, fmt.Sprintf(`
resource "confluence_space_permissions_exclusive" "eng" {
  space_key        = "ENG"
  policy_exemption = "kept in state although nothing needs it"
  grants = {
    me   = { principal_type = "user", principal_id = %q, permissions = ["read/space", "administer/space"] }
    team = { principal_type = "group", principal_id = %q, permissions = ["read/space", "create/page"] }
  }
}

resource "confluence_space_principal_permissions" "public" {
  space_key        = "OPS"
  principal_type   = "anonymous"
  permissions      = ["read/space"]
  policy_exemption = "OPS runbooks are public by decision of the security team"
}
`, me, team)+roleAssignmentBody("viewers", "DOCS", "group", team, roles["Viewer"], `policy_exemption = "kept in state"`))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config}},
	})
}

// A principal whose id is unknown at plan time (created in the same apply) is judged at apply, before any write:
// the apply fails and the space is left as it was.
func TestAccPolicy_unknownAtPlanIsCheckedAtApply(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	config := policyConfig(env, "deny_user_principals = true", `
resource "confluence_scim_user" "u" {
  user_name = "late@example.com"
  email     = "late@example.com"
}

resource "confluence_space_principal_permissions" "late" {
  space_key      = "ENG"
  principal_type = "user"
  principal_id   = confluence_scim_user.u.atlassian_account_id
  permissions    = ["read/space"]
}
`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(wrapped(`(?s)Access policy forbids this access.*deny_user_principals`)),
		}},
	})
	// The user was made (and deactivated by the harness's destroy); no grant was ever sent.
	if n := env.Requests(routeAddSpacePerm); n != 0 {
		t.Fatalf("%d grants were sent although the policy refused the principal", n)
	}
	if n := env.Requests(routeSCIMCreateUser); n != 1 {
		t.Fatalf("%d users created, want 1: the apply should have got as far as the user", n)
	}
}

func planDiags(run *protocolRun, config map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	resp, _, _ := run.plan("confluence_space_principal_permissions", config)
	return resp.Diagnostics
}

// policy_exemption turns a violation into a warning that quotes the reason (the plugin test harness cannot see
// warnings, so this drives the protocol).
func TestPolicy_exemptionIsAWarning(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	run := newProtocolRunWith(t, env, func(typ tftypes.Object) map[string]tftypes.Value {
		pt := typ.AttributeTypes["access_policy"].(tftypes.Object)
		attrs := map[string]tftypes.Value{}
		for k, at := range pt.AttributeTypes {
			attrs[k] = tftypes.NewValue(at, nil)
		}
		attrs["deny_anonymous"] = tftypes.NewValue(tftypes.Bool, true)
		return map[string]tftypes.Value{"access_policy": tftypes.NewValue(pt, attrs)}
	})
	config := map[string]tftypes.Value{
		"space_key":      tftypes.NewValue(tftypes.String, "OPS"),
		"principal_type": tftypes.NewValue(tftypes.String, "anonymous"),
		"permissions":    tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "read/space")}),
	}
	summaries := func(diags []*tfprotov6.Diagnostic) (errs, warns []string) {
		for _, d := range diags {
			switch {
			case d.Severity == tfprotov6.DiagnosticSeverityError:
				errs = append(errs, d.Summary)
			case d.Summary == "Access policy exemption":
				warns = append(warns, d.Summary+": "+d.Detail)
			}
		}
		return errs, warns
	}
	if errs, _ := summaries(planDiags(run, config)); len(errs) != 1 || errs[0] != "Access policy forbids this access" {
		t.Fatalf("errors %q without an exemption, want the policy's", errs)
	}
	config["policy_exemption"] = tftypes.NewValue(tftypes.String, "public runbooks")
	errs, warns := summaries(planDiags(run, config))
	if len(errs) != 0 || len(warns) != 1 || !regexp.MustCompile(`^Access policy exemption: .*deny_anonymous.*Allowed by policy_exemption: public runbooks$`).MatchString(warns[0]) {
		t.Fatalf("errors %q, warnings %q: want one warning quoting the reason", errs, warns)
	}
}

// Product access that administers the site goes only to admin_principals: a mapping giving atlassian/admin to
// another group is refused at plan time, and applies with policy_exemption.
func TestAccPolicy_productAdmin(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	target := env.NewGroup(t, "policy-admins")
	body := func(extra string) string {
		return fmt.Sprintf(`
resource "confluence_scim_group" "ops" {
  display_name = "policy-ops"
}

resource "confluence_group_mapping" "ops" {
  scim_group_id   = confluence_scim_group.ops.id
  target_group_id = %q
  product_access  = ["atlassian/user", "atlassian/admin"]
  %s
}
`, target, extra)
	}
	policy := `admin_principals = ["group/00000000-0000-4000-8000-000000000000"]`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      policyConfig(env, policy, body("")),
				ExpectError: regexp.MustCompile(wrapped(`(?s)Access policy forbids this access.*group/` + target + ` would hold atlassian/admin.*admin_principals`)),
			},
			{Config: policyConfig(env, policy, body(`policy_exemption = "the operations group runs the site"`))},
		},
	})
}
