package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Classic space permissions (reference §3.3-§3.6): v1 writes by space key, v2 reads by space id, the
// v1 group and current-user reads the provider needs around them, and the v2 permission catalogue.
//
// Writable operations are the permission catalogue (GET /space-permissions): the pairs the v1 schema
// documents as valid (create/page|blogpost|comment|attachment, read/space, delete/page|blogpost|comment|
// attachment|space, export/space, administer/space, archive/page, restrict_content/space) plus
// update/page and update/blogpost, which folio-sec measured as writable on a live site and which fit
// the schema's key and target enums. The rest of folio-sec's measured set (manage_*/space,
// export_content/space, delete_space/space, archive_space/space) is refused: those keys are outside the
// request schema's enum, so a request carrying them does not fit Atlassian's own document. The
// "companion" side effects folio-sec reports (UNCONFIRMED) are not modelled.

// v1PermissionRequest is SpacePermissionRequest. Pointers tell a missing member from an empty one.
type v1PermissionRequest struct {
	Subject *struct {
		Type       string `json:"type"`
		Identifier string `json:"identifier"`
	} `json:"subject"`
	Operation *struct {
		Key    string `json:"key"`
		Target string `json:"target"`
	} `json:"operation"`
}

// wirePrincipal is how a classic grant's principal reads on the wire (v1 subject, v2 principal).
func wirePrincipal(p *spacePermission) (typ, id string) {
	if p.PrincipalType == principalAnonymous {
		return principalUser, anonymousIdentifier
	}
	return p.PrincipalType, p.PrincipalID
}

// renderV1Permission is SpacePermissionV2 (id is an integer here, a string in v2 reads).
func renderV1Permission(p *spacePermission, base, spaceKey string) map[string]any {
	typ, id := wirePrincipal(p)
	return map[string]any{
		"id":        p.ID,
		"subject":   map[string]any{"type": typ, "identifier": id},
		"operation": map[string]any{"key": p.Key, "target": p.Target},
		"_links": map[string]any{
			"base": base, "context": linkContext(base),
			"self": base + "/rest/api/space/" + url.PathEscape(spaceKey) + "/permission/" + strconv.FormatInt(p.ID, 10),
		},
	}
}

// renderV2Permission is SpacePermissionAssignment.
func renderV2Permission(p *spacePermission) map[string]any {
	typ, id := wirePrincipal(p)
	return map[string]any{
		"id":        strconv.FormatInt(p.ID, 10),
		"principal": map[string]any{"type": typ, "id": id},
		"operation": map[string]any{"key": p.Key, "targetType": p.Target},
	}
}

// v1Space resolves {spaceKey} for a v1 permission write by the caller: 404 when the space does not exist
// or the caller cannot view it, 403 when the caller views it but does not administer it ("'Admin'
// permission for the space" is required).
func (st *state) v1Space(r *http.Request, caller string) (*space, reply, bool) {
	key := r.PathValue("spaceKey")
	s := st.spaceByKey(key)
	if s == nil || !st.can(s.ID, caller, permRead) {
		return nil, replyFail(http.StatusNotFound, "No space with key : %s", key), false
	}
	if !st.can(s.ID, caller, permAdminister) {
		return nil, replyFail(http.StatusForbidden, "The user does not have permission to manage the permissions of space %s", key), false
	}
	return s, reply{}, true
}

// classicSubject resolves a v1 subject to the model's principal. Groups may be named by id or, as the
// operation's description allows, by name; the answer always carries the id.
func (st *state) classicSubject(typ, identifier string, now time.Time) (principalType, principalID, problem string) {
	identifier = strings.TrimSpace(identifier)
	switch typ {
	case principalUser:
		if identifier == anonymousIdentifier {
			return principalAnonymous, "", ""
		}
		if st.accounts[identifier] == nil {
			return "", "", "No user found with the given accountId: " + identifier
		}
		return principalUser, identifier, ""
	case principalGroup:
		if g := st.orgGroups[identifier]; g != nil && g.visible(now) {
			return principalGroup, g.ID, ""
		}
		if g := st.orgGroupByName(identifier); g != nil && g.visible(now) {
			return principalGroup, g.ID, ""
		}
		return "", "", "No group found with the given groupName or groupId"
	}
	return "", "", "subject.type must be user or group"
}

func (st *state) hasClassic(spaceID int64, principalType, principalID, perm string) bool {
	return slices.ContainsFunc(st.permsOf(spaceID), func(p *spacePermission) bool {
		return p.PrincipalType == principalType && p.PrincipalID == principalID && permID(p.Key, p.Target) == perm
	})
}

func (st *state) writableOperations() string {
	ids := make([]string, 0, len(st.permissionCatalog))
	for _, d := range st.permissionCatalog {
		ids = append(ids, d.ID)
	}
	return strings.Join(ids, ", ")
}

// POST /wiki/rest/api/space/{spaceKey}/permission (addPermissionToSpace).
func (e *Emulator) v1AddSpacePermission(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	var in v1PermissionRequest
	bodyErr := decodeAccessBody(r, &in)
	base := e.wikiBase(r)
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		s, fail, ok := st.v1Space(r, caller)
		if !ok {
			return fail
		}
		if st.roleMode == roleModeRoles {
			return replyFail(http.StatusBadRequest, "%s", classicWriteRefusal(st.roleMode))
		}
		switch {
		case bodyErr != nil:
			return replyFail(http.StatusBadRequest, "%s", bodyErr.Error())
		case in.Subject == nil || in.Operation == nil:
			return replyFail(http.StatusBadRequest, "subject and operation are required")
		case strings.TrimSpace(in.Subject.Identifier) == "":
			return replyFail(http.StatusBadRequest, "subject.identifier is required")
		}
		op := permID(in.Operation.Key, in.Operation.Target)
		if !st.catalogueHas(op) {
			return replyFail(http.StatusBadRequest, "Invalid operation %q: the space permissions that can be granted are %s", op, st.writableOperations())
		}
		pt, pid, problem := st.classicSubject(in.Subject.Type, in.Subject.Identifier, now)
		if problem != "" {
			return replyFail(http.StatusBadRequest, "%s", problem)
		}
		if st.hasClassic(s.ID, pt, pid, op) {
			return replyFail(http.StatusBadRequest, "Permission already exists for the given user or group")
		}
		if op != permRead && !st.hasClassic(s.ID, pt, pid, permRead) {
			return replyFail(http.StatusBadRequest, "'read space' permission doesn't exist for the given user or group")
		}
		p := st.addSpacePermission(s.ID, pt, pid, in.Operation.Key, in.Operation.Target)
		return replyOK(http.StatusOK, renderV1Permission(p, base, s.Key))
	})
}

// DELETE /wiki/rest/api/space/{spaceKey}/permission/{id} (removePermission). Removing read/space removes
// every permission of that principal in the space; no removal may take the space's last administrator.
func (e *Emulator) v1RemoveSpacePermission(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	e.do(w, apiConfluenceV1, func(st *state, _ time.Time) reply {
		s, fail, ok := st.v1Space(r, caller)
		if !ok {
			return fail
		}
		if st.roleMode == roleModeRoles {
			return replyFail(http.StatusBadRequest, "%s", classicWriteRefusal(st.roleMode))
		}
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		target := st.spacePerms[id]
		if err != nil || target == nil || target.SpaceID != s.ID {
			return replyFail(http.StatusNotFound, "There is no permission with id %s in space %s", r.PathValue("id"), s.Key)
		}
		cascade := permID(target.Key, target.Target) == permRead
		removesAdmin := false
		after := slices.DeleteFunc(slices.Clone(st.permsOf(s.ID)), func(p *spacePermission) bool {
			gone := p == target || cascade && p.PrincipalType == target.PrincipalType && p.PrincipalID == target.PrincipalID
			if gone && permID(p.Key, p.Target) == permAdminister {
				removesAdmin = true
			}
			return gone
		})
		if removesAdmin && st.adminHolders(s.ID, after, st.assignsOf(s.ID), st.currentRolePerms) == 0 {
			return replyFail(http.StatusBadRequest, "All of the admin permissions cannot be removed from a space")
		}
		st.setSpacePerms(s.ID, after)
		return replyOK(http.StatusNoContent, nil)
	})
}

// GET /wiki/api/v2/spaces/{id}/permissions (getSpacePermissionsAssignments): the classic grants, oldest
// first. Access given through roles is listed by the role-assignments route, not here.
func (e *Emulator) v2ListSpacePermissions(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	p, limit, size, problem := e.pageRequest(r)
	e.do(w, apiConfluenceV2, func(st *state, _ time.Time) reply {
		s, status, msg := st.spaceFromPath(r)
		if status != 0 {
			return replyFail(status, "%s", msg)
		}
		if !st.can(s.ID, caller, permRead) {
			return replyFail(http.StatusNotFound, "")
		}
		if problem != "" {
			return replyFail(http.StatusBadRequest, "%s", problem)
		}
		var items []any
		for _, perm := range st.permsOf(s.ID) {
			items = append(items, renderV2Permission(perm))
		}
		return e.pageReply(r, v2Prefix+"/spaces/"+strconv.FormatInt(s.ID, 10)+"/permissions", p, limit, size, items)
	})
}

// GET /wiki/api/v2/space-permissions (getAvailableSpacePermissions): the catalogue role definitions and
// classic grants draw from.
func (e *Emulator) v2SpacePermissionCatalogue(w http.ResponseWriter, r *http.Request) {
	p, limit, size, problem := e.pageRequest(r)
	e.do(w, apiConfluenceV2, func(st *state, _ time.Time) reply {
		if problem != "" {
			return replyFail(http.StatusBadRequest, "%s", problem)
		}
		items := make([]any, 0, len(st.permissionCatalog))
		for _, d := range st.permissionCatalog {
			required := d.Required
			if required == nil {
				required = []string{}
			}
			items = append(items, map[string]any{
				"id": d.ID, "displayName": d.DisplayName, "description": d.Description, "requiredPermissionIds": required,
			})
		}
		return e.pageReply(r, v2Prefix+"/space-permissions", p, limit, size, items)
	})
}

// bulkUserMax is how many users GET /user/bulk returns: "a maximum of 100 results. If more than 100 account
// ids are passed in, then the first 100 will be returned" (getBulkUserLookup).
const bulkUserMax = 100

// GET /wiki/rest/api/user/bulk?accountId=a,b (getBulkUserLookup): the users of the account ids, as a
// BulkUserLookupArray, with isGuest. UNCONFIRMED: the document types accountId as one string, "A list of
// accountId's"; the emulator takes the ids comma-separated in it (and in repeated parameters). Also
// UNCONFIRMED: ids that name no account are left out (200), a missing accountId is 400 (only 200 and 403
// are documented), and expand is accepted but expands nothing.
func (e *Emulator) v1BulkUsers(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	base := e.wikiBase(r)
	var ids []string
	for _, v := range r.URL.Query()["accountId"] {
		for id := range strings.SplitSeq(v, ",") {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	e.do(w, apiConfluenceV1, func(st *state, _ time.Time) reply {
		if a := st.accounts[caller]; a == nil {
			return replyFail(http.StatusForbidden, "The calling user cannot use Confluence")
		}
		if len(ids) == 0 {
			return replyFail(http.StatusBadRequest, "The accountId query parameter is required")
		}
		items := []any{}
		for _, id := range ids {
			if a := st.accounts[id]; a != nil && len(items) < bulkUserMax {
				items = append(items, renderV1User(a, base))
			}
		}
		return replyOK(http.StatusOK, v1PageReply(base, "/rest/api/user/bulk", url.Values{"accountId": {strings.Join(ids, ",")}}, 0, bulkUserMax, bulkUserMax, items))
	})
}

// GET /wiki/rest/api/user/current (getCurrentUser): the account the credential belongs to.
func (e *Emulator) v1CurrentUser(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	base := e.wikiBase(r)
	e.do(w, apiConfluenceV1, func(st *state, _ time.Time) reply {
		a := st.accounts[caller]
		if a == nil {
			return replyFail(http.StatusForbidden, "The calling user cannot use Confluence")
		}
		user := renderV1User(a, base)
		return replyOK(http.StatusOK, user)
	})
}
