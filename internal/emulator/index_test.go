package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// indexClient calls the emulator's handler in process and turns a panic of the handler into a test
// failure naming the request.
type indexClient struct {
	t *testing.T
	e *Emulator
}

func (c indexClient) call(method, path string, body any) (status int, out map[string]any) {
	c.t.Helper()
	var buf []byte
	if body != nil {
		buf, _ = json.Marshal(body)
	}
	req := httptest.NewRequestWithContext(c.t.Context(), method, path, bytes.NewReader(buf))
	req.SetBasicAuth(c.e.creds.Email, c.e.creds.APIToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if r := recover(); r != nil {
				_ = c.e.mu.TryLock() // the handler may have panicked holding the state lock
				c.e.mu.Unlock()
				c.t.Fatalf("%s %s read another space's entries: %v", method, path, r)
			}
		}()
		c.e.Handler().ServeHTTP(rec, req)
	}()
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// poisonOtherSpaces replaces every classic grant and role assignment of every space but keep with nil, in
// the space's lists and in the site-wide maps alike: from then on any request that reads another space's
// entries dereferences nil and panics.
func poisonOtherSpaces(st *state, keep int64) (poisoned int) {
	for _, id := range st.spaceOrder {
		if id == keep {
			continue
		}
		x := st.spaceAccess[id]
		for i, p := range x.perms {
			st.spacePerms[p.ID] = nil
			x.perms[i] = nil
			poisoned++
		}
		for i, a := range x.assigns {
			st.roleAssignments[a.seq] = nil
			x.assigns[i] = nil
			poisoned++
		}
	}
	return poisoned
}

// principals lists "type:id" of a listing's results, in order.
func principals(body map[string]any, typeKey, idKey string, principalKey string) []string {
	var out []string
	for _, r := range body["results"].([]any) {
		p := r.(map[string]any)[principalKey].(map[string]any)
		out = append(out, fmt.Sprint(p[typeKey], ":", p[idKey]))
	}
	return out
}

// A request about one space reads that space's entries only, however large the site: every other space's
// grants and role assignments are poisoned (nil), so a request that walks the site's entries panics. The
// requests are those the provider makes per space: the v2 listings, v1 grant and removal (with the
// duplicate and last-admin rules), role assignment writes, the content permission check, and the role
// listing filtered by space and principal.
func TestRequestsAboutOneSpaceReadOnlyThatSpace(t *testing.T) {
	e := New(Options{ExtraSpaces: 50})
	c := indexClient{t: t, e: e}
	e.mu.Lock()
	docs := e.st.spaceByKey("DOCS")
	admin := e.creds.AdminAccountID
	users := e.st.orgGroupByName(groupConfluenceUsers).ID
	collaborator, viewer := e.st.spaceRoleByName("Collaborator").ID, e.st.spaceRoleByName("Viewer").ID
	if n := poisonOtherSpaces(e.st, docs.ID); n < 50*10 {
		t.Fatalf("poisoned %d entries, want the seeded ten of each of the 54 classic spaces", n)
	}
	e.mu.Unlock()
	sid := strconv.FormatInt(docs.ID, 10)
	perms, assigns := "/wiki/api/v2/spaces/"+sid+"/permissions", "/wiki/api/v2/spaces/"+sid+"/role-assignments"
	grant := func(key, target string) (int, map[string]any) {
		return c.call(http.MethodPost, "/wiki/rest/api/space/DOCS/permission", map[string]any{
			"subject": map[string]any{"type": "user", "identifier": admin}, "operation": map[string]any{"key": key, "target": target},
		})
	}

	status, read := grant("read", "space")
	if status != http.StatusOK {
		t.Fatalf("grant read/space: %d %v", status, read)
	}
	readID := strconv.FormatInt(int64(read["id"].(float64)), 10)
	if status, _ := grant("create", "page"); status != http.StatusOK {
		t.Fatalf("grant create/page: %d", status)
	}
	if status, _ := grant("read", "space"); status != http.StatusBadRequest {
		t.Errorf("duplicate grant: %d, want 400", status)
	}
	status, body := c.call(http.MethodGet, perms, nil)
	if status != http.StatusOK || len(body["results"].([]any)) != 2 ||
		body["results"].([]any)[0].(map[string]any)["id"] != readID {
		t.Fatalf("permission listing: %d %v", status, body)
	}

	status, body = c.call(http.MethodGet, assigns, nil)
	if got, want := principals(body, "principalType", "principalId", "principal"), []string{"USER:" + admin, "GROUP:" + users}; status != http.StatusOK || !slices.Equal(got, want) {
		t.Fatalf("role assignments: %d %v, want %v", status, got, want)
	}
	status, body = c.call(http.MethodPost, assigns, []any{
		map[string]any{"principal": map[string]any{"principalType": "ACCESS_CLASS", "principalId": accessClassAuthenticated}, "roleId": viewer},
		map[string]any{"principal": map[string]any{"principalType": "GROUP", "principalId": users}, "roleId": collaborator},
	})
	if status != http.StatusOK {
		t.Fatalf("set role assignments: %d %v", status, body)
	}
	status, body = c.call(http.MethodGet, assigns, nil)
	want := []string{"USER:" + admin, "GROUP:" + users, "ACCESS_CLASS:" + accessClassAuthenticated}
	if got := principals(body, "principalType", "principalId", "principal"); status != http.StatusOK || !slices.Equal(got, want) {
		t.Errorf("role assignments after the write: %d %v, want %v (an updated assignment keeps its place)", status, got, want)
	}
	if status, body := c.call(http.MethodPost, assigns, []any{map[string]any{"principal": map[string]any{"principalType": "USER", "principalId": admin}}}); status != http.StatusBadRequest {
		t.Errorf("removing the space's last administrator (its Admin role): %d %v, want 400", status, body)
	}

	status, body = c.call(http.MethodPost, "/wiki/rest/api/content/"+strconv.FormatInt(docs.HomepageID, 10)+"/permission/check",
		map[string]any{"subject": map[string]any{"type": "user", "identifier": admin}, "operation": "read"})
	if status != http.StatusOK || body["hasPermission"] != true {
		t.Errorf("content permission check: %d %v", status, body)
	}
	status, body = c.call(http.MethodGet, "/wiki/api/v2/space-roles?space-id="+sid+"&principal-type=GROUP&principal-id="+users, nil)
	if status != http.StatusOK || len(body["results"].([]any)) != 1 || body["results"].([]any)[0].(map[string]any)["id"] != collaborator {
		t.Errorf("roles of confluence-users in DOCS: %d %v", status, body)
	}

	status, _ = c.call(http.MethodDelete, "/wiki/rest/api/space/DOCS/permission/"+readID, nil)
	if status != http.StatusNoContent {
		t.Errorf("remove read/space: %d", status)
	}
	if status, body := c.call(http.MethodGet, perms, nil); status != http.StatusOK || len(body["results"].([]any)) != 0 {
		t.Errorf("removing read/space removes the principal's other grants: %d %v", status, body)
	}
}

// checkIndex fails the test unless the site-wide maps hold exactly the entries of the spaces' lists, each
// under its own id or number and in the space it names.
func checkIndex(t *testing.T, st *state) {
	t.Helper()
	perms, assigns := 0, 0
	for _, id := range st.spaceOrder {
		s, x := st.spaces[id], st.spaceAccess[id]
		if st.spaceKeys[s.Key] != s || st.spaceHomes[s.HomepageID] != s || x == nil {
			t.Fatalf("space %s is not indexed by key, home page and id", s.Key)
		}
		for _, p := range x.perms {
			if p.SpaceID != id || st.spacePerms[p.ID] != p {
				t.Errorf("grant %+v of space %d is not indexed by its id", p, id)
			}
		}
		for _, a := range x.assigns {
			if a.SpaceID != id || st.roleAssignments[a.seq] != a {
				t.Errorf("assignment %+v of space %d is not indexed by its number", a, id)
			}
		}
		perms, assigns = perms+len(x.perms), assigns+len(x.assigns)
	}
	if len(st.spacePerms) != perms || len(st.roleAssignments) != assigns || len(st.spaceKeys) != len(st.spaceOrder) {
		t.Errorf("site-wide maps hold %d grants and %d assignments, the spaces %d and %d", len(st.spacePerms), len(st.roleAssignments), perms, assigns)
	}
	for _, id := range st.orgGroupOrder {
		g := st.orgGroups[id]
		set := map[string]bool{}
		for _, m := range g.Members {
			set[m] = true
		}
		if len(set) != len(g.Members) || !maps.Equal(set, g.memberSet) {
			t.Errorf("group %s: members %v, member set %v", g.Name, g.Members, g.memberSet)
		}
	}
}

// The index stays consistent through every kind of write: grants and their cascading removal, role
// assignment writes (new, updated, removed), and a group's deletion, which takes its grants and
// assignments in every space.
func TestIndexStaysConsistentThroughWrites(t *testing.T) {
	e := New(Options{ExtraSpaces: 3})
	c := indexClient{t: t, e: e}
	e.mu.Lock()
	checkIndex(t, e.st)
	docs := strconv.FormatInt(e.st.spaceByKey("DOCS").ID, 10)
	viewer := e.st.spaceRoleByName("Viewer").ID
	g := e.st.addOrgGroup("doomed", "", managedByAdmins, false, e.now(), e.now())
	e.mu.Unlock()

	for _, key := range []string{"ENG", "GEN0002"} {
		for _, op := range [][2]string{{"read", "space"}, {"create", "page"}} {
			status, body := c.call(http.MethodPost, "/wiki/rest/api/space/"+key+"/permission", map[string]any{
				"subject": map[string]any{"type": "group", "identifier": g.ID}, "operation": map[string]any{"key": op[0], "target": op[1]},
			})
			if status != http.StatusOK {
				t.Fatalf("grant %s %v: %d %v", key, op, status, body)
			}
		}
	}
	assign := func(body []any) {
		t.Helper()
		if status, out := c.call(http.MethodPost, "/wiki/api/v2/spaces/"+docs+"/role-assignments", body); status != http.StatusOK {
			t.Fatalf("role assignments: %d %v", status, out)
		}
	}
	assign([]any{map[string]any{"principal": map[string]any{"principalType": "GROUP", "principalId": g.ID}, "roleId": viewer}})
	assign([]any{map[string]any{"principal": map[string]any{"principalType": "ACCESS_CLASS", "principalId": accessClassLicensed}, "roleId": viewer}})
	assign([]any{map[string]any{"principal": map[string]any{"principalType": "ACCESS_CLASS", "principalId": accessClassLicensed}}})
	admin := e.creds.AdminAccountID
	for _, step := range []struct{ method, query string }{
		{http.MethodPost, "groupId=" + g.ID}, {http.MethodPost, "groupId=" + g.ID}, // twice: a no-op
		{http.MethodDelete, "groupId=" + g.ID + "&accountId=" + admin}, {http.MethodPost, "groupId=" + g.ID},
	} {
		if status, body := c.call(step.method, "/wiki/rest/api/group/userByGroupId?"+step.query, map[string]any{"accountId": admin}); status >= 300 {
			t.Fatalf("%s member: %d %v", step.method, status, body)
		}
	}
	e.mu.Lock()
	checkIndex(t, e.st)
	if !slices.Equal(g.Members, []string{admin}) || !e.st.memberOf(admin, g.ID) {
		t.Errorf("members after add, add, remove, add: %v", g.Members)
	}
	eng := e.st.spaceByKey("ENG")
	var readID int64
	for _, p := range e.st.permsOf(eng.ID) {
		if p.PrincipalID == g.ID && p.Key == "read" {
			readID = p.ID
		}
	}
	e.mu.Unlock()
	if status, _ := c.call(http.MethodDelete, "/wiki/rest/api/space/ENG/permission/"+strconv.FormatInt(readID, 10), nil); status != http.StatusNoContent {
		t.Fatalf("remove read/space of the group in ENG: %d", status)
	}
	e.mu.Lock()
	checkIndex(t, e.st)
	if slices.ContainsFunc(e.st.permsOf(eng.ID), func(p *spacePermission) bool { return p.PrincipalID == g.ID }) {
		t.Error("removing read/space left the group's other grant in ENG")
	}
	e.st.removeOrgGroup(g.ID)
	checkIndex(t, e.st)
	for _, p := range e.st.spacePerms {
		if p.PrincipalID == g.ID {
			t.Errorf("grant of the deleted group survives: %+v", p)
		}
	}
	for _, a := range e.st.roleAssignments {
		if a.PrincipalID == g.ID {
			t.Errorf("assignment of the deleted group survives: %+v", a)
		}
	}
	if n := len(e.st.assignsOf(e.st.spaceByKey("DOCS").ID)); n != 2 {
		t.Errorf("DOCS holds %d assignments after the group's deletion, want the seeded 2", n)
	}
	e.mu.Unlock()
}

// A spaces listing that names keys or ids finds them through the index, with the answer a walk of every
// space gives: each space once, in id order, keys and ids both matching when both are given.
func TestSpacesNamed(t *testing.T) {
	st := New(Options{ExtraSpaces: 5}).st
	keysOf := func(list []*space) []string {
		var out []string
		for _, s := range list {
			out = append(out, s.Key)
		}
		return out
	}
	walk := func(keys []string, ids []int64) []string {
		var out []string
		for _, id := range st.spaceOrder {
			s := st.spaces[id]
			if (len(keys) == 0 || slices.Contains(keys, s.Key)) && (len(ids) == 0 || slices.Contains(ids, s.ID)) {
				out = append(out, s.Key)
			}
		}
		return out
	}
	eng, gen3 := st.spaceByKey("ENG").ID, st.spaceByKey("GEN0003").ID
	for _, c := range []struct {
		keys []string
		ids  []int64
		want []string
	}{
		{nil, nil, walk(nil, nil)},
		{[]string{"GEN0003", "ENG", "GEN0003", "NOPE"}, nil, []string{"ENG", "GEN0003"}},
		{nil, []int64{gen3, 1, eng, gen3}, []string{"ENG", "GEN0003"}},
		{[]string{"GEN0003", "HR"}, []int64{gen3, eng}, []string{"GEN0003"}},
	} {
		if got := keysOf(st.spacesNamed(c.keys, c.ids)); !slices.Equal(got, c.want) || !slices.Equal(got, walk(c.keys, c.ids)) {
			t.Errorf("keys %v ids %v: %v, want %v", c.keys, c.ids, got, c.want)
		}
	}
}

// A SCIM group's org group keeps its member set in step with its members through every sync: create,
// PATCH add, a member's deactivation and re-activation.
func TestSCIMSyncKeepsMemberSets(t *testing.T) {
	e := New(Options{})
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	user := func(name string) string {
		u := scimCall(t, srv, e, http.MethodPost, "/Users", map[string]any{
			"userName": name, "emails": []any{map[string]any{"value": name, "primary": true}},
		})
		return u["id"].(string)
	}
	u1, u2 := user("one@example.com"), user("two@example.com")
	g := scimCall(t, srv, e, http.MethodPost, "/Groups", map[string]any{"displayName": "Platform", "members": []any{map[string]any{"value": u1}}})
	gid := g["id"].(string)
	check := func(step string, want int) {
		t.Helper()
		e.mu.Lock()
		defer e.mu.Unlock()
		checkIndex(t, e.st)
		if og := e.st.orgGroupByName("Platform"); len(og.Members) != want {
			t.Errorf("%s: org members %v, want %d", step, og.Members, want)
		}
	}
	check("create", 1)
	scimCall(t, srv, e, http.MethodPatch, "/Groups/"+gid, map[string]any{
		"schemas":    []string{schemaPatchOp},
		"Operations": []any{map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": u2}}}},
	})
	check("add", 2)
	scimCall(t, srv, e, http.MethodPatch, "/Users/"+u1, map[string]any{
		"schemas": []string{schemaPatchOp}, "Operations": []any{map[string]any{"op": "replace", "path": "active", "value": false}},
	})
	check("deactivate a member", 1)
	if again := user("one@example.com"); again != u1 { // a POST of the same userName re-activates the user
		t.Fatalf("re-activation made a new user %s, want %s", again, u1)
	}
	check("re-activate it", 2)
}

// foldName keys names as strings.EqualFold compares them, so the name index finds what a case-insensitive
// walk of the groups found.
func TestFoldNameAgreesWithEqualFold(t *testing.T) {
	names := []string{
		"Platform", "PLATFORM", "platform", "Kelvin", "\u212aelvin", "kelvin", "\u017fite-admins", "SITE-ADMINS",
		"stra\u00dfe", "STRASSE", "\u03a3\u03c3\u03c2", "\u03c3\u03a3\u03a3", "caf\u00e9", "CAF\u00c9", "cafe", "a\xffb", "a\xfeb", "a\ufffdb", "",
	}
	for _, a := range names {
		for _, b := range names {
			if got, want := foldName(a) == foldName(b), strings.EqualFold(a, b); got != want {
				t.Errorf("%q, %q: same key %v, EqualFold %v", a, b, got, want)
			}
		}
	}
	for r := rune(0); r < 0x30000; r++ {
		if k := foldName(string(r)); !strings.EqualFold(k, string(r)) {
			t.Fatalf("key %q of %q is not in its case-folding orbit", k, string(r))
		}
	}
}

// orgGroupByName answers the first group of a name in group order, and forgets a deleted group.
func TestOrgGroupByName(t *testing.T) {
	st := New(Options{}).st
	now := time.Now()
	a := st.addOrgGroup("Team", "", managedByAdmins, false, now, now)
	b := st.addOrgGroup("TEAM", "", managedByAdmins, false, now, now) // the model allows it; every API refuses it
	if st.orgGroupByName("team") != a || st.orgGroupByName(groupSiteAdmins) == nil || st.orgGroupByName("nope") != nil {
		t.Fatal("lookup by name")
	}
	st.removeOrgGroup(a.ID)
	if st.orgGroupByName("tEaM") != b {
		t.Error("after deleting the first, the second of the name is found")
	}
	st.removeOrgGroup(b.ID)
	if st.orgGroupByName("team") != nil || len(st.orgGroupNames) != len(st.orgGroups) {
		t.Errorf("deleted groups stay in the name index: %v", st.orgGroupNames)
	}
}
