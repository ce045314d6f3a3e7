package acctest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

// NewGroup creates a local group in the organization's own directory, as an admin would, and returns its id.
func (e *Env) NewGroup(t testing.TB, name string) string {
	t.Helper()
	g, err := e.Admin(t).CreateGroup(context.Background(), e.Creds.LocalDirectoryID, name, "")
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}

// SpaceRoleIDs maps the names of the site's space roles (system and custom) to their ids.
func (e *Env) SpaceRoleIDs(t testing.TB) map[string]string {
	t.Helper()
	roles, err := e.Confluence(t).ListSpaceRoles(context.Background(), confluence.SpaceRoleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(roles))
	for _, r := range roles {
		out[r.Name] = r.ID
	}
	return out
}

// space looks a space up by key, failing the test when it cannot.
func (e *Env) space(t testing.TB, c *confluence.Client, key string) *confluence.Space {
	t.Helper()
	space, err := c.SpaceByKey(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return space
}

// GrantByHand grants principal classic permissions (key/target strings) in a space through the API, as a
// person would outside Terraform.
func (e *Env) GrantByHand(t testing.TB, spaceKey string, principal confluence.Principal, ops ...string) {
	t.Helper()
	ctx := context.Background()
	c := e.Confluence(t)
	space := e.space(t, c, spaceKey)
	for _, op := range ops {
		o, err := confluence.ParseOperation(op)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddPermission(ctx, spaceKey, space.ID, confluence.Permission{Principal: principal, Operation: o}); err != nil {
			t.Fatal(err)
		}
	}
}

// RevokeByHand removes classic permissions (key/target strings) of principal in a space through the API, as a
// person would outside Terraform.
func (e *Env) RevokeByHand(t testing.TB, spaceKey string, principal confluence.Principal, ops ...string) {
	t.Helper()
	ctx := context.Background()
	c := e.Confluence(t)
	space := e.space(t, c, spaceKey)
	perms, err := c.SpacePermissions(ctx, space.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		i := slices.IndexFunc(perms, func(p confluence.Permission) bool { return p.Principal == principal && p.Operation.String() == op })
		if i < 0 {
			t.Fatalf("%s holds no %s in space %s", principal, op, spaceKey)
		}
		if err := c.RemovePermission(ctx, spaceKey, space.ID, perms[i].ID); err != nil {
			t.Fatal(err)
		}
	}
}

// StringSet checks a set of strings holding exactly values.
func StringSet(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

// SuspendByHand suspends an account's access in the SCIM directory through the Organizations API, as an admin
// would (POST …/directories/{directoryId}/users/{accountId}/suspend).
func (e *Env) SuspendByHand(t testing.TB, accountID string) {
	t.Helper()
	url := fmt.Sprintf("%s/admin/v2/orgs/%s/directories/%s/users/%s/suspend", e.URL, e.Creds.OrgID, e.Creds.DirectoryID, accountID)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.Creds.AdminAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("suspending %s: %s", accountID, resp.Status)
	}
}
