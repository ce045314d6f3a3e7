package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Rules shared by the space access routes: classic space permissions (v1 writes, v2 reads) and space
// roles (v2), reference §3.3-§3.7.
//
// The role mode is a property of the site, the only level at which the API exposes it
// (GET /wiki/api/v2/space-role-mode), and Options.RoleMode sets it. PRE_ROLES sites refuse role writes,
// ROLES sites refuse classic permission writes, ROLES_TRANSITION sites accept both. The seed is the same
// in every mode (DOCS holds role assignments, the other spaces classic grants); reads work in every mode.

// RoleModes lists the values Options.RoleMode accepts ("" means ROLES_TRANSITION).
func RoleModes() []string { return []string{roleModePreRoles, roleModeTransition, roleModeRoles} }

// siteRoleMode normalises Options.RoleMode. An unknown mode is a programming error of the caller (the
// command validates its flag), so it panics rather than serve a mode the API never reports.
func siteRoleMode(mode string) string {
	m := strings.ToUpper(strings.TrimSpace(mode))
	if m == "" {
		return roleModeTransition
	}
	if !slices.Contains(RoleModes(), m) {
		panic(fmt.Sprintf("emulator: Options.RoleMode %q is not one of %s", mode, strings.Join(RoleModes(), ", ")))
	}
	return m
}

// The refusals of writes the site's mode does not allow. Status and wording are UNCONFIRMED (the
// reference documents no such answer): 400 in each API's error shape, naming the mode, is what the
// emulator chooses.
func classicWriteRefusal(mode string) string {
	return "Space permissions cannot be granted or removed individually: the site's space role mode is " + mode +
		". Assign space roles instead (POST /wiki/api/v2/spaces/{id}/role-assignments)."
}

func roleWriteRefusal(mode string) string {
	return "Space roles are not available: the site's space role mode is " + mode +
		". Grant space permissions instead (POST /wiki/rest/api/space/{spaceKey}/permission)."
}

// Access classes: the built-in principals of role assignments (spec: principal-id of ACCESS_CLASS).
const (
	accessClassAnonymous     = "anonymous-users"
	accessClassAuthenticated = "authenticated-users"
	accessClassLicensed      = "all-licensed-users"
	accessClassProductAdmins = "all-product-admins"
	accessClassJSMAdmins     = "jsm-project-admins"
)

var accessClasses = []string{accessClassAnonymous, accessClassJSMAdmins, accessClassAuthenticated, accessClassLicensed, accessClassProductAdmins}

// Principal types: classic grants use lower case (v1 subject.type, v2 principal.type); role assignments
// use upper case (PrincipalType).
const (
	principalUser      = "user"
	principalGroup     = "group"
	principalAnonymous = "anonymous" // model only; the wire says type "user", id "anonymous"

	rolePrincipalUser        = "USER"
	rolePrincipalGroup       = "GROUP"
	rolePrincipalAccessClass = "ACCESS_CLASS"

	// anonymousIdentifier is how v1 names anonymous users (PermissionSubject: "for type=user, identifier
	// should be user's accountId or `anonymous`"). The v2 read documents no anonymous principal
	// (principal.type is user|group|role), so the emulator answers {"type":"user","id":"anonymous"} there
	// too: the v1 convention, and the only form the v2 schema admits. UNCONFIRMED.
	anonymousIdentifier = "anonymous"

	permAdminister = "administer/space"
	permRead       = "read/space"

	v1Prefix = "/wiki/rest/api" // root of the Confluence REST v1 routes
)

func permID(key, target string) string { return key + "/" + target }

// spaceRoleTask is an accepted (202) update or deletion of a space role, applied at ApplyAt: until then
// every read shows the role as it was, as Atlassian applies these asynchronously.
type spaceRoleTask struct {
	TaskID      string
	ApplyAt     time.Time
	Delete      bool
	Name        string
	Description string
	Permissions []string
	// AnonymousTo moves the role's anonymous-users assignments to another role when the update applies
	// (PUT anonymousReassignmentRoleId).
	AnonymousTo string
}

// settleSpaceRoles applies the role tasks that are due. Every space access handler calls it first
// (through lockAccess), so the model is lazily up to date.
func (st *state) settleSpaceRoles(now time.Time) {
	for _, id := range slices.Clone(st.spaceRoleOrder) {
		r := st.spaceRoles[id]
		t := r.Pending
		if t == nil || now.Before(t.ApplyAt) {
			continue
		}
		r.Pending = nil
		if t.Delete {
			delete(st.spaceRoles, id)
			st.spaceRoleOrder = slices.DeleteFunc(st.spaceRoleOrder, func(x string) bool { return x == id })
			continue
		}
		r.Name, r.Description, r.Permissions = t.Name, t.Description, t.Permissions
		if t.AnonymousTo != "" && st.spaceRoles[t.AnonymousTo] != nil {
			for _, a := range st.roleAssignments {
				if a.RoleID == id && a.PrincipalType == rolePrincipalAccessClass && a.PrincipalID == accessClassAnonymous {
					a.RoleID = t.AnonymousTo
				}
			}
		}
	}
}

// lockAccess takes the state lock, settles due role tasks and returns the model time.
func (e *Emulator) lockAccess() time.Time {
	now := e.lock()
	e.st.settleSpaceRoles(now)
	return now
}

func (st *state) memberOf(accountID, groupID string) bool {
	g := st.orgGroups[groupID]
	return g != nil && g.hasMember(accountID)
}

// productAdmin reports whether the account administers the site (site-admins or org-admins).
func (st *state) productAdmin(accountID string) bool {
	for _, name := range []string{groupSiteAdmins, groupOrgAdmins} {
		if g := st.orgGroupByName(name); g != nil && g.hasMember(accountID) {
			return true
		}
	}
	return false
}

// permissionSubject is whom a space permission is evaluated for: a user (account id), a group (group id) or
// anonymous users (no id), the subjects of the v1 permission check.
type permissionSubject struct {
	Type string // principalUser | principalGroup | principalAnonymous
	ID   string
}

func userSubject(accountID string) permissionSubject {
	return permissionSubject{Type: principalUser, ID: accountID}
}

// classicApplies reports whether a classic grant covers the subject. A user is covered by its own grants,
// its groups' and anonymous access (which signed-in users get too); a group by its own grants; anonymous
// users by anonymous access.
func (st *state) classicApplies(p *spacePermission, sub permissionSubject) bool {
	switch sub.Type {
	case principalUser:
		switch p.PrincipalType {
		case principalUser:
			return p.PrincipalID == sub.ID
		case principalGroup:
			return st.memberOf(sub.ID, p.PrincipalID)
		case principalAnonymous:
			return true
		}
	case principalGroup:
		return p.PrincipalType == principalGroup && p.PrincipalID == sub.ID
	case principalAnonymous:
		return p.PrincipalType == principalAnonymous
	}
	return false
}

// roleApplies reports whether a role assignment covers the subject: for a user its own, its groups' and
// the access classes it falls in; for a group its own; for anonymous users the anonymous-users class.
func (st *state) roleApplies(a *spaceRoleAssignment, sub permissionSubject) bool {
	switch sub.Type {
	case principalGroup:
		return a.PrincipalType == rolePrincipalGroup && a.PrincipalID == sub.ID
	case principalAnonymous:
		return a.PrincipalType == rolePrincipalAccessClass && a.PrincipalID == accessClassAnonymous
	}
	switch a.PrincipalType {
	case rolePrincipalUser:
		return a.PrincipalID == sub.ID
	case rolePrincipalGroup:
		return st.memberOf(sub.ID, a.PrincipalID)
	}
	switch a.PrincipalID {
	case accessClassAnonymous, accessClassAuthenticated, accessClassLicensed:
		acct := st.accounts[sub.ID]
		return acct != nil && acct.hasProductAccess()
	case accessClassProductAdmins:
		return st.productAdmin(sub.ID)
	}
	return false // jsm-project-admins: the emulated site has no service projects
}

// holds is the one evaluation of a space permission: whether the subject holds classicPerm through a
// classic grant, or rolePerm through a space role assignment (the two differ where classic permissions
// and role permissions name one right differently: classic "create/page" also edits pages, roles carry
// "update/page"). It judges space permissions alone; who may use the site is the caller's concern
// (contentAccess).
func (st *state) holds(spaceID int64, sub permissionSubject, classicPerm, rolePerm string) bool {
	for _, p := range st.permsOf(spaceID) {
		if permID(p.Key, p.Target) == classicPerm && st.classicApplies(p, sub) {
			return true
		}
	}
	for _, a := range st.assignsOf(spaceID) {
		if !st.roleApplies(a, sub) {
			continue
		}
		if r := st.spaceRoles[a.RoleID]; r != nil && slices.Contains(r.Permissions, rolePerm) {
			return true
		}
	}
	return false
}

// can reports whether the account holds perm ("administer/space") in the space through a classic grant
// or a role.
func (st *state) can(spaceID int64, accountID, perm string) bool {
	return st.holds(spaceID, userSubject(accountID), perm, perm)
}

// adminHolders counts the principals that administer a space in a (possibly hypothetical) set of its
// classic grants and role assignments. The space must always keep one: Confluence refuses to remove "all of the
// admin permissions" (§3.4), and the emulator protects role-administered spaces the same way.
func (st *state) adminHolders(spaceID int64, perms []*spacePermission, assigns []*spaceRoleAssignment, rolePerms func(roleID string) []string) int {
	n := 0
	for _, p := range perms {
		if p.SpaceID == spaceID && permID(p.Key, p.Target) == permAdminister {
			n++
		}
	}
	for _, a := range assigns {
		if a.SpaceID == spaceID && slices.Contains(rolePerms(a.RoleID), permAdminister) {
			n++
		}
	}
	return n
}

// currentRolePerms reads a role's permissions as they are now.
func (st *state) currentRolePerms(roleID string) []string {
	if r := st.spaceRoles[roleID]; r != nil {
		return r.Permissions
	}
	return nil
}

func (st *state) catalogueHas(id string) bool {
	return slices.ContainsFunc(st.permissionCatalog, func(d spacePermissionDef) bool { return d.ID == id })
}

// spaceFromPath resolves the v2 {id} path value: 400 when it is not a number, 404 when no such space.
func (st *state) spaceFromPath(r *http.Request) (*space, int, string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, http.StatusBadRequest, "The space id must be numeric"
	}
	s := st.spaces[id]
	if s == nil {
		return nil, http.StatusNotFound, ""
	}
	return s, 0, ""
}

// maxAccessBody is the request size above which the role-assignment route answers 413 (spec: "over 5 MB").
const maxAccessBody = 5 << 20

var errBodyTooLarge = errors.New("request body too large")

// decodeAccessBody reads a JSON request body into v. An absent body is an error: every space access write
// requires one.
func decodeAccessBody(r *http.Request, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxAccessBody+1))
	if err != nil {
		return fmt.Errorf("unreadable request body: %w", err)
	}
	if len(raw) > maxAccessBody {
		return errBodyTooLarge
	}
	if strings.TrimSpace(string(raw)) == "" {
		return errors.New("a JSON request body is required")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("the request body is not valid JSON for this operation: %w", err)
	}
	return nil
}

// v2Page is one page of a v2 listing whose cursor carries the listing's filters and an offset, so the
// relative next link needs nothing but the cursor and the limit.
type v2Page struct {
	Filters map[string]string `json:"f,omitempty"`
	Offset  int               `json:"n"`
}

// pageRequest reads limit and cursor. With a cursor, the filters come from it and the query's are
// ignored; without one, filters holds the query's.
func (e *Emulator) pageRequest(r *http.Request, filterNames ...string) (p v2Page, limit, size int, problem string) {
	limit, size, ok := e.v2Limit(r)
	if !ok {
		return p, 0, 0, "limit must be an integer between 1 and 250"
	}
	q := r.URL.Query()
	if c := q.Get("cursor"); c != "" {
		if !decodeCursor(c, &p) || p.Offset < 0 {
			return p, 0, 0, "Invalid cursor"
		}
		return p, limit, size, ""
	}
	p.Filters = map[string]string{}
	for _, n := range filterNames {
		if v := strings.TrimSpace(q.Get(n)); v != "" {
			p.Filters[n] = v
		}
	}
	return p, limit, size, ""
}

// pageReply cuts one page out of items and answers it with _links (base, next) and the Link header,
// the shape every v2 listing shares (§3.8).
func (e *Emulator) pageReply(r *http.Request, path string, p v2Page, limit, size int, items []any) reply {
	base := e.wikiBase(r)
	from := min(p.Offset, len(items))
	to := min(from+size, len(items))
	results := make([]any, 0, to-from)
	results = append(results, items[from:to]...)
	links := map[string]any{"base": base}
	rep := replyOK(http.StatusOK, map[string]any{"results": results, "_links": links})
	if to < len(items) {
		next := p
		next.Offset = to
		rel := sitePrefix(r) + path + "?cursor=" + encodeCursor(next) + "&limit=" + strconv.Itoa(limit)
		links["next"] = rel
		rep.header = http.Header{"Link": {"<" + rel + `>; rel="next", <` + base + `>; rel="base"`}}
	}
	return rep
}
