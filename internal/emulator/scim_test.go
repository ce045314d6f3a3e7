package emulator_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func TestSCIMFilterEscapingAndCase(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	tricky := `Jane "JJ" O'Brien\Office Team`
	u := h.createUser(userSpec{userName: tricky, email: "jj@example.com", externalID: "Ext-1"})
	h.createUser(userSpec{userName: "other@example.com", email: "other@example.com", externalID: "ext-1"})

	cases := []struct {
		name, filter string
		want         []string
	}{
		{"escaped quotes and backslash", `userName eq "Jane \"JJ\" O'Brien\\Office Team"`, []string{u.str("id")}},
		{"userName is case-insensitive, attribute and operator too", `USERNAME EQ "jane \"jj\" o'brien\\OFFICE team"`, []string{u.str("id")}},
		{"core schema URN prefix", `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "other@example.com"`, nil},
		{"externalId is case-exact", `externalId eq "Ext-1"`, []string{u.str("id")}},
		{"no match", `userName eq "Jane"`, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.scim(http.MethodGet, "/Users?"+filterQuery(c.filter), nil)
			expectStatus(t, r, http.StatusOK)
			var got []string
			for _, res := range r.list("Resources") {
				got = append(got, dig(res, "id").(string))
			}
			if c.want == nil { // only the count matters
				if len(got) != 1 {
					t.Fatalf("got %d results, want 1", len(got))
				}
				return
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("ids = %v, want %v", got, c.want)
			}
			if r.num("totalResults") != len(c.want) {
				t.Errorf("totalResults = %d, want %d", r.num("totalResults"), len(c.want))
			}
		})
	}

	for _, bad := range []string{
		`userName co "Jane"`,
		`userName eq "a" and externalId eq "b"`,
		`title eq "x"`,
		`userName eq "unterminated`,
		`userName eq Jane`,
		`userName eq "bad \q escape"`,
		`userName pr`,
		`(userName eq "x")`,
	} {
		t.Run("invalid "+bad, func(t *testing.T) {
			r := h.scim(http.MethodGet, "/Users?"+filterQuery(bad), nil)
			expectSCIMError(t, r, http.StatusBadRequest, "invalidFilter")
		})
	}

	// Groups filter only on displayName, case-insensitively.
	h.createGroup("Platform Team")
	r := h.scim(http.MethodGet, "/Groups?"+filterQuery(`displayName eq "platform team"`), nil)
	expectStatus(t, r, http.StatusOK)
	if r.num("totalResults") != 1 || r.str("Resources", "0", "displayName") != "Platform Team" {
		t.Errorf("group filter: %s", r.raw)
	}
	r = h.scim(http.MethodGet, "/Groups?"+filterQuery(`externalId eq "x"`), nil)
	expectSCIMError(t, r, http.StatusBadRequest, "invalidFilter")
}

func TestSCIMPaginationFollowsTotalResults(t *testing.T) {
	for _, pageSize := range []int{1, 2} {
		t.Run(fmt.Sprintf("PageSize=%d", pageSize), func(t *testing.T) {
			h := newHarness(t, emulator.Options{PageSize: pageSize})
			want := map[string]bool{}
			for i := range 5 {
				r := h.createUser(userSpec{userName: fmt.Sprintf("u%d@example.com", i), email: fmt.Sprintf("u%d@example.com", i)})
				want[r.str("id")] = true
			}
			seen := map[string]bool{}
			pages := 0
			for start := 1; ; {
				r := h.scim(http.MethodGet, fmt.Sprintf("/Users?startIndex=%d&count=100", start), nil)
				expectStatus(t, r, http.StatusOK)
				pages++
				n := r.num("itemsPerPage")
				if n > pageSize || n != len(r.list("Resources")) || r.num("startIndex") != start || r.num("totalResults") != 5 {
					t.Fatalf("page at %d: %s", start, r.raw)
				}
				for _, res := range r.list("Resources") {
					id := dig(res, "id").(string)
					if seen[id] {
						t.Fatalf("user %s returned twice", id)
					}
					seen[id] = true
				}
				start += n
				if start > r.num("totalResults") || n == 0 {
					break
				}
			}
			if len(seen) != len(want) {
				t.Errorf("collected %d users, want %d", len(seen), len(want))
			}
			if wantPages := (5 + pageSize - 1) / pageSize; pages != wantPages {
				t.Errorf("pages = %d, want %d", pages, wantPages)
			}
			// count=0 answers the total only; startIndex below 1 means 1.
			r := h.scim(http.MethodGet, "/Users?count=0&startIndex=-3", nil)
			expectStatus(t, r, http.StatusOK)
			if r.num("totalResults") != 5 || len(r.list("Resources")) != 0 || r.num("startIndex") != 1 {
				t.Errorf("count=0: %s", r.raw)
			}
		})
	}
	h := newHarness(t, emulator.Options{})
	expectSCIMError(t, h.scim(http.MethodGet, "/Users?count=ten", nil), http.StatusBadRequest, "invalidValue")
}

func TestSCIMUserConflicts(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	h.createUser(userSpec{userName: "Jane@Example.com", email: "jane@example.com"})

	r := h.scim(http.MethodPost, "/Users", userBody(userSpec{userName: "someone@example.com", email: "JANE@example.com"}))
	expectSCIMError(t, r, http.StatusConflict, "uniqueness")
	if want := "Resource [USER]: with email[JANE@example.com] already exists."; r.str("detail") != want {
		t.Errorf("detail = %q, want %q", r.str("detail"), want)
	}
	r = h.scim(http.MethodPost, "/Users", userBody(userSpec{userName: "jane@example.COM", email: "new@example.com"}))
	expectSCIMError(t, r, http.StatusConflict, "uniqueness")

	// The seeded admin's address belongs to an unlinked account: the SCIM user is linked to it.
	r = h.createUser(userSpec{userName: "admin", email: h.cred.Email})
	if got := r.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId"); got != h.cred.AdminAccountID {
		t.Errorf("linked account = %q, want the existing account %q", got, h.cred.AdminAccountID)
	}

	// A change that takes another user's email is refused too.
	other := h.createUser(userSpec{userName: "bob@example.com", email: "bob@example.com"})
	r = h.scim(http.MethodPatch, "/Users/"+other.str("id"), patchOp(map[string]any{
		"op": "replace", "path": `emails[type eq "work"].value`, "value": "jane@example.com",
	}))
	expectSCIMError(t, r, http.StatusConflict, "uniqueness")

	// Missing required attributes are 400 invalidValue.
	expectSCIMError(t, h.scim(http.MethodPost, "/Users", map[string]any{"userName": "x@example.com"}), http.StatusBadRequest, "invalidValue")
	expectSCIMError(t, h.scim(http.MethodPost, "/Users", map[string]any{"emails": []any{map[string]any{"value": "x@example.com"}}}), http.StatusBadRequest, "invalidValue")
	expectSCIMError(t, h.scim(http.MethodPost, "/Users", "{not json"), http.StatusBadRequest, "invalidSyntax")
}

func TestSCIMDeleteDeactivatesAndHides(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	u := h.createUser(userSpec{userName: "gone@example.com", email: "gone@example.com"})
	id := u.str("id")
	g := h.createGroup("leavers", id)

	expectStatus(t, h.scim(http.MethodDelete, "/Users/"+id, nil), http.StatusNoContent)
	expectSCIMError(t, h.scim(http.MethodGet, "/Users/"+id, nil), http.StatusNotFound, "")
	expectSCIMError(t, h.scim(http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "replace", "path": "title", "value": "x"})), http.StatusNotFound, "")
	expectSCIMError(t, h.scim(http.MethodPut, "/Users/"+id, userBody(userSpec{userName: "gone@example.com", email: "gone@example.com"})), http.StatusNotFound, "")
	expectSCIMError(t, h.scim(http.MethodDelete, "/Users/"+id, nil), http.StatusNotFound, "")

	r := h.scim(http.MethodGet, "/Users", nil)
	if r.num("totalResults") != 0 {
		t.Errorf("deactivated user still listed: %s", r.raw)
	}
	r = h.scim(http.MethodGet, "/Users?"+filterQuery(`userName eq "gone@example.com"`), nil)
	if r.num("totalResults") != 0 {
		t.Errorf("deactivated user still found by filter: %s", r.raw)
	}
	r = h.scim(http.MethodGet, "/Groups/"+g.str("id"), nil)
	if len(memberIDs(r)) != 0 {
		t.Errorf("deactivated user still a member: %s", r.raw)
	}
	// An unknown id is 404 as well.
	expectSCIMError(t, h.scim(http.MethodGet, "/Users/00000000-0000-4000-8000-000000000000", nil), http.StatusNotFound, "")
}

func TestSCIMRecreateRelinksAccount(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	first := h.createUser(userSpec{userName: "return@example.com", email: "return@example.com", displayName: "Before"})
	account := first.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId")
	if len(account) != 24 {
		t.Fatalf("account id %q is not 24 hex digits", account)
	}
	expectStatus(t, h.scim(http.MethodDelete, "/Users/"+first.str("id"), nil), http.StatusNoContent)

	again := h.createUser(userSpec{userName: "Return@Example.com", email: "return@example.com", displayName: "After"})
	if got := again.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId"); got != account {
		t.Errorf("re-created user got account %q, want the old %q", got, account)
	}
	if again.get("active") != true || again.str("displayName") != "After" || again.str("userName") != "Return@Example.com" {
		t.Errorf("re-created user: %s", again.raw)
	}
	if got := h.scim(http.MethodGet, "/Users/"+again.str("id"), nil); got.status != http.StatusOK {
		t.Errorf("re-created user not readable: %d", got.status)
	}

	fresh := h.createUser(userSpec{userName: "fresh@example.com", email: "fresh@example.com"})
	if fresh.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId") == account {
		t.Error("a new user reused another user's account")
	}

	// A user deactivated with active=false takes the same path: the PATCH answers the deactivated user,
	// the record answers 404 from then on, and re-POSTing its userName re-activates the same record.
	r := h.scim(http.MethodPatch, "/Users/"+fresh.str("id"), patchOp(map[string]any{"op": "replace", "path": "active", "value": false}))
	expectStatus(t, r, http.StatusOK)
	if r.get("active") != false {
		t.Fatalf("active not false: %s", r.raw)
	}
	expectSCIMError(t, h.scim(http.MethodGet, "/Users/"+fresh.str("id"), nil), http.StatusNotFound, "")
	r = h.createUser(userSpec{userName: "fresh@example.com", email: "fresh@example.com"})
	if r.str("id") != fresh.str("id") || r.get("active") != true {
		t.Errorf("re-POST of an inactive user: %s", r.raw)
	}
}

// Every way of deactivating a user (reference §1.6) makes it unavailable to the SCIM API and keeps its
// account, deactivated, in the Admin API; a re-POST of its userName re-activates the same record and account.
func TestSCIMDeactivationRoutes(t *testing.T) {
	routes := map[string]func(h *harness, id string) response{
		"DELETE": func(h *harness, id string) response { return h.scim(http.MethodDelete, "/Users/"+id, nil) },
		"PATCH active=false": func(h *harness, id string) response {
			return h.scim(http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "replace", "path": "active", "value": false}))
		},
		"PATCH path-less active=False": func(h *harness, id string) response {
			return h.scim(http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "replace", "value": map[string]any{"active": "False"}}))
		},
		"PUT active=false": func(h *harness, id string) response {
			b := userBody(userSpec{userName: "leaver@example.com", email: "leaver@example.com", externalID: "okta-leaver"})
			b["active"] = false
			return h.scim(http.MethodPut, "/Users/"+id, b)
		},
	}
	for name, deactivate := range routes {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			u := h.createUser(userSpec{userName: "leaver@example.com", email: "leaver@example.com", externalID: "okta-leaver"})
			stay := h.createUser(userSpec{userName: "stayer@example.com", email: "stayer@example.com"})
			id, account := u.str("id"), u.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId")
			g := h.createGroup("Movers", id, stay.str("id"))
			gid := g.str("id")
			orgGroup := h.adminGroupID("Movers")

			if r := deactivate(h, id); r.status != http.StatusNoContent && r.status != http.StatusOK {
				t.Fatalf("deactivation: %d %s", r.status, r.raw)
			} else if r.status == http.StatusOK && r.get("active") != false {
				t.Fatalf("deactivation answer: %s", r.raw)
			}

			// SCIM: every operation on the user is 404; lists omit it.
			expectSCIMError(t, h.scim(http.MethodGet, "/Users/"+id, nil), http.StatusNotFound, "")
			expectSCIMError(t, h.scim(http.MethodPatch, "/Users/"+id, patchOp(map[string]any{"op": "replace", "path": "active", "value": true})), http.StatusNotFound, "")
			expectSCIMError(t, h.scim(http.MethodPut, "/Users/"+id, userBody(userSpec{userName: "leaver@example.com", email: "leaver@example.com"})), http.StatusNotFound, "")
			expectSCIMError(t, h.scim(http.MethodDelete, "/Users/"+id, nil), http.StatusNotFound, "")
			for _, f := range []string{`userName eq "LEAVER@example.com"`, `externalId eq "okta-leaver"`} {
				if r := h.scim(http.MethodGet, "/Users?"+filterQuery(f), nil); r.num("totalResults") != 0 || len(r.list("Resources")) != 0 {
					t.Errorf("filter %s still finds the user: %s", f, r.raw)
				}
			}
			if r := h.scim(http.MethodGet, "/Users", nil); r.num("totalResults") != 1 || r.str("Resources", "0", "id") != stay.str("id") {
				t.Errorf("unfiltered list: %s", r.raw)
			}
			// Groups: the deactivated member is hidden; the other member stays.
			if got := memberIDs(h.scim(http.MethodGet, "/Groups/"+gid, nil)); !slices.Equal(got, []string{stay.str("id")}) {
				t.Errorf("group members while deactivated = %v", got)
			}

			// Admin API: the account stays listed, deactivated, and leaves the synced org group.
			r := h.admin(http.MethodGet, "/directories/-/users/"+account, nil)
			expectStatus(t, r, http.StatusOK)
			if r.str("data", "status") != "deactivated" || r.str("data", "accountStatus") != "inactive" || r.str("data", "deactivatedOn") == "" {
				t.Errorf("admin view of the deactivated account: %s", r.raw)
			}
			r = h.admin(http.MethodGet, "/directories/"+h.cred.DirectoryID+"/users/"+account, nil)
			expectStatus(t, r, http.StatusOK)
			found := func(q map[string]any) bool {
				t.Helper()
				r := h.admin(http.MethodPost, "/directories/-/users/search", q)
				expectStatus(t, r, http.StatusOK)
				return slices.ContainsFunc(r.list("data"), func(d any) bool { return dig(d, "accountId") == account })
			}
			if !found(map[string]any{"status": []string{"deactivated"}}) || found(map[string]any{"status": []string{"active"}}) ||
				!found(map[string]any{"emails": []string{"leaver@example.com"}}) {
				t.Error("users/search does not show the account as deactivated")
			}
			if found(map[string]any{"groupIds": []string{orgGroup}}) {
				t.Error("the deactivated account is still in the synced org group")
			}

			// The same userName, in any case, re-activates the record.
			again := h.createUser(userSpec{userName: "Leaver@Example.com", email: "leaver@example.com", externalID: "okta-leaver"})
			if again.str("id") != id || again.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId") != account ||
				again.get("active") != true {
				t.Fatalf("re-POST did not re-activate the same record and account: %s", again.raw)
			}
			expectStatus(t, h.scim(http.MethodGet, "/Users/"+id, nil), http.StatusOK)
			if r := h.scim(http.MethodGet, "/Users?"+filterQuery(`userName eq "leaver@example.com"`), nil); r.num("totalResults") != 1 {
				t.Errorf("after re-activation, by userName: %s", r.raw)
			}
			if r := h.scim(http.MethodGet, "/Users", nil); r.num("totalResults") != 2 {
				t.Errorf("after re-activation, a duplicate or a missing user: %s", r.raw)
			}
			if got := memberIDs(h.scim(http.MethodGet, "/Groups/"+gid, nil)); !slices.Equal(got, []string{id, stay.str("id")}) {
				t.Errorf("membership not restored by re-activation: %v", got)
			}
			if r := h.admin(http.MethodGet, "/directories/-/users/"+account, nil); r.str("data", "status") != "active" || r.str("data", "accountStatus") != "active" {
				t.Errorf("admin view after re-activation: %s", r.raw)
			}
			if !found(map[string]any{"groupIds": []string{orgGroup}}) {
				t.Error("re-activated account not back in the synced org group")
			}
		})
	}
}

// While a member is deactivated, group writes cannot address it: adding it is 404, and PUT/PATCH of the
// visible members keep its hidden membership for re-activation.
func TestSCIMDeactivatedMembersAreHiddenAndKept(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	var ids []string
	for i := range 3 {
		ids = append(ids, h.createUser(userSpec{userName: fmt.Sprintf("h%d@example.com", i), email: fmt.Sprintf("h%d@example.com", i)}).str("id"))
	}
	gid := h.createGroup("Hidden", ids[0], ids[1]).str("id")
	expectStatus(t, h.scim(http.MethodDelete, "/Users/"+ids[0], nil), http.StatusNoContent)

	expectSCIMError(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "add", "path": "members", "value": []any{map[string]any{"value": ids[0]}},
	})), http.StatusNotFound, "")
	expectStatus(t, h.scim(http.MethodPut, "/Groups/"+gid, map[string]any{"displayName": "Hidden", "members": []any{map[string]any{"value": ids[0]}}}), http.StatusBadRequest)
	expectSCIMError(t, h.scim(http.MethodPost, "/Groups", map[string]any{"displayName": "Other", "members": []any{map[string]any{"value": ids[0]}}}), http.StatusNotFound, "")
	r := h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "replace", "path": "members", "value": []any{map[string]any{"value": ids[2]}},
	}))
	expectStatus(t, r, http.StatusOK)
	if got := memberIDs(r); !slices.Equal(got, []string{ids[2]}) {
		t.Fatalf("after replace = %v", got)
	}
	// A remove naming the hidden member matches nothing visible: a no-op.
	expectStatus(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "remove", "path": fmt.Sprintf(`members[value eq "%s"]`, ids[0]),
	})), http.StatusOK)

	h.createUser(userSpec{userName: "h0@example.com", email: "h0@example.com"})
	if got := memberIDs(h.scim(http.MethodGet, "/Groups/"+gid, nil)); !slices.Equal(got, []string{ids[2], ids[0]}) {
		t.Errorf("after re-activation = %v, want the visible member and the restored one", got)
	}
	if u := h.scim(http.MethodGet, "/Users/"+ids[0], nil); len(u.list("groups")) != 1 || u.str("groups", "0", "value") != gid {
		t.Errorf("re-activated user's groups: %s", u.raw)
	}
}

// POST with active=false creates a user that is deactivated from the start (404 afterwards, account
// deactivated); POSTing active=false for a deactivated userName links the record and keeps it deactivated.
func TestSCIMCreateInactive(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	b := userBody(userSpec{userName: "dormant@example.com", email: "dormant@example.com"})
	b["active"] = false
	r := h.scim(http.MethodPost, "/Users", b)
	expectStatus(t, r, http.StatusCreated)
	id, account := r.str("id"), r.str("urn:scim:schemas:extension:atlassian-external:1.0", "atlassianAccountId")
	if r.get("active") != false || account == "" {
		t.Fatalf("created: %s", r.raw)
	}
	expectSCIMError(t, h.scim(http.MethodGet, "/Users/"+id, nil), http.StatusNotFound, "")
	if a := h.admin(http.MethodGet, "/directories/-/users/"+account, nil); a.str("data", "status") != "deactivated" || a.str("data", "deactivatedOn") == "" {
		t.Errorf("admin view: %s", a.raw)
	}
	r = h.scim(http.MethodPost, "/Users", b)
	expectStatus(t, r, http.StatusCreated)
	if r.str("id") != id || r.get("active") != false {
		t.Errorf("second inactive POST: %s", r.raw)
	}
	expectSCIMError(t, h.scim(http.MethodGet, "/Users/"+id, nil), http.StatusNotFound, "")
	if r := h.scim(http.MethodGet, "/Users", nil); r.num("totalResults") != 0 {
		t.Errorf("list: %s", r.raw)
	}
}

func TestSCIMGroupMembership(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	var ids []string
	for i := range 4 {
		r := h.createUser(userSpec{userName: fmt.Sprintf("m%d@example.com", i), email: fmt.Sprintf("m%d@example.com", i)})
		ids = append(ids, r.str("id"))
	}
	g := h.createGroup("Engineers", ids[0])
	gid := g.str("id")
	if g.str("meta", "resourceType") != "Group" || !strings.HasSuffix(g.str("meta", "location"), "/Groups/"+gid) {
		t.Errorf("group meta: %s", g.raw)
	}
	group := func(r response) []string {
		t.Helper()
		expectStatus(t, r, http.StatusOK)
		m := memberIDs(r)
		slices.Sort(m)
		return m
	}
	sorted := func(v ...string) []string { slices.Sort(v); return v }

	// add (re-adding a member is a no-op)
	got := group(h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "add", "path": "members", "value": []any{map[string]any{"value": ids[0]}, map[string]any{"value": ids[1]}, map[string]any{"value": ids[2]}},
	})))
	if want := sorted(ids[0], ids[1], ids[2]); !slices.Equal(got, want) {
		t.Fatalf("after add: %v, want %v", got, want)
	}
	// Member ids are case-exact: an upper-cased id matches nobody, so nothing is removed.
	got = group(h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "remove", "path": fmt.Sprintf(`members[value eq "%s"]`, strings.ToUpper(ids[0])),
	})))
	if want := sorted(ids[0], ids[1], ids[2]); !slices.Equal(got, want) {
		t.Fatalf("after case-mismatched remove: %v, want %v", got, want)
	}
	// Okta removes with a value filter in the path.
	got = group(h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "remove", "path": fmt.Sprintf(`members[value eq "%s"]`, ids[0]),
	})))
	if want := sorted(ids[1], ids[2]); !slices.Equal(got, want) {
		t.Fatalf("after Okta remove: %v, want %v", got, want)
	}
	// Entra removes with path "members" and a value list; op names are case-insensitive.
	got = group(h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "Remove", "path": "members", "value": []any{map[string]any{"value": ids[1]}},
	})))
	if want := sorted(ids[2]); !slices.Equal(got, want) {
		t.Fatalf("after Entra remove: %v, want %v", got, want)
	}
	// replace sets the exact list
	got = group(h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "replace", "path": "members", "value": []any{map[string]any{"value": ids[3]}, map[string]any{"value": ids[0]}},
	})))
	if want := sorted(ids[0], ids[3]); !slices.Equal(got, want) {
		t.Fatalf("after replace: %v, want %v", got, want)
	}
	// The user shows its groups.
	u := h.scim(http.MethodGet, "/Users/"+ids[3], nil)
	if len(u.list("groups")) != 1 || u.str("groups", "0", "value") != gid || u.str("groups", "0", "display") != "Engineers" {
		t.Errorf("user groups: %s", u.raw)
	}

	// Unknown and deactivated users cannot be added: 404, and nothing changes.
	expectSCIMError(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "add", "path": "members", "value": []any{map[string]any{"value": "no-such-user"}},
	})), http.StatusNotFound, "")
	expectStatus(t, h.scim(http.MethodDelete, "/Users/"+ids[1], nil), http.StatusNoContent)
	expectSCIMError(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "add", "path": "members", "value": []any{map[string]any{"value": ids[1]}},
	})), http.StatusNotFound, "")
	if got := group(h.scim(http.MethodGet, "/Groups/"+gid, nil)); !slices.Equal(got, sorted(ids[0], ids[3])) {
		t.Errorf("failed PATCH changed members: %v", got)
	}
	// PUT with an unknown member answers the serialized exception the spec documents.
	r := h.scim(http.MethodPut, "/Groups/"+gid, map[string]any{"displayName": "Engineers", "members": []any{map[string]any{"value": "nope"}}})
	expectStatus(t, r, http.StatusBadRequest)
	if r.str("responseStatus") != "BAD_REQUEST" || r.str("message") == "" {
		t.Errorf("PUT unknown member body: %s", r.raw)
	}

	// displayName is immutable; duplicates (any case) conflict.
	expectSCIMError(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "replace", "path": "displayName", "value": "Renamed",
	})), http.StatusBadRequest, "mutability")
	expectSCIMError(t, h.scim(http.MethodPut, "/Groups/"+gid, map[string]any{"displayName": "Renamed"}), http.StatusBadRequest, "mutability")
	r = h.scim(http.MethodPost, "/Groups", map[string]any{"displayName": "ENGINEERS"})
	expectSCIMError(t, r, http.StatusConflict, "uniqueness")
	if r.str("detail") != "A group with same name already exists." {
		t.Errorf("detail = %q", r.str("detail"))
	}

	// PUT replaces externalId and members; the same displayName is accepted.
	r = h.scim(http.MethodPut, "/Groups/"+gid, map[string]any{"displayName": "Engineers", "externalId": "okta-1", "members": []any{map[string]any{"value": ids[2]}}})
	if got := group(r); !slices.Equal(got, []string{ids[2]}) || r.str("externalId") != "okta-1" {
		t.Errorf("PUT: %s", r.raw)
	}
	// excludedAttributes=members keeps big groups cheap.
	r = h.scim(http.MethodGet, "/Groups/"+gid+"?excludedAttributes=members", nil)
	if r.get("members") != nil || r.str("id") != gid {
		t.Errorf("excludedAttributes: %s", r.raw)
	}

	expectStatus(t, h.scim(http.MethodDelete, "/Groups/"+gid, nil), http.StatusNoContent)
	expectSCIMError(t, h.scim(http.MethodGet, "/Groups/"+gid, nil), http.StatusNotFound, "")
	expectSCIMError(t, h.scim(http.MethodDelete, "/Groups/"+gid, nil), http.StatusNotFound, "")
}

func TestSCIMUserPatchForms(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	u := h.createUser(userSpec{userName: "pat@example.com", email: "pat@example.com"})
	id := u.str("id")
	patch := func(body any) response { t.Helper(); return h.scim(http.MethodPatch, "/Users/"+id, body) }

	r := patch(patchOp(
		map[string]any{"op": "Replace", "path": "name.givenName", "value": "Pat"},
		map[string]any{"op": "add", "path": "name.familyName", "value": "Doe"},
		map[string]any{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "R&D"},
		map[string]any{"op": "replace", "path": "title", "value": "Engineer"},
		map[string]any{"op": "add", "path": `emails[type eq "work"].value`, "value": "pat.doe@example.com"},
	))
	expectStatus(t, r, http.StatusOK)
	if r.str("name", "givenName") != "Pat" || r.str("name", "familyName") != "Doe" || r.str("title") != "Engineer" ||
		r.str("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "department") != "R&D" ||
		r.str("emails", "0", "value") != "pat.doe@example.com" || len(r.list("emails")) != 1 {
		t.Fatalf("patched user: %s", r.raw)
	}

	// Path-less value objects, string booleans (as Entra sends them) and the lower-case
	// "operations" key of the Atlassian spec are accepted. ("False" deactivates: TestSCIMDeactivationRoutes.)
	r = patch(map[string]any{
		"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"operations": []any{map[string]any{"op": "replace", "value": map[string]any{
			"active": "True", "displayName": "Pat Doe",
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization": "Example",
		}}},
	})
	expectStatus(t, r, http.StatusOK)
	if r.get("active") != true || r.str("displayName") != "Pat Doe" ||
		r.str("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "organization") != "Example" ||
		r.str("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "department") != "R&D" {
		t.Fatalf("path-less patch: %s", r.raw)
	}
	r = patch(patchOp(map[string]any{"op": "remove", "path": "title"}, map[string]any{"op": "replace", "path": "active", "value": true}))
	if r.get("title") != nil || r.get("active") != true {
		t.Fatalf("remove title: %s", r.raw)
	}

	expectSCIMError(t, patch(patchOp(map[string]any{"op": "replace", "path": "shoeSize", "value": "42"})), http.StatusBadRequest, "invalidPath")
	expectSCIMError(t, patch(patchOp(map[string]any{"op": "remove"})), http.StatusBadRequest, "noTarget")
	expectSCIMError(t, patch(patchOp(map[string]any{"op": "replace", "path": "id", "value": "x"})), http.StatusBadRequest, "mutability")
	expectSCIMError(t, patch(patchOp(map[string]any{"op": "remove", "path": "userName"})), http.StatusBadRequest, "invalidValue")
	expectSCIMError(t, patch(patchOp(map[string]any{"op": "replace", "path": `emails[type eq "home"].value`, "value": "x@example.com"})), http.StatusBadRequest, "noTarget")
	expectSCIMError(t, patch(patchOp(map[string]any{"op": "move", "path": "title"})), http.StatusBadRequest, "invalidSyntax")
	expectSCIMError(t, patch(map[string]any{"Operations": []any{}}), http.StatusBadRequest, "invalidSyntax")

	// A failed PATCH changes nothing.
	r = h.scim(http.MethodGet, "/Users/"+id, nil)
	if r.str("userName") != "pat@example.com" || r.str("displayName") != "Pat Doe" {
		t.Errorf("user after failed patches: %s", r.raw)
	}

	// PUT replaces everything: attributes it omits are cleared.
	r = h.scim(http.MethodPut, "/Users/"+id, userBody(userSpec{userName: "pat@example.com", email: "pat@example.com"}))
	expectStatus(t, r, http.StatusOK)
	if r.get("displayName") != nil || r.get("name") != nil || r.str("emails", "0", "value") != "pat@example.com" {
		t.Errorf("PUT: %s", r.raw)
	}
	// attributes= selects what comes back; id and schemas always do.
	r = h.scim(http.MethodGet, "/Users/"+id+"?attributes=userName,emails.value", nil)
	if r.str("userName") == "" || r.str("id") != id || r.get("active") != nil || r.str("emails", "0", "value") != "pat@example.com" || r.get("emails", "0", "type") != nil {
		t.Errorf("attributes projection: %s", r.raw)
	}
	expectSCIMError(t, h.scim(http.MethodGet, "/Users/"+id+"?attributes=userName&excludedAttributes=title", nil), http.StatusBadRequest, "invalidSyntax")
}

func TestSCIMDiscovery(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	r := h.scim(http.MethodGet, "/ServiceProviderConfig", nil)
	expectStatus(t, r, http.StatusOK)
	for path, want := range map[string]any{
		"patch.supported": true, "bulk.supported": false, "filter.supported": true, "filter.maxResults": float64(100),
		"changePassword.supported": false, "sort.supported": false, "etag.supported": false,
		"authenticationSchemes.0.type": "oauthbearertoken",
	} {
		if got := r.get(strings.Split(path, ".")...); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	r = h.scim(http.MethodGet, "/ResourceTypes", nil)
	if r.num("totalResults") != 2 || r.str("Resources", "0", "endpoint") != "/Users" {
		t.Errorf("ResourceTypes: %s", r.raw)
	}
	expectStatus(t, h.scim(http.MethodGet, "/ResourceTypes/Group", nil), http.StatusOK)
	r = h.scim(http.MethodGet, "/Schemas", nil)
	if r.num("totalResults") != 3 {
		t.Errorf("Schemas: %s", r.raw)
	}
	r = h.scim(http.MethodGet, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", nil)
	if r.str("id") != "urn:ietf:params:scim:schemas:core:2.0:User" || len(r.list("attributes")) == 0 {
		t.Errorf("User schema: %s", r.raw)
	}
	expectSCIMError(t, h.scim(http.MethodGet, "/Schemas/urn:nope", nil), http.StatusNotFound, "")
}
