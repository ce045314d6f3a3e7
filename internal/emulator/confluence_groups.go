package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Confluence REST v1 group routes (reference §3.6; there is no v2 group API). Confluence groups are the
// organization's groups (st.orgGroups, the model the Admin API serves) under the same id (UNCONFIRMED,
// modelled as one id); SCIM groups show once synced. Groups synced from an identity provider are
// read-only here as in the Admin API.

const (
	v1GroupDefaultLimit = 200 // the documented default of every v1 group listing
	v1GroupMaxLimit     = 200 // getGroupMembersByGroupId: 400 above it; UNCONFIRMED for the others, capped
)

// renderV1Group is the v1 Group.
func renderV1Group(g *orgGroup, base string) map[string]any {
	managedBy := "ADMINS"
	if g.ManagedBy == managedByExternal {
		managedBy = "EXTERNAL"
	}
	return map[string]any{
		"type": "group", "name": g.Name, "id": g.ID, "usageType": "USERBASE_GROUP", "managedBy": managedBy,
		"_links": map[string]any{"self": base + "/rest/api/group/by-id?id=" + url.QueryEscape(g.ID)},
	}
}

// renderV1User is the v1 User of an account.
func renderV1User(a *account, base string) map[string]any {
	public := a.Nickname
	if public == "" {
		public = a.Name
	}
	user := map[string]any{
		"type": "known", "accountId": a.ID, "accountType": "atlassian", "email": a.Email,
		"publicName": public, "displayName": a.Name, "isExternalCollaborator": a.Guest, "isGuest": a.Guest,
		"profilePicture": map[string]any{"path": "/wiki/aa-avatar/" + a.ID, "width": 48, "height": 48, "isDefault": true},
		"_expandable":    map[string]any{"operations": "", "personalSpace": ""},
		"_links":         map[string]any{"base": base, "context": linkContext(base), "self": base + "/rest/api/user?accountId=" + url.QueryEscape(a.ID)},
	}
	if a.TimeZone != "" {
		user["timeZone"] = a.TimeZone
	}
	return user
}

// v1Window reads start (0-based) and limit (default 200) and applies Options.PageSize. strict refuses a
// limit above 200 (getGroupMembersByGroupId documents 400); otherwise it is capped.
func (e *Emulator) v1Window(r *http.Request, strict bool) (start, limit, size int, problem string) {
	q := r.URL.Query()
	limit = v1GroupDefaultLimit
	if s := q.Get("start"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, 0, 0, "start must be a non-negative integer"
		}
		start = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, 0, 0, "limit must be a non-negative integer"
		}
		if n > v1GroupMaxLimit && strict {
			return 0, 0, 0, "limit must not be greater than 200"
		}
		limit = min(n, v1GroupMaxLimit)
	}
	size = limit
	if e.opts.PageSize > 0 {
		size = min(size, e.opts.PageSize)
	}
	return start, limit, size, ""
}

// v1PageReply is one page of a v1 offset listing: results, start, limit, size and _links, with a next
// link (relative to _links.base, as v1 links are) while more remain. The next link's exact form is
// UNCONFIRMED; it carries the query the listing needs.
func v1PageReply(base, path string, q url.Values, start, limit, size int, items []any) map[string]any {
	from := min(start, len(items))
	to := min(from+size, len(items))
	results := append(make([]any, 0, to-from), items[from:to]...)
	self := base + path
	if len(q) > 0 {
		self += "?" + q.Encode()
	}
	links := map[string]any{"base": base, "context": linkContext(base), "self": self}
	if to < len(items) {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("start", strconv.Itoa(to))
		next.Set("limit", strconv.Itoa(limit))
		links["next"] = path + "?" + next.Encode()
	}
	return map[string]any{"results": results, "start": from, "limit": limit, "size": len(results), "_links": links}
}

// GET /wiki/rest/api/group (getGroups): the organization's groups, alphabetical (reference §3.6; by
// name, case-insensitively, UNCONFIRMED).
func (e *Emulator) v1ListGroups(w http.ResponseWriter, r *http.Request) {
	start, limit, size, problem := e.v1Window(r, false)
	base := e.wikiBase(r)
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		if problem != "" {
			return replyFail(http.StatusBadRequest, "%s", problem)
		}
		groups := st.visibleOrgGroups(now)
		slices.SortStableFunc(groups, func(a, b *orgGroup) int {
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		})
		var items []any
		for _, g := range groups {
			items = append(items, renderV1Group(g, base))
		}
		return replyOK(http.StatusOK, v1PageReply(base, "/rest/api/group", url.Values{}, start, limit, size, items))
	})
}

// POST /wiki/rest/api/group (createGroup) with a GroupName body: 201 and the Group. The group lives in
// the organization's local directory.
func (e *Emulator) v1CreateGroup(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name *string `json:"name"`
	}
	bodyErr := decodeAccessBody(r, &in)
	base := e.wikiBase(r)
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		switch {
		case bodyErr != nil:
			return replyFail(http.StatusBadRequest, "%s", bodyErr.Error())
		case in.Name == nil || strings.TrimSpace(*in.Name) == "":
			return replyFail(http.StatusBadRequest, "The group name is required") // documented 400: name missing or invalid
		case st.orgGroupByName(*in.Name) != nil:
			// UNCONFIRMED: the spec documents no 409; a taken name (org-unique, any case, as in the
			// Admin API) is answered as the documented "name is invalid" 400.
			return replyFail(http.StatusBadRequest, "A group with name %s already exists", *in.Name)
		}
		// UNCONFIRMED: whether Confluence-created groups lag in the Admin API; visible at once here.
		g := st.addOrgGroup(*in.Name, "", managedByAdmins, false, now, now)
		g.DirectoryID = st.defaultDir.ID
		return replyOK(http.StatusCreated, renderV1Group(g, base))
	})
}

// GET /wiki/rest/api/group/by-id?id= (getGroupByGroupId).
func (e *Emulator) v1GroupByID(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	base := e.wikiBase(r)
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		if strings.TrimSpace(id) == "" {
			return replyFail(http.StatusBadRequest, "The id query parameter is required")
		}
		g := st.orgGroups[id]
		if g == nil || !g.visible(now) {
			return replyFail(http.StatusNotFound, "No group found with id %s", id)
		}
		doc := renderV1Group(g, base)
		doc["_links"] = map[string]any{"base": base, "context": linkContext(base), "self": base + "/rest/api/group/by-id?id=" + url.QueryEscape(g.ID)}
		return replyOK(http.StatusOK, doc)
	})
}

// writableGroup finds a visible group a v1 write may change: 400 without an id, 404 when unknown, 403
// when it is synced from an identity provider (UNCONFIRMED status: the spec's only refusal is the
// documented 403, and the Admin API refuses these groups with 403 too).
func writableGroup(st *state, id string, now time.Time) (*orgGroup, reply) {
	if strings.TrimSpace(id) == "" {
		return nil, replyFail(http.StatusBadRequest, "The groupId query parameter is required")
	}
	g := st.orgGroups[id]
	if g == nil || !g.visible(now) {
		return nil, replyFail(http.StatusNotFound, "No group found with id %s", id)
	}
	if g.ExternalSynced {
		return nil, replyFail(http.StatusForbidden, "The group %s is synced from an identity provider and cannot be changed in Confluence", g.Name)
	}
	return g, reply{}
}

// DELETE /wiki/rest/api/group/by-id?id= (removeGroupById): 204. Default groups and groups granting
// admin access are refused as in the Admin API (403, UNCONFIRMED for Confluence).
func (e *Emulator) v1DeleteGroupByID(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		if strings.TrimSpace(id) == "" {
			return replyFail(http.StatusBadRequest, "The id query parameter is required")
		}
		g, fail := writableGroup(st, id, now)
		if g == nil {
			return fail
		}
		if refusal := st.deleteRefusal(g); refusal.status != 0 {
			return replyFail(http.StatusForbidden, "%s", refusal.detail)
		}
		st.removeOrgGroup(g.ID)
		return replyOK(http.StatusNoContent, nil)
	})
}

// GET /wiki/rest/api/group/{groupId}/membersByGroupId (getGroupMembersByGroupId): a UserArray;
// shouldReturnTotalSize=true adds totalSize.
func (e *Emulator) v1GroupMembers(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("groupId")
	start, limit, size, problem := e.v1Window(r, true)
	total := r.URL.Query().Get("shouldReturnTotalSize")
	base := e.wikiBase(r)
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		if problem != "" {
			return replyFail(http.StatusBadRequest, "%s", problem)
		}
		if total != "" && total != "true" && total != "false" {
			return replyFail(http.StatusBadRequest, "shouldReturnTotalSize must be true or false")
		}
		g := st.orgGroups[id]
		if g == nil || !g.visible(now) {
			// UNCONFIRMED: the operation documents no 404; an unknown group id is answered as an
			// invalid request.
			return replyFail(http.StatusBadRequest, "No group found with id %s", id)
		}
		var items []any
		for _, m := range g.Members {
			if a := st.accounts[m]; a != nil {
				items = append(items, renderV1User(a, base))
			}
		}
		q := url.Values{}
		if total != "" {
			q.Set("shouldReturnTotalSize", total)
		}
		page := v1PageReply(base, "/rest/api/group/"+url.PathEscape(id)+"/membersByGroupId", q, start, limit, size, items)
		if total == "true" {
			page["totalSize"] = len(items)
		}
		return replyOK(http.StatusOK, page)
	})
}

// POST /wiki/rest/api/group/userByGroupId?groupId= (addUserToGroupByGroupId) with an AccountId body: 201
// without a body.
func (e *Emulator) v1AddGroupMember(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("groupId")
	var in struct {
		AccountID string `json:"accountId"`
	}
	bodyErr := decodeAccessBody(r, &in)
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		if bodyErr != nil {
			return replyFail(http.StatusBadRequest, "%s", bodyErr.Error())
		}
		g, fail := writableGroup(st, id, now)
		if g == nil {
			return fail
		}
		if strings.TrimSpace(in.AccountID) == "" || st.accounts[in.AccountID] == nil {
			return replyFail(http.StatusBadRequest, "No user found with accountId %s", in.AccountID) // documented 400: accountId missing or invalid
		}
		g.addMember(in.AccountID) // UNCONFIRMED: adding a member twice is a no-op 201
		return replyOK(http.StatusCreated, nil)
	})
}

// DELETE /wiki/rest/api/group/userByGroupId?groupId=&accountId= (removeMemberFromGroupByGroupId): 204,
// also when the user is not in the group (documented); 404 for an unknown group or account.
func (e *Emulator) v1RemoveGroupMember(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id, acct := q.Get("groupId"), q.Get("accountId")
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		g, fail := writableGroup(st, id, now)
		if g == nil {
			return fail
		}
		if strings.TrimSpace(acct) == "" {
			return replyFail(http.StatusBadRequest, "The accountId query parameter is required")
		}
		if st.accounts[acct] == nil {
			return replyFail(http.StatusNotFound, "No user found with accountId %s", acct)
		}
		g.removeMember(acct)
		return replyOK(http.StatusNoContent, nil)
	})
}

// GET /wiki/rest/api/user/memberof?accountId= (getGroupMembershipsForUser): the groups the user is in,
// as a GroupArrayWithLinks.
func (e *Emulator) v1UserMemberOf(w http.ResponseWriter, r *http.Request) {
	acct := r.URL.Query().Get("accountId")
	start, limit, size, problem := e.v1Window(r, false)
	base := e.wikiBase(r)
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		if problem != "" {
			return replyFail(http.StatusBadRequest, "%s", problem)
		}
		if strings.TrimSpace(acct) == "" {
			return replyFail(http.StatusBadRequest, "The accountId query parameter is required") // UNCONFIRMED status: only 200/403 documented
		}
		// UNCONFIRMED: an unknown account has no groups (200, empty); the spec documents no 404.
		var items []any
		for _, g := range st.visibleOrgGroups(now) {
			if g.hasMember(acct) {
				items = append(items, renderV1Group(g, base))
			}
		}
		return replyOK(http.StatusOK, v1PageReply(base, "/rest/api/user/memberof", url.Values{"accountId": {acct}}, start, limit, size, items))
	})
}
