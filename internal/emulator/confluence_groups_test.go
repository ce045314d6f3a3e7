package emulator_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
)

// groupRoutes are the v1 group routes; TestConfluenceGroupsContract must exercise each.
var groupRoutes = []string{
	"GET /wiki/rest/api/group",
	"POST /wiki/rest/api/group",
	"DELETE /wiki/rest/api/group/by-id",
	"GET /wiki/rest/api/group/{groupId}/membersByGroupId",
	"POST /wiki/rest/api/group/userByGroupId",
	"DELETE /wiki/rest/api/group/userByGroupId",
	"GET /wiki/rest/api/user/memberof",
}

const v1Group = "/wiki/rest/api/group"

// names returns the "name" of each result.
func names(r response) []string {
	var out []string
	for _, g := range r.list("results") {
		out = append(out, dig(g, "name").(string))
	}
	return out
}

// v1GroupFlow drives every v1 group route through its main cases and returns the ids it made.
func v1GroupFlow(t *testing.T, h *harness) {
	t.Helper()
	acct := h.account("grace@example.com")

	// Create: 201 Group; the name is org-unique in any case; missing names are refused.
	r := h.wiki(http.MethodPost, v1Group, map[string]any{"name": "Platform"})
	expectStatus(t, r, http.StatusCreated)
	gid := r.str("id")
	if gid == "" || r.str("name") != "Platform" || r.str("type") != "group" || r.str("managedBy") != "ADMINS" {
		t.Fatalf("created group: %s", r.raw)
	}
	expectV1Error(t, h.wiki(http.MethodPost, v1Group, map[string]any{"name": "PLATFORM"}), http.StatusBadRequest, "A group with name PLATFORM already exists")
	expectStatus(t, h.wiki(http.MethodPost, v1Group, map[string]any{"name": " "}), http.StatusBadRequest)
	expectStatus(t, h.wiki(http.MethodGet, v1Group+"/by-id?id="+gid, nil), http.StatusOK)

	// The Admin API sees it, in the organization's local directory.
	ar := h.admin(http.MethodGet, "/directories/-/groups/"+gid, nil)
	expectStatus(t, ar, http.StatusOK)
	if dir := ar.str("data", "directoryId"); dir != h.defaultDirectory() {
		t.Errorf("v1-created group in directory %s, want the local one", dir)
	}

	// List: alphabetical, start/limit paging with a next link that works.
	r = h.wikiGet(v1Group + "?limit=2")
	expectStatus(t, r, http.StatusOK)
	all := names(r)
	for next := r.str("_links", "next"); next != ""; next = r.str("_links", "next") {
		r = h.wikiGet("/wiki" + next)
		expectStatus(t, r, http.StatusOK)
		all = append(all, names(r)...)
	}
	if !slices.Contains(all, "Platform") || !slices.IsSortedFunc(all, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("groups %v: want every group, alphabetical", all)
	}
	if r.num("size") != len(r.list("results")) {
		t.Errorf("size does not count the results: %s", r.raw)
	}

	// Membership.
	add := v1Group + "/userByGroupId?groupId=" + url.QueryEscape(gid)
	expectStatus(t, h.wiki(http.MethodPost, add, map[string]any{"accountId": acct}), http.StatusCreated)
	expectStatus(t, h.wiki(http.MethodPost, add, map[string]any{"accountId": acct}), http.StatusCreated) // again: no change
	expectStatus(t, h.wiki(http.MethodPost, add, map[string]any{"accountId": "nobody"}), http.StatusBadRequest)
	expectStatus(t, h.wiki(http.MethodPost, v1Group+"/userByGroupId?groupId=nope", map[string]any{"accountId": acct}), http.StatusNotFound)
	r = h.wikiGet(v1Group + "/" + gid + "/membersByGroupId?shouldReturnTotalSize=true")
	expectStatus(t, r, http.StatusOK)
	if r.num("totalSize") != 1 || r.str("results", "0", "accountId") != acct {
		t.Errorf("members: %s", r.raw)
	}
	expectStatus(t, h.wikiGet(v1Group+"/"+gid+"/membersByGroupId?limit=201"), http.StatusBadRequest)
	r = h.wikiGet("/wiki/rest/api/user/memberof?accountId=" + acct)
	expectStatus(t, r, http.StatusOK)
	if got := names(r); !slices.Contains(got, "Platform") {
		t.Errorf("memberof %v, want Platform", got)
	}
	remove := add + "&accountId=" + url.QueryEscape(acct)
	expectStatus(t, h.wiki(http.MethodDelete, remove, nil), http.StatusNoContent)
	expectStatus(t, h.wiki(http.MethodDelete, remove, nil), http.StatusNoContent) // not a member: 204 (documented)
	expectStatus(t, h.wiki(http.MethodDelete, add+"&accountId=nobody", nil), http.StatusNotFound)
	if r := h.wikiGet(v1Group + "/" + gid + "/membersByGroupId"); len(r.list("results")) != 0 {
		t.Errorf("member not removed: %s", r.raw)
	}

	// Synced groups are read-only here too; default groups cannot be deleted.
	synced := h.createGroup("Synced Team", h.createUser(userSpec{userName: "sy@example.com", email: "sy@example.com"}).str("id"))
	sid := h.adminGroupID(synced.str("displayName"))
	if sid == "" {
		t.Fatal("synced group not in the org")
	}
	expectStatus(t, h.wiki(http.MethodPost, v1Group+"/userByGroupId?groupId="+sid, map[string]any{"accountId": acct}), http.StatusForbidden)
	expectStatus(t, h.wiki(http.MethodDelete, v1Group+"/by-id?id="+sid, nil), http.StatusForbidden)
	expectStatus(t, h.wiki(http.MethodDelete, v1Group+"/by-id?id="+h.confluenceUsersGroup(), nil), http.StatusForbidden)
	if r := h.wikiGet(v1Group + "/" + sid + "/membersByGroupId"); len(r.list("results")) != 1 {
		t.Errorf("synced group members readable: %s", r.raw)
	}

	// Delete: 204, then 404.
	expectStatus(t, h.wiki(http.MethodDelete, v1Group+"/by-id?id="+gid, nil), http.StatusNoContent)
	expectStatus(t, h.wiki(http.MethodDelete, v1Group+"/by-id?id="+gid, nil), http.StatusNotFound)
	expectStatus(t, h.admin(http.MethodGet, "/directories/-/groups/"+gid, nil), http.StatusNotFound)
	expectStatus(t, h.do(http.MethodPost, v1Group, "", map[string]any{"name": "x"}), http.StatusUnauthorized)
}

// TestConfluenceGroups: the v1 group routes act on the organization's groups, the model the Admin API
// serves.
func TestConfluenceGroups(t *testing.T) {
	h := newHarness(t, emulator.Options{PageSize: 2})
	v1GroupFlow(t, h)
}

// TestConfluenceGroupsContract drives every v1 group route through the OpenAPI validator.
func TestConfluenceGroupsContract(t *testing.T) {
	v := contract.Load(t)
	h := newHarnessWith(t, emulator.Options{PageSize: 2}, func(next http.Handler) http.Handler { return v.Handler(t, next) })
	v1GroupFlow(t, h)
	stats := h.emu.Stats()
	for _, route := range groupRoutes {
		if !slices.Contains(h.emu.Routes(), route) {
			t.Errorf("route %s is not served", route)
		}
		if stats[route] == 0 {
			t.Errorf("route %s is not exercised by the group contract test", route)
		}
	}
	covered := strings.Join(v.Covered(), "\n")
	for _, op := range []string{"GET /wiki/rest/api/group", "DELETE /wiki/rest/api/group/by-id", "GET /wiki/rest/api/user/memberof",
		"GET /wiki/rest/api/group/{groupId}/membersByGroupId", "POST /wiki/rest/api/group/userByGroupId"} {
		if !strings.Contains(covered, "confluence-v1 "+op+"\n") && !strings.HasSuffix(covered, "confluence-v1 "+op) {
			t.Errorf("operation %s not checked", op)
		}
	}
}
