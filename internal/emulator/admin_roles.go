package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Group role assignments (product access, reference §2.6) and the site apps they name.

// siteApp is one app of the seeded site. Each app is a workspace of the org, whose id is the resource ARI
// role assignments name. Jira shares the site (same cloud id and host), so a lookup by host alone is
// ambiguous, as on a real site. Confluence's roles are those reference §2.6 lists for it; Jira's are assumed.
type siteApp struct {
	key, name string
	roles     []string
}

var siteApps = []siteApp{
	{"confluence", "Confluence", []string{"atlassian/user", "atlassian/admin", "atlassian/guest", "atlassian/user-access-admin"}},
	{"jira-software", "Jira", []string{"atlassian/user", "atlassian/admin", "atlassian/user-access-admin"}},
}

// assignableRoles are the roleId values the assign and revoke bodies document.
var assignableRoles = []string{
	"atlassian/user", "atlassian/user-access-admin", "atlassian/admin", "atlassian/guest", "atlassian/contributor",
	"atlassian/customer", "atlassian/basic", "atlassian/stakeholder", "atlassian/viewer",
}

// adminRoles make their holders admins of a product or of the org: a group holding one cannot be deleted.
var adminRoles = []string{"atlassian/admin", "atlassian/site-admin", "atlassian/org-admin"}

func appARI(app, cloudID string) string { return "ari:cloud:" + app + "::site/" + cloudID }

// resourceApp returns the site app a resource ARI names, or nil.
func (st *state) resourceApp(ari string) *siteApp {
	for i := range siteApps {
		if appARI(siteApps[i].key, st.site.CloudID) == ari {
			return &siteApps[i]
		}
	}
	return nil
}

// resourceOwner is the app key of an ARI: "ari:cloud:confluence::site/…" → "confluence".
func resourceOwner(ari string) string {
	owner, _, _ := strings.Cut(strings.TrimPrefix(ari, "ari:cloud:"), "::")
	return owner
}

// grantsAdmin reports whether a group holds an admin role on any resource.
func (st *state) grantsAdmin(groupID string) bool {
	return slices.ContainsFunc(st.roleGrants[groupID], func(r *roleGrant) bool {
		return !r.Revoked && slices.Contains(adminRoles, r.RoleID)
	})
}

// holdsRole reports whether a group visibly holds a role matching every given filter (nil matches all).
func (st *state) holdsRole(groupID string, resources, owners, roles []string, now time.Time) bool {
	for res, held := range st.visibleGroupRoles(groupID, now) {
		if (resources != nil && !slices.Contains(resources, res)) || (owners != nil && !slices.Contains(owners, resourceOwner(res))) {
			continue
		}
		if roles == nil || slices.ContainsFunc(held, func(r string) bool { return slices.Contains(roles, r) }) {
			return true
		}
	}
	return false
}

// "Changes may take up to 30 seconds").

type roleQuery struct {
	DirectoryIDs   []string `json:"d,omitempty"` // accepted; every resource is linked to every directory here
	ResourceOwners []string `json:"o,omitempty"`
	ResourceIDs    []string `json:"r,omitempty"`
	RoleIDs        []string `json:"x,omitempty"`
}

func (e *Emulator) adminGroupRoles(w http.ResponseWriter, r *http.Request) {
	c, size, ok := listingFromQuery(e, w, r, func(q url.Values) (roleQuery, string) {
		rq := roleQuery{
			DirectoryIDs: csvParam(q, "directoryIds"), ResourceOwners: csvParam(q, "resourceOwners"),
			ResourceIDs: csvParam(q, "resourceIds"), RoleIDs: csvParam(q, "roleIds"),
		}
		return rq, firstProblem(
			checkList("directoryIds", rq.DirectoryIDs, maxIDValues),
			checkList("resourceOwners", rq.ResourceOwners, maxIDValues),
			checkList("resourceIds", rq.ResourceIDs, maxResourceIDValues),
			checkList("roleIds", rq.RoleIDs, maxIDValues),
		)
	})
	if !ok {
		return
	}
	dir, id := r.PathValue("directoryId"), r.PathValue("groupId")
	e.do(w, apiAdmin, func(st *state, now time.Time) reply {
		g, fail := st.lookupGroup(dir, id, now, codeGroupNotFound, false)
		if g == nil {
			return fail
		}
		q := c.Query
		held := st.visibleGroupRoles(g.ID, now)
		resources := make([]string, 0, len(held))
		for res := range held {
			resources = append(resources, res)
		}
		slices.Sort(resources)
		var rows []any
		for _, res := range resources {
			if (q.ResourceIDs != nil && !slices.Contains(q.ResourceIDs, res)) ||
				(q.ResourceOwners != nil && !slices.Contains(q.ResourceOwners, resourceOwner(res))) {
				continue
			}
			roles := slices.DeleteFunc(slices.Clone(held[res]), func(role string) bool {
				return q.RoleIDs != nil && !slices.Contains(q.RoleIDs, role)
			})
			if len(roles) == 0 {
				continue
			}
			rows = append(rows, map[string]any{
				"resourceId": res, "resourceOwner": resourceOwner(res), "roles": roles, "defaultRole": nil,
			})
		}
		items, links := pageOf(rows, c, size)
		return replyOK(http.StatusOK, map[string]any{"data": items, "links": links})
	})
}

func (e *Emulator) adminAssignRole(w http.ResponseWriter, r *http.Request) {
	e.adminRoleChange(w, r, true)
}

func (e *Emulator) adminRevokeRole(w http.ResponseWriter, r *http.Request) {
	e.adminRoleChange(w, r, false)
}

// adminRoleChange assigns or revokes one role. Assigning a held role is a 200 no-op and revoking one that is
// not held a 204 no-op: both UNCONFIRMED (reference §8.7), chosen so retries after an ambiguous outcome are
// safe.
func (e *Emulator) adminRoleChange(w http.ResponseWriter, r *http.Request, assign bool) {
	var in struct {
		ResourceID string `json:"resourceId"`
		RoleID     string `json:"roleId"`
	}
	if p := readAdminBody(r, &in, true); p != "" {
		writeAdminError(w, http.StatusBadRequest, codeUAMBadRequest, p)
		return
	}
	if in.ResourceID == "" || in.RoleID == "" {
		writeAdminError(w, http.StatusBadRequest, codeUAMBadRequest, "resourceId and roleId are required.")
		return
	}
	dir, id := r.PathValue("directoryId"), r.PathValue("groupId")
	e.do(w, apiAdmin, func(st *state, now time.Time) reply {
		g, fail := st.lookupGroup(dir, id, now, codeUAMGroupNotFound, true)
		if g == nil {
			return fail
		}
		app := st.resourceApp(in.ResourceID)
		if app == nil {
			return adminFail(http.StatusNotFound, codeUAMUnknownResource,
				"Unknown resource %s. Use the Get workspaces endpoint to find the resource ID.", in.ResourceID)
		}
		if !slices.Contains(assignableRoles, in.RoleID) || !slices.Contains(app.roles, in.RoleID) {
			return adminFail(http.StatusBadRequest, codeUAMInvalidRole, "Role %s is not valid for resource %s; valid roles are %s.",
				in.RoleID, in.ResourceID, strings.Join(app.roles, ", "))
		}
		if assign {
			st.assignGroupRole(g.ID, in.ResourceID, in.RoleID, now)
			return replyOK(http.StatusOK, nil)
		}
		st.revokeGroupRole(g.ID, in.ResourceID, in.RoleID, now)
		return replyOK(http.StatusNoContent, nil)
	})
}
