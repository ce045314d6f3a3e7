package emulator

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Users (reference §2.7): the org's accounts, searched and read per directory; an account belongs to one
// directory (the local one for invited accounts, the identity provider's for SCIM-provisioned ones).

type userSearch struct {
	AccountIDs       []string `json:"accountIds,omitempty"`
	Emails           []string `json:"emails,omitempty"`
	EmailDomains     []string `json:"emailDomains,omitempty"`
	GroupIDs         []string `json:"groupIds,omitempty"`
	DirectoryIDs     []string `json:"directoryIds,omitempty"`
	ResourceIDs      []string `json:"resourceIds,omitempty"`
	RoleIDs          []string `json:"roleIds,omitempty"`
	Status           []string `json:"status,omitempty"`
	AccountStatus    []string `json:"accountStatus,omitempty"`
	MembershipStatus []string `json:"membershipStatus,omitempty"`
	ClaimStatus      string   `json:"claimStatus,omitempty"`
	MFAEnabled       *bool    `json:"mfaEnabled,omitempty"`
	SearchTerm       *string  `json:"searchTerm,omitempty"`
	Expand           []string `json:"expand,omitempty"`
	searchControls
}

func (q *userSearch) problem() string {
	if q.Emails != nil && q.SearchTerm != nil {
		return "searchTerm and emails are mutually exclusive."
	}
	if q.ClaimStatus != "" && q.ClaimStatus != "managed" && q.ClaimStatus != "unmanaged" {
		return "claimStatus must be managed or unmanaged."
	}
	return firstProblem(
		checkList("accountIds", q.AccountIDs, maxIDValues),
		checkList("emails", q.Emails, maxExactValues),
		checkList("emailDomains", q.EmailDomains, maxIDValues),
		checkList("groupIds", q.GroupIDs, maxIDValues),
		checkList("directoryIds", q.DirectoryIDs, maxIDValues),
		checkList("resourceIds", q.ResourceIDs, maxResourceIDValues),
		checkList("roleIds", q.RoleIDs, maxIDValues),
		checkList("status", q.Status, 4),
		checkEnum("status", q.Status, "active", "suspended", "not_invited", "deactivated", "for_deletion"),
		checkList("accountStatus", q.AccountStatus, 3),
		checkEnum("accountStatus", q.AccountStatus, "active", "inactive", "closed"),
		checkList("membershipStatus", q.MembershipStatus, 3),
		checkEnum("membershipStatus", q.MembershipStatus, "active", "suspended", "no_membership"),
		checkEnum("expand", q.Expand, "platformRoles", "counts.resources", "productAccess", "groups"),
		checkSort(q.SortBy, "nick_name"),
	)
}

func accountStatus(a *account) string {
	if a.Active {
		return "active"
	}
	return "inactive"
}

// claimStatus: accounts provisioned from the identity provider are managed (their domain is verified).
func claimStatus(a *account) string {
	if a.Source == "synced" {
		return "managed"
	}
	return "unmanaged"
}

// accountGroups lists the visible groups an account belongs to, within a directory scope.
func (st *state) accountGroups(accountID, dir string, now time.Time) []*orgGroup {
	var out []*orgGroup
	for _, g := range st.visibleOrgGroups(now) {
		if (dir == allDirectories || g.DirectoryID == dir) && g.hasMember(accountID) {
			out = append(out, g)
		}
	}
	return out
}

// accountResources counts the resources an account has a role on through its groups.
func (st *state) accountResources(accountID string, now time.Time) int {
	seen := map[string]bool{}
	for _, g := range st.accountGroups(accountID, allDirectories, now) {
		for res := range st.visibleGroupRoles(g.ID, now) {
			seen[res] = true
		}
	}
	return len(seen)
}

func (st *state) platformRoles(accountID string) []string {
	roles := []string{}
	for name, role := range map[string]string{groupOrgAdmins: "atlassian/org-admin", groupSiteAdmins: "atlassian/site-admin"} {
		if g := st.orgGroupByName(name); g != nil && g.hasMember(accountID) {
			roles = append(roles, role)
		}
	}
	slices.Sort(roles)
	return roles
}

func (st *state) userMatches(a *account, dir string, q *userSearch, now time.Time) bool {
	email := strings.ToLower(a.Email)
	switch {
	case dir != allDirectories && a.DirectoryID != dir,
		q.DirectoryIDs != nil && !slices.Contains(q.DirectoryIDs, a.DirectoryID),
		q.AccountIDs != nil && !slices.Contains(q.AccountIDs, a.ID),
		q.Emails != nil && !slices.ContainsFunc(q.Emails, func(e string) bool { return strings.EqualFold(e, a.Email) }),
		q.EmailDomains != nil && !slices.ContainsFunc(q.EmailDomains, func(d string) bool {
			return strings.HasSuffix(email, "@"+strings.ToLower(strings.TrimPrefix(d, "@")))
		}),
		q.SearchTerm != nil && !strings.Contains(strings.ToLower(a.Name), strings.ToLower(*q.SearchTerm)) &&
			!strings.Contains(email, strings.ToLower(*q.SearchTerm)),
		q.Status != nil && !slices.Contains(q.Status, a.status()),
		q.AccountStatus != nil && !slices.Contains(q.AccountStatus, accountStatus(a)),
		q.MembershipStatus != nil && !slices.Contains(q.MembershipStatus, a.membershipStatus()),
		q.ClaimStatus != "" && q.ClaimStatus != claimStatus(a),
		q.MFAEnabled != nil && *q.MFAEnabled: // no emulated account has two-step verification
		return false
	}
	groups := st.accountGroups(a.ID, allDirectories, now)
	if q.GroupIDs != nil && !slices.ContainsFunc(groups, func(g *orgGroup) bool { return slices.Contains(q.GroupIDs, g.ID) }) {
		return false
	}
	if q.ResourceIDs != nil || q.RoleIDs != nil {
		return slices.ContainsFunc(groups, func(g *orgGroup) bool { return st.holdsRole(g.ID, q.ResourceIDs, nil, q.RoleIDs, now) })
	}
	return true
}

// renderAdminUser is a MultiDirectoryUser (search) or MultiDirectoryUserDetailsData (details).
func (st *state) renderAdminUser(a *account, dir string, expand []string, details bool, now time.Time) map[string]any {
	doc := map[string]any{
		"accountId":        a.ID,
		"accountType":      "atlassian",
		"accountStatus":    accountStatus(a),
		"status":           a.status(),
		"membershipStatus": a.membershipStatus(),
		"claimStatus":      claimStatus(a),
		"email":            a.Email,
		"emailVerified":    true,
		"name":             a.Name,
		"mfaEnabled":       false,
		"addedToOrg":       adminTime(a.AddedAt),
	}
	if a.Source != "" {
		doc["managementSource"] = a.Source
	} else {
		doc["managementSource"] = nil
	}
	for k, v := range map[string]string{
		"nickname": a.Nickname, "jobTitle": a.JobTitle, "department": a.Department,
		"organization": a.Organization, "timeZone": a.TimeZone,
	} {
		if v != "" {
			doc[k] = v
		}
	}
	if details && !a.Active && !a.DeactivateAt.IsZero() {
		doc["deactivatedOn"] = adminTime(a.DeactivateAt)
	}
	if details || slices.Contains(expand, "platformRoles") {
		doc["platformRoles"] = st.platformRoles(a.ID)
	}
	if details || slices.Contains(expand, "counts.resources") {
		doc["counts"] = map[string]any{"resources": st.accountResources(a.ID, now)}
	}
	if slices.Contains(expand, "productAccess") {
		doc["productAccess"] = st.renderProductAccess(a, now)
	}
	if slices.Contains(expand, "groups") {
		groups := []any{}
		for _, g := range st.accountGroups(a.ID, dir, now) {
			var desc any
			if g.Description != "" {
				desc = g.Description
			}
			groups = append(groups, map[string]any{"id": g.ID, "name": g.Name, "description": desc})
		}
		doc["groups"] = groups
	}
	return doc
}

func (e *Emulator) adminSearchUsers(w http.ResponseWriter, r *http.Request) {
	adminSearch[userSearch](e, w, r, userSearchDefaultLimit,
		func(st *state, _ time.Time) []*account {
			out := make([]*account, 0, len(st.accountOrder))
			for _, id := range st.accountOrder {
				out = append(out, st.accounts[id])
			}
			return out
		},
		(*state).userMatches,
		func(a *account) string { return firstNonEmpty(a.Nickname, a.Name) },
		func(st *state, a *account, dir string, q *userSearch, now time.Time) any {
			return st.renderAdminUser(a, dir, q.Expand, false, now)
		})
}

func (e *Emulator) adminGetUser(w http.ResponseWriter, r *http.Request) {
	dir, id := r.PathValue("directoryId"), r.PathValue("accountId")
	e.do(w, apiAdmin, func(st *state, now time.Time) reply {
		if scope := st.readScope(dir); scope.failed() {
			return scope
		}
		a := st.accounts[id]
		if a == nil || (dir != allDirectories && a.DirectoryID != dir) {
			return adminFail(http.StatusNotFound, codeUserNotFound, "User %s was not found in this directory.", id)
		}
		return replyOK(http.StatusOK, map[string]any{"data": st.renderAdminUser(a, dir, nil, true, now)})
	})
}
