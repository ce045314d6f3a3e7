package emulator_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// Behaviour of the Organizations (Admin) API routes, through HTTP.

func (h *harness) adminPath(p string) string { return "/admin/v2/orgs/" + h.cred.OrgID + p }

// admin calls the Organizations API with the org API key.
func (h *harness) admin(method, p string, body any) response {
	h.t.Helper()
	return h.do(method, h.adminPath(p), "Bearer "+h.cred.AdminAPIKey, body)
}

// expectAdminError checks the application error shape: errors[0] with a string status, the code, a detail.
func expectAdminError(t *testing.T, r response, status int, code string) {
	t.Helper()
	expectStatus(t, r, status)
	if got := r.str("errors", "0", "status"); got != fmt.Sprint(status) {
		t.Errorf("errors[0].status = %q, want the string %q; body %s", got, fmt.Sprint(status), r.raw)
	}
	if got := r.str("errors", "0", "code"); got != code {
		t.Errorf("errors[0].code = %q, want %q; body %s", got, code, r.raw)
	}
	if r.str("errors", "0", "detail") == "" || r.str("errors", "0", "id") == "" || r.str("errors", "0", "title") == "" {
		t.Errorf("error without id, title or detail: %s", r.raw)
	}
}

// defaultDirectory is the org's own (not identity-provider) directory.
func (h *harness) defaultDirectory() string {
	h.t.Helper()
	r := h.admin(http.MethodGet, "/directories", nil)
	expectStatus(h.t, r, http.StatusOK)
	for _, d := range r.list("data") {
		if id, _ := dig(d, "directoryId").(string); id != h.cred.DirectoryID {
			return id
		}
	}
	h.t.Fatalf("no default directory: %s", r.raw)
	return ""
}

// searchGroups returns the groups a search answers (one page).
func (h *harness) searchGroups(dir string, body any) []any {
	h.t.Helper()
	r := h.admin(http.MethodPost, "/directories/"+dir+"/groups/search", body)
	expectStatus(h.t, r, http.StatusOK)
	return r.list("data")
}

// adminGroupID finds a group by exact name in all directories; "" when it is not (yet) visible.
func (h *harness) adminGroupID(name string) string {
	h.t.Helper()
	found := h.searchGroups("-", map[string]any{"groupNames": []string{name}})
	switch len(found) {
	case 0:
		return ""
	case 1:
		return dig(found[0], "id").(string)
	}
	h.t.Fatalf("%d groups named %q", len(found), name)
	return ""
}

func (h *harness) createAdminGroup(dir, name string) string {
	h.t.Helper()
	r := h.admin(http.MethodPost, "/directories/"+dir+"/groups", map[string]any{"name": name, "description": name + " group"})
	expectStatus(h.t, r, http.StatusCreated)
	id := h.adminGroupID(name)
	if id == "" {
		h.t.Fatalf("group %q not found after create", name)
	}
	return id
}

// groupPath is the path of a group (and rest) in the group's own directory, as every write must name it.
func (h *harness) groupPath(id, rest string) string {
	h.t.Helper()
	r := h.admin(http.MethodGet, "/directories/-/groups/"+id, nil)
	expectStatus(h.t, r, http.StatusOK)
	return "/directories/" + dig(r.body, "data", "directoryId").(string) + "/groups/" + id + rest
}

func (h *harness) confluenceARI() string { return "ari:cloud:confluence::site/" + h.cred.CloudID }

func TestAdminDirectories(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	r := h.admin(http.MethodGet, "/directories", nil)
	expectStatus(t, r, http.StatusOK)
	var ids []string
	for _, d := range r.list("data") {
		ids = append(ids, dig(d, "directoryId").(string))
		if dig(d, "name") == "" {
			t.Errorf("directory without a name: %v", d)
		}
	}
	if len(ids) != 2 || !slices.Contains(ids, h.cred.DirectoryID) {
		t.Fatalf("directories = %v, want the SCIM directory %s and the default one", ids, h.cred.DirectoryID)
	}
	r = h.admin(http.MethodGet, "/directories?accountId="+h.cred.AdminAccountID, nil)
	if got := r.list("data"); len(got) != 1 || dig(got[0], "directoryId") == h.cred.DirectoryID {
		t.Errorf("the invited admin's directory: %s", r.raw)
	}
	expectAdminError(t, h.admin(http.MethodGet, "/directories?limit=101", nil), http.StatusBadRequest, "ADMIN-400-24")
	expectAdminError(t, h.admin(http.MethodGet, "/directories?cursor=not-a-cursor", nil), http.StatusBadRequest, "ADMIN-400-1")
}

// Create answers 201 without a body; the id is found by searching the exact name.
func TestAdminCreateGroupWithoutBodyThenSearch(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	dir := h.defaultDirectory()
	r := h.admin(http.MethodPost, "/directories/"+dir+"/groups", map[string]any{"name": "Platform Team", "description": "Runs the platform"})
	expectStatus(t, r, http.StatusCreated)
	if len(r.raw) != 0 {
		t.Errorf("create answered a body: %s", r.raw)
	}
	// Exact names, case-insensitively; a partial name is not a match.
	found := h.searchGroups("-", map[string]any{"groupNames": []string{"platform team"}})
	if len(found) != 1 {
		t.Fatalf("groupNames search found %d groups, want 1", len(found))
	}
	if len(h.searchGroups("-", map[string]any{"groupNames": []string{"Platform"}})) != 0 {
		t.Error("groupNames matched a partial name")
	}
	g := found[0]
	id := dig(g, "id").(string)
	if dig(g, "name") != "Platform Team" || dig(g, "directoryId") != dir || dig(g, "externalSynced") != false ||
		dig(g, "managedBy") != "admins" || dig(g, "managementAccess", "deletable") != true || dig(g, "managementAccess", "modifiable") != true {
		t.Errorf("created group: %v", g)
	}
	if dig(g, "counts") != nil {
		t.Errorf("counts without expand: %v", g)
	}
	r = h.admin(http.MethodGet, "/directories/"+dir+"/groups/"+id, nil)
	expectStatus(t, r, http.StatusOK)
	if r.str("data", "description") != "Runs the platform" || r.num("data", "counts", "users") != 0 || r.get("data", "counts", "resources") == nil {
		t.Errorf("GET group: %s", r.raw)
	}
	// "-" reaches every directory; the other directory does not hold the group.
	expectStatus(t, h.admin(http.MethodGet, "/directories/-/groups/"+id, nil), http.StatusOK)
	expectAdminError(t, h.admin(http.MethodGet, "/directories/"+h.cred.DirectoryID+"/groups/"+id, nil), http.StatusNotFound, "ADMIN-404-10")

	// Names are unique in the org, case-insensitively, including the seeded default groups.
	r = h.admin(http.MethodPost, "/directories/"+dir+"/groups", map[string]any{"name": "PLATFORM TEAM"})
	expectAdminError(t, r, http.StatusConflict, "ADMIN-409-28")
	if !strings.Contains(r.str("errors", "0", "detail"), "already exists") {
		t.Errorf("409 detail: %s", r.raw)
	}
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+dir+"/groups", map[string]any{"name": "confluence-users"}), http.StatusConflict, "ADMIN-409-28")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+dir+"/groups", map[string]any{"description": "no name"}), http.StatusBadRequest, "ADMIN-400-24")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+dir+"/groups", map[string]any{"name": 7}), http.StatusBadRequest, "ADMIN-400-24")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+dir+"/groups", nil), http.StatusBadRequest, "ADMIN-400-24")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/no-such-directory/groups", map[string]any{"name": "x"}), http.StatusNotFound, "ADMIN-404-1")

	// Writes take a real directory id: "-" is for reads; the identity provider's directory is the IdP's.
	r = h.admin(http.MethodPost, "/directories/-/groups", map[string]any{"name": "Other Team"})
	expectAdminError(t, r, http.StatusBadRequest, "ADMIN-400-24")
	if !strings.Contains(r.str("errors", "0", "detail"), "Get directories") {
		t.Errorf("the refusal of \"-\" does not say where to find a directory id: %s", r.raw)
	}
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+h.cred.DirectoryID+"/groups", map[string]any{"name": "Other Team"}), http.StatusForbidden, "ADMIN-403-5")
	if h.adminGroupID("Other Team") != "" {
		t.Error("a refused create made a group")
	}
}

func TestAdminGroupSearchFilters(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	dir := h.defaultDirectory()
	alpha := h.createAdminGroup(dir, "alpha-readers")
	h.createAdminGroup(dir, "beta-readers")
	expectStatus(t, h.admin(http.MethodPost, h.groupPath(alpha, "/memberships"), map[string]any{"accountId": h.cred.AdminAccountID}), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodPost, h.groupPath(alpha, "/role-assignments/assign"),
		map[string]any{"resourceId": h.confluenceARI(), "roleId": "atlassian/guest"}), http.StatusOK)

	names := func(groups []any) []string {
		var out []string
		for _, g := range groups {
			out = append(out, dig(g, "name").(string))
		}
		return out
	}
	if got := names(h.searchGroups("-", map[string]any{"searchTerm": "READERS"})); !slices.Equal(got, []string{"alpha-readers", "beta-readers"}) {
		t.Errorf("searchTerm: %v", got)
	}
	if got := names(h.searchGroups("-", map[string]any{"searchTerm": "readers", "sortBy": []any{map[string]any{"field": "name", "direction": "desc"}}})); !slices.Equal(got, []string{"beta-readers", "alpha-readers"}) {
		t.Errorf("sortBy name desc: %v", got)
	}
	if got := names(h.searchGroups("-", map[string]any{"groupIds": []string{alpha}})); !slices.Equal(got, []string{"alpha-readers"}) {
		t.Errorf("groupIds: %v", got)
	}
	if got := names(h.searchGroups("-", map[string]any{"accountIds": []string{h.cred.AdminAccountID}, "searchTerm": "readers"})); !slices.Equal(got, []string{"alpha-readers"}) {
		t.Errorf("accountIds: %v", got)
	}
	if got := names(h.searchGroups("-", map[string]any{"roleIds": []string{"atlassian/guest"}})); !slices.Equal(got, []string{"alpha-readers"}) {
		t.Errorf("roleIds: %v", got)
	}
	if got := names(h.searchGroups("-", map[string]any{"resourceOwners": []string{"jira-software"}})); len(got) != 0 {
		t.Errorf("resourceOwners jira-software: %v", got)
	}
	if got := names(h.searchGroups(h.cred.DirectoryID, map[string]any{"searchTerm": "readers"})); len(got) != 0 {
		t.Errorf("the SCIM directory holds %v", got)
	}
	g := h.searchGroups("-", map[string]any{"groupIds": []string{alpha}, "expand": []string{"counts.users", "counts.resources"}})[0]
	if dig(g, "counts", "users") != 1.0 || dig(g, "counts", "resources") != 1.0 {
		t.Errorf("expanded counts: %v", g)
	}
	// Mutually exclusive filters and documented sizes are 400s.
	for _, body := range []map[string]any{
		{"groupNames": []string{"a"}, "searchTerm": "a"},
		{"groupNames": []string{"a"}, "groupIds": []string{alpha}},
		{"groupIds": []string{}},
		{"groupIds": strings.Split("1,2,3,4,5,6,7,8,9,10,11", ",")},
		{"limit": 0},
		{"limit": 101},
		{"expand": []string{"members"}},
		{"sortBy": []any{map[string]any{"field": "id", "direction": "asc"}}},
		{"cursor": "garbage"},
	} {
		r := h.admin(http.MethodPost, "/directories/-/groups/search", body)
		if r.status != http.StatusBadRequest {
			t.Errorf("search %v: %d %s", body, r.status, r.raw)
		}
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprint("group-", i)
	}
	expectAdminError(t, h.admin(http.MethodPost, "/directories/-/groups/search", map[string]any{"groupNames": many}), http.StatusBadRequest, "ADMIN-400-24")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/nope/groups/search", nil), http.StatusNotFound, "ADMIN-404-1")
}

// With one item per page the opaque cursor in links.next walks every group once; it carries the query.
func TestAdminPaginationPageSizeOne(t *testing.T) {
	h := newHarness(t, emulator.Options{PageSize: 1})
	dir := h.defaultDirectory()
	for _, n := range []string{"p-one", "p-two", "p-three"} {
		expectStatus(t, h.admin(http.MethodPost, "/directories/"+dir+"/groups", map[string]any{"name": n}), http.StatusCreated)
	}
	var got []string
	body := map[string]any{"searchTerm": "p-", "limit": 50}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		r := h.admin(http.MethodPost, "/directories/-/groups/search", body)
		expectStatus(t, r, http.StatusOK)
		if n := len(r.list("data")); n != 1 {
			t.Fatalf("page of %d groups with PageSize 1: %s", n, r.raw)
		}
		got = append(got, r.str("data", "0", "name"))
		next := r.str("links", "next")
		if next == "" {
			break
		}
		body = map[string]any{"cursor": next} // other parameters are discarded with a cursor
	}
	if !slices.Equal(got, []string{"p-one", "p-two", "p-three"}) {
		t.Errorf("pages = %v", got)
	}

	// The same for users, role assignments, directories and workspaces.
	count := func(first func() response, next func(cursor string) response) int {
		t.Helper()
		n := 0
		r := first()
		for pages := 0; ; pages++ {
			expectStatus(t, r, http.StatusOK)
			if pages > 10 || len(r.list("data")) > 1 {
				t.Fatalf("page of %d items: %s", len(r.list("data")), r.raw)
			}
			n += len(r.list("data"))
			c := r.str("links", "next")
			if c == "" {
				return n
			}
			r = next(c)
		}
	}
	h.createUser(userSpec{userName: "u1@example.com", email: "u1@example.com"})
	h.createUser(userSpec{userName: "u2@example.com", email: "u2@example.com"})
	if n := count(func() response { return h.admin(http.MethodPost, "/directories/-/users/search", nil) },
		func(c string) response {
			return h.admin(http.MethodPost, "/directories/-/users/search", map[string]any{"cursor": c})
		}); n != 3 {
		t.Errorf("users: %d over single pages, want 3", n)
	}
	users := h.adminGroupID("confluence-users")
	expectStatus(t, h.admin(http.MethodPost, h.groupPath(users, "/role-assignments/assign"),
		map[string]any{"resourceId": "ari:cloud:jira-software::site/" + h.cred.CloudID, "roleId": "atlassian/user"}), http.StatusOK)
	rolesPath := h.groupPath(users, "/role-assignments")
	if n := count(func() response { return h.admin(http.MethodGet, rolesPath, nil) },
		func(c string) response { return h.admin(http.MethodGet, rolesPath+"?cursor="+c, nil) }); n != 2 {
		t.Errorf("role assignments: %d over single pages, want 2", n)
	}
	if n := count(func() response { return h.admin(http.MethodGet, "/directories", nil) },
		func(c string) response { return h.admin(http.MethodGet, "/directories?cursor="+c, nil) }); n != 2 {
		t.Errorf("directories: %d over single pages, want 2", n)
	}
	if n := count(func() response { return h.admin(http.MethodPost, "/workspaces", nil) },
		func(c string) response { return h.admin(http.MethodPost, "/workspaces", map[string]any{"cursor": c}) }); n != 2 {
		t.Errorf("workspaces: %d over single pages, want 2", n)
	}
}

// Synced, default and admin-granting groups cannot be deleted (ADMIN-403-5/6/7); others go, with their grants.
func TestAdminDeleteGroupRules(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	dir := h.defaultDirectory()
	h.createGroup("Synced Team")
	synced := h.adminGroupID("Synced Team")
	expectAdminError(t, h.admin(http.MethodDelete, h.groupPath(synced, ""), nil), http.StatusForbidden, "ADMIN-403-5")
	for _, name := range []string{"confluence-users", "site-admins", "org-admins"} {
		expectAdminError(t, h.admin(http.MethodDelete, h.groupPath(h.adminGroupID(name), ""), nil), http.StatusForbidden, "ADMIN-403-6")
	}
	admins := h.createAdminGroup(dir, "Product Admins")
	assign := func(group, role string) {
		t.Helper()
		expectStatus(t, h.admin(http.MethodPost, h.groupPath(group, "/role-assignments/assign"),
			map[string]any{"resourceId": h.confluenceARI(), "roleId": role}), http.StatusOK)
	}
	assign(admins, "atlassian/admin")
	r := h.admin(http.MethodGet, "/directories/-/groups/"+admins, nil)
	if r.get("data", "managementAccess", "deletable") != false {
		t.Errorf("an admin-granting group is reported deletable: %s", r.raw)
	}
	expectAdminError(t, h.admin(http.MethodDelete, h.groupPath(admins, ""), nil), http.StatusForbidden, "ADMIN-403-7")
	expectStatus(t, h.admin(http.MethodPost, h.groupPath(admins, "/role-assignments/revoke"),
		map[string]any{"resourceId": h.confluenceARI(), "roleId": "atlassian/admin"}), http.StatusNoContent)
	expectAdminError(t, h.admin(http.MethodDelete, "/directories/-/groups/"+admins, nil), http.StatusBadRequest, "ADMIN-400-24")
	expectAdminError(t, h.admin(http.MethodDelete, "/directories/"+h.cred.DirectoryID+"/groups/"+admins, nil), http.StatusNotFound, "ADMIN-404-10")
	expectStatus(t, h.admin(http.MethodDelete, "/directories/"+dir+"/groups/"+admins, nil), http.StatusNoContent)
	expectAdminError(t, h.admin(http.MethodDelete, "/directories/"+dir+"/groups/"+admins, nil), http.StatusNotFound, "ADMIN-404-10")

	// A user group goes with its product access; its name is free again.
	readers := h.createAdminGroup(dir, "Readers")
	assign(readers, "atlassian/user")
	expectStatus(t, h.admin(http.MethodDelete, h.groupPath(readers, ""), nil), http.StatusNoContent)
	if h.adminGroupID("Readers") != "" {
		t.Error("deleted group still found")
	}
	expectAdminError(t, h.admin(http.MethodGet, "/directories/-/groups/"+readers+"/role-assignments", nil), http.StatusNotFound, "ADMIN-404-10")
	h.createAdminGroup(dir, "Readers")
}

// Local groups take members through the Admin API; synced groups refuse, their members come from SCIM.
func TestAdminMembershipRules(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	dir := h.defaultDirectory()
	u := h.createUser(userSpec{userName: "ana@example.com", email: "ana@example.com"})
	account := u.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId")
	if account == "" {
		t.Fatalf("no account id: %s", u.raw)
	}
	local := h.createAdminGroup(dir, "Mirror")
	members := func(group string) []string {
		t.Helper()
		r := h.admin(http.MethodPost, "/directories/-/users/search", map[string]any{"groupIds": []string{group}})
		expectStatus(t, r, http.StatusOK)
		var out []string
		for _, x := range r.list("data") {
			out = append(out, dig(x, "accountId").(string))
		}
		return out
	}
	// A synced user joins a local group (the mirrored mapping).
	add := h.admin(http.MethodPost, "/directories/"+dir+"/groups/"+local+"/memberships", map[string]any{"accountId": account})
	expectStatus(t, add, http.StatusNoContent)
	if got := members(local); !slices.Equal(got, []string{account}) {
		t.Errorf("members = %v", got)
	}
	r := h.admin(http.MethodPost, h.groupPath(local, "/memberships"), map[string]any{"accountId": account})
	expectAdminError(t, r, http.StatusConflict, "ADMIN-409-28")
	if !strings.Contains(r.str("errors", "0", "detail"), "already") {
		t.Errorf("409 does not say already: %s", r.raw)
	}
	expectAdminError(t, h.admin(http.MethodPost, h.groupPath(local, "/memberships"), map[string]any{"accountId": "no-such-account"}), http.StatusNotFound, "ADMIN-404-8")
	expectAdminError(t, h.admin(http.MethodPost, h.groupPath(local, "/memberships"), map[string]any{}), http.StatusBadRequest, "ADMIN-400-24")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+h.defaultDirectory()+"/groups/not-a-group/memberships", map[string]any{"accountId": account}), http.StatusNotFound, "ADMIN-404-10")

	expectStatus(t, h.admin(http.MethodDelete, h.groupPath(local, "/memberships/")+account, nil), http.StatusNoContent)
	if got := members(local); len(got) != 0 {
		t.Errorf("members after removal = %v", got)
	}
	expectAdminError(t, h.admin(http.MethodDelete, h.groupPath(local, "/memberships/")+account, nil), http.StatusNotFound, "ADMIN-404-8")

	// A synced group: read-only here, members follow SCIM.
	h.createGroup("IdP Team", u.str("id"))
	synced := h.adminGroupID("IdP Team")
	r = h.admin(http.MethodGet, "/directories/-/groups/"+synced, nil)
	if r.get("data", "externalSynced") != true || r.str("data", "managedBy") != "external" ||
		r.get("data", "managementAccess", "modifiable") != false || r.str("data", "directoryId") != h.cred.DirectoryID {
		t.Errorf("synced group: %s", r.raw)
	}
	r = h.admin(http.MethodPost, h.groupPath(synced, "/memberships"), map[string]any{"accountId": h.cred.AdminAccountID})
	expectAdminError(t, r, http.StatusForbidden, "ADMIN-403-5")
	if !strings.Contains(r.str("errors", "0", "detail"), "You can't add a user to a group synced from an identity provider") {
		t.Errorf("403 detail: %s", r.raw)
	}
	expectAdminError(t, h.admin(http.MethodDelete, h.groupPath(synced, "/memberships/")+account, nil), http.StatusForbidden, "ADMIN-403-5")
	if got := members(synced); !slices.Equal(got, []string{account}) {
		t.Errorf("synced members = %v", got)
	}
	// Product access on a synced group is the normal way to give SCIM groups Confluence.
	expectStatus(t, h.admin(http.MethodPost, h.groupPath(synced, "/role-assignments/assign"),
		map[string]any{"resourceId": h.confluenceARI(), "roleId": "atlassian/user"}), http.StatusOK)
}

func TestAdminRoleAssignments(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	g := h.createAdminGroup(h.defaultDirectory(), "Viewers")
	p := h.groupPath(g, "/role-assignments")
	body := func(resource, role string) map[string]any {
		return map[string]any{"resourceId": resource, "roleId": role}
	}

	r := h.admin(http.MethodGet, p, nil)
	expectStatus(t, r, http.StatusOK)
	if d := r.get("data"); d == nil || len(r.list("data")) != 0 {
		t.Fatalf("a new group's assignments: %s", r.raw)
	}
	expectStatus(t, h.admin(http.MethodPost, p+"/assign", body(h.confluenceARI(), "atlassian/user")), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, p+"/assign", body(h.confluenceARI(), "atlassian/user")), http.StatusOK) // held: no-op
	expectStatus(t, h.admin(http.MethodPost, p+"/assign", body(h.confluenceARI(), "atlassian/guest")), http.StatusOK)
	r = h.admin(http.MethodGet, p, nil)
	if len(r.list("data")) != 1 || r.str("data", "0", "resourceId") != h.confluenceARI() || r.str("data", "0", "resourceOwner") != "confluence" ||
		r.get("data", "0", "defaultRole") != nil {
		t.Fatalf("assignments: %s", r.raw)
	}
	if roles := r.list("data", "0", "roles"); len(roles) != 2 || roles[0] != "atlassian/user" || roles[1] != "atlassian/guest" {
		t.Errorf("roles = %v", roles)
	}
	r = h.admin(http.MethodGet, p+"?roleIds=atlassian/guest&resourceIds="+h.confluenceARI(), nil)
	if roles := r.list("data", "0", "roles"); len(roles) != 1 || roles[0] != "atlassian/guest" {
		t.Errorf("roleIds filter: %s", r.raw)
	}
	r = h.admin(http.MethodGet, p+"?resourceOwners=jira-software", nil)
	if len(r.list("data")) != 0 {
		t.Errorf("resourceOwners filter: %s", r.raw)
	}

	expectAdminError(t, h.admin(http.MethodPost, p+"/assign", body(h.confluenceARI(), "atlassian/owner")), http.StatusBadRequest, "ADMIN-UAM-400-3")
	expectAdminError(t, h.admin(http.MethodPost, p+"/assign", body(h.confluenceARI(), "atlassian/customer")), http.StatusBadRequest, "ADMIN-UAM-400-3")
	expectAdminError(t, h.admin(http.MethodPost, p+"/assign", body(h.cred.CloudID, "atlassian/user")), http.StatusNotFound, "ADMIN-UAM-404-1")
	expectAdminError(t, h.admin(http.MethodPost, p+"/assign", map[string]any{"roleId": "atlassian/user"}), http.StatusBadRequest, "ADMIN-UAM-400-1")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+h.defaultDirectory()+"/groups/nope/role-assignments/assign", body(h.confluenceARI(), "atlassian/user")), http.StatusNotFound, "ADMIN-UAM-404-3")

	expectStatus(t, h.admin(http.MethodPost, p+"/revoke", body(h.confluenceARI(), "atlassian/user")), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodPost, p+"/revoke", body(h.confluenceARI(), "atlassian/user")), http.StatusNoContent) // not held: no-op
	r = h.admin(http.MethodGet, p, nil)
	if roles := r.list("data", "0", "roles"); len(roles) != 1 || roles[0] != "atlassian/guest" {
		t.Errorf("after revoke: %s", r.raw)
	}
	expectAdminError(t, h.admin(http.MethodGet, p+"?limit=0", nil), http.StatusBadRequest, "ADMIN-400-24")
}

// Role changes and synced groups show after the propagation delay; the delay is measured on a real clock here.
func TestAdminPropagationDelay(t *testing.T) {
	const delay = 400 * time.Millisecond
	h := newHarness(t, emulator.Options{PropagationDelay: delay})
	start := time.Now()
	h.createGroup("Late Team")
	if h.adminGroupID("Late Team") != "" && time.Since(start) < delay {
		t.Fatal("a synced group is visible before the propagation delay")
	}
	id := waitFor(t, func() string { return h.adminGroupID("Late Team") })
	if waited := time.Since(start); waited < delay {
		t.Errorf("synced group visible after %v, before the %v delay", waited, delay)
	}

	p := h.groupPath(id, "/role-assignments")
	start = time.Now()
	expectStatus(t, h.admin(http.MethodPost, p+"/assign", map[string]any{"resourceId": h.confluenceARI(), "roleId": "atlassian/user"}), http.StatusOK)
	roles := func() string {
		r := h.admin(http.MethodGet, p, nil)
		expectStatus(t, r, http.StatusOK)
		if len(r.list("data")) == 0 {
			return ""
		}
		return fmt.Sprint(r.list("data", "0", "roles"))
	}
	if roles() != "" && time.Since(start) < delay {
		t.Fatal("an assignment is visible before the propagation delay")
	}
	waitFor(t, roles)
	if waited := time.Since(start); waited < delay {
		t.Errorf("assignment visible after %v, before the %v delay", waited, delay)
	}
	start = time.Now()
	expectStatus(t, h.admin(http.MethodPost, p+"/revoke", map[string]any{"resourceId": h.confluenceARI(), "roleId": "atlassian/user"}), http.StatusNoContent)
	if roles() == "" && time.Since(start) < delay {
		t.Fatal("a revocation is visible before the propagation delay")
	}
	waitFor(t, func() string {
		if roles() == "" {
			return "gone"
		}
		return ""
	})

	// Groups created through the Admin API lag too: the 201 comes before the group can be found.
	start = time.Now()
	expectStatus(t, h.admin(http.MethodPost, "/directories/"+h.defaultDirectory()+"/groups", map[string]any{"name": "Fresh"}), http.StatusCreated)
	if h.adminGroupID("Fresh") != "" && time.Since(start) < delay {
		t.Fatal("a created group is searchable before the propagation delay")
	}
	waitFor(t, func() string { return h.adminGroupID("Fresh") })
}

// waitFor polls f until it returns a non-empty value, for at most five seconds.
func waitFor(t *testing.T, f func() string) string {
	t.Helper()
	const timeout = 5 * time.Second
	deadline := time.Now().Add(timeout)
	for {
		if v := f(); v != "" {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAdminUsers(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	full := userBody(userSpec{userName: "zed@example.com", email: "Zed@Example.com", displayName: "Zed Zebra"})
	full["title"], full["nickName"] = "Keeper", "zed"
	r := h.scim(http.MethodPost, "/Users", full)
	expectStatus(t, r, http.StatusCreated)
	zed := r.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId")
	h.createUser(userSpec{userName: "amy@example.com", email: "amy@example.com", displayName: "Amy"})

	search := func(body any) response {
		t.Helper()
		r := h.admin(http.MethodPost, "/directories/-/users/search", body)
		expectStatus(t, r, http.StatusOK)
		return r
	}
	r = search(map[string]any{"emails": []string{"zed@example.com"}, "expand": []string{"groups", "platformRoles", "counts.resources"}})
	if len(r.list("data")) != 1 {
		t.Fatalf("emails search: %s", r.raw)
	}
	u := r.list("data")[0]
	for k, want := range map[string]any{
		"accountId": zed, "accountType": "atlassian", "accountStatus": "active", "status": "active", "membershipStatus": "active",
		"claimStatus": "managed", "managementSource": "synced", "name": "Zed Zebra", "jobTitle": "Keeper", "nickname": "zed",
	} {
		if got := dig(u, k); got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	if dig(u, "groups") == nil || dig(u, "platformRoles") == nil || dig(u, "counts", "resources") == nil {
		t.Errorf("expansions missing: %v", u)
	}
	if n := len(search(map[string]any{"searchTerm": "ZEBRA"}).list("data")); n != 1 {
		t.Errorf("searchTerm found %d", n)
	}
	if n := len(search(map[string]any{"accountIds": []string{zed, h.cred.AdminAccountID}}).list("data")); n != 2 {
		t.Errorf("accountIds found %d", n)
	}
	if n := len(search(map[string]any{"groupIds": []string{h.adminGroupID("site-admins")}}).list("data")); n != 1 {
		t.Errorf("groupIds found %d", n)
	}
	// The directory in the path scopes the search.
	r = h.admin(http.MethodPost, "/directories/"+h.cred.DirectoryID+"/users/search", nil)
	if len(r.list("data")) != 2 {
		t.Errorf("SCIM directory users: %s", r.raw)
	}
	expectAdminError(t, h.admin(http.MethodPost, "/directories/-/users/search", map[string]any{"emails": []string{"a@example.com"}, "searchTerm": "a"}),
		http.StatusBadRequest, "ADMIN-400-24")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/-/users/search", map[string]any{"status": []string{"sleeping"}}), http.StatusBadRequest, "ADMIN-400-24")

	r = h.admin(http.MethodGet, "/directories/-/users/"+h.cred.AdminAccountID, nil)
	expectStatus(t, r, http.StatusOK)
	if r.str("data", "email") != h.cred.Email || r.str("data", "managementSource") != "invited" ||
		!slices.Contains(r.list("data", "platformRoles"), any("atlassian/org-admin")) {
		t.Errorf("admin user: %s", r.raw)
	}
	expectAdminError(t, h.admin(http.MethodGet, "/directories/-/users/nobody", nil), http.StatusNotFound, "ADMIN-404-8")
	expectAdminError(t, h.admin(http.MethodGet, "/directories/"+h.cred.DirectoryID+"/users/"+h.cred.AdminAccountID, nil), http.StatusNotFound, "ADMIN-404-8")

	// SCIM DELETE deactivates: the account stays, inactive.
	amy := search(map[string]any{"emails": []string{"amy@example.com"}}).str("data", "0", "accountId")
	scimAmy := h.scim(http.MethodGet, "/Users?"+filterQuery(`userName eq "amy@example.com"`), nil).str("Resources", "0", "id")
	expectStatus(t, h.scim(http.MethodDelete, "/Users/"+scimAmy, nil), http.StatusNoContent)
	r = h.admin(http.MethodGet, "/directories/-/users/"+amy, nil)
	if r.str("data", "status") != "deactivated" || r.str("data", "accountStatus") != "inactive" || r.str("data", "deactivatedOn") == "" {
		t.Errorf("deactivated user: %s", r.raw)
	}
}

// The site's apps are workspaces hosted at the emulator's URL; their ids are the ARIs role assignments take.
func TestAdminWorkspaces(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	r := h.admin(http.MethodPost, "/workspaces", map[string]any{
		"limit": 20, "query": map[string]any{"and": []any{map[string]any{"field": map[string]any{"name": "attributes.type", "values": []string{"confluence"}}}}},
	})
	expectStatus(t, r, http.StatusOK)
	if len(r.list("data")) != 1 {
		t.Fatalf("confluence workspaces: %s", r.raw)
	}
	if r.str("data", "0", "id") != h.confluenceARI() || r.str("data", "0", "attributes", "hostUrl") != h.base ||
		r.str("data", "0", "attributes", "typeKey") != "confluence" || r.num("meta", "total") != 1 {
		t.Errorf("confluence workspace: %s", r.raw)
	}
	// Jira shares the host: the host alone does not identify the Confluence workspace.
	r = h.admin(http.MethodPost, "/workspaces", map[string]any{"query": map[string]any{"searchWorkspaces": strings.TrimPrefix(h.base, "http://")}})
	if len(r.list("data")) != 2 {
		t.Errorf("by host: %s", r.raw)
	}
	r = h.admin(http.MethodPost, "/workspaces", map[string]any{
		"query": map[string]any{"nor": []any{map[string]any{"field": map[string]any{"name": "attributes.typeKey", "values": []string{"confluence"}}}}},
		"sort":  []any{map[string]any{"field": "attributes.name", "order": "desc"}},
	})
	if len(r.list("data")) != 1 || r.str("data", "0", "attributes", "typeKey") != "jira-software" {
		t.Errorf("nor: %s", r.raw)
	}
	if len(h.admin(http.MethodPost, "/workspaces", map[string]any{"query": map[string]any{"features": []string{"x"}}}).list("data")) != 0 {
		t.Error("a feature filter matched")
	}
	expectAdminError(t, h.admin(http.MethodPost, "/workspaces", map[string]any{"query": map[string]any{"field": map[string]any{"name": "colour", "values": []string{"red"}}}}),
		http.StatusBadRequest, "ADMIN-400-4")
	expectAdminError(t, h.admin(http.MethodPost, "/workspaces", map[string]any{"cursor": "x", "limit": 1}), http.StatusBadRequest, "ADMIN-400-4")
	expectAdminError(t, h.admin(http.MethodPost, "/workspaces", map[string]any{"limit": 1001}), http.StatusBadRequest, "ADMIN-400-24")
}

func TestAdminCredentialsAndOrg(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for _, auth := range []string{"", "Bearer " + h.cred.SCIMAPIKey, basic(h.cred.Email, h.cred.APIToken)} {
		r := h.do(http.MethodPost, h.adminPath("/directories/-/groups/search"), auth, nil)
		expectStatus(t, r, http.StatusUnauthorized)
		if r.num("code") != 401 || r.str("message") == "" {
			t.Errorf("401 is not a proxy error: %s", r.raw)
		}
	}
	r := h.do(http.MethodPost, "/admin/v2/orgs/another-org/directories/-/groups/search", "Bearer "+h.cred.AdminAPIKey, nil)
	expectAdminError(t, r, http.StatusNotFound, "ADMIN-404-2")
}
