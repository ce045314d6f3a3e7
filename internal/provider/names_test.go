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
	routeGroupByIDNames      = "GET /wiki/rest/api/group/by-id"
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

// A plan that changes access names who gains what: a group by its name, from the one read of the group that also
// checks it exists (no Organizations API search), a user by name and email, from one Organizations API search.
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
		{"group", group, "ENG: group eng-writers gains create/page, read/space", routeGroupByIDNames},
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
		if n := env.Requests(routeOrgGroupSearchNames); n != 0 {
			t.Errorf("%s: %d Organizations API group searches, want 0", tc.typ, n)
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
					if n := env.Requests(routeOrgGroupSearchNames) + env.Requests(routeOrgUserSearchNames) + env.Requests(routeGroupByIDNames); n != 0 {
						return fmt.Errorf("%d name lookups for a plan that changes nothing, want 0", n)
					}
					return nil
				})},
			},
		},
	})
}

// A member list that loses a member names it by the display the group lists, from the refresh's read of the
// group; one that gains a member names it by SCIM id.
func TestNames_membership(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"ann@example.com", "bob@example.com"} {
		u, err := api.CreateUser(ctx, scim.User{UserName: name, Emails: []scim.Email{{Value: name, Type: "work", Primary: true}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	g, err := api.CreateGroup(ctx, scim.Group{DisplayName: "named-members"})
	if err != nil {
		t.Fatal(err)
	}
	if err := api.AddMembers(ctx, g.ID, ids[1]); err != nil {
		t.Fatal(err)
	}
	set := func(ids ...string) tftypes.Value {
		vals := make([]tftypes.Value, len(ids))
		for i, id := range ids {
			vals[i] = tftypes.NewValue(tftypes.String, id)
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, vals)
	}
	groupID := tftypes.NewValue(tftypes.String, g.ID)
	run := newProtocolRun(t, env)
	resp, _, _ := run.planFrom("confluence_scim_group_members_exclusive",
		map[string]tftypes.Value{"group_id": groupID, "user_ids": set(ids[1])},
		map[string]tftypes.Value{"group_id": groupID, "user_ids": set(ids[0])})
	var got string
	for _, d := range resp.Diagnostics {
		if strings.HasPrefix(d.Summary, "Membership changes in SCIM group") {
			got = d.Detail
		}
	}
	want := fmt.Sprintf("SCIM group %s: user %s joins; user bob@example.com (%s) leaves", g.ID, ids[0], ids[1])
	if got != want {
		t.Fatalf("warning %q, want %q", got, want)
	}
}

// A mirrored mapping names the accounts it adds to or removes from its group, and the product access it changes.
func TestNames_mirroredMapping(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	member, err := api.CreateUser(ctx, scim.User{UserName: "mia@example.com", DisplayName: "Mia Member",
		Emails: []scim.Email{{Value: "mia@example.com", Type: "work", Primary: true}}})
	if err != nil {
		t.Fatal(err)
	}
	sg, err := api.CreateGroup(ctx, scim.Group{DisplayName: "mirrored-source"})
	if err != nil {
		t.Fatal(err)
	}
	if err := api.AddMembers(ctx, sg.ID, member.ID); err != nil {
		t.Fatal(err)
	}
	target := env.NewGroup(t, "mirror-target")
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	set := func(vs ...string) tftypes.Value {
		vals := make([]tftypes.Value, len(vs))
		for i, v := range vs {
			vals[i] = str(v)
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, vals)
	}
	config := map[string]tftypes.Value{"scim_group_id": str(sg.ID), "target_group_id": str(target), "product_access": set("atlassian/user")}
	prior := map[string]tftypes.Value{
		"id": str(sg.ID + "/" + target), "scim_group_id": str(sg.ID), "target_group_id": str(target),
		"product_access": set(), "confluence_group_id": str(target), "confluence_group_name": str("mirror-target"),
		"mode": str("mirrored"), "member_account_ids": set(),
	}
	resp, _, _ := newProtocolRun(t, env).planFrom("confluence_group_mapping", prior, config)
	var got string
	for _, d := range resp.Diagnostics {
		if d.Summary == "Access changes in group mirror-target" {
			got = d.Detail
		}
	}
	want := "Group mirror-target: user Mia Member <mia@example.com> joins; gains atlassian/user"
	if got != want {
		t.Fatalf("warning %q, want %q (diagnostics %v)", got, want, resp.Diagnostics)
	}
}

// A member that member_filter keeps out of a mirrored target is named in a warning that says why.
func TestNames_memberFilter(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	var accounts, ids []string
	for _, who := range []string{"mia", "sam"} {
		u, err := api.CreateUser(ctx, scim.User{UserName: who + "@example.com", DisplayName: strings.ToUpper(who[:1]) + who[1:] + " Member",
			Emails: []scim.Email{{Value: who + "@example.com", Type: "work", Primary: true}}})
		if err != nil {
			t.Fatal(err)
		}
		accounts, ids = append(accounts, u.AccountID()), append(ids, u.ID)
	}
	sg, err := api.CreateGroup(ctx, scim.Group{DisplayName: "filtered-source"})
	if err != nil {
		t.Fatal(err)
	}
	if err := api.AddMembers(ctx, sg.ID, ids...); err != nil {
		t.Fatal(err)
	}
	env.SuspendByHand(t, accounts[1])
	target := env.NewGroup(t, "filtered-target")
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	strSet := tftypes.Set{ElementType: tftypes.String}
	set := func(vs ...string) tftypes.Value {
		vals := make([]tftypes.Value, len(vs))
		for i, v := range vs {
			vals[i] = str(v)
		}
		return tftypes.NewValue(strSet, vals)
	}
	filterType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"statuses": strSet, "inactive_days": tftypes.Number}}
	filter := tftypes.NewValue(filterType, map[string]tftypes.Value{"statuses": set("active"), "inactive_days": tftypes.NewValue(tftypes.Number, nil)})
	config := map[string]tftypes.Value{"scim_group_id": str(sg.ID), "target_group_id": str(target), "product_access": set(), "member_filter": filter}
	prior := map[string]tftypes.Value{
		"id": str(sg.ID + "/" + target), "scim_group_id": str(sg.ID), "target_group_id": str(target),
		"product_access": set(), "confluence_group_id": str(target), "confluence_group_name": str("filtered-target"),
		"mode": str("mirrored"), "member_account_ids": set(accounts...),
	}
	resp, _, _ := newProtocolRun(t, env).planFrom("confluence_group_mapping", prior, config)
	var got string
	for _, d := range resp.Diagnostics {
		if d.Summary == "Members left out by member_filter" {
			got = d.Detail
		}
	}
	want := "Group filtered-target: member_filter keeps out, and the target group loses: user Sam Member <sam@example.com> (status suspended)."
	if got != want {
		t.Fatalf("warning %q, want %q (diagnostics %v)", got, want, resp.Diagnostics)
	}
}
