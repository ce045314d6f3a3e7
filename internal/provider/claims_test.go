package provider

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestClaims_rules(t *testing.T) {
	t.Parallel()
	table := func(key, fp string) claim {
		return claim{kind: spaceClaimKind, key: key, resourceType: "confluence_space_permissions_exclusive", exclusive: true,
			fingerprint: fp, subject: "with 1 grant"}
	}
	principal := func(key, fp string) claim {
		return claim{kind: spaceClaimKind, key: key, resourceType: "confluence_space_principal_permissions", fingerprint: fp,
			subject: "for group " + fp}
	}
	role := func(key, fp string) claim {
		return claim{kind: spaceClaimKind, key: key, resourceType: "confluence_space_role_assignment", fingerprint: fp,
			subject: "for group " + fp}
	}
	members := func(id, fp string) claim {
		return claim{kind: groupClaimKind, key: id, resourceType: "confluence_scim_group_members_exclusive", exclusive: true,
			fingerprint: fp, subject: "with 2 members"}
	}
	member := func(id, fp string) claim {
		return claim{kind: groupClaimKind, key: id, resourceType: "confluence_scim_group_member", fingerprint: fp,
			subject: "for user " + fp}
	}

	tests := map[string]struct {
		earlier []claim
		last    claim
		want    []string // descriptions of the claims the last one fights, in order
	}{
		"first claim":                         {nil, table("ENG", "a"), nil},
		"two tables for one space":            {[]claim{table("ENG", "a")}, table("ENG", "b"), []string{"a confluence_space_permissions_exclusive with 1 grant"}},
		"one table planned again":             {[]claim{table("ENG", "a")}, table("ENG", "a"), nil},
		"tables for two spaces":               {[]claim{table("ENG", "a")}, table("OPS", "b"), nil},
		"principal beside a table":            {[]claim{table("ENG", "a")}, principal("ENG", "p"), []string{"a confluence_space_permissions_exclusive with 1 grant"}},
		"table beside a principal":            {[]claim{principal("ENG", "p")}, table("ENG", "a"), []string{"a confluence_space_principal_permissions for group p"}},
		"table beside a role assignment":      {[]claim{role("DOCS", "r")}, table("DOCS", "a"), []string{"a confluence_space_role_assignment for group r"}},
		"role assignment beside a table":      {[]claim{table("DOCS", "a")}, role("DOCS", "r"), []string{"a confluence_space_permissions_exclusive with 1 grant"}},
		"principal beside another space's":    {[]claim{table("OPS", "a")}, principal("ENG", "p"), nil},
		"two principals on one space":         {[]claim{principal("ENG", "p")}, principal("ENG", "q"), nil},
		"principal and role on one space":     {[]claim{principal("ENG", "p")}, role("ENG", "r"), nil},
		"same config, other type":             {[]claim{principal("ENG", "x")}, table("ENG", "x"), []string{"a confluence_space_principal_permissions for group x"}},
		"principal planned twice, then table": {[]claim{principal("ENG", "p"), principal("ENG", "p")}, table("ENG", "a"), []string{"a confluence_space_principal_permissions for group p"}},
		"every earlier fighter is named": {[]claim{table("ENG", "a"), principal("ENG", "p"), principal("ENG", "q")}, table("ENG", "b"), []string{
			"a confluence_space_permissions_exclusive with 1 grant", "a confluence_space_principal_permissions for group p",
			"a confluence_space_principal_permissions for group q",
		}},
		"a fighting claim is recorded too": {[]claim{table("ENG", "a"), table("ENG", "b")}, principal("ENG", "p"), []string{
			"a confluence_space_permissions_exclusive with 1 grant", "a confluence_space_permissions_exclusive with 1 grant",
		}},
		"partials do not fight partials": {[]claim{principal("ENG", "p"), table("ENG", "a")}, principal("ENG", "q"), []string{
			"a confluence_space_permissions_exclusive with 1 grant",
		}},
		"two member lists for one group": {[]claim{members("g1", "a")}, members("g1", "b"), []string{"a confluence_scim_group_members_exclusive with 2 members"}},
		"one member list planned again":  {[]claim{members("g1", "a")}, members("g1", "a"), nil},
		"member lists of two groups":     {[]claim{members("g1", "a")}, members("g2", "b"), nil},
		"member beside a member list":    {[]claim{members("g1", "a")}, member("g1", "u"), []string{"a confluence_scim_group_members_exclusive with 2 members"}},
		"member list beside a member":    {[]claim{member("g1", "u")}, members("g1", "a"), []string{"a confluence_scim_group_member for user u"}},
		"two members of one group":       {[]claim{member("g1", "u")}, member("g1", "v"), nil},
		"space and group with one key":   {[]claim{table("ENG", "a")}, members("ENG", "b"), nil},
		"member and table with one key":  {[]claim{member("ENG", "u")}, table("ENG", "a"), nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newClaims()
			for _, c := range tc.earlier {
				r.add(c)
			}
			var got []string
			for _, c := range r.add(tc.last) {
				got = append(got, c.describe())
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("fights %q, want %q", got, tc.want)
			}
		})
	}
}

// The error is on the attribute naming the space or group and describes the other resource, the address
// limit and the fix; a nil registry (providerData built without Configure) records nothing.
func TestClaims_diagnostic(t *testing.T) {
	t.Parallel()
	d := &providerData{claims: newClaims()}
	mk := func(fp, subject string, exclusive bool) claim {
		typ := "confluence_scim_group_member"
		if exclusive {
			typ = "confluence_scim_group_members_exclusive"
		}
		return claim{kind: groupClaimKind, key: "g1", resourceType: typ, exclusive: exclusive, fingerprint: fp, subject: subject}
	}
	var diags diag.Diagnostics
	if !d.claim(mk("u", "for user u1", false), path.Root("group_id"), &diags) || diags.HasError() {
		t.Fatalf("first claim refused: %v", diags)
	}
	if d.claim(mk("x", "with 3 members", true), path.Root("group_id"), &diags) || diags.ErrorsCount() != 1 {
		t.Fatalf("exclusive beside a member accepted, or not one error: %v", diags)
	}
	e := diags.Errors()[0]
	if e.Summary() != "Resources fight over SCIM group g1" {
		t.Errorf("summary %q", e.Summary())
	}
	for _, want := range []string{
		"SCIM group g1 is also managed in this configuration by a confluence_scim_group_member for user u1.",
		"each apply would undo the other",
		"the other resource's address cannot be shown",
		"remove the confluence_scim_group_members_exclusive and manage each member with its own confluence_scim_group_member",
	} {
		if !strings.Contains(e.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, e.Detail())
		}
	}
	if a, ok := e.(diag.DiagnosticWithPath); !ok || !a.Path().Equal(path.Root("group_id")) {
		t.Errorf("error not on group_id: %#v", e)
	}

	var none diag.Diagnostics
	nilRegistry := &providerData{}
	for range 2 {
		if !nilRegistry.claim(mk("t", "with 1 member", true), path.Root("group_id"), &none) {
			t.Errorf("a nil registry refused a claim: %v", none)
		}
	}
}

// Terraform plans resources in parallel: of many different exclusive tables for one space claimed at once,
// exactly one is first and every other is told.
func TestClaims_concurrent(t *testing.T) {
	t.Parallel()
	const n = 64
	r := newClaims()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		clean   int
		reports = map[int]int{}
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fights := r.add(claim{kind: spaceClaimKind, key: "ENG", resourceType: "confluence_space_permissions_exclusive",
				exclusive: true, fingerprint: fmt.Sprint(i)})
			mu.Lock()
			defer mu.Unlock()
			if len(fights) == 0 {
				clean++
			}
			reports[len(fights)]++
		}()
	}
	wg.Wait()
	if clean != 1 {
		t.Errorf("%d claims saw no fight, want 1", clean)
	}
	for k := range n { // the k-th claim to take the lock fights the k before it
		if reports[k] != 1 {
			t.Errorf("%d claims fought %d earlier ones, want 1 (all: %v)", reports[k], k, reports)
		}
	}
	if got := len(r.byScope["space ENG"]); got != n {
		t.Errorf("%d claims recorded, want %d", got, n)
	}
}
