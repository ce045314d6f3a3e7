package emulator_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// searchUser finds one account by id with the given expansions.
func (h *harness) searchUser(accountID string, expand ...string) map[string]any {
	h.t.Helper()
	body := map[string]any{"accountIds": []string{accountID}}
	if len(expand) > 0 {
		body["expand"] = expand
	}
	r := h.admin(http.MethodPost, "/directories/-/users/search", body)
	expectStatus(h.t, r, http.StatusOK)
	if len(r.list("data")) != 1 {
		h.t.Fatalf("search for %s: %s", accountID, r.raw)
	}
	return r.list("data")[0].(map[string]any)
}

// searchIDs runs a user search and returns the account ids it finds.
func (h *harness) searchIDs(body map[string]any) []string {
	h.t.Helper()
	r := h.admin(http.MethodPost, "/directories/-/users/search", body)
	expectStatus(h.t, r, http.StatusOK)
	var ids []string
	for _, u := range r.list("data") {
		ids = append(ids, dig(u, "accountId").(string))
	}
	slices.Sort(ids)
	return ids
}

func (h *harness) lastActiveDates(accountID string) response {
	h.t.Helper()
	r := h.do(http.MethodGet, "/admin/v1/orgs/"+h.cred.OrgID+"/directory/users/"+accountID+"/last-active-dates", "Bearer "+h.cred.AdminAPIKey, nil)
	expectStatus(h.t, r, http.StatusOK)
	return r
}

func groupNames(u map[string]any) []string {
	var out []string
	for _, g := range dig(u, "groups").([]any) {
		out = append(out, dig(g, "name").(string))
	}
	return out
}

// A suspension answers status "suspended" (accountStatus active, membershipStatus suspended), keeps the
// groups, takes the product access away until the restore, and is scoped to the account's directory.
func TestAdminSuspendRestore(t *testing.T) {
	h := newHarness(t, emulator.Options{Population: emulator.Population{Idle: 1}})
	idle := h.cred.Population.Idle[0]
	path := "/directories/" + h.defaultDirectory() + "/users/" + idle

	before := h.searchUser(idle, "productAccess", "groups")
	if dig(before, "status") != "active" || len(dig(before, "productAccess").([]any)) != 1 {
		t.Fatalf("idle account before suspension: %v", before)
	}
	r := h.admin(http.MethodPost, path+"/suspend", nil)
	expectStatus(t, r, http.StatusNoContent)
	if len(r.raw) != 0 {
		t.Errorf("204 with a body: %s", r.raw)
	}
	u := h.searchUser(idle, "productAccess", "groups")
	for k, want := range map[string]any{"status": "suspended", "accountStatus": "active", "membershipStatus": "suspended"} {
		if dig(u, k) != want {
			t.Errorf("suspended %s = %v, want %v", k, dig(u, k), want)
		}
	}
	if pa := dig(u, "productAccess").([]any); len(pa) != 0 {
		t.Errorf("suspended account keeps product access: %v", pa)
	}
	if !slices.Contains(groupNames(u), "confluence-users") {
		t.Errorf("suspension dropped the groups: %v", groupNames(u))
	}
	if got := h.searchIDs(map[string]any{"status": []string{"suspended"}}); !slices.Equal(got, []string{idle}) {
		t.Errorf("status suspended finds %v, want %v", got, []string{idle})
	}
	if got := h.searchIDs(map[string]any{"membershipStatus": []string{"active"}, "accountIds": []string{idle}}); len(got) != 0 {
		t.Errorf("membershipStatus active finds the suspended account: %v", got)
	}
	if d := h.admin(http.MethodGet, "/directories/-/users/"+idle, nil); d.str("data", "status") != "suspended" {
		t.Errorf("user details of a suspended account: %s", d.raw)
	}
	if pa := h.lastActiveDates(idle).list("data", "product_access"); len(pa) != 0 {
		t.Errorf("last-active-dates of a suspended account: %v", pa)
	}

	expectStatus(t, h.admin(http.MethodPost, path+"/restore", nil), http.StatusNoContent)
	u = h.searchUser(idle, "productAccess")
	if dig(u, "status") != "active" || dig(u, "membershipStatus") != "active" || len(dig(u, "productAccess").([]any)) != 1 {
		t.Errorf("restored account: %v", u)
	}
	expectStatus(t, h.admin(http.MethodPost, path+"/restore", nil), http.StatusNoContent) // a no-op

	// The account lives in the local directory: the identity provider's does not hold it, and "-" is a read-only scope.
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+h.cred.DirectoryID+"/users/"+idle+"/suspend", nil), http.StatusNotFound, "ADMIN-404-8")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/-/users/"+idle+"/suspend", nil), http.StatusBadRequest, "ADMIN-400-24")
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+h.defaultDirectory()+"/users/nobody/suspend", nil), http.StatusNotFound, "ADMIN-404-8")
	if dig(h.searchUser(idle), "status") != "active" {
		t.Error("a refused suspension changed the account")
	}
}

// A suspended admin's Confluence token stops working until the restore.
func TestAdminSuspendedCallerLosesConfluence(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	path := "/directories/" + h.defaultDirectory() + "/users/" + h.cred.AdminAccountID
	expectStatus(t, h.wikiGet("/wiki/rest/api/user/current"), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, path+"/suspend", nil), http.StatusNoContent)
	expectStatus(t, h.wikiGet("/wiki/rest/api/user/current"), http.StatusUnauthorized)
	expectStatus(t, h.admin(http.MethodPost, path+"/restore", nil), http.StatusNoContent)
	expectStatus(t, h.wikiGet("/wiki/rest/api/user/current"), http.StatusOK)
}

// productAccess holds the Confluence site for accounts whose groups give them a role there and who have been
// active; last-active-dates reports the same state in its own shape.
func TestAdminProductAccess(t *testing.T) {
	start := time.Now().UTC()
	h := newHarness(t, emulator.Options{Population: emulator.Population{Idle: 1, IdleDays: 30, NeverActive: 1, Suspended: 1, Deactivated: 1}})
	p := h.cred.Population
	ari := h.confluenceARI()

	access := func(id string) []any {
		t.Helper()
		return dig(h.searchUser(id, "productAccess"), "productAccess").([]any)
	}
	stamp := func(entry any) time.Time {
		t.Helper()
		if dig(entry, "id") != ari || dig(entry, "key") != "confluence" {
			t.Errorf("product access entry %v, want id %s and key confluence", entry, ari)
		}
		ts, err := time.Parse(time.RFC3339Nano, dig(entry, "lastActiveTimestamp").(string))
		if err != nil {
			t.Fatalf("lastActiveTimestamp: %v", err)
		}
		return ts
	}
	near := func(got, want time.Time) bool { return got.Sub(want).Abs() < time.Minute }

	admin := access(h.cred.AdminAccountID)
	if len(admin) != 1 || !near(stamp(admin[0]), start) {
		t.Errorf("admin product access %v, want Confluence active at %v", admin, start)
	}
	idle := access(p.Idle[0])
	idleSince := start.AddDate(0, 0, -30)
	if len(idle) != 1 || !near(stamp(idle[0]), idleSince) {
		t.Errorf("idle product access %v, want Confluence active at %v", idle, idleSince)
	}
	for name, id := range map[string]string{"never active": p.NeverActive[0], "suspended": p.Suspended[0], "deactivated": p.Deactivated[0]} {
		if got := access(id); len(got) != 0 {
			t.Errorf("%s account has product access %v", name, got)
		}
	}
	if s := dig(h.searchUser(p.Deactivated[0]), "status"); s != "deactivated" {
		t.Errorf("deactivated account status %v", s)
	}

	r := h.lastActiveDates(p.Idle[0])
	pa := r.list("data", "product_access")
	if len(pa) != 1 || dig(pa[0], "key") != "confluence" || dig(pa[0], "id") != h.cred.CloudID ||
		dig(pa[0], "last_active") != idleSince.Format(time.DateOnly) {
		t.Errorf("last-active-dates of the idle account: %s", r.raw)
	}
	if r.str("data", "added_to_org") == "" || r.get("links") == nil {
		t.Errorf("last-active-dates without added_to_org or links: %s", r.raw)
	}
	if pa := h.lastActiveDates(p.NeverActive[0]).list("data", "product_access"); len(pa) != 0 {
		t.Errorf("never active account reports activity: %v", pa)
	}

	// Product access comes from the group's role: out of confluence-users, the idle account has none.
	users := h.adminGroupID("confluence-users")
	expectStatus(t, h.admin(http.MethodDelete, h.groupPath(users, "/memberships/")+p.Idle[0], nil), http.StatusNoContent)
	if got := access(p.Idle[0]); len(got) != 0 {
		t.Errorf("account without a role on the site keeps product access %v", got)
	}
	expectAdminError(t, h.do(http.MethodGet, "/admin/v1/orgs/"+h.cred.OrgID+"/directory/users/nobody/last-active-dates", "Bearer "+h.cred.AdminAPIKey, nil), http.StatusNotFound, "ADMIN-404-8")
}

// Guests hold atlassian/guest on the Confluence site through confluence-guests, which the role search finds,
// and no atlassian/user; v1 still answers isGuest for them.
func TestAdminGuestsHoldTheGuestRole(t *testing.T) {
	h := newHarness(t, emulator.Options{Guests: []string{"gus@partner.example"}, Population: emulator.Population{Guests: 1}})
	guests := slices.Sorted(slices.Values(h.cred.GuestAccountIDs))
	if len(guests) != 2 {
		t.Fatalf("guest ids %v, want 2", h.cred.GuestAccountIDs)
	}
	got := h.searchIDs(map[string]any{"roleIds": []string{"atlassian/guest"}, "resourceIds": []string{h.confluenceARI()}})
	if !slices.Equal(got, guests) {
		t.Errorf("atlassian/guest holders %v, want %v", got, guests)
	}
	users := h.searchIDs(map[string]any{"roleIds": []string{"atlassian/user"}, "resourceIds": []string{h.confluenceARI()}})
	if slices.ContainsFunc(users, func(id string) bool { return slices.Contains(guests, id) }) {
		t.Errorf("a guest holds atlassian/user: %v", users)
	}
	r := h.wikiGet("/wiki/rest/api/user/bulk?accountId=" + guests[0] + "," + guests[1])
	expectStatus(t, r, http.StatusOK)
	for _, u := range r.list("results") {
		if dig(u, "isGuest") != true {
			t.Errorf("guest answered without isGuest: %v", u)
		}
	}
	// The population's guest is active; the named one has no recorded activity.
	if u := h.searchUser(h.cred.GuestAccountIDs[1], "productAccess"); len(dig(u, "productAccess").([]any)) != 1 {
		t.Errorf("population guest without product access: %v", u)
	}
	if u := h.searchUser(h.cred.GuestAccountIDs[0], "productAccess"); len(dig(u, "productAccess").([]any)) != 0 {
		t.Errorf("named guest with product access: %v", u)
	}
}

// Options.Population seeds the documented emails, ids and memberships, and nothing without it.
func TestPopulationSeed(t *testing.T) {
	h := newHarness(t, emulator.Options{Population: emulator.Population{Idle: 2, NeverActive: 1, Suspended: 1, Deactivated: 1, Guests: 1}})
	p := h.cred.Population
	for email, id := range map[string]string{
		"idle-001@example.com": p.Idle[0], "idle-002@example.com": p.Idle[1], "never-001@example.com": p.NeverActive[0],
		"suspended-001@example.com": p.Suspended[0], "deactivated-001@example.com": p.Deactivated[0],
		"guest-001@partner.example": h.cred.GuestAccountIDs[0],
	} {
		if got := h.searchIDs(map[string]any{"emails": []string{email}}); !slices.Equal(got, []string{id}) {
			t.Errorf("email %s finds %v, want %s", email, got, id)
		}
	}
	members := h.searchIDs(map[string]any{"groupIds": []string{h.adminGroupID("confluence-users")}})
	for _, id := range slices.Concat(p.Idle, p.NeverActive, p.Suspended, p.Deactivated) {
		if !slices.Contains(members, id) {
			t.Errorf("%s is not a member of confluence-users", id)
		}
	}
	if slices.Contains(members, h.cred.GuestAccountIDs[0]) {
		t.Error("the guest is a member of confluence-users")
	}
	for status, want := range map[string][]string{"suspended": p.Suspended, "deactivated": p.Deactivated} {
		if got := h.searchIDs(map[string]any{"status": []string{status}}); !slices.Equal(got, want) {
			t.Errorf("status %s finds %v, want %v", status, got, want)
		}
	}

	plain := newHarness(t, emulator.Options{})
	if got := plain.searchIDs(nil); !slices.Equal(got, []string{plain.cred.AdminAccountID}) {
		t.Errorf("a plain emulator holds %v, want only the admin", got)
	}
	if r := plain.admin(http.MethodPost, "/directories/-/groups/search", map[string]any{"groupNames": []string{"confluence-guests"}}); len(r.list("data")) != 0 {
		t.Errorf("confluence-guests exists without guests: %s", r.raw)
	}
}
