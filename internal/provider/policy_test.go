package provider_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
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
			// the error points at the offending entry of the table, under its label
			Error: `(?s)Access policy forbids this access.*"confluence_space_permissions_exclusive" "eng":\s+\d+:\s+me\s+=\s+\{` +
				wrapped(`.*user/`+me+` would hold.*deny_user_principals`),
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

const routeBulkUsers = "GET /wiki/rest/api/user/bulk"

// guestEnv is an emulator whose site has two guests, gus and gia.
func guestEnv(t *testing.T) (env *acctest.Env, gus, gia string) {
	t.Helper()
	env = acctest.New(t, emulator.Options{Guests: []string{"gus@partner.example", "gia@partner.example"}})
	return env, env.Creds.GuestAccountIDs[0], env.Creds.GuestAccountIDs[1]
}

// memberUser is an account of the site that is not a guest, provisioned through SCIM.
func memberUser(t *testing.T, env *acctest.Env, email string) string {
	t.Helper()
	u, err := env.SCIM(t).CreateUser(t.Context(), scim.User{UserName: email, Emails: []scim.Email{{Value: email, Type: "work", Primary: true}}})
	if err != nil {
		t.Fatal(err)
	}
	return u.AccountID()
}

// namedGrantBody is a confluence_space_principal_permissions granting read/space, under a name of its own, to the
// principal whose id is the expression id.
func namedGrantBody(name, key, typ, id string, extra ...string) string {
	return fmt.Sprintf(`
resource "confluence_space_principal_permissions" %q {
  space_key      = %q
  principal_type = %q
  principal_id   = %s
  permissions    = ["read/space"]
  %s
}
`, name, key, typ, id, strings.Join(extra, "\n  "))
}

// guestTableBody is a confluence_space_permissions_exclusive for OPS: the caller administers, gia reads.
func guestTableBody(me, gia string) string {
	return fmt.Sprintf(`
resource "confluence_space_permissions_exclusive" "ops" {
  space_key = "OPS"
  grants = {
    admin = { principal_type = "user", principal_id = %q, permissions = ["read/space", "administer/space"] }
    gia   = { principal_type = "user", principal_id = %q, permissions = ["read/space"] }
  }
}
`, me, gia)
}

// deny_guests_in refuses, at plan time, a guest's permission or role in a space it lists, on every space
// resource, naming the space, the guest and the rule.
func TestAccPolicy_guestsRefused(t *testing.T) {
	t.Parallel()
	env, gus, gia := guestEnv(t)
	me := env.Creds.AdminAccountID
	roles := env.SpaceRoleIDs(t)
	policy := `deny_guests_in = ["ENG", "ops", "DOCS"]`
	acctest.ExpectErrors(t, map[string]acctest.ErrorCase{
		"confluence_space_principal_permissions": {
			Config: policyConfig(env, policy, namedGrantBody("g", "ENG", "user", strconv.Quote(gus))),
			Error:  wrapped(`(?s)Access policy forbids this access.*In space ENG, user/` + gus + ` would hold read/space.*deny_guests_in: guests may hold no access`),
		},
		"confluence_space_permissions_exclusive": {
			Config: policyConfig(env, policy, guestTableBody(me, gia)),
			Error:  wrapped(`(?s)Access policy forbids this access.*In space OPS, user/` + gia + ` would hold read/space.*deny_guests_in`),
		},
		"confluence_space_role_assignment": {
			Config: policyConfig(env, policy, roleAssignmentBody("g", "DOCS", "user", gus, roles["Viewer"])),
			Error:  wrapped(`(?s)Access policy forbids this access.*In space DOCS, user/` + gus + ` would hold role ` + roles["Viewer"] + `.*deny_guests_in`),
		},
		"deny_guests_in must name space keys": {
			Config: policyConfig(env, `deny_guests_in = ["ENG-1"]`, namedGrantBody("g", "ENG", "user", strconv.Quote(gus))),
			Error:  wrapped(`(?s)deny_guests_in.*must be a space key`),
		},
	})
}

// What deny_guests_in lets through: a guest in a space it does not list, a user who is not a guest in one it
// lists, a group, and a guest whose resource carries policy_exemption. Users are looked up only for the
// grants in listed spaces, in one request per run.
func TestAccPolicy_guestsAllowed(t *testing.T) {
	t.Parallel()
	env, gus, gia := guestEnv(t)
	member := memberUser(t, env, "member@example.com")
	team := env.NewGroup(t, "guests-policy-team")
	policy := `deny_guests_in = ["ENG"]`
	unlisted := namedGrantBody("gus_ops", "OPS", "user", strconv.Quote(gus)) +
		namedGrantBody("team_eng", "ENG", "group", strconv.Quote(team))
	listed := unlisted + namedGrantBody("member_eng", "ENG", "user", strconv.Quote(member)) +
		namedGrantBody("gia_eng", "ENG", "user", strconv.Quote(gia), `policy_exemption = "the partner audits ENG this quarter"`)
	var lookups []int
	count := func() { lookups = append(lookups, env.Requests(routeBulkUsers)) }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: env.ResetRequests, Config: policyConfig(env, policy, unlisted)},
			{PreConfig: count, Config: policyConfig(env, policy, listed)},
			{PreConfig: func() { count(); env.ResetRequests() }, Config: policyConfig(env, policy, listed), PlanOnly: true},
		},
	})
	count()
	t.Logf("user lookups after each step: %v", lookups)
	if lookups[0] != 0 {
		t.Errorf("%d user lookups for grants only in unlisted spaces or to groups, want none", lookups[0])
	}
	if lookups[1] == 0 {
		t.Errorf("no user lookup for the users granted access in ENG")
	}
	// A plan-only step is a refreshing plan and a plan without refresh: one batched lookup each, for both users.
	if got := lookups[2]; got != 2 {
		t.Errorf("%d user lookups in a plan-only step (two runs) with two users in ENG, want 2", got)
	}
}

// Every resource of one plan that needs users looked up shares one batched request.
func TestAccPolicy_guestLookupIsBatched(t *testing.T) {
	t.Parallel()
	env, gus, gia := guestEnv(t)
	me := env.Creds.AdminAccountID
	member := memberUser(t, env, "member@example.com")
	roles := env.SpaceRoleIDs(t)
	config := policyConfig(env, `deny_guests_in = ["ENG", "OPS", "DOCS"]`,
		namedGrantBody("member", "ENG", "user", strconv.Quote(member))+guestTableBody(me, gia)+
			roleAssignmentBody("g", "DOCS", "user", gus, roles["Viewer"]))
	env.ResetRequests()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(wrapped(`(?s)Access policy forbids this access.*deny_guests_in`)),
		}},
	})
	if n := env.Requests(routeBulkUsers); n != 1 {
		t.Errorf("%d user lookups for three resources in one plan, want 1", n)
	}
}

// A guest whose account id is unknown at plan time is refused at apply, before any write.
func TestAccPolicy_guestUnknownAtPlanIsCheckedAtApply(t *testing.T) {
	t.Parallel()
	env, gus, _ := guestEnv(t)
	config := policyConfig(env, `deny_guests_in = ["ENG"]`, fmt.Sprintf(`
resource "terraform_data" "guest" {
  input = %q
}
`, gus)+namedGrantBody("late", "ENG", "user", "terraform_data.guest.output"))
	env.ResetRequests()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(wrapped(`(?s)Access policy forbids this access.*In space ENG, user/` + gus + `.*deny_guests_in`)),
		}},
	})
	if n := env.Requests(routeAddSpacePerm); n != 0 {
		t.Fatalf("%d grants were sent although the policy refused the guest", n)
	}
	if n := env.Requests(routeBulkUsers); n != 1 {
		t.Errorf("%d user lookups, want 1: none at plan (the id is unknown), one at apply", n)
	}
}

// policy_exemption turns a deny_guests_in violation into a warning that quotes the reason.
func TestPolicy_guestExemptionIsAWarning(t *testing.T) {
	t.Parallel()
	env, gus, _ := guestEnv(t)
	run := newProtocolRunWith(t, env, func(typ tftypes.Object) map[string]tftypes.Value {
		pt := typ.AttributeTypes["access_policy"].(tftypes.Object)
		attrs := map[string]tftypes.Value{}
		for k, at := range pt.AttributeTypes {
			attrs[k] = tftypes.NewValue(at, nil)
		}
		attrs["deny_guests_in"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "OPS")})
		return map[string]tftypes.Value{"access_policy": tftypes.NewValue(pt, attrs)}
	})
	config := map[string]tftypes.Value{
		"space_key":      tftypes.NewValue(tftypes.String, "OPS"),
		"principal_type": tftypes.NewValue(tftypes.String, "user"),
		"principal_id":   tftypes.NewValue(tftypes.String, gus),
		"permissions":    tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "read/space")}),
	}
	var errs, warns []string
	collect := func() {
		errs, warns = nil, nil
		for _, d := range planDiags(run, config) {
			switch {
			case d.Severity == tfprotov6.DiagnosticSeverityError:
				errs = append(errs, d.Summary+": "+d.Detail)
			case d.Summary == "Access policy exemption":
				warns = append(warns, d.Detail)
			}
		}
	}
	collect()
	if len(errs) != 1 || !strings.Contains(errs[0], "In space OPS, user/"+gus+" would hold read/space") || !strings.Contains(errs[0], "deny_guests_in") {
		t.Fatalf("errors %q without an exemption, want the guest rule's", errs)
	}
	config["policy_exemption"] = tftypes.NewValue(tftypes.String, "partner runbook review")
	collect()
	if len(errs) != 0 || len(warns) != 1 || !regexp.MustCompile(`^In space OPS, user/`+gus+` .*deny_guests_in.*Allowed by policy_exemption: partner runbook review$`).MatchString(warns[0]) {
		t.Fatalf("errors %q, warnings %q: want one warning quoting the reason", errs, warns)
	}
	if n := env.Requests(routeBulkUsers); n != 1 {
		t.Errorf("%d user lookups for two plans of one run, want 1 (the run remembers the user)", n)
	}
}
