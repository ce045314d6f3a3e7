package emulator

import (
	"net/http"
	"slices"
	"time"
)

// An account's access lifecycle and product activity in the Organizations API (reference §2.7): suspending
// and restoring access in a directory (v2 users/{accountId}/suspend|restore), and the product access and
// last-active times the user search's productAccess expand and the v1 last-active-dates route report.

// adminSuspendUser: POST …/directories/{directoryId}/users/{accountId}/suspend → 204. "Suspend a user's
// access in a directory to remove their access to apps temporarily … They regain their roles and group
// memberships when you restore their access" (org spec). The account keeps its memberships in the model;
// while suspended it answers status "suspended" (membershipStatus "suspended", accountStatus unchanged, as
// the Status schema composes them), has no productAccess, and cannot use Confluence.
func (e *Emulator) adminSuspendUser(w http.ResponseWriter, r *http.Request) {
	e.adminAccessChange(w, r, true)
}

// adminRestoreUser: POST …/directories/{directoryId}/users/{accountId}/restore → 204.
func (e *Emulator) adminRestoreUser(w http.ResponseWriter, r *http.Request) {
	e.adminAccessChange(w, r, false)
}

// adminAccessChange suspends or restores an account's access. UNCONFIRMED: suspending a suspended account
// and restoring one that is not suspended are 204 no-ops (the document lists no conflict), so a retry after
// an ambiguous outcome is safe; suspending a deactivated account records the suspension, which shows once
// the account is reactivated (status stays "deactivated" meanwhile, as accountStatus "inactive" wins).
func (e *Emulator) adminAccessChange(w http.ResponseWriter, r *http.Request, suspend bool) {
	dir, id := r.PathValue("directoryId"), r.PathValue("accountId")
	e.do(w, apiAdmin, func(st *state, _ time.Time) reply {
		if scope := st.writeScope(dir); scope.failed() {
			return scope
		}
		a := st.accounts[id]
		if a == nil || a.DirectoryID != dir {
			return adminFail(http.StatusNotFound, codeUserNotFound, "User %s was not found in this directory.", id)
		}
		a.Suspended = suspend
		return replyOK(http.StatusNoContent, nil)
	})
}

// productActivity is one product of the site an account has access to, with its last activity there.
type productActivity struct {
	ARI, Key   string
	LastActive time.Time
}

// productActivities lists, per site app, the products the account can use (a role on the app through its
// visible groups, while neither suspended nor deactivated) and has been active in. UNCONFIRMED: a product
// the account never used is left out, as the last-active-dates document says of its product_access ("If
// the user has not accessed a product, the product_access response field will be empty"); the v2
// productAccess expand documents nothing for that case and is answered the same way.
func (st *state) productActivities(a *account, now time.Time) []productActivity {
	var out []productActivity
	if !a.hasProductAccess() {
		return out
	}
	groups := st.accountGroups(a.ID, allDirectories, now)
	for _, app := range siteApps {
		ari := appARI(app.key, st.site.CloudID)
		last, active := a.LastActive[app.key]
		if !active || !slices.ContainsFunc(groups, func(g *orgGroup) bool { return st.holdsRole(g.ID, []string{ari}, nil, nil, now) }) {
			continue
		}
		out = append(out, productActivity{ARI: ari, Key: app.key, LastActive: last})
	}
	return out
}

// renderProductAccess is the productAccess expand of a user: MultiDirectoryProductAccess objects.
func (st *state) renderProductAccess(a *account, now time.Time) []any {
	out := []any{}
	for _, p := range st.productActivities(a, now) {
		out = append(out, map[string]any{
			"id": p.ARI, "key": p.Key, "lastActiveTimestamp": p.LastActive.UTC().Format(time.RFC3339Nano),
		})
	}
	return out
}

// adminLastActiveDates: GET /admin/v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates → a
// UserProductAccessActivityPage from the same state as the productAccess expand. There is never a next page,
// so any cursor is one this API did not issue: 400 with the code the route documents (ADMIN-400-4). An
// account the org does not hold is 404 ADMIN-404-8. UNCONFIRMED: UserProductLastActive.id ("Unique ID of
// the Product instance") is the site's cloud id here, where the v2 expand documents the site ARI.
func (e *Emulator) adminLastActiveDates(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("accountId")
	if r.URL.Query().Get("cursor") != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidResource, "Invalid page cursor.")
		return
	}
	e.do(w, apiAdmin, func(st *state, now time.Time) reply {
		a := st.accounts[id]
		if a == nil {
			return adminFail(http.StatusNotFound, codeUserNotFound, "User %s was not found.", id)
		}
		access := []any{}
		for _, p := range st.productActivities(a, now) {
			access = append(access, map[string]any{
				"id": st.site.CloudID, "key": p.Key,
				"last_active":           p.LastActive.UTC().Format(time.DateOnly),
				"last_active_timestamp": p.LastActive.UTC().Format(time.RFC3339),
			})
		}
		return replyOK(http.StatusOK, map[string]any{
			"data": map[string]any{
				"product_access":         access,
				"added_to_org":           a.AddedAt.UTC().Format(time.DateOnly),
				"added_to_org_timestamp": a.AddedAt.UTC().Format(time.RFC3339),
			},
			"links": map[string]any{},
		})
	})
}
