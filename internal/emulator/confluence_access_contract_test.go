package emulator_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
)

// accessRoutes are the space access routes; the contract test must exercise each.
var accessRoutes = []string{
	"GET /wiki/api/v2/spaces/{id}/permissions",
	"GET /wiki/api/v2/space-permissions",
	"POST /wiki/rest/api/space/{spaceKey}/permission",
	"DELETE /wiki/rest/api/space/{spaceKey}/permission/{id}",
	"GET /wiki/rest/api/group/by-id",
	"GET /wiki/rest/api/user/current",
	"GET /wiki/rest/api/user/bulk",
	"GET /wiki/api/v2/space-roles",
	"POST /wiki/api/v2/space-roles",
	"GET /wiki/api/v2/space-roles/{id}",
	"PUT /wiki/api/v2/space-roles/{id}",
	"DELETE /wiki/api/v2/space-roles/{id}",
	"GET /wiki/api/v2/spaces/{id}/role-assignments",
	"POST /wiki/api/v2/spaces/{id}/role-assignments",
	"POST /wiki/rest/api/content/{id}/permission/check",
}

// TestConfluenceAccessContract drives every space access route, on happy paths and on the main errors,
// through the OpenAPI validator (the Confluence v1 and v2 documents as patched by
// contract.knownSpecDefects): a request or an answer that does not fit fails the test.
func TestConfluenceAccessContract(t *testing.T) {
	v := contract.Load(t)
	h := newHarnessWith(t, emulator.Options{Guests: []string{"gus@partner.example"}}, func(next http.Handler) http.Handler { return v.Handler(t, next) })
	eng, docs := h.spaceID("ENG"), h.spaceID("DOCS")
	ada := h.account("ada@example.com")
	users := h.confluenceUsersGroup()

	// Classic permissions: v2 reads.
	r := h.wikiGet(fmt.Sprintf(v2Perms, eng) + "?limit=2")
	expectStatus(t, r, http.StatusOK)
	if r.str("_links", "next") == "" || r.header.Get("Link") == "" {
		t.Fatalf("no next link on a partial page: %s", r.raw)
	}
	expectStatus(t, h.wikiGet(r.str("_links", "next")), http.StatusOK)
	expectV2Error(t, h.wikiGet(fmt.Sprintf(v2Perms, "123456789")), http.StatusNotFound, "")
	expectV2Error(t, h.wikiGet(fmt.Sprintf(v2Perms, "ENG")), http.StatusBadRequest, "numeric")
	expectStatus(t, h.do(http.MethodGet, fmt.Sprintf(v2Perms, eng), "", nil), http.StatusUnauthorized)
	r = h.wikiGet("/wiki/api/v2/space-permissions?limit=5")
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, h.wikiGet(r.str("_links", "next")), http.StatusOK)
	expectV2Error(t, h.wikiGet("/wiki/api/v2/space-permissions?cursor=garbage"), http.StatusBadRequest, "cursor")

	// Classic permissions: v1 writes.
	r = h.grant("ENG", "user", ada, "read", "space")
	expectStatus(t, r, http.StatusOK)
	readID := r.num("id")
	r = h.grant("ENG", "user", ada, "create", "page")
	expectStatus(t, r, http.StatusOK)
	pageID := r.num("id")
	expectStatus(t, h.grant("ENG", "user", "anonymous", "read", "space"), http.StatusOK)
	expectV1Error(t, h.grant("ENG", "user", ada, "create", "page"), http.StatusBadRequest, "Permission already exists for the given user or group")
	expectV1Error(t, h.grant("OPS", "user", ada, "export", "space"), http.StatusBadRequest, "'read space' permission doesn't exist for the given user or group")
	expectV1Error(t, h.grant("ENG", "group", "no-such-group", "read", "space"), http.StatusBadRequest, "No group found with the given groupName or groupId")
	expectStatus(t, h.grant("ENG", "user", ada, "update", "comment"), http.StatusBadRequest)
	expectV1Error(t, h.grant("NOPE", "user", ada, "read", "space"), http.StatusNotFound, "No space with key : NOPE")
	expectStatus(t, h.do(http.MethodPost, fmt.Sprintf(v1Perm, "ENG"), "", grantBody("user", ada, "read", "space")), http.StatusUnauthorized)
	expectStatus(t, h.revoke("ENG", pageID), http.StatusNoContent)
	expectStatus(t, h.revoke("ENG", pageID), http.StatusNotFound)
	expectStatus(t, h.revoke("ENG", readID), http.StatusNoContent)
	admin := permsOf(h.permissions(eng), "user", h.cred.AdminAccountID)
	expectV1Error(t, h.revoke("ENG", admin["administer/space"]), http.StatusBadRequest, "All of the admin permissions cannot be removed from a space")
	expectStatus(t, h.do(http.MethodDelete, fmt.Sprintf(v1Perm, "ENG")+"/1", "", nil), http.StatusUnauthorized)

	// Groups and the current user.
	r = h.wikiGet("/wiki/rest/api/group/by-id?id=" + users)
	expectStatus(t, r, http.StatusOK)
	if r.str("name") != "confluence-users" || r.str("type") != "group" {
		t.Errorf("group: %s", r.raw)
	}
	expectStatus(t, h.wikiGet("/wiki/rest/api/group/by-id?id=00000000-0000-4000-8000-000000000000"), http.StatusNotFound)
	expectStatus(t, h.do(http.MethodGet, "/wiki/rest/api/group/by-id?id="+users, "", nil), http.StatusUnauthorized)
	r = h.wikiGet("/wiki/rest/api/user/current")
	expectStatus(t, r, http.StatusOK)
	if r.str("accountId") != h.cred.AdminAccountID {
		t.Errorf("current user: %s", r.raw)
	}
	expectStatus(t, h.do(http.MethodGet, "/wiki/rest/api/user/current", basic(h.cred.Email, "wrong"), nil), http.StatusUnauthorized)

	// Users by account id, with the guest flag: a seeded guest, a member, and an id nobody has (left out).
	guest := h.cred.GuestAccountIDs[0]
	r = h.wikiGet("/wiki/rest/api/user/bulk?accountId=" + guest + "," + ada + ",nobody")
	expectStatus(t, r, http.StatusOK)
	guests := map[string]any{}
	for _, u := range r.list("results") {
		m := u.(map[string]any)
		guests[m["accountId"].(string)] = m["isGuest"]
	}
	if len(guests) != 2 || guests[guest] != true || guests[ada] != false || r.num("size") != 2 {
		t.Errorf("bulk users: %s", r.raw)
	}
	expectStatus(t, h.do(http.MethodGet, "/wiki/rest/api/user/bulk?accountId="+guest, basic(h.cred.Email, "wrong"), nil), http.StatusUnauthorized)

	// Space roles.
	r = h.wikiGet(v2Roles + "?limit=2")
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, h.wikiGet(r.str("_links", "next")), http.StatusOK)
	expectStatus(t, h.wikiGet(v2Roles+"?role-type=SYSTEM&space-id="+docs+"&principal-type=USER&principal-id="+h.cred.AdminAccountID), http.StatusOK)
	expectV2Error(t, h.wikiGet(v2Roles+"?principal-id="+ada), http.StatusBadRequest, "together")
	expectV2Error(t, h.wikiGet(v2Roles+"?space-id=123456789"), http.StatusNotFound, "")
	role := map[string]any{"name": "Auditor", "description": "Reads and exports", "spacePermissions": []string{"read/space", "export/space"}}
	r = h.wiki(http.MethodPost, v2Roles, role)
	expectStatus(t, r, http.StatusCreated)
	auditor := r.str("id")
	expectV2Error(t, h.wiki(http.MethodPost, v2Roles, role), http.StatusBadRequest, "already exists")
	expectV2Error(t, h.wiki(http.MethodPost, v2Roles, map[string]any{"name": "X", "description": "", "spacePermissions": []string{"fly/space"}}), http.StatusBadRequest, "fly/space")
	expectStatus(t, h.do(http.MethodPost, v2Roles, "", role), http.StatusUnauthorized)
	expectStatus(t, h.wikiGet(v2Roles+"/"+auditor), http.StatusOK)
	expectV2Error(t, h.wikiGet(v2Roles+"/no-such-role"), http.StatusNotFound, "")
	role["description"] = "Reads, exports, comments"
	role["spacePermissions"] = []string{"read/space", "export/space", "create/comment"}
	r = h.wiki(http.MethodPut, v2Roles+"/"+auditor, role)
	expectStatus(t, r, http.StatusAccepted)
	if r.str("taskId") == "" {
		t.Errorf("PUT 202 without taskId: %s", r.raw)
	}
	ids := h.roleIDs()
	expectV2Error(t, h.wiki(http.MethodPut, v2Roles+"/"+ids["Viewer"], role), http.StatusBadRequest, "cannot be changed")
	expectV2Error(t, h.wiki(http.MethodPut, v2Roles+"/no-such-role", role), http.StatusNotFound, "")

	// Role assignments.
	r = h.wikiGet(fmt.Sprintf(v2Assign, docs) + "?limit=1")
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, h.wikiGet(r.str("_links", "next")), http.StatusOK)
	expectStatus(t, h.wikiGet(fmt.Sprintf(v2Assign, docs)+"?role-type=SYSTEM&role-id="+ids["Admin"]+"&principal-type=USER&principal-id="+h.cred.AdminAccountID), http.StatusOK)
	expectV2Error(t, h.wikiGet(fmt.Sprintf(v2Assign, docs)+"?principal-type=GROUP"), http.StatusBadRequest, "together")
	expectV2Error(t, h.wikiGet(fmt.Sprintf(v2Assign, "123456789")), http.StatusNotFound, "")
	r = h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), []any{
		assignment("USER", ada, auditor), assignment("ACCESS_CLASS", "anonymous-users", ids["Viewer"]),
	})
	expectStatus(t, r, http.StatusOK)
	if len(r.list("results")) != 2 {
		t.Errorf("set results: %s", r.raw)
	}
	expectStatus(t, h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), []any{assignment("USER", ada, nil)}), http.StatusOK)
	expectV2Error(t, h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), []any{assignment("ACCESS_CLASS", "everyone", ids["Viewer"])}), http.StatusBadRequest, "access class")
	expectV2Error(t, h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), []any{assignment("USER", h.cred.AdminAccountID, nil)}), http.StatusBadRequest, "last administrator")
	expectV2Error(t, h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, "123456789"), []any{assignment("USER", ada, auditor)}), http.StatusNotFound, "")
	expectStatus(t, h.do(http.MethodPost, fmt.Sprintf(v2Assign, docs), "", []any{assignment("USER", ada, auditor)}), http.StatusUnauthorized)

	// Deleting roles.
	expectV2Error(t, h.wiki(http.MethodDelete, v2Roles+"/"+ids["Viewer"], nil), http.StatusBadRequest, "cannot be deleted")
	expectV2Error(t, h.wiki(http.MethodDelete, v2Roles+"/no-such-role", nil), http.StatusNotFound, "")
	r = h.wiki(http.MethodDelete, v2Roles+"/"+auditor, nil)
	expectStatus(t, r, http.StatusAccepted)
	if r.str("taskId") == "" {
		t.Errorf("DELETE 202 without taskId: %s", r.raw)
	}

	// Writes the site's role mode refuses.
	roles := newHarnessWith(t, emulator.Options{RoleMode: "ROLES"}, func(next http.Handler) http.Handler { return v.Handler(t, next) })
	expectV1Error(t, roles.grant("ENG", "user", "anonymous", "read", "space"), http.StatusBadRequest, "Space permissions cannot be granted or removed individually: the site's space role mode is ROLES. Assign space roles instead (POST /wiki/api/v2/spaces/{id}/role-assignments).")
	pre := newHarnessWith(t, emulator.Options{RoleMode: "PRE_ROLES"}, func(next http.Handler) http.Handler { return v.Handler(t, next) })
	expectV2Error(t, pre.wiki(http.MethodPost, v2Roles, role), http.StatusBadRequest, "PRE_ROLES")
	expectV2Error(t, pre.wiki(http.MethodPost, fmt.Sprintf(v2Assign, pre.spaceID("DOCS")), []any{assignment("ACCESS_CLASS", "anonymous-users", nil)}), http.StatusBadRequest, "PRE_ROLES")

	// Content permission checks on the spaces' home pages: a member's group, anonymous access, a user the
	// site does not let in, a group through a role; then the refusals.
	engHome, docsHome := h.homepageID(eng), h.homepageID(docs)
	for _, c := range []struct {
		page, typ, id, op string
		want              bool
	}{
		{engHome, "user", h.cred.AdminAccountID, "update", true},
		{engHome, "group", users, "read", true},
		{engHome, "user", "anonymous", "read", true},
		{engHome, "user", ada, "read", false},
		{docsHome, "group", users, "read", true},
		{docsHome, "group", users, "delete", false},
	} {
		r = h.checkPermission(c.page, c.typ, c.id, c.op)
		expectStatus(t, r, http.StatusOK)
		if r.get("hasPermission") != c.want {
			t.Errorf("check %s %s %s on %s: %s, want hasPermission %v", c.typ, c.id, c.op, c.page, r.raw, c.want)
		}
	}
	expectStatus(t, h.checkPermission("123456789", "group", users, "read"), http.StatusNotFound)
	expectStatus(t, h.checkPermission(engHome, "group", "no-such-group", "read"), http.StatusBadRequest)
	expectStatus(t, h.do(http.MethodPost, "/wiki/rest/api/content/"+engHome+"/permission/check", "", permissionCheck("group", users, "read")), http.StatusUnauthorized)
	for _, admins := range []string{"site-admins", "org-admins"} {
		expectStatus(t, h.admin(http.MethodDelete, h.groupPath(h.adminGroupID(admins), "/memberships/")+h.cred.AdminAccountID, nil), http.StatusNoContent)
	}
	expectStatus(t, h.checkPermission(engHome, "group", users, "read"), http.StatusForbidden)
	expectStatus(t, h.checkPermission(engHome, "user", h.cred.AdminAccountID, "read"), http.StatusOK)

	// Every access route was exercised, each against an operation of the documents.
	stats := h.emu.Stats()
	for _, route := range accessRoutes {
		if !slices.Contains(h.emu.Routes(), route) {
			t.Errorf("route %s is not served", route)
		}
		if stats[route] == 0 {
			t.Errorf("route %s is not exercised by the access contract test", route)
		}
	}
	covered := strings.Join(v.Covered(), "\n")
	for _, want := range []string{
		"confluence-v1 POST /wiki/rest/api/space/{spaceKey}/permission",
		"confluence-v1 DELETE /wiki/rest/api/space/{spaceKey}/permission/{id}",
		"confluence-v1 GET /wiki/rest/api/group/by-id",
		"confluence-v1 GET /wiki/rest/api/user/current",
		"confluence-v1 GET /wiki/rest/api/user/bulk",
		"confluence-v1 POST /wiki/rest/api/content/{id}/permission/check",
		"confluence-v2 GET /spaces/{id}/permissions",
		"confluence-v2 GET /space-permissions",
		"confluence-v2 PUT /space-roles/{id}",
		"confluence-v2 POST /spaces/{id}/role-assignments",
	} {
		if !strings.Contains(covered, want) {
			t.Errorf("operation %q not checked; checked:\n%s", want, covered)
		}
	}
}

// TestConfluenceAccessContractFaults validates the fault answers of the access routes, including a
// targeted fault (Options.Faults), against the documents.
func TestConfluenceAccessContractFaults(t *testing.T) {
	v := contract.Load(t)
	wrap := func(next http.Handler) http.Handler { return v.Handler(t, next) }
	h := newHarnessWith(t, emulator.Options{Faults: []emulator.Fault{
		{Route: "POST /wiki/rest/api/space/{spaceKey}/permission", Nth: 1, Status: http.StatusServiceUnavailable},
		{Route: "POST /wiki/api/v2/spaces/{id}/role-assignments", Nth: 1, Status: http.StatusTooManyRequests},
		{Route: "GET /wiki/api/v2/space-roles", Nth: 1, Status: http.StatusServiceUnavailable},
	}}, wrap)
	r := h.grant("ENG", "user", "anonymous", "read", "space")
	expectStatus(t, r, http.StatusServiceUnavailable)
	if r.num("statusCode") != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "1" {
		t.Errorf("targeted v1 503: %v %s", r.header, r.raw)
	}
	expectStatus(t, h.grant("ENG", "user", "anonymous", "read", "space"), http.StatusOK)
	r = h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, h.spaceID("DOCS")), []any{assignment("ACCESS_CLASS", "anonymous-users", nil)})
	expectV2Error(t, r, http.StatusTooManyRequests, "Injected fault")
	expectV2Error(t, h.wikiGet(v2Roles), http.StatusServiceUnavailable, "")
}

// TestConfluenceAccessContractCatchesViolations proves the access checks are not rubber stamps.
func TestConfluenceAccessContractCatchesViolations(t *testing.T) {
	v := contract.Load(t)
	hdr := http.Header{"Content-Type": []string{"application/json"}}
	cases := []struct {
		name, method, path, reqBody string
		status                      int
		body                        string
	}{
		{"v1 permission id as a string", http.MethodPost, "/wiki/rest/api/space/ENG/permission", `{"subject":{"type":"user","identifier":"a"},"operation":{"key":"read","target":"space"}}`, 200, `{"id":"1","subject":{"type":"user","identifier":"a"},"operation":{"key":"read","target":"space"}}`},
		{"v1 subject type anonymous", http.MethodPost, "/wiki/rest/api/space/ENG/permission", `{"subject":{"type":"anonymous","identifier":""},"operation":{"key":"read","target":"space"}}`, 200, `{}`},
		{"v2 permission principal type anonymous", http.MethodGet, "/wiki/api/v2/spaces/1/permissions", ``, 200, `{"results":[{"id":"1","principal":{"type":"anonymous","id":""}}]}`},
		{"role assignment principal type in lower case", http.MethodGet, "/wiki/api/v2/spaces/1/role-assignments", ``, 200, `{"results":[{"principal":{"principalType":"user","principalId":"a"},"roleId":"r"}]}`},
		{"role update answered 200", http.MethodPut, "/wiki/api/v2/space-roles/r", `{"name":"n","description":"d","spacePermissions":["read/space"]}`, 200, `{"id":"r"}`},
		{"permission check hasPermission as text", http.MethodPost, "/wiki/rest/api/content/1/permission/check", `{"subject":{"type":"user","identifier":"a"},"operation":"read"}`, 200, `{"hasPermission":"yes"}`},
		{"permission check operation outside the enum", http.MethodPost, "/wiki/rest/api/content/1/permission/check", `{"subject":{"type":"user","identifier":"a"},"operation":"export"}`, 200, `{"hasPermission":true}`},
		{"role type in lower case", http.MethodGet, "/wiki/api/v2/space-roles/r", ``, 200, `{"id":"r","type":"custom"}`},
		{"role assignments body not an array", http.MethodPost, "/wiki/api/v2/spaces/1/role-assignments", `{"principal":{"principalType":"USER","principalId":"a"}}`, 200, `{"results":[]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), c.method, "http://x"+c.path, nil)
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
