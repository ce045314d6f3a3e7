package emulator_test

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// The add rules of POST /wiki/rest/api/space/{spaceKey}/permission (reference §3.3).
func TestClassicPermissionAddRules(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	eng := h.spaceID("ENG")
	ada := h.account("ada@example.com")

	// read/space first, then anything else; duplicates are refused.
	expectV1Error(t, h.grant("ENG", "user", ada, "create", "page"), http.StatusBadRequest, "'read space' permission doesn't exist for the given user or group")
	r := h.grant("ENG", "user", ada, "read", "space")
	expectStatus(t, r, http.StatusOK)
	if r.str("subject", "type") != "user" || r.str("subject", "identifier") != ada || r.str("operation", "key") != "read" ||
		r.str("operation", "target") != "space" || r.num("id") == 0 {
		t.Errorf("SpacePermissionV2: %s", r.raw)
	}
	if _, isNumber := r.get("id").(float64); !isNumber {
		t.Errorf("v1 id must be an integer: %s", r.raw)
	}
	readID := fmt.Sprint(r.num("id"))
	expectV1Error(t, h.grant("ENG", "user", ada, "read", "space"), http.StatusBadRequest, "Permission already exists for the given user or group")
	for _, op := range [][2]string{{"create", "page"}, {"update", "page"}, {"update", "blogpost"}, {"delete", "space"}, {"archive", "page"}, {"restrict_content", "space"}} {
		expectStatus(t, h.grant("ENG", "user", ada, op[0], op[1]), http.StatusOK)
	}
	got := permsOf(h.permissions(eng), "user", ada)
	if got["read/space"] != readID || len(got) != 7 {
		t.Errorf("v2 listing of ada = %v (v2 ids are the v1 ids as strings)", got)
	}

	// Pairs outside the writable set: undocumented combinations and folio-sec's manage_* keys.
	for _, op := range [][2]string{{"update", "comment"}, {"read", "page"}, {"administer", "page"}, {"manage_content", "space"}, {"use", "space"}} {
		r := h.grant("ENG", "user", ada, op[0], op[1])
		expectStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.str("message"), "Invalid operation") {
			t.Errorf("%s/%s: %s", op[0], op[1], r.raw)
		}
	}

	// Subjects: unknown users and groups; groups by id or by name; anonymous.
	expectV1Error(t, h.grant("ENG", "user", "557058:nobody", "read", "space"), http.StatusBadRequest, "No user found with the given accountId: 557058:nobody")
	expectV1Error(t, h.grant("ENG", "group", "00000000-0000-4000-8000-000000000000", "read", "space"), http.StatusBadRequest, "No group found with the given groupName or groupId")
	r = h.grant("OPS", "group", "Site-Admins", "read", "space")
	expectStatus(t, r, http.StatusOK)
	siteAdmins := r.str("subject", "identifier")
	if siteAdmins == "" || siteAdmins == "Site-Admins" {
		t.Errorf("a group named by name is answered with its id: %s", r.raw)
	}
	expectV1Error(t, h.grant("OPS", "group", siteAdmins, "read", "space"), http.StatusBadRequest, "Permission already exists for the given user or group")
	r = h.grant("ENG", "user", "anonymous", "read", "space")
	expectStatus(t, r, http.StatusOK)
	if r.str("subject", "type") != "user" || r.str("subject", "identifier") != "anonymous" {
		t.Errorf("anonymous grant: %s", r.raw)
	}
	if anon := permsOf(h.permissions(eng), "user", "anonymous"); len(anon) != 1 || anon["read/space"] == "" {
		t.Errorf("anonymous in the v2 listing: %v", anon)
	}

	// Spaces: unknown key; a SCIM group only once it is an org group.
	expectV1Error(t, h.grant("NOPE", "user", ada, "read", "space"), http.StatusNotFound, "No space with key : NOPE")
	expectStatus(t, h.wiki(http.MethodPost, fmt.Sprintf(v1Perm, "ENG"), `{"subject":{"type":"user"}}`), http.StatusBadRequest)
	expectStatus(t, h.wiki(http.MethodPost, fmt.Sprintf(v1Perm, "ENG"), `not json`), http.StatusBadRequest)
}

// Removing read/space cascades; the last administrator of a space stays (reference §3.4).
func TestClassicPermissionRemoveRules(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	eng := h.spaceID("ENG")
	ada := h.account("ada@example.com")
	for _, op := range [][2]string{{"read", "space"}, {"create", "page"}, {"administer", "space"}} {
		expectStatus(t, h.grant("ENG", "user", ada, op[0], op[1]), http.StatusOK)
	}
	before := len(h.permissions(eng))
	adaPerms := permsOf(h.permissions(eng), "user", ada)

	// Removing one permission removes that one.
	expectStatus(t, h.revoke("ENG", adaPerms["create/page"]), http.StatusNoContent)
	if got := permsOf(h.permissions(eng), "user", ada); len(got) != 2 || got["create/page"] != "" {
		t.Errorf("after removing create/page: %v", got)
	}
	expectV1Error(t, h.revoke("ENG", adaPerms["create/page"]), http.StatusNotFound, "There is no permission with id "+adaPerms["create/page"]+" in space ENG")
	expectStatus(t, h.revoke("OPS", adaPerms["read/space"]), http.StatusNotFound) // an id of another space
	expectStatus(t, h.revoke("ENG", "not-a-number"), http.StatusNotFound)

	// Removing read/space removes all of the principal's permissions, administer/space included, while
	// another administrator remains.
	expectStatus(t, h.revoke("ENG", adaPerms["read/space"]), http.StatusNoContent)
	if got := permsOf(h.permissions(eng), "user", ada); len(got) != 0 {
		t.Errorf("read/space removal left %v", got)
	}
	if n := len(h.permissions(eng)); n != before-3 {
		t.Errorf("%d permissions left, want %d", n, before-3)
	}

	// The admin account is now ENG's only administrator: neither its administer/space nor its
	// read/space (which would cascade to it) can go.
	admin := permsOf(h.permissions(eng), "user", h.cred.AdminAccountID)
	expectV1Error(t, h.revoke("ENG", admin["administer/space"]), http.StatusBadRequest, "All of the admin permissions cannot be removed from a space")
	expectV1Error(t, h.revoke("ENG", admin["read/space"]), http.StatusBadRequest, "All of the admin permissions cannot be removed from a space")
	// Other permissions of the last administrator can go.
	expectStatus(t, h.revoke("ENG", admin["export/space"]), http.StatusNoContent)

	// A group administrator counts: with confluence-users administering, the admin account's own grant
	// may go (it still administers through the group).
	users := h.confluenceUsersGroup()
	expectStatus(t, h.grant("ENG", "group", users, "administer", "space"), http.StatusOK)
	expectStatus(t, h.revoke("ENG", admin["administer/space"]), http.StatusNoContent)
	group := permsOf(h.permissions(eng), "group", users)
	expectV1Error(t, h.revoke("ENG", group["read/space"]), http.StatusBadRequest, "All of the admin permissions cannot be removed from a space")
}

// The caller must administer the space to change its permissions: 403 when it only views it, 404
// when it cannot view it (permission-denied reads surface as 404 on Confluence).
func TestClassicPermissionCallerMustAdminister(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	eng := h.spaceID("ENG")
	ada := h.account("ada@example.com")
	expectStatus(t, h.grant("ENG", "user", ada, "read", "space"), http.StatusOK)
	expectStatus(t, h.grant("ENG", "user", ada, "administer", "space"), http.StatusOK)
	admin := permsOf(h.permissions(eng), "user", h.cred.AdminAccountID)
	expectStatus(t, h.revoke("ENG", admin["read/space"]), http.StatusNoContent) // cascades to all of the admin's grants

	// The admin account still views ENG through confluence-users (read/space), but administers nothing.
	r := h.grant("ENG", "user", "anonymous", "read", "space")
	expectV1Error(t, r, http.StatusForbidden, "The user does not have permission to manage the permissions of space ENG")
	if r.get("data", "authorized") != false {
		t.Errorf("403 data.authorized: %s", r.raw)
	}
	users := permsOf(h.permissions(eng), "group", h.confluenceUsersGroup())
	expectStatus(t, h.revoke("ENG", users["read/space"]), http.StatusForbidden)

	// A space the caller cannot view does not exist for it.
	h2 := newHarness(t, emulator.Options{})
	eng2 := h2.spaceID("ENG")
	ada2 := h2.account("ada@example.com")
	expectStatus(t, h2.grant("ENG", "user", ada2, "read", "space"), http.StatusOK)
	expectStatus(t, h2.grant("ENG", "user", ada2, "administer", "space"), http.StatusOK)
	users2 := permsOf(h2.permissions(eng2), "group", h2.confluenceUsersGroup())
	expectStatus(t, h2.revoke("ENG", users2["read/space"]), http.StatusNoContent)
	admin2 := permsOf(h2.permissions(eng2), "user", h2.cred.AdminAccountID)
	expectStatus(t, h2.revoke("ENG", admin2["read/space"]), http.StatusNoContent)
	expectV1Error(t, h2.grant("ENG", "user", "anonymous", "read", "space"), http.StatusNotFound, "No space with key : ENG")
	expectStatus(t, h2.wikiGet(fmt.Sprintf(v2Perms, eng2)), http.StatusNotFound)
	expectStatus(t, h2.wikiGet(fmt.Sprintf(v2Assign, eng2)), http.StatusNotFound)
}

// The v2 listing pages with PageSize 1 through _links.next and the Link header.
func TestClassicPermissionListingPages(t *testing.T) {
	h := newHarness(t, emulator.Options{PageSize: 1})
	eng := h.spaceID("ENG")
	next := fmt.Sprintf(v2Perms, eng)
	var ids []string
	for pages := 0; next != ""; pages++ {
		if pages > 50 {
			t.Fatal("pagination does not end")
		}
		r := h.wikiGet(next)
		expectStatus(t, r, http.StatusOK)
		if len(r.list("results")) != 1 {
			t.Fatalf("page of %d, want 1: %s", len(r.list("results")), r.raw)
		}
		ids = append(ids, r.str("results", "0", "id"))
		next = r.str("_links", "next")
		if link := r.header.Get("Link"); next != "" && !strings.HasPrefix(link, "<"+next+`>; rel="next"`) {
			t.Errorf("Link header %q does not carry the next link %q", link, next)
		}
		if next != "" && !strings.Contains(next, "limit=25") {
			t.Errorf("next link %q does not keep the default limit", next)
		}
	}
	// The seed: 9 admin grants + confluence-users read/space.
	if len(ids) != 10 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 10 {
		t.Errorf("listed %v, want 10 distinct permissions", ids)
	}
	r := h.wikiGet("/wiki/api/v2/space-permissions")
	expectStatus(t, r, http.StatusOK)
	if len(r.list("results")) != 1 || r.str("results", "0", "id") != "read/space" || r.get("results", "0", "requiredPermissionIds") == nil {
		t.Errorf("catalogue first page: %s", r.raw)
	}
}

func TestGroupByIDAndCurrentUser(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	users := h.confluenceUsersGroup()
	r := h.wikiGet("/wiki/rest/api/group/by-id?id=" + users)
	expectStatus(t, r, http.StatusOK)
	want := map[string]any{"type": "group", "name": "confluence-users", "id": users, "usageType": "USERBASE_GROUP", "managedBy": "ADMINS"}
	for k, v := range want {
		if r.get(k) != v {
			t.Errorf("group %s = %v, want %v", k, r.get(k), v)
		}
	}
	expectV1Error(t, h.wikiGet("/wiki/rest/api/group/by-id?id=nope"), http.StatusNotFound, "No group found with id nope")

	// A SCIM group is an externally managed Confluence group (same id as the org group).
	h.createGroup("Platform")
	r = h.grant("ENG", "group", "Platform", "read", "space")
	expectStatus(t, r, http.StatusOK)
	r = h.wikiGet("/wiki/rest/api/group/by-id?id=" + r.str("subject", "identifier"))
	expectStatus(t, r, http.StatusOK)
	if r.str("managedBy") != "EXTERNAL" || r.str("name") != "Platform" {
		t.Errorf("synced group: %s", r.raw)
	}

	r = h.wikiGet("/wiki/rest/api/user/current")
	expectStatus(t, r, http.StatusOK)
	if r.str("accountId") != h.cred.AdminAccountID || r.str("email") != h.cred.Email || r.str("type") != "known" || r.str("displayName") == "" {
		t.Errorf("current user: %s", r.raw)
	}
	r = h.do(http.MethodGet, "/wiki/rest/api/user/current", "Bearer "+h.cred.APIToken, nil)
	expectStatus(t, r, http.StatusOK)
	if r.str("accountId") != h.cred.AdminAccountID {
		t.Errorf("current user with a Bearer token: %s", r.raw)
	}
}

// ROLES sites refuse classic writes; PRE_ROLES sites refuse role writes; the mode is the site's.
func TestRoleModeRefusals(t *testing.T) {
	for _, c := range []struct {
		opt, wantMode      string
		classicOK, rolesOK bool
	}{
		{opt: "", wantMode: "ROLES_TRANSITION", classicOK: true, rolesOK: true},
		{opt: "roles", wantMode: "ROLES", classicOK: false, rolesOK: true},
		{opt: "PRE_ROLES", wantMode: "PRE_ROLES", classicOK: true, rolesOK: false},
	} {
		t.Run(c.wantMode, func(t *testing.T) {
			h := newHarness(t, emulator.Options{RoleMode: c.opt})
			r := h.wikiGet(roleModeURL)
			expectStatus(t, r, http.StatusOK)
			if r.str("mode") != c.wantMode {
				t.Fatalf("mode = %s, want %s", r.raw, c.wantMode)
			}
			eng, docs := h.spaceID("ENG"), h.spaceID("DOCS")
			users := permsOf(h.permissions(eng), "group", h.confluenceUsersGroup())
			before := len(h.permissions(eng))

			add := h.grant("ENG", "user", "anonymous", "read", "space")
			del := h.revoke("ENG", users["read/space"])
			if c.classicOK {
				expectStatus(t, add, http.StatusOK)
				expectStatus(t, del, http.StatusNoContent)
			} else {
				for _, r := range []response{add, del} {
					expectStatus(t, r, http.StatusBadRequest)
					if !strings.Contains(r.str("message"), "space role mode is ROLES") {
						t.Errorf("refusal does not name the mode: %s", r.raw)
					}
				}
				if n := len(h.permissions(eng)); n != before {
					t.Errorf("a refused write changed the permissions: %d → %d", before, n)
				}
			}

			ids := h.roleIDs()
			role := map[string]any{"name": "Auditor", "description": "", "spacePermissions": []string{"read/space"}}
			writes := []response{
				h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), []any{assignment("ACCESS_CLASS", "authenticated-users", ids["Viewer"])}),
				h.wiki(http.MethodPost, v2Roles, role),
			}
			if c.rolesOK {
				expectStatus(t, writes[0], http.StatusOK)
				expectStatus(t, writes[1], http.StatusCreated)
				return
			}
			for _, r := range append(writes,
				h.wiki(http.MethodPut, v2Roles+"/"+ids["Viewer"], role),
				h.wiki(http.MethodDelete, v2Roles+"/"+ids["Viewer"], nil),
			) {
				expectV2Error(t, r, http.StatusBadRequest, "the site's space role mode is PRE_ROLES")
			}
			// Reads still work; nothing changed.
			if got := h.assignments(docs); len(got) != 2 {
				t.Errorf("PRE_ROLES DOCS assignments: %v", got)
			}
			if got := h.roleIDs(); !maps.Equal(got, ids) {
				t.Errorf("roles changed: %v → %v", ids, got)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("an unknown RoleMode was accepted")
		}
	}()
	emulator.New(emulator.Options{RoleMode: "HYBRID"})
}

// Options.Faults fails exactly the chosen request, before any state change, in the API's shape.
func TestTargetedFaults(t *testing.T) {
	h := newHarness(t, emulator.Options{Faults: []emulator.Fault{
		{Route: "POST /wiki/rest/api/space/{spaceKey}/permission", Nth: 2, Status: http.StatusInternalServerError},
		{Route: "POST /wiki/rest/api/space/{spaceKey}/permission", Nth: 4, Status: http.StatusConflict},
		{Route: "GET /wiki/api/v2/spaces/{id}/role-assignments", Nth: 1, Status: http.StatusNotFound},
	}})
	eng := h.spaceID("ENG")
	ada, bob, cy, dee := h.account("ada@example.com"), h.account("bob@example.com"), h.account("cy@example.com"), h.account("dee@example.com")
	expectStatus(t, h.grant("ENG", "user", ada, "read", "space"), http.StatusOK)
	r := h.grant("ENG", "user", bob, "read", "space")
	expectV1Error(t, r, http.StatusInternalServerError, "Injected fault: Internal Server Error (emulator Options.Faults).")
	if r.header.Get("Retry-After") != "" {
		t.Errorf("a 500 fault carries Retry-After: %v", r.header)
	}
	expectStatus(t, h.grant("ENG", "user", cy, "read", "space"), http.StatusOK)
	expectStatus(t, h.grant("ENG", "user", dee, "read", "space"), http.StatusConflict)
	expectStatus(t, h.grant("ENG", "user", dee, "read", "space"), http.StatusOK)
	all := h.permissions(eng)
	for who, want := range map[string]int{ada: 1, bob: 0, cy: 1, dee: 1} {
		if got := len(permsOf(all, "user", who)); got != want {
			t.Errorf("%s holds %d permissions, want %d (a fault must change nothing)", who, got, want)
		}
	}
	expectV2Error(t, h.wikiGet(fmt.Sprintf(v2Assign, h.spaceID("DOCS"))), http.StatusNotFound, "Injected fault")
	expectStatus(t, h.wikiGet(fmt.Sprintf(v2Assign, h.spaceID("DOCS"))), http.StatusOK)
	if n := h.emu.Stats()["POST /wiki/rest/api/space/{spaceKey}/permission"]; n != 5 {
		t.Errorf("stats count %d grant requests, want 5 (faults are counted like any request)", n)
	}
}

// GET /user/bulk answers the users of the ids it is given, the seeded guests with isGuest, at most 100, and
// refuses a request without ids.
func TestBulkUsers(t *testing.T) {
	t.Parallel()
	var emails []string
	for i := range 101 {
		emails = append(emails, fmt.Sprintf("guest%03d@partner.example", i))
	}
	h := newHarness(t, emulator.Options{Guests: emails})
	ids := h.cred.GuestAccountIDs
	if len(ids) != len(emails) {
		t.Fatalf("%d guest ids for %d guests", len(ids), len(emails))
	}
	r := h.wikiGet("/wiki/rest/api/user/bulk?accountId=" + strings.Join(append([]string{h.cred.AdminAccountID}, ids...), ","))
	expectStatus(t, r, http.StatusOK)
	results := r.list("results")
	if len(results) != 100 {
		t.Fatalf("%d users for 102 ids, want the first 100", len(results))
	}
	for i, u := range results {
		m := u.(map[string]any)
		wantID, wantGuest := h.cred.AdminAccountID, false
		if i > 0 {
			wantID, wantGuest = ids[i-1], true
		}
		if m["accountId"] != wantID || m["isGuest"] != wantGuest || m["isExternalCollaborator"] != wantGuest {
			t.Fatalf("user %d: %v, want %s with isGuest %v", i, m, wantID, wantGuest)
		}
	}
	if r.list("results")[1].(map[string]any)["email"] != emails[0] {
		t.Errorf("guest email: %s", r.raw)
	}
	expectV1Error(t, h.wikiGet("/wiki/rest/api/user/bulk"), http.StatusBadRequest, "The accountId query parameter is required")
}
