package emulator_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
)

// TestAdminContract drives every Organizations API route, on happy paths and on the main errors, through
// the OpenAPI validator (requests stay valid per the document; bodies that break it are refused in
// admin_test.go) (the org spec as patched by contract.knownSpecDefects): a request or an answer that
// does not fit fails the test, and so does an admin route left unexercised.
func TestAdminContract(t *testing.T) {
	v := contract.Load(t)
	h := newHarnessWith(t, emulator.Options{}, func(next http.Handler) http.Handler { return v.Handler(t, next) })
	bearer := "Bearer " + h.cred.AdminAPIKey

	// Directories.
	r := h.admin(http.MethodGet, "/directories?limit=1", nil)
	expectStatus(t, r, http.StatusOK)
	next := r.str("links", "next")
	if next == "" {
		t.Fatal("no next cursor on a partial directories page")
	}
	expectStatus(t, h.admin(http.MethodGet, "/directories?cursor="+next, nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, "/directories?searchTerm=identity&directoryIds="+h.cred.DirectoryID, nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, "/directories?cursor=garbage", nil), http.StatusBadRequest)
	expectStatus(t, h.do(http.MethodGet, h.adminPath("/directories"), "", nil), http.StatusUnauthorized)
	dir := h.defaultDirectory()

	// Workspaces.
	expectStatus(t, h.admin(http.MethodPost, "/workspaces", map[string]any{
		"limit": 20, "query": map[string]any{"and": []any{map[string]any{"field": map[string]any{"name": "attributes.type", "values": []string{"confluence"}}}}},
	}), http.StatusOK)
	r = h.admin(http.MethodPost, "/workspaces", map[string]any{"limit": 1, "sort": []any{map[string]any{"field": "attributes.type", "order": "asc"}}})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, "/workspaces", map[string]any{"cursor": r.str("links", "next")}), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, "/workspaces", nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, "/workspaces", map[string]any{"query": map[string]any{"field": map[string]any{"name": "colour", "values": []string{"red"}}}}), http.StatusBadRequest)
	expectStatus(t, h.do(http.MethodPost, h.adminPath("/workspaces"), "Bearer wrong", map[string]any{}), http.StatusUnauthorized)
	expectStatus(t, h.do(http.MethodPost, "/admin/v2/orgs/not-my-org/workspaces", bearer, map[string]any{}), http.StatusNotFound)

	// Groups.
	groups := "/directories/" + dir + "/groups"
	expectStatus(t, h.admin(http.MethodPost, groups, map[string]any{"name": "Contract Admins", "description": "checked"}), http.StatusCreated)
	expectStatus(t, h.admin(http.MethodPost, groups, map[string]any{"name": "contract admins"}), http.StatusConflict)
	expectStatus(t, h.admin(http.MethodPost, groups, map[string]any{"name": "  ", "description": "blank name"}), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, "/directories/unknown/groups", map[string]any{"name": "x"}), http.StatusNotFound)
	expectStatus(t, h.do(http.MethodPost, h.adminPath(groups), "", map[string]any{"name": "x"}), http.StatusUnauthorized)
	local := h.adminGroupID("Contract Admins")
	r = h.admin(http.MethodPost, "/directories/-/groups/search", map[string]any{
		"searchTerm": "contract", "expand": []string{"counts.users", "counts.resources"}, "limit": 1,
		"sortBy": []any{map[string]any{"field": "name", "direction": "asc"}}, "directoryIds": []string{dir},
	})
	expectStatus(t, r, http.StatusOK)
	r = h.admin(http.MethodPost, "/directories/-/groups/search", map[string]any{"limit": 1})
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/groups/search", map[string]any{"cursor": r.str("links", "next")}), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/groups/search", nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/groups/search", map[string]any{"groupNames": []string{"a"}, "searchTerm": "a"}), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/groups/search", map[string]any{"cursor": "garbage"}), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, "/directories/unknown/groups/search", nil), http.StatusNotFound)
	expectStatus(t, h.do(http.MethodPost, h.adminPath("/directories/-/groups/search"), "", nil), http.StatusUnauthorized)
	expectStatus(t, h.admin(http.MethodGet, groups+"/"+local, nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, "/directories/-/groups/"+local, nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, "/directories/-/groups/not-a-group", nil), http.StatusNotFound)
	expectStatus(t, h.do(http.MethodGet, h.adminPath("/directories/-/groups/"+local), "", nil), http.StatusUnauthorized)

	// A synced group and user, through SCIM (validated against the SCIM document).
	u := h.createUser(userSpec{userName: "cara@example.com", email: "cara@example.com", displayName: "Cara"})
	account := u.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId")
	h.createGroup("Contract Synced", u.str("id"))
	synced := h.adminGroupID("Contract Synced")

	// Memberships.
	members := h.groupPath(local, "/memberships")
	expectStatus(t, h.admin(http.MethodPost, members, map[string]any{"accountId": account}), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodPost, members, map[string]any{"accountId": account}), http.StatusConflict)
	expectStatus(t, h.admin(http.MethodPost, members, map[string]any{"accountId": "nobody"}), http.StatusNotFound)
	expectStatus(t, h.admin(http.MethodPost, members, map[string]any{"accountId": ""}), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, h.groupPath(synced, "/memberships"), map[string]any{"accountId": account}), http.StatusForbidden)
	expectStatus(t, h.admin(http.MethodDelete, members+"/"+account, nil), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodDelete, members+"/"+account, nil), http.StatusNotFound)
	expectStatus(t, h.admin(http.MethodDelete, h.groupPath(synced, "/memberships/")+account, nil), http.StatusForbidden)

	// Writes naming "-" (documented for reads only) or another directory than the group's.
	for _, w := range []struct{ method, path string }{
		{http.MethodPost, "/directories/-/groups"},
		{http.MethodDelete, "/directories/-/groups/" + local},
		{http.MethodPost, "/directories/-/groups/" + local + "/memberships"},
		{http.MethodDelete, "/directories/-/groups/" + local + "/memberships/" + account},
		{http.MethodPost, "/directories/-/groups/" + local + "/role-assignments/assign"},
		{http.MethodPost, "/directories/-/groups/" + local + "/role-assignments/revoke"},
	} {
		expectStatus(t, h.admin(w.method, w.path, map[string]any{"name": "x", "accountId": account, "resourceId": h.confluenceARI(), "roleId": "atlassian/user"}), http.StatusBadRequest)
	}
	expectStatus(t, h.admin(http.MethodPost, "/directories/"+h.cred.DirectoryID+"/groups/"+local+"/memberships", map[string]any{"accountId": account}), http.StatusNotFound)

	// Role assignments.
	roles := h.groupPath(local, "/role-assignments")
	ari := h.confluenceARI()
	expectStatus(t, h.admin(http.MethodPost, roles+"/assign", map[string]any{"resourceId": ari, "roleId": "atlassian/user"}), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, roles+"/assign", map[string]any{"resourceId": ari, "roleId": "atlassian/user"}), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, roles+"/assign", map[string]any{"resourceId": ari, "roleId": "atlassian/owner"}), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, roles+"/assign", map[string]any{"resourceId": h.cred.CloudID, "roleId": "atlassian/user"}), http.StatusNotFound)
	expectStatus(t, h.admin(http.MethodPost, roles+"/assign", map[string]any{"resourceId": "", "roleId": "atlassian/user"}), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, h.groupPath(synced, "/role-assignments/assign"), map[string]any{"resourceId": ari, "roleId": "atlassian/guest"}), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, roles, nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, roles+"?limit=1&resourceIds="+ari+"&roleIds=atlassian/user&resourceOwners=confluence", nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, "/directories/"+h.defaultDirectory()+"/groups/not-a-group/role-assignments", nil), http.StatusNotFound)
	expectStatus(t, h.admin(http.MethodGet, roles+"?cursor=garbage", nil), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, roles+"/revoke", map[string]any{"resourceId": ari, "roleId": "atlassian/user"}), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodPost, roles+"/revoke", map[string]any{"resourceId": ari, "roleId": "atlassian/nope"}), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, "/directories/"+h.defaultDirectory()+"/groups/not-a-group/role-assignments/revoke", map[string]any{"resourceId": ari, "roleId": "atlassian/user"}), http.StatusNotFound)

	// Users.
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/users/search", nil), http.StatusOK)
	r = h.admin(http.MethodPost, "/directories/-/users/search", map[string]any{
		"emails": []string{"cara@example.com", h.cred.Email}, "limit": 1,
		"expand": []string{"groups", "platformRoles", "counts.resources", "productAccess"},
	})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/users/search", map[string]any{"cursor": r.str("links", "next")}), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/users/search", map[string]any{
		"searchTerm": "cara", "groupIds": []string{synced}, "status": []string{"active"}, "accountStatus": []string{"active"},
		"sortBy": []any{map[string]any{"field": "nick_name", "direction": "asc"}},
	}), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/users/search", map[string]any{"emails": []string{"a@example.com"}, "searchTerm": "a"}), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, "/directories/unknown/users/search", nil), http.StatusNotFound)
	expectStatus(t, h.admin(http.MethodGet, "/directories/-/users/"+account, nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, "/directories/-/users/"+h.cred.AdminAccountID, nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, "/directories/-/users/nobody", nil), http.StatusNotFound)

	// Suspending and restoring access, and product activity.
	scimUser := "/directories/" + h.cred.DirectoryID + "/users/" + account
	expectStatus(t, h.admin(http.MethodPost, scimUser+"/suspend", nil), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodPost, scimUser+"/suspend", nil), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/users/search", map[string]any{
		"status": []string{"suspended"}, "membershipStatus": []string{"suspended"}, "expand": []string{"productAccess"},
	}), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, "/directories/-/users/"+account, nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, scimUser+"/restore", nil), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodPost, "/directories/-/users/"+account+"/suspend", nil), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodPost, "/directories/"+dir+"/users/"+account+"/suspend", nil), http.StatusNotFound)
	expectStatus(t, h.admin(http.MethodPost, "/directories/"+dir+"/users/nobody/restore", nil), http.StatusNotFound)
	expectStatus(t, h.do(http.MethodPost, h.adminPath(scimUser+"/restore"), "", nil), http.StatusUnauthorized)
	lastActive := "/admin/v1/orgs/" + h.cred.OrgID + "/directory/users/"
	expectStatus(t, h.do(http.MethodGet, lastActive+h.cred.AdminAccountID+"/last-active-dates", bearer, nil), http.StatusOK)
	expectStatus(t, h.do(http.MethodGet, lastActive+account+"/last-active-dates", bearer, nil), http.StatusOK)
	expectStatus(t, h.do(http.MethodGet, lastActive+account+"/last-active-dates?cursor=garbage", bearer, nil), http.StatusBadRequest)
	expectStatus(t, h.do(http.MethodGet, lastActive+"nobody/last-active-dates", bearer, nil), http.StatusNotFound)
	expectStatus(t, h.do(http.MethodGet, lastActive+account+"/last-active-dates", "", nil), http.StatusUnauthorized)

	// Deletes: refused for synced, default and admin-granting groups.
	expectStatus(t, h.admin(http.MethodDelete, h.groupPath(synced, ""), nil), http.StatusForbidden)
	expectStatus(t, h.admin(http.MethodDelete, h.groupPath(h.adminGroupID("confluence-users"), ""), nil), http.StatusForbidden)
	expectStatus(t, h.admin(http.MethodPost, roles+"/assign", map[string]any{"resourceId": ari, "roleId": "atlassian/admin"}), http.StatusOK)
	expectStatus(t, h.admin(http.MethodDelete, h.groupPath(local, ""), nil), http.StatusForbidden)
	expectStatus(t, h.admin(http.MethodPost, roles+"/revoke", map[string]any{"resourceId": ari, "roleId": "atlassian/admin"}), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodDelete, groups+"/"+local, nil), http.StatusNoContent)
	expectStatus(t, h.admin(http.MethodDelete, groups+"/"+local, nil), http.StatusNotFound)
	expectStatus(t, h.do(http.MethodDelete, h.adminPath(groups+"/"+local), "", nil), http.StatusUnauthorized)

	// Every admin route was exercised, and each maps onto an operation of the document.
	stats := h.emu.Stats()
	for _, route := range h.emu.Routes() {
		if strings.Contains(route, " /admin/") && stats[route] == 0 && !slices.Contains(orgRoutes, route) { // orgs: TestAdminOrgsContract
			t.Errorf("route %s is not exercised by the admin contract test", route)
		}
	}
	covered := v.Covered()
	for _, want := range []string{
		"admin POST /v2/orgs/{orgId}/directories/{directoryId}/groups",
		"admin DELETE /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}",
		"admin POST /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/assign",
		"admin GET /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}",
		"admin POST /v2/orgs/{orgId}/workspaces",
		"admin POST /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend",
		"admin POST /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/restore",
		"admin GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates",
	} {
		if !slices.Contains(covered, want) {
			t.Errorf("operation %q not checked; checked: %v", want, covered)
		}
	}
}

// TestAdminContractFaults validates the Admin gateway's fault answers (503, 429) against the document.
func TestAdminContractFaults(t *testing.T) {
	v := contract.Load(t)
	wrap := func(next http.Handler) http.Handler { return v.Handler(t, next) }

	h := newHarnessWith(t, emulator.Options{ErrorRate: 1}, wrap)
	for _, r := range []response{
		h.admin(http.MethodPost, "/directories/-/groups", map[string]any{"name": "x"}),
		h.admin(http.MethodPost, "/directories/-/groups/search", nil),
		h.admin(http.MethodPost, "/workspaces", nil),
	} {
		expectStatus(t, r, http.StatusServiceUnavailable)
		if r.num("code") != http.StatusServiceUnavailable {
			t.Errorf("503 is not a proxy error: %s", r.raw)
		}
	}

	h = newHarnessWith(t, emulator.Options{RateLimit: 1}, wrap)
	expectStatus(t, h.admin(http.MethodGet, "/directories", nil), http.StatusOK)
	r := h.admin(http.MethodPost, "/directories/some-directory/groups/x/memberships", map[string]any{"accountId": "a"})
	expectStatus(t, r, http.StatusTooManyRequests)
	if r.num("code") != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("429: %s %v", r.raw, r.header)
	}
}

// TestAdminContractCatchesViolations proves the admin checks are not rubber stamps, including on the error
// bodies the overlay documents for the write operations.
func TestAdminContractCatchesViolations(t *testing.T) {
	v := contract.Load(t)
	hdr := http.Header{"Content-Type": []string{"application/json"}}
	cases := []struct {
		name, method, path, reqBody string
		status                      int
		body                        string
	}{
		{"membership 409 status as a number", http.MethodPost, "/groups/g/memberships", `{"accountId":"a"}`, 409, `{"errors":[{"status":409,"code":"ADMIN-409-28"}]}`},
		{"membership 403 errors not an array", http.MethodPost, "/groups/g/memberships", `{"accountId":"a"}`, 403, `{"errors":{"code":"ADMIN-403-5"}}`},
		{"search without data", http.MethodPost, "/groups/search", `{}`, 200, `{"links":{}}`},
		{"group externalSynced as text", http.MethodGet, "/groups/g", ``, 200, `{"data":{"id":"g","externalSynced":"yes"}}`},
		{"role assignments roles not a list", http.MethodGet, "/groups/g/role-assignments", ``, 200, `{"data":[{"resourceId":"r","roles":"atlassian/user"}]}`},
		{"productAccess lastActiveTimestamp as a number", http.MethodPost, "/users/search", `{}`, 200, `{"data":[{"accountId":"a","productAccess":[{"id":"x","key":"confluence","lastActiveTimestamp":1}]}]}`},
		{"user with an unknown status", http.MethodPost, "/users/search", `{}`, 200, `{"data":[{"accountId":"a","status":"sleeping"}]}`},
		{"assign 400 detail as an object", http.MethodPost, "/groups/g/role-assignments/assign", `{"resourceId":"r","roleId":"atlassian/user"}`, 400, `{"errors":[{"status":"400","detail":{"text":"x"}}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), c.method, "http://x/admin/v2/orgs/o/directories/d"+c.path, nil)
			if c.reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			err := v.Check(contract.Exchange{Request: req, RequestBody: []byte(c.reqBody), Status: c.status, Header: hdr, ResponseBody: []byte(c.body)})
			if err == nil {
				t.Fatal("violation not reported")
			}
		})
	}
}
