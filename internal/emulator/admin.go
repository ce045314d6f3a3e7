package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Organizations (Admin) API v2 handlers (reference §2): directories, groups, group membership, group role
// assignments (product access), users and workspaces. List cursors are opaque and carry the whole query,
// because "if present, all other parameters are discarded".

const (
	adminPrefix    = "/admin/v2/orgs/{orgId}"
	adminDirPrefix = adminPrefix + "/directories/{directoryId}"

	// allDirectories in the {directoryId} path segment widens a call to every directory of the org.
	allDirectories = "-"

	adminDefaultLimit      = 20
	adminMaxLimit          = 100
	userSearchDefaultLimit = 50 // MultiDirectoryUserSearchRequest.limit: "Defaults to 50"
	workspacesMaxLimit     = 1000
	maxExactValues         = 100 // groupNames, emails
	maxIDValues            = 10  // groupIds, accountIds, directoryIds, roleIds, resourceOwners, emailDomains
	maxResourceIDValues    = 20
	maxAdminBody           = 1 << 20
)

// Application error codes (ApplicationError.code in the org spec, reference §2.10); the role APIs use
// ADMIN-UAM-* codes.
const (
	codeInvalidCursor      = "ADMIN-400-1"
	codeInvalidResource    = "ADMIN-400-4" // the one code the spec lists for a bad workspaces query
	codeInvalidBody        = "ADMIN-400-24"
	codeGroupNotManageable = "ADMIN-403-5"
	codeDefaultRoleGroup   = "ADMIN-403-6"
	codeAdminGroup         = "ADMIN-403-7"
	codeUnknownResource    = "ADMIN-404-1"
	codeUserNotFound       = "ADMIN-404-8"
	codeGroupNotFound      = "ADMIN-404-10"
	codeConflict           = "ADMIN-409-28"
	codeUAMBadRequest      = "ADMIN-UAM-400-1"
	codeUAMInvalidRole     = "ADMIN-UAM-400-3"
	codeUAMUnknownResource = "ADMIN-UAM-404-1"
	codeUAMGroupNotFound   = "ADMIN-UAM-404-3"
)

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

func adminTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// adminReply is a handler's answer, decided under the state lock and written once it is released.
type adminReply struct {
	status       int
	code, detail string // error answers
	body         any    // success body; nil sends none
}

func adminOK(body any) adminReply { return adminReply{status: http.StatusOK, body: body} }

func adminStatus(status int) adminReply { return adminReply{status: status} }

func adminFail(status int, code, format string, args ...any) adminReply {
	return adminReply{status: status, code: code, detail: fmt.Sprintf(format, args...)}
}

func (a adminReply) write(w http.ResponseWriter) {
	switch {
	case a.status >= 400:
		writeAdminError(w, a.status, a.code, a.detail)
	case a.body != nil:
		writeJSON(w, a.status, "application/json", a.body)
	default:
		w.WriteHeader(a.status)
	}
}

// adminDo runs f under the state lock and writes its reply.
func (e *Emulator) adminDo(w http.ResponseWriter, f func(st *state, now time.Time) adminReply) {
	now := e.lock()
	rep := f(e.st, now)
	e.unlock()
	rep.write(w)
}

// readAdminBody decodes a JSON request body into v and returns what is wrong with it, or "". An empty body
// is accepted unless required.
func readAdminBody(r *http.Request, v any, required bool) string {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody))
	if err != nil {
		return "The request body could not be read."
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		if required {
			return "The request body is required."
		}
		return ""
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fmt.Sprintf("Invalid request body: %s must be %s.", te.Field, jsonKind(te.Type))
		}
		return "Invalid request body: expected a JSON object of the documented shape."
	}
	return ""
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Slice:
		return "an array"
	default:
		return "an object"
	}
}

// checkList enforces a list filter's documented size: absent, or 1 to maxItems values.
func checkList(name string, v []string, maxItems int) string {
	switch {
	case v == nil:
		return ""
	case len(v) == 0:
		return name + " must not be empty when present."
	case len(v) > maxItems:
		return fmt.Sprintf("%s accepts at most %d values.", name, maxItems)
	}
	return ""
}

// checkEnum reports the first value of a list that is not allowed.
func checkEnum(name string, v []string, allowed ...string) string {
	for _, x := range v {
		if !slices.Contains(allowed, x) {
			return fmt.Sprintf("%s value %q is not one of %s.", name, x, strings.Join(allowed, ", "))
		}
	}
	return ""
}

func firstProblem(problems ...string) string {
	for _, p := range problems {
		if p != "" {
			return p
		}
	}
	return ""
}

// sortField is one sortBy entry of the search bodies.
type sortField struct {
	Field     string `json:"field"`
	Direction string `json:"direction"`
}

func checkSort(v []sortField, field string) string {
	if len(v) > 1 {
		return "sortBy accepts one sort field."
	}
	for _, s := range v {
		if s.Field != field || (s.Direction != "asc" && s.Direction != "desc") {
			return fmt.Sprintf("sortBy must be {\"field\":%q,\"direction\":\"asc\"|\"desc\"}.", field)
		}
	}
	return ""
}

func descending(v []sortField) bool { return len(v) == 1 && v[0].Direction == "desc" }

// adminCursor is the state of a listing carried in its opaque cursor: the query, the limit and the offset.
type adminCursor[Q any] struct {
	Query  Q   `json:"q"`
	Limit  int `json:"l"`
	Offset int `json:"n"`
}

// pageLimit applies a request's limit (default def, 1 to maxLimit) and Options.PageSize. It returns the
// limit cursors carry and the number of items to serve.
func (e *Emulator) pageLimit(limit *int, def, maxLimit int) (keep, size int, problem string) {
	keep = def
	if limit != nil {
		if *limit < 1 || *limit > maxLimit {
			return 0, 0, fmt.Sprintf("limit must be between 1 and %d.", maxLimit)
		}
		keep = *limit
	}
	size = keep
	if e.opts.PageSize > 0 {
		size = min(size, e.opts.PageSize)
	}
	return keep, size, ""
}

// resumeListing decodes a cursor a listing handed out; it writes the 400 and returns false when it is not one.
func resumeListing[Q any](e *Emulator, w http.ResponseWriter, s string, maxLimit int) (c adminCursor[Q], size int, ok bool) {
	if !decodeCursor(s, &c) || c.Offset < 0 || c.Limit < 1 || c.Limit > maxLimit {
		writeAdminError(w, http.StatusBadRequest, codeInvalidCursor, "Invalid page cursor.")
		return c, 0, false
	}
	_, size, _ = e.pageLimit(&c.Limit, c.Limit, maxLimit)
	return c, size, true
}

// listingFromQuery starts (or, with ?cursor=, resumes) a listing whose parameters are in the query string.
func listingFromQuery[Q any](e *Emulator, w http.ResponseWriter, r *http.Request, fresh func(url.Values) (Q, string)) (c adminCursor[Q], size int, ok bool) {
	qv := r.URL.Query()
	if s := qv.Get("cursor"); s != "" {
		return resumeListing[Q](e, w, s, adminMaxLimit)
	}
	var limit *int
	if s := qv.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			writeAdminError(w, http.StatusBadRequest, codeInvalidBody, "limit must be an integer.")
			return c, 0, false
		}
		limit = &n
	}
	keep, size, problem := e.pageLimit(limit, adminDefaultLimit, adminMaxLimit)
	if problem == "" {
		c.Query, problem = fresh(qv)
	}
	if problem != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, problem)
		return c, 0, false
	}
	c.Limit = keep
	return c, size, true
}

// listingFromBody starts (or, with a cursor, resumes) a listing whose parameters are in the request body.
func listingFromBody[Q any](e *Emulator, w http.ResponseWriter, cursor *string, limit *int, def, maxLimit int, fresh func() (Q, string)) (c adminCursor[Q], size int, ok bool) {
	if cursor != nil && *cursor != "" {
		return resumeListing[Q](e, w, *cursor, maxLimit)
	}
	keep, size, problem := e.pageLimit(limit, def, maxLimit)
	if problem == "" {
		c.Query, problem = fresh()
	}
	if problem != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, problem)
		return c, 0, false
	}
	c.Limit = keep
	return c, size, true
}

// pageOf cuts one page out of items and returns it (never nil) with the page's links.
func pageOf[T, Q any](items []T, c adminCursor[Q], size int) ([]T, map[string]any) {
	from := min(c.Offset, len(items))
	to := min(from+size, len(items))
	out := make([]T, 0, to-from)
	out = append(out, items[from:to]...)
	links := map[string]any{"self": encodeCursor(c)}
	if to < len(items) {
		next := c
		next.Offset = to
		links["next"] = encodeCursor(next)
	}
	return out, links
}

func (st *state) knownDirectory(id string) bool {
	return id == allDirectories || id == st.scimDir.ID || id == st.defaultDir.ID
}

func directoryNotFound(id string) adminReply {
	return adminFail(http.StatusNotFound, codeUnknownResource, "Directory %s was not found in this organization.", id)
}

// lookupGroup finds the group a path names: visible, and in the path's directory unless that is "-".
func (st *state) lookupGroup(dir, id string, now time.Time, notFound string) (*orgGroup, adminReply) {
	if !st.knownDirectory(dir) {
		return nil, directoryNotFound(dir)
	}
	g := st.orgGroups[id]
	if g == nil || !g.visible(now) || (dir != allDirectories && g.DirectoryID != dir) {
		return nil, adminFail(http.StatusNotFound, notFound, "Group %s was not found in this directory.", id)
	}
	return g, adminReply{}
}

// grantsAdmin reports whether a group holds an admin role on any resource.
func (st *state) grantsAdmin(groupID string) bool {
	return slices.ContainsFunc(st.roleGrants, func(r *roleGrant) bool {
		return r.GroupID == groupID && !r.Revoked && slices.Contains(adminRoles, r.RoleID)
	})
}

// deleteRefusal is the 403 a group's deletion meets (ADMIN-403-5/6/7), or a zero reply.
func (st *state) deleteRefusal(g *orgGroup) adminReply {
	switch {
	case g.ExternalSynced:
		return adminFail(http.StatusForbidden, codeGroupNotManageable,
			"You can't delete the group %s: it is synced from an identity provider. Manage this group in your identity provider instead.", g.Name)
	case g.Default:
		return adminFail(http.StatusForbidden, codeDefaultRoleGroup,
			"You can't delete the group %s: it is a default group that gives users access to a product.", g.Name)
	case st.grantsAdmin(g.ID):
		return adminFail(http.StatusForbidden, codeAdminGroup,
			"You can't delete the group %s: it grants admin access to a product. Revoke its admin roles first.", g.Name)
	}
	return adminReply{}
}

// renderAdminGroup is a MultiDirectoryGroup; counts only when asked for.
func (st *state) renderAdminGroup(g *orgGroup, now time.Time, users, resources bool) map[string]any {
	doc := map[string]any{
		"id":             g.ID,
		"name":           g.Name,
		"directoryId":    g.DirectoryID,
		"externalSynced": g.ExternalSynced,
		"managedBy":      g.ManagedBy,
		"managementAccess": map[string]any{
			"readable": true, "modifiable": !g.ExternalSynced, "deletable": st.deleteRefusal(g).status == 0,
		},
	}
	if g.Description != "" {
		doc["description"] = g.Description
	}
	counts := map[string]any{}
	if users {
		counts["users"] = len(g.Members)
	}
	if resources {
		counts["resources"] = len(st.visibleGroupRoles(g.ID, now))
	}
	if len(counts) > 0 {
		doc["counts"] = counts
	}
	return doc
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

// Directories.

type directoryQuery struct {
	AccountID    string   `json:"a,omitempty"`
	DirectoryIDs []string `json:"d,omitempty"`
	SearchTerm   string   `json:"s,omitempty"`
}

func (e *Emulator) adminListDirectories(w http.ResponseWriter, r *http.Request) {
	c, size, ok := listingFromQuery(e, w, r, func(q url.Values) (directoryQuery, string) {
		dq := directoryQuery{AccountID: q.Get("accountId"), DirectoryIDs: csvParam(q, "directoryIds"), SearchTerm: q.Get("searchTerm")}
		return dq, checkList("directoryIds", dq.DirectoryIDs, maxIDValues)
	})
	if !ok {
		return
	}
	e.adminDo(w, func(st *state, _ time.Time) adminReply {
		var matched []directory
		for _, d := range []directory{st.defaultDir, st.scimDir} {
			q := c.Query
			if (q.DirectoryIDs != nil && !slices.Contains(q.DirectoryIDs, d.ID)) ||
				(q.SearchTerm != "" && !strings.Contains(strings.ToLower(d.Name), strings.ToLower(q.SearchTerm))) {
				continue
			}
			if q.AccountID != "" {
				if a := st.accounts[q.AccountID]; a == nil || a.DirectoryID != d.ID {
					continue
				}
			}
			matched = append(matched, d)
		}
		items, links := pageOf(matched, c, size)
		data := make([]any, 0, len(items))
		for _, d := range items {
			data = append(data, map[string]any{"directoryId": d.ID, "name": d.Name})
		}
		return adminOK(map[string]any{"data": data, "links": links})
	})
}

// Groups.

// adminCreateGroup answers 201 without a body: the new group's id is found by searching its name.
func (e *Emulator) adminCreateGroup(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name        *string `json:"name"`
		Description string  `json:"description"`
	}
	if p := readAdminBody(r, &in, true); p != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, p)
		return
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, "name is required.")
		return
	}
	name, dir := *in.Name, r.PathValue("directoryId")
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		if !st.knownDirectory(dir) {
			return directoryNotFound(dir)
		}
		// Names are unique in the org, case-insensitively, including groups that have not appeared yet.
		if st.orgGroupByName(name) != nil {
			return adminFail(http.StatusConflict, codeConflict, "A group with this name already exists.")
		}
		target := dir
		if dir == allDirectories {
			target = st.defaultDir.ID // UNCONFIRMED: which directory "-" creates in; the org's own is the natural one
		}
		// The directory lags a create (reference §2.4): the group shows after the propagation delay.
		g := st.addOrgGroup(name, in.Description, managedByAdmins, false, now, now.Add(st.propagation))
		g.DirectoryID = target
		return adminStatus(http.StatusCreated)
	})
}

type groupSearch struct {
	SearchTerm     *string     `json:"searchTerm,omitempty"`
	GroupNames     []string    `json:"groupNames,omitempty"`
	GroupIDs       []string    `json:"groupIds,omitempty"`
	AccountIDs     []string    `json:"accountIds,omitempty"`
	DirectoryIDs   []string    `json:"directoryIds,omitempty"`
	ResourceIDs    []string    `json:"resourceIds,omitempty"`
	ResourceOwners []string    `json:"resourceOwners,omitempty"`
	RoleIDs        []string    `json:"roleIds,omitempty"`
	Expand         []string    `json:"expand,omitempty"`
	SortBy         []sortField `json:"sortBy,omitempty"`
	Limit          *int        `json:"limit,omitempty"`
	Cursor         *string     `json:"cursor,omitempty"`
}

func (q *groupSearch) problem() string {
	if q.GroupNames != nil && (q.SearchTerm != nil || q.GroupIDs != nil) {
		return "groupNames can't be combined with searchTerm or groupIds."
	}
	return firstProblem(
		checkList("groupNames", q.GroupNames, maxExactValues),
		checkList("groupIds", q.GroupIDs, maxIDValues),
		checkList("accountIds", q.AccountIDs, maxIDValues),
		checkList("directoryIds", q.DirectoryIDs, maxIDValues),
		checkList("resourceIds", q.ResourceIDs, maxResourceIDValues),
		checkList("resourceOwners", q.ResourceOwners, maxIDValues),
		checkList("roleIds", q.RoleIDs, maxIDValues),
		checkList("expand", q.Expand, 2),
		checkEnum("expand", q.Expand, "counts.resources", "counts.users"),
		checkSort(q.SortBy, "name"),
	)
}

func (st *state) groupMatches(g *orgGroup, dir string, q *groupSearch, now time.Time) bool {
	switch {
	case dir != allDirectories && g.DirectoryID != dir,
		q.DirectoryIDs != nil && !slices.Contains(q.DirectoryIDs, g.DirectoryID),
		q.GroupIDs != nil && !slices.Contains(q.GroupIDs, g.ID),
		q.GroupNames != nil && !slices.ContainsFunc(q.GroupNames, func(n string) bool { return strings.EqualFold(n, g.Name) }),
		q.SearchTerm != nil && !strings.Contains(strings.ToLower(g.Name), strings.ToLower(*q.SearchTerm)),
		q.AccountIDs != nil && !slices.ContainsFunc(q.AccountIDs, func(a string) bool { return slices.Contains(g.Members, a) }):
		return false
	case q.ResourceIDs != nil || q.ResourceOwners != nil || q.RoleIDs != nil:
		return st.holdsRole(g.ID, q.ResourceIDs, q.ResourceOwners, q.RoleIDs, now)
	}
	return true
}

func (e *Emulator) adminSearchGroups(w http.ResponseWriter, r *http.Request) {
	var q groupSearch
	if p := readAdminBody(r, &q, false); p != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, p)
		return
	}
	c, size, ok := listingFromBody(e, w, q.Cursor, q.Limit, adminDefaultLimit, adminMaxLimit, func() (groupSearch, string) {
		q.Cursor, q.Limit = nil, nil
		return q, q.problem()
	})
	if !ok {
		return
	}
	dir := r.PathValue("directoryId")
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		if !st.knownDirectory(dir) {
			return directoryNotFound(dir)
		}
		var matched []*orgGroup
		for _, g := range st.visibleOrgGroups(now) {
			if st.groupMatches(g, dir, &c.Query, now) {
				matched = append(matched, g)
			}
		}
		if len(c.Query.SortBy) == 1 {
			desc := descending(c.Query.SortBy)
			slices.SortStableFunc(matched, func(a, b *orgGroup) int {
				n := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
				if desc {
					return -n
				}
				return n
			})
		}
		items, links := pageOf(matched, c, size)
		users, resources := slices.Contains(c.Query.Expand, "counts.users"), slices.Contains(c.Query.Expand, "counts.resources")
		data := make([]any, 0, len(items))
		for _, g := range items {
			data = append(data, st.renderAdminGroup(g, now, users, resources))
		}
		return adminOK(map[string]any{"data": data, "links": links})
	})
}

func (e *Emulator) adminGetGroup(w http.ResponseWriter, r *http.Request) {
	dir, id := r.PathValue("directoryId"), r.PathValue("groupId")
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		g, fail := st.lookupGroup(dir, id, now, codeGroupNotFound)
		if g == nil {
			return fail
		}
		return adminOK(map[string]any{"data": st.renderAdminGroup(g, now, true, true)})
	})
}

// adminDeleteGroup refuses synced, default and admin-granting groups (ADMIN-403-5/6/7).
func (e *Emulator) adminDeleteGroup(w http.ResponseWriter, r *http.Request) {
	dir, id := r.PathValue("directoryId"), r.PathValue("groupId")
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		g, fail := st.lookupGroup(dir, id, now, codeGroupNotFound)
		if g == nil {
			return fail
		}
		if refusal := st.deleteRefusal(g); refusal.status != 0 {
			return refusal
		}
		st.removeOrgGroup(g.ID)
		return adminStatus(http.StatusNoContent)
	})
}

// Group membership. The documented "user must be in the same directory as the group" is not enforced: an
// emulated account belongs to exactly one directory, while local groups mirroring synced users (product.md,
// confluence_group_mapping) are the normal case on real orgs.

func (e *Emulator) adminAddMember(w http.ResponseWriter, r *http.Request) {
	var in struct {
		AccountID string `json:"accountId"`
	}
	if p := readAdminBody(r, &in, true); p != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, p)
		return
	}
	if in.AccountID == "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, "accountId is required.")
		return
	}
	dir, id := r.PathValue("directoryId"), r.PathValue("groupId")
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		g, fail := st.lookupGroup(dir, id, now, codeGroupNotFound)
		if g == nil {
			return fail
		}
		if g.ExternalSynced {
			return adminFail(http.StatusForbidden, codeGroupNotManageable,
				"You can't add a user to a group synced from an identity provider. Manage this group in your identity provider instead.")
		}
		if st.accounts[in.AccountID] == nil {
			return adminFail(http.StatusNotFound, codeUserNotFound, "User %s was not found.", in.AccountID)
		}
		if slices.Contains(g.Members, in.AccountID) {
			// 409 also means a user limit was reached; clients tell the two apart by "already".
			return adminFail(http.StatusConflict, codeConflict, "The user is already in the group.")
		}
		g.Members = append(g.Members, in.AccountID)
		return adminStatus(http.StatusNoContent)
	})
}

func (e *Emulator) adminRemoveMember(w http.ResponseWriter, r *http.Request) {
	dir, id, account := r.PathValue("directoryId"), r.PathValue("groupId"), r.PathValue("accountId")
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		g, fail := st.lookupGroup(dir, id, now, codeGroupNotFound)
		if g == nil {
			return fail
		}
		if g.ExternalSynced {
			return adminFail(http.StatusForbidden, codeGroupNotManageable,
				"You can't remove a user from a group synced from an identity provider. Manage this group in your identity provider instead.")
		}
		i := slices.Index(g.Members, account)
		if i < 0 {
			return adminFail(http.StatusNotFound, codeUserNotFound, "User %s is not a member of the group.", account)
		}
		g.Members = slices.Delete(g.Members, i, i+1)
		return adminStatus(http.StatusNoContent)
	})
}

// Group role assignments (product access). Changes show after the propagation delay (reference §2.6:
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
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		g, fail := st.lookupGroup(dir, id, now, codeGroupNotFound)
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
		return adminOK(map[string]any{"data": items, "links": links})
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
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		g, fail := st.lookupGroup(dir, id, now, codeUAMGroupNotFound)
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
			return adminStatus(http.StatusOK)
		}
		st.revokeGroupRole(g.ID, in.ResourceID, in.RoleID, now)
		return adminStatus(http.StatusNoContent)
	})
}

// Users.

type userSearch struct {
	AccountIDs       []string    `json:"accountIds,omitempty"`
	Emails           []string    `json:"emails,omitempty"`
	EmailDomains     []string    `json:"emailDomains,omitempty"`
	GroupIDs         []string    `json:"groupIds,omitempty"`
	DirectoryIDs     []string    `json:"directoryIds,omitempty"`
	ResourceIDs      []string    `json:"resourceIds,omitempty"`
	RoleIDs          []string    `json:"roleIds,omitempty"`
	Status           []string    `json:"status,omitempty"`
	AccountStatus    []string    `json:"accountStatus,omitempty"`
	MembershipStatus []string    `json:"membershipStatus,omitempty"`
	ClaimStatus      string      `json:"claimStatus,omitempty"`
	MFAEnabled       *bool       `json:"mfaEnabled,omitempty"`
	SearchTerm       *string     `json:"searchTerm,omitempty"`
	Expand           []string    `json:"expand,omitempty"`
	SortBy           []sortField `json:"sortBy,omitempty"`
	Limit            *int        `json:"limit,omitempty"`
	Cursor           *string     `json:"cursor,omitempty"`
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
		if (dir == allDirectories || g.DirectoryID == dir) && slices.Contains(g.Members, accountID) {
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
		if g := st.orgGroupByName(name); g != nil && slices.Contains(g.Members, accountID) {
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
		q.MembershipStatus != nil && !slices.Contains(q.MembershipStatus, "active"),
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
		"membershipStatus": "active",
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
		doc["productAccess"] = []any{} // no activity is recorded
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
	var q userSearch
	if p := readAdminBody(r, &q, false); p != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, p)
		return
	}
	c, size, ok := listingFromBody(e, w, q.Cursor, q.Limit, userSearchDefaultLimit, adminMaxLimit, func() (userSearch, string) {
		q.Cursor, q.Limit = nil, nil
		return q, q.problem()
	})
	if !ok {
		return
	}
	dir := r.PathValue("directoryId")
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		if !st.knownDirectory(dir) {
			return directoryNotFound(dir)
		}
		var matched []*account
		for _, id := range st.accountOrder {
			if a := st.accounts[id]; st.userMatches(a, dir, &c.Query, now) {
				matched = append(matched, a)
			}
		}
		if len(c.Query.SortBy) == 1 {
			desc := descending(c.Query.SortBy)
			slices.SortStableFunc(matched, func(a, b *account) int {
				n := strings.Compare(strings.ToLower(firstNonEmpty(a.Nickname, a.Name)), strings.ToLower(firstNonEmpty(b.Nickname, b.Name)))
				if desc {
					return -n
				}
				return n
			})
		}
		items, links := pageOf(matched, c, size)
		data := make([]any, 0, len(items))
		for _, a := range items {
			data = append(data, st.renderAdminUser(a, dir, c.Query.Expand, false, now))
		}
		return adminOK(map[string]any{"data": data, "links": links})
	})
}

func (e *Emulator) adminGetUser(w http.ResponseWriter, r *http.Request) {
	dir, id := r.PathValue("directoryId"), r.PathValue("accountId")
	e.adminDo(w, func(st *state, now time.Time) adminReply {
		if !st.knownDirectory(dir) {
			return directoryNotFound(dir)
		}
		a := st.accounts[id]
		if a == nil || (dir != allDirectories && a.DirectoryID != dir) {
			return adminFail(http.StatusNotFound, codeUserNotFound, "User %s was not found in this directory.", id)
		}
		return adminOK(map[string]any{"data": st.renderAdminUser(a, dir, nil, true, now)})
	})
}

// Workspaces.

type workspace struct {
	id, name, typ, hostURL, status string
}

// attr reads a workspace field by the name a query or sort uses; false for names the emulator does not know.
func (w workspace) attr(name string) (string, bool) {
	switch name {
	case "id":
		return w.id, true
	case "attributes.name":
		return w.name, true
	case "attributes.type", "attributes.typeKey":
		return w.typ, true
	case "attributes.hostUrl":
		return w.hostURL, true
	case "attributes.status":
		return w.status, true
	}
	return "", false
}

// workspaces are the site's apps, hosted at the emulator's base URL (the provider's site_url).
func (st *state) workspaces(base string) []workspace {
	out := make([]workspace, 0, len(siteApps))
	for _, app := range siteApps {
		out = append(out, workspace{id: appARI(app.key, st.site.CloudID), name: st.site.Name, typ: app.key, hostURL: base, status: "online"})
	}
	return out
}

// workspaceQuery is one QueryVariants node; a node with no operator matches everything.
type workspaceQuery struct {
	And   *[]workspaceQuery `json:"and,omitempty"`
	Nor   *[]workspaceQuery `json:"nor,omitempty"`
	Field *struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	} `json:"field,omitempty"`
	SearchWorkspaces *string  `json:"searchWorkspaces,omitempty"`
	Features         []string `json:"features,omitempty"`
	Policies         []string `json:"policies,omitempty"`
}

func (q *workspaceQuery) problem() string {
	if q.Field != nil {
		if _, ok := (workspace{}).attr(q.Field.Name); !ok {
			return fmt.Sprintf("Unknown workspace field %q.", q.Field.Name)
		}
	}
	for _, list := range []*[]workspaceQuery{q.And, q.Nor} {
		if list == nil {
			continue
		}
		for i := range *list {
			if p := (*list)[i].problem(); p != "" {
				return p
			}
		}
	}
	return ""
}

func (q *workspaceQuery) matches(w workspace) bool {
	if q.And != nil {
		for i := range *q.And {
			if !(*q.And)[i].matches(w) {
				return false
			}
		}
	}
	if q.Nor != nil {
		for i := range *q.Nor {
			if (*q.Nor)[i].matches(w) {
				return false
			}
		}
	}
	if q.Field != nil && len(q.Field.Values) > 0 {
		v, _ := w.attr(q.Field.Name)
		if !slices.ContainsFunc(q.Field.Values, func(x string) bool { return strings.EqualFold(x, v) }) {
			return false
		}
	}
	if q.SearchWorkspaces != nil {
		s := strings.ToLower(*q.SearchWorkspaces)
		if !strings.Contains(strings.ToLower(w.name), s) && !strings.Contains(strings.ToLower(w.hostURL), s) {
			return false
		}
	}
	// No emulated workspace has features or policies.
	return len(q.Features) == 0 && len(q.Policies) == 0
}

type workspaceSort struct {
	Field string `json:"field"`
	Order string `json:"order"`
}

type workspaceSearch struct {
	Query json.RawMessage `json:"query,omitempty"`
	Sort  []workspaceSort `json:"sort,omitempty"`
}

func (e *Emulator) adminWorkspaces(w http.ResponseWriter, r *http.Request) {
	var in struct {
		workspaceSearch
		Limit  *int    `json:"limit,omitempty"`
		Cursor *string `json:"cursor,omitempty"`
	}
	if p := readAdminBody(r, &in, false); p != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidResource, p)
		return
	}
	if in.Cursor != nil && *in.Cursor != "" && (in.Limit != nil || len(in.Query) > 0 || in.Sort != nil) {
		writeAdminError(w, http.StatusBadRequest, codeInvalidResource, "When a cursor is given, no other property may be present.")
		return
	}
	var query workspaceQuery
	c, size, ok := listingFromBody(e, w, in.Cursor, in.Limit, adminDefaultLimit, workspacesMaxLimit, func() (workspaceSearch, string) {
		return in.workspaceSearch, ""
	})
	if !ok {
		return
	}
	if raw := bytes.TrimSpace(c.Query.Query); len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		p := "query is not a valid workspace query."
		if json.Unmarshal(raw, &query) == nil {
			p = query.problem()
		}
		if p != "" {
			writeAdminError(w, http.StatusBadRequest, codeInvalidResource, p)
			return
		}
	}
	for _, s := range c.Query.Sort {
		if _, known := (workspace{}).attr(s.Field); !known || (s.Order != "" && s.Order != "asc" && s.Order != "desc") {
			writeAdminError(w, http.StatusBadRequest, codeInvalidResource, "sort entries are {\"field\": a workspace field, \"order\": \"asc\"|\"desc\"}.")
			return
		}
	}
	base := e.base(r)
	e.adminDo(w, func(st *state, _ time.Time) adminReply {
		var matched []workspace
		for _, ws := range st.workspaces(base) {
			if query.matches(ws) {
				matched = append(matched, ws)
			}
		}
		for i := len(c.Query.Sort) - 1; i >= 0; i-- { // the first sort field is the primary key
			s := c.Query.Sort[i]
			slices.SortStableFunc(matched, func(a, b workspace) int {
				x, _ := a.attr(s.Field)
				y, _ := b.attr(s.Field)
				if s.Order == "desc" {
					return strings.Compare(y, x)
				}
				return strings.Compare(x, y)
			})
		}
		from := min(c.Offset, len(matched))
		items, links := pageOf(matched, c, size)
		data := make([]any, 0, len(items))
		for _, ws := range items {
			data = append(data, map[string]any{
				"id":   ws.id,
				"type": "workspaces",
				"attributes": map[string]any{
					"name": ws.name, "type": ws.typ, "typeKey": ws.typ, "hostUrl": ws.hostURL, "status": ws.status,
				},
				"links": map[string]any{"self": ws.hostURL},
			})
		}
		return adminOK(map[string]any{
			"data":  data,
			"links": links,
			"meta":  map[string]any{"pageSize": size, "startIndex": from, "endIndex": from + len(items), "total": len(matched)},
		})
	})
}
