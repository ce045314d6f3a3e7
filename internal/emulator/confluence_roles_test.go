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

// The role catalogue: system roles, creation rules, filters.
func TestSpaceRoleCatalogueRules(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	docs := h.spaceID("DOCS")
	ids := h.roleIDs()
	for _, name := range []string{"Admin", "Manager", "Collaborator", "Viewer"} {
		r := h.wikiGet(v2Roles + "/" + ids[name])
		expectStatus(t, r, http.StatusOK)
		if r.str("type") != "SYSTEM" || r.str("name") != name || r.str("_links", "base") != h.base+"/wiki" || len(r.list("spacePermissions")) == 0 {
			t.Errorf("system role %s: %s", name, r.raw)
		}
	}

	r := h.wiki(http.MethodPost, v2Roles, map[string]any{"name": " Auditor ", "description": "Reads and exports", "spacePermissions": []string{"export/space", "read/space", "read/space"}})
	expectStatus(t, r, http.StatusCreated)
	if r.str("type") != "CUSTOM" || r.str("name") != "Auditor" || r.str("id") == "" ||
		!slices.Equal(anyStrings(r.list("spacePermissions")), []string{"read/space", "export/space"}) {
		t.Errorf("created role (trimmed name, permissions deduplicated in catalogue order): %s", r.raw)
	}
	auditor := r.str("id")

	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"name": "AUDITOR", "description": "", "spacePermissions": []string{"read/space"}}, "already exists"},
		{map[string]any{"description": "", "spacePermissions": []string{"read/space"}}, "name is required"},
		{map[string]any{"name": "X", "spacePermissions": []string{"read/space"}}, "description is required"},
		{map[string]any{"name": "X", "description": ""}, "spacePermissions is required"},
		{map[string]any{"name": "X", "description": "", "spacePermissions": []string{}}, "spacePermissions is required"},
		{map[string]any{"name": "X", "description": "", "spacePermissions": []string{"read/space", "fly/space"}}, `Unknown space permission "fly/space"`},
		{map[string]any{"name": "X", "description": "", "spacePermissions": []string{"create/page"}}, "create/page requires read/space"},
	} {
		expectV2Error(t, h.wiki(http.MethodPost, v2Roles, c.body), http.StatusBadRequest, c.want)
	}

	// Filters: role-type; roles held by a principal (in one space or any).
	r = h.wikiGet(v2Roles + "?role-type=CUSTOM")
	expectStatus(t, r, http.StatusOK)
	if len(r.list("results")) != 1 || r.str("results", "0", "id") != auditor {
		t.Errorf("CUSTOM roles: %s", r.raw)
	}
	expectV2Error(t, h.wikiGet(v2Roles+"?role-type=BUILTIN"), http.StatusBadRequest, "role-type")
	r = h.wikiGet(v2Roles + "?principal-type=USER&principal-id=" + h.cred.AdminAccountID + "&space-id=" + docs)
	expectStatus(t, r, http.StatusOK)
	if len(r.list("results")) != 1 || r.str("results", "0", "name") != "Admin" {
		t.Errorf("roles of the admin in DOCS: %s", r.raw)
	}
	r = h.wikiGet(v2Roles + "?principal-type=USER&principal-id=" + h.cred.AdminAccountID + "&space-id=" + h.spaceID("ENG"))
	if len(r.list("results")) != 0 {
		t.Errorf("roles of the admin in ENG (classic grants only): %s", r.raw)
	}
	expectV2Error(t, h.wikiGet(v2Roles+"?principal-type=USER"), http.StatusBadRequest, "together")
	expectV2Error(t, h.wikiGet(v2Roles+"?space-id=DOCS"), http.StatusBadRequest, "numeric")

	// PageSize 1 pages through every role.
	small := newHarness(t, emulator.Options{PageSize: 1})
	var names []string
	next := v2Roles
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("role pagination does not end")
		}
		r := small.wikiGet(next)
		expectStatus(t, r, http.StatusOK)
		if len(r.list("results")) != 1 {
			t.Fatalf("page of %d roles, want 1", len(r.list("results")))
		}
		names = append(names, r.str("results", "0", "name"))
		next = r.str("_links", "next")
	}
	if !slices.Equal(names, []string{"Admin", "Manager", "Collaborator", "Viewer"}) {
		t.Errorf("paged roles = %v", names)
	}
}

// Updates and deletions answer 202 and are refused for system roles, unknown roles, roles in use and
// changes that would orphan a space.
func TestSpaceRoleUpdateDeleteRules(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	docs := h.spaceID("DOCS")
	ids := h.roleIDs()
	body := func(name string, perms ...string) map[string]any {
		return map[string]any{"name": name, "description": name + " role", "spacePermissions": perms}
	}
	r := h.wiki(http.MethodPost, v2Roles, body("Steward", "read/space", "administer/space"))
	expectStatus(t, r, http.StatusCreated)
	steward := r.str("id")
	r = h.wiki(http.MethodPost, v2Roles, body("Reader", "read/space"))
	expectStatus(t, r, http.StatusCreated)
	reader := r.str("id")

	r = h.wiki(http.MethodPut, v2Roles+"/"+reader, body("Reader 2", "read/space", "export/space"))
	expectStatus(t, r, http.StatusAccepted)
	for k, v := range map[string]string{"id": reader, "type": "CUSTOM", "name": "Reader 2", "description": "Reader 2 role"} {
		if r.str(k) != v {
			t.Errorf("202 %s = %q, want %q: %s", k, r.str(k), v, r.raw)
		}
	}
	if r.str("taskId") == "" {
		t.Errorf("202 without taskId: %s", r.raw)
	}
	r = h.wikiGet(v2Roles + "/" + reader)
	if r.str("name") != "Reader 2" || len(r.list("spacePermissions")) != 2 {
		t.Errorf("update with no propagation delay not applied: %s", r.raw)
	}

	expectV2Error(t, h.wiki(http.MethodPut, v2Roles+"/"+ids["Admin"], body("Admin", "read/space")), http.StatusBadRequest, "system space role Admin cannot be changed")
	expectV2Error(t, h.wiki(http.MethodDelete, v2Roles+"/"+ids["Viewer"], nil), http.StatusBadRequest, "system space role Viewer cannot be deleted")
	expectV2Error(t, h.wiki(http.MethodPut, v2Roles+"/"+reader, body("Steward", "read/space")), http.StatusBadRequest, "already exists")
	expectV2Error(t, h.wiki(http.MethodPut, v2Roles+"/"+reader, map[string]any{"name": "Reader"}), http.StatusBadRequest, "description is required")
	expectV2Error(t, h.wiki(http.MethodPut, v2Roles+"/"+reader, map[string]any{"name": "R", "description": "", "spacePermissions": []string{"read/space"}, "anonymousReassignmentRoleId": "nope"}), http.StatusBadRequest, "anonymousReassignmentRoleId")

	// The steward role becomes DOCS's only administrator: it cannot lose administer/space, nor be deleted.
	expectStatus(t, h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), []any{
		assignment("USER", h.cred.AdminAccountID, steward),
	}), http.StatusOK)
	expectV2Error(t, h.wiki(http.MethodPut, v2Roles+"/"+steward, body("Steward", "read/space")), http.StatusBadRequest, "would leave space DOCS without an administrator")
	expectV2Error(t, h.wiki(http.MethodDelete, v2Roles+"/"+steward, nil), http.StatusBadRequest, "assigned to 1 principal(s) in 1 space(s)")
	expectStatus(t, h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), []any{
		assignment("USER", h.cred.AdminAccountID, ids["Admin"]),
	}), http.StatusOK)

	r = h.wiki(http.MethodDelete, v2Roles+"/"+steward, nil)
	expectStatus(t, r, http.StatusAccepted)
	if r.str("taskId") == "" || len(r.body) != 1 {
		t.Errorf("DELETE 202 body = %s, want {taskId}", r.raw)
	}
	expectV2Error(t, h.wikiGet(v2Roles+"/"+steward), http.StatusNotFound, "")
	expectV2Error(t, h.wiki(http.MethodDelete, v2Roles+"/"+steward, nil), http.StatusNotFound, "")
	expectV2Error(t, h.wiki(http.MethodPut, v2Roles+"/"+steward, body("Steward", "read/space")), http.StatusNotFound, "")
}

// Role assignments: one role per principal per space, removal by omitted roleId, all-or-nothing
// requests, the last administrator, access classes, pages.
func TestSpaceRoleAssignments(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	docs := h.spaceID("DOCS")
	ids := h.roleIDs()
	users := h.confluenceUsersGroup()
	ada, bob := h.account("ada@example.com"), h.account("bob@example.com")
	set := func(entries ...any) response { return h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), entries) }

	want := map[string]string{"USER:" + h.cred.AdminAccountID: ids["Admin"], "GROUP:" + users: ids["Viewer"]}
	if got := h.assignments(docs); !maps.Equal(got, want) {
		t.Fatalf("seeded DOCS assignments = %v, want %v", got, want)
	}

	r := set(assignment("USER", ada, ids["Collaborator"]), assignment("GROUP", users, ids["Manager"]), assignment("ACCESS_CLASS", "anonymous-users", ids["Viewer"]))
	expectStatus(t, r, http.StatusOK)
	if len(r.list("results")) != 3 || r.str("results", "0", "principal", "principalType") == "" {
		t.Errorf("set answer: %s", r.raw)
	}
	want["USER:"+ada], want["GROUP:"+users], want["ACCESS_CLASS:anonymous-users"] = ids["Collaborator"], ids["Manager"], ids["Viewer"]
	if got := h.assignments(docs); !maps.Equal(got, want) {
		t.Errorf("after set = %v, want %v", got, want)
	}

	// One role per principal: a new role replaces the old one. An omitted roleId removes.
	expectStatus(t, set(assignment("USER", ada, ids["Manager"])), http.StatusOK)
	r = set(assignment("ACCESS_CLASS", "anonymous-users", nil), assignment("USER", bob, nil))
	expectStatus(t, r, http.StatusOK)
	if len(r.list("results")) != 0 {
		t.Errorf("removals answered with assignments: %s", r.raw)
	}
	want["USER:"+ada] = ids["Manager"]
	delete(want, "ACCESS_CLASS:anonymous-users")
	if got := h.assignments(docs); !maps.Equal(got, want) {
		t.Errorf("after replace and removal = %v, want %v", got, want)
	}

	// All or nothing: a bad entry refuses the whole request.
	for _, c := range []struct {
		entries []any
		want    string
	}{
		{[]any{assignment("USER", bob, ids["Viewer"]), assignment("USER", "557058:nobody", ids["Viewer"])}, "[1]: No user found"},
		{[]any{assignment("USER", bob, ids["Viewer"]), assignment("GROUP", "00000000-0000-4000-8000-000000000000", ids["Viewer"])}, "[1]: No group found"},
		{[]any{assignment("USER", bob, ids["Viewer"]), assignment("ACCESS_CLASS", "everyone", ids["Viewer"])}, "[1]: Unknown access class"},
		{[]any{assignment("USER", bob, ids["Viewer"]), assignment("USER", bob, ids["Manager"])}, "more than once"},
		{[]any{assignment("USER", bob, "no-such-role")}, "No space role with id no-such-role"},
		{[]any{assignment("USER", bob, "")}, "omit it to remove"},
		{[]any{map[string]any{"roleId": ids["Viewer"]}}, "principal with principalType and principalId is required"},
		{[]any{assignment("USER", bob, ids["Viewer"]), assignment("USER", h.cred.AdminAccountID, nil)}, "last administrator"},
		{[]any{assignment("USER", bob, ids["Viewer"]), assignment("USER", h.cred.AdminAccountID, ids["Manager"])}, "last administrator"},
	} {
		expectV2Error(t, set(c.entries...), http.StatusBadRequest, c.want)
	}
	if got := h.assignments(docs); !maps.Equal(got, want) {
		t.Errorf("refused requests changed the assignments: %v, want %v", got, want)
	}
	expectV2Error(t, h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), map[string]any{"principal": map[string]any{}}), http.StatusBadRequest, "")

	// Another administrator lets the admin account's own assignment go.
	expectStatus(t, set(assignment("USER", bob, ids["Admin"])), http.StatusOK)
	expectStatus(t, set(assignment("USER", h.cred.AdminAccountID, nil)), http.StatusOK)

	// Filters.
	r = h.wikiGet(fmt.Sprintf(v2Assign, docs) + "?role-id=" + ids["Manager"])
	if got := len(r.list("results")); got != 2 {
		t.Errorf("role-id filter: %s", r.raw)
	}
	r = h.wikiGet(fmt.Sprintf(v2Assign, docs) + "?principal-type=USER&principal-id=" + bob)
	if len(r.list("results")) != 1 || r.str("results", "0", "roleId") != ids["Admin"] {
		t.Errorf("principal filter: %s", r.raw)
	}
	r = h.wikiGet(fmt.Sprintf(v2Assign, docs) + "?role-type=CUSTOM")
	if len(r.list("results")) != 0 {
		t.Errorf("role-type filter: %s", r.raw)
	}

	// 413 above 5 MB.
	big := `[{"principal":{"principalType":"USER","principalId":"` + strings.Repeat("x", 5<<20) + `"}}]`
	expectV2Error(t, h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), big), http.StatusRequestEntityTooLarge, "5 MB")
}

// PageSize 1 pages through a space's role assignments.
func TestSpaceRoleAssignmentPages(t *testing.T) {
	h := newHarness(t, emulator.Options{PageSize: 1})
	docs := h.spaceID("DOCS")
	ids := h.roleIDs()
	for _, id := range []string{"authenticated-users", "all-licensed-users", "all-product-admins"} {
		expectStatus(t, h.wiki(http.MethodPost, fmt.Sprintf(v2Assign, docs), []any{assignment("ACCESS_CLASS", id, ids["Viewer"])}), http.StatusOK)
	}
	pages := 0
	next := fmt.Sprintf(v2Assign, docs) + "?limit=2"
	var got []string
	for ; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		r := h.wikiGet(next)
		expectStatus(t, r, http.StatusOK)
		for _, x := range r.list("results") {
			got = append(got, dig(x, "principal", "principalId").(string))
		}
		next = r.str("_links", "next")
		if next != "" && r.header.Get("Link") == "" {
			t.Error("no Link header on a partial page")
		}
	}
	if pages != 5 || len(got) != 5 || got[2] != "authenticated-users" {
		t.Errorf("%d pages, assignments %v; want 5 pages of one", pages, got)
	}
}

func anyStrings(l []any) []string {
	out := make([]string, 0, len(l))
	for _, v := range l {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}
