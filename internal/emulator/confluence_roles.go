package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Space roles (reference §3.7): the site's role catalogue, with asynchronous (202) updates and
// deletions that apply after Options.PropagationDelay, and each space's role assignments.
//
// Decisions where the reference is silent (UNCONFIRMED, documented here):
//   - SYSTEM roles (Admin, Manager, Collaborator, Viewer) cannot be changed or deleted: 400 (PUT and
//     DELETE document no 403).
//   - A duplicate role name (case-insensitive) is a 400: POST and PUT document no 409.
//   - A role's permissions must include each one's requiredPermissionIds (the catalogue's field exists
//     to say so), and may not be empty.
//   - Deleting a role that is assigned anywhere is refused with 400: DELETE takes no reassignment
//     parameter, and silently dropping principals' access is what nobody wants. Reassign first.
//   - An update that would leave a space without any principal holding administer/space is refused
//     (400), like the classic last admin.
//   - Role assignment writes are synchronous (200 "succeeds in its entirety") and visible at once; the
//     answer lists the resulting assignments of the principals in the request.

// renderSpaceRole is SpaceRole.
func renderSpaceRole(r *spaceRole) map[string]any {
	perms := r.Permissions
	if perms == nil {
		perms = []string{}
	}
	return map[string]any{"id": r.ID, "type": r.Type, "name": r.Name, "description": r.Description, "spacePermissions": perms}
}

func renderRoleAssignment(a *spaceRoleAssignment) map[string]any {
	return map[string]any{"principal": map[string]any{"principalType": a.PrincipalType, "principalId": a.PrincipalID}, "roleId": a.RoleID}
}

// spaceRoleInput is the body of POST /space-roles and PUT /space-roles/{id}.
type spaceRoleInput struct {
	Name                        *string   `json:"name"`
	Description                 *string   `json:"description"`
	SpacePermissions            *[]string `json:"spacePermissions"`
	AnonymousReassignmentRoleID *string   `json:"anonymousReassignmentRoleId"`
	GuestReassignmentRoleID     *string   `json:"guestReassignmentRoleId"`
}

// roleWriteAllowed applies the rules every role catalogue write shares: only site and org admins may
// write (404 otherwise, as documented) and PRE_ROLES sites have no roles to write.
func (st *state) roleWriteAllowed(caller string) (reply, bool) {
	if !st.productAdmin(caller) {
		return replyFail(http.StatusNotFound, "The calling user does not have permission to manage space roles"), false
	}
	if st.roleMode == roleModePreRoles {
		return replyFail(http.StatusBadRequest, "%s", roleWriteRefusal(st.roleMode)), false
	}
	return reply{}, true
}

// roleNameTaken reports whether another role has (or is about to have) the name.
func (st *state) roleNameTaken(name, selfID string) bool {
	for _, id := range st.spaceRoleOrder {
		r := st.spaceRoles[id]
		if id == selfID {
			continue
		}
		if strings.EqualFold(r.Name, name) || r.Pending != nil && !r.Pending.Delete && strings.EqualFold(r.Pending.Name, name) {
			return true
		}
	}
	return false
}

// checkRoleInput validates a role definition and returns its permissions in catalogue order.
func (st *state) checkRoleInput(in spaceRoleInput, selfID string) (name, description string, perms []string, problem string) {
	switch {
	case in.Name == nil || strings.TrimSpace(*in.Name) == "":
		return "", "", nil, "name is required"
	case in.Description == nil:
		return "", "", nil, "description is required"
	case in.SpacePermissions == nil || len(*in.SpacePermissions) == 0:
		return "", "", nil, "spacePermissions is required and must name at least one permission from GET /wiki/api/v2/space-permissions"
	}
	name = strings.TrimSpace(*in.Name)
	for _, p := range *in.SpacePermissions {
		if !st.catalogueHas(p) {
			return "", "", nil, fmt.Sprintf("Unknown space permission %q: use the ids of GET /wiki/api/v2/space-permissions", p)
		}
	}
	for _, d := range st.permissionCatalog {
		if !slices.Contains(*in.SpacePermissions, d.ID) {
			continue
		}
		for _, req := range d.Required {
			if !slices.Contains(*in.SpacePermissions, req) {
				return "", "", nil, fmt.Sprintf("Space permission %s requires %s", d.ID, req)
			}
		}
		perms = append(perms, d.ID)
	}
	if st.roleNameTaken(name, selfID) {
		return "", "", nil, fmt.Sprintf("A space role named %q already exists", name)
	}
	return name, *in.Description, perms, ""
}

// usableRole returns a role principals can be assigned to: it exists and is not being deleted.
func (st *state) usableRole(id string) *spaceRole {
	r := st.spaceRoles[id]
	if r == nil || r.Pending != nil && r.Pending.Delete {
		return nil
	}
	return r
}

// orphanedSpace returns the first space (in id order) that has an administrator now and would have none if
// the roles' permissions were rolePerms'.
func (st *state) orphanedSpace(rolePerms func(string) []string) *space {
	for _, id := range st.spaceOrder {
		perms, assigns := st.permsOf(id), st.assignsOf(id)
		if st.adminHolders(id, perms, assigns, st.currentRolePerms) > 0 && st.adminHolders(id, perms, assigns, rolePerms) == 0 {
			return st.spaces[id]
		}
	}
	return nil
}

// anyAssignment reports whether a role assignment matches: in one space, or in any (spaceID 0).
func (st *state) anyAssignment(spaceID int64, match func(*spaceRoleAssignment) bool) bool {
	if spaceID != 0 {
		return slices.ContainsFunc(st.assignsOf(spaceID), match)
	}
	for _, a := range st.roleAssignments {
		if match(a) {
			return true
		}
	}
	return false
}

// GET /wiki/api/v2/space-roles (getAvailableSpaceRoles).
func (e *Emulator) v2ListSpaceRoles(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	p, limit, size, problem := e.pageRequest(r, "space-id", "role-type", "principal-id", "principal-type")
	e.do(w, apiConfluenceV2, func(st *state, _ time.Time) reply {
		if problem != "" {
			return replyFail(http.StatusBadRequest, "%s", problem)
		}
		f := p.Filters
		var spaceID int64
		if sid := f["space-id"]; sid != "" {
			id, err := strconv.ParseInt(sid, 10, 64)
			if err != nil {
				return replyFail(http.StatusBadRequest, "space-id must be numeric")
			}
			if s := st.spaces[id]; s == nil || !st.can(id, caller, permRead) {
				return replyFail(http.StatusNotFound, "")
			}
			spaceID = id
		}
		roleType, pType, pID, fail, ok := roleFilters(f)
		if !ok {
			return fail
		}
		var items []any
		for _, id := range st.spaceRoleOrder {
			role := st.spaceRoles[id]
			if roleType != "" && role.Type != roleType {
				continue
			}
			if pType != "" && !st.anyAssignment(spaceID, func(a *spaceRoleAssignment) bool {
				return a.RoleID == id && a.PrincipalType == pType && a.PrincipalID == pID
			}) {
				continue
			}
			items = append(items, renderSpaceRole(role))
		}
		return e.pageReply(r, v2Prefix+"/space-roles", p, limit, size, items)
	})
}

// roleFilters checks the role-type and principal filters the role listings share: principal-id and
// principal-type go together (as documented).
func roleFilters(f map[string]string) (roleType, principalType, principalID string, fail reply, ok bool) {
	roleType = strings.ToUpper(f["role-type"])
	if roleType != "" && roleType != "SYSTEM" && roleType != "CUSTOM" {
		return "", "", "", replyFail(http.StatusBadRequest, "role-type must be SYSTEM or CUSTOM"), false
	}
	principalType, principalID = f["principal-type"], f["principal-id"]
	if (principalType == "") != (principalID == "") {
		return "", "", "", replyFail(http.StatusBadRequest, "principal-id and principal-type must be given together"), false
	}
	if principalType != "" && !slices.Contains([]string{rolePrincipalUser, rolePrincipalGroup, rolePrincipalAccessClass}, principalType) {
		return "", "", "", replyFail(http.StatusBadRequest, "principal-type must be USER, GROUP or ACCESS_CLASS"), false
	}
	return roleType, principalType, principalID, reply{}, true
}

// POST /wiki/api/v2/space-roles (createSpaceRole) → 201 SpaceRole.
func (e *Emulator) v2CreateSpaceRole(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	var in spaceRoleInput
	bodyErr := decodeAccessBody(r, &in)
	e.do(w, apiConfluenceV2, func(st *state, _ time.Time) reply {
		if fail, ok := st.roleWriteAllowed(caller); !ok {
			return fail
		}
		if bodyErr != nil {
			return replyFail(http.StatusBadRequest, "%s", bodyErr.Error())
		}
		name, description, perms, problem := st.checkRoleInput(in, "")
		if problem != "" {
			return replyFail(http.StatusBadRequest, "%s", problem)
		}
		role := &spaceRole{ID: newUUID(), Type: "CUSTOM", Name: name, Description: description, Permissions: perms}
		st.spaceRoles[role.ID] = role
		st.spaceRoleOrder = append(st.spaceRoleOrder, role.ID)
		return replyOK(http.StatusCreated, renderSpaceRole(role))
	})
}

// GET /wiki/api/v2/space-roles/{id} (getSpaceRolesById).
func (e *Emulator) v2GetSpaceRole(w http.ResponseWriter, r *http.Request) {
	base := e.wikiBase(r)
	e.do(w, apiConfluenceV2, func(st *state, _ time.Time) reply {
		role := st.spaceRoles[r.PathValue("id")]
		if role == nil {
			return replyFail(http.StatusNotFound, "")
		}
		doc := renderSpaceRole(role)
		doc["_links"] = map[string]any{"base": base}
		return replyOK(http.StatusOK, doc)
	})
}

// PUT /wiki/api/v2/space-roles/{id} (updateSpaceRole) → 202; the change applies after the delay.
func (e *Emulator) v2UpdateSpaceRole(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	var in spaceRoleInput
	bodyErr := decodeAccessBody(r, &in)
	e.do(w, apiConfluenceV2, func(st *state, now time.Time) reply {
		if fail, ok := st.roleWriteAllowed(caller); !ok {
			return fail
		}
		id := r.PathValue("id")
		role := st.usableRole(id)
		if role == nil {
			return replyFail(http.StatusNotFound, "")
		}
		if role.Type == "SYSTEM" {
			return replyFail(http.StatusBadRequest, "The system space role %s cannot be changed", role.Name)
		}
		if bodyErr != nil {
			return replyFail(http.StatusBadRequest, "%s", bodyErr.Error())
		}
		name, description, perms, problem := st.checkRoleInput(in, id)
		if problem != "" {
			return replyFail(http.StatusBadRequest, "%s", problem)
		}
		task := &spaceRoleTask{TaskID: newUUID(), ApplyAt: now.Add(st.propagation), Name: name, Description: description, Permissions: perms}
		for _, reassign := range []struct {
			field string
			to    *string
		}{{"anonymousReassignmentRoleId", in.AnonymousReassignmentRoleID}, {"guestReassignmentRoleId", in.GuestReassignmentRoleID}} {
			if reassign.to == nil {
				continue
			}
			if *reassign.to == id || st.usableRole(*reassign.to) == nil {
				return replyFail(http.StatusBadRequest, "%s must name another existing space role", reassign.field)
			}
		}
		if in.AnonymousReassignmentRoleID != nil {
			task.AnonymousTo = *in.AnonymousReassignmentRoleID
		}
		rolePerms := func(rid string) []string {
			if rid == id {
				return perms
			}
			return st.currentRolePerms(rid)
		}
		if s := st.orphanedSpace(rolePerms); s != nil {
			return replyFail(http.StatusBadRequest, "Removing %s from role %s would leave space %s without an administrator", permAdminister, role.Name, s.Key)
		}
		role.Pending = task
		return replyOK(http.StatusAccepted, map[string]any{"id": id, "type": role.Type, "name": name, "description": description, "taskId": task.TaskID})
	})
}

// DELETE /wiki/api/v2/space-roles/{id} (deleteSpaceRole) → 202 {taskId}; the role goes after the delay.
func (e *Emulator) v2DeleteSpaceRole(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	e.do(w, apiConfluenceV2, func(st *state, now time.Time) reply {
		if fail, ok := st.roleWriteAllowed(caller); !ok {
			return fail
		}
		role := st.spaceRoles[r.PathValue("id")]
		switch {
		case role == nil:
			return replyFail(http.StatusNotFound, "")
		case role.Type == "SYSTEM":
			return replyFail(http.StatusBadRequest, "The system space role %s cannot be deleted", role.Name)
		case role.Pending != nil && role.Pending.Delete:
			return replyOK(http.StatusAccepted, map[string]any{"taskId": role.Pending.TaskID}) // already on its way
		}
		spaces := map[int64]bool{}
		n := 0
		for _, a := range st.roleAssignments {
			if a.RoleID == role.ID {
				spaces[a.SpaceID] = true
				n++
			}
		}
		if n > 0 {
			return replyFail(http.StatusBadRequest, "The space role %s is assigned to %d principal(s) in %d space(s); assign them another role before deleting it", role.Name, n, len(spaces))
		}
		role.Pending = &spaceRoleTask{TaskID: newUUID(), ApplyAt: now.Add(st.propagation), Delete: true}
		return replyOK(http.StatusAccepted, map[string]any{"taskId": role.Pending.TaskID})
	})
}

// GET /wiki/api/v2/spaces/{id}/role-assignments (getSpaceRoleAssignments).
func (e *Emulator) v2ListRoleAssignments(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	p, limit, size, problem := e.pageRequest(r, "role-id", "role-type", "principal-id", "principal-type")
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
		roleType, pType, pID, fail, ok := roleFilters(p.Filters)
		if !ok {
			return fail
		}
		roleID := p.Filters["role-id"]
		var items []any
		for _, a := range st.assignsOf(s.ID) {
			if roleID != "" && a.RoleID != roleID || pType != "" && (a.PrincipalType != pType || a.PrincipalID != pID) {
				continue
			}
			if role := st.spaceRoles[a.RoleID]; roleType != "" && (role == nil || role.Type != roleType) {
				continue
			}
			items = append(items, renderRoleAssignment(a))
		}
		return e.pageReply(r, v2Prefix+"/spaces/"+strconv.FormatInt(s.ID, 10)+"/role-assignments", p, limit, size, items)
	})
}

// roleAssignmentInput is one entry of the SetSpaceRoleAssignmentRequest array.
type roleAssignmentInput struct {
	Principal *struct {
		PrincipalType *string `json:"principalType"`
		PrincipalID   *string `json:"principalId"`
	} `json:"principal"`
	RoleID *string `json:"roleId"`
}

// checkRolePrincipal validates one principal of a role assignment.
func (st *state) checkRolePrincipal(typ, id string, now time.Time) string {
	switch typ {
	case rolePrincipalUser:
		if st.accounts[id] == nil {
			return "No user found with accountId " + id
		}
	case rolePrincipalGroup:
		if g := st.orgGroups[id]; g == nil || !g.visible(now) {
			return "No group found with id " + id
		}
	case rolePrincipalAccessClass:
		if !slices.Contains(accessClasses, id) {
			return fmt.Sprintf("Unknown access class %q: use one of %s", id, strings.Join(accessClasses, ", "))
		}
	default:
		return "principalType must be USER, GROUP or ACCESS_CLASS"
	}
	return ""
}

// POST /wiki/api/v2/spaces/{id}/role-assignments (setSpaceRoleAssignments). Each entry sets the role of
// one principal (one role per principal per space) or, without roleId, removes its assignment. The
// request applies entirely or not at all.
func (e *Emulator) v2SetRoleAssignments(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	var in []roleAssignmentInput
	bodyErr := decodeAccessBody(r, &in)
	e.do(w, apiConfluenceV2, func(st *state, now time.Time) reply {
		if errors.Is(bodyErr, errBodyTooLarge) { // refused before anything else looks at the request
			return replyFail(http.StatusRequestEntityTooLarge, "The request is larger than 5 MB")
		}
		s, status, msg := st.spaceFromPath(r)
		if status != 0 {
			return replyFail(status, "%s", msg)
		}
		if !st.can(s.ID, caller, permRead) || !st.can(s.ID, caller, permAdminister) {
			return replyFail(http.StatusNotFound, "")
		}
		if st.roleMode == roleModePreRoles {
			return replyFail(http.StatusBadRequest, "%s", roleWriteRefusal(st.roleMode))
		}
		if bodyErr != nil {
			return replyFail(http.StatusBadRequest, "%s", bodyErr.Error())
		}
		type change struct {
			typ, id string
			role    *string
		}
		changes := make([]change, 0, len(in))
		for i, x := range in {
			if x.Principal == nil || x.Principal.PrincipalType == nil || x.Principal.PrincipalID == nil || *x.Principal.PrincipalID == "" {
				return replyFail(http.StatusBadRequest, "[%d]: principal with principalType and principalId is required", i)
			}
			c := change{typ: *x.Principal.PrincipalType, id: *x.Principal.PrincipalID, role: x.RoleID}
			if problem := st.checkRolePrincipal(c.typ, c.id, now); problem != "" {
				return replyFail(http.StatusBadRequest, "[%d]: %s", i, problem)
			}
			if slices.ContainsFunc(changes, func(o change) bool { return o.typ == c.typ && o.id == c.id }) {
				return replyFail(http.StatusBadRequest, "[%d]: principal %s %s appears more than once; a principal holds one role per space", i, c.typ, c.id)
			}
			if c.role != nil && *c.role == "" {
				return replyFail(http.StatusBadRequest, "[%d]: roleId must not be empty; omit it to remove the principal's assignment", i)
			}
			if c.role != nil && st.usableRole(*c.role) == nil {
				return replyFail(http.StatusBadRequest, "[%d]: No space role with id %s", i, *c.role)
			}
			changes = append(changes, c)
		}
		// Build the space's result on copies, so a refusal leaves the state untouched.
		find := func(a *spaceRoleAssignment) int {
			return slices.IndexFunc(changes, func(c change) bool { return c.typ == a.PrincipalType && c.id == a.PrincipalID })
		}
		applied := make([]bool, len(changes))
		before := st.assignsOf(s.ID)
		after := make([]*spaceRoleAssignment, 0, len(before)+len(changes))
		for _, a := range before {
			i := find(a)
			if i < 0 {
				after = append(after, a)
				continue
			}
			applied[i] = true
			if changes[i].role != nil {
				c := *a
				c.RoleID = *changes[i].role
				after = append(after, &c)
			}
		}
		for i, c := range changes {
			if !applied[i] && c.role != nil {
				after = append(after, &spaceRoleAssignment{SpaceID: s.ID, PrincipalType: c.typ, PrincipalID: c.id, RoleID: *c.role})
			}
		}
		perms := st.permsOf(s.ID)
		if st.adminHolders(s.ID, perms, before, st.currentRolePerms) > 0 &&
			st.adminHolders(s.ID, perms, after, st.currentRolePerms) == 0 {
			return replyFail(http.StatusBadRequest, "The space %s must keep at least one principal with %s: this change would remove its last administrator", s.Key, permAdminister)
		}
		st.setSpaceAssigns(s.ID, after)
		results := []any{}
		for _, a := range after {
			if find(a) >= 0 {
				results = append(results, renderRoleAssignment(a))
			}
		}
		return replyOK(http.StatusOK, map[string]any{"results": results, "_links": map[string]any{"base": e.wikiBase(r)}})
	})
}
