package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The v1 content permission check (checkContentPermission): POST /wiki/rest/api/content/{id}/permission/check
// with {subject: {type: user|group, identifier}, operation: read|update|delete} answers
// {hasPermission, errors}. The emulator's content is each space's home page (v2 spaces' homepageId); the
// check evaluates "site permissions, space permissions, content restrictions" (v1 document) on the model's
// site roles and space permissions. Content restrictions are not modelled: no page has any.

// contentOperations maps the document's operations onto the space permission each needs besides
// read/space: the classic permission and the role permission. UNCONFIRMED: classic "create/page" ("Add
// pages") is what lets a user edit pages, as in Confluence's classic permission scheme; roles carry
// update/page.
var contentOperations = map[string][2]string{
	"read":   {permRead, permRead},
	"update": {"create/page", "update/page"},
	"delete": {"delete/page", "delete/page"},
}

// siteUseRoles are the Confluence site roles that let an account use Confluence ("Can use").
var siteUseRoles = []string{"atlassian/user", "atlassian/admin", "atlassian/guest"}

// canUseConfluence reports whether the account may use the site: neither suspended nor deactivated, and a
// role on the Confluence site through one of its visible groups.
func (st *state) canUseConfluence(accountID string, now time.Time) bool {
	a := st.accounts[accountID]
	if a == nil || !a.hasProductAccess() {
		return false
	}
	ari := st.site.ari()
	return slices.ContainsFunc(st.accountGroups(accountID, allDirectories, now), func(g *orgGroup) bool {
		return st.holdsRole(g.ID, []string{ari}, nil, siteUseRoles, now)
	})
}

// contentAccess is the one evaluation of whether a subject may perform a content operation in a space: a
// user must be allowed to use Confluence, then every subject needs read/space and the operation's
// permission (holds: direct grants, its groups' grants and anonymous access for a user; the group's own for
// a group; anonymous access for anonymous users; or the same through space roles). It returns the
// document's denial message ("User does not have permission to the space", …) when it says no.
// UNCONFIRMED: site-wide anonymous access is not modelled, so anonymous users are judged by the space's
// anonymous grants alone.
func (st *state) contentAccess(s *space, sub permissionSubject, operation string, now time.Time) (bool, string) {
	who := map[string]string{principalUser: "User", principalGroup: "Group", principalAnonymous: "Anonymous user"}[sub.Type]
	if sub.Type == principalUser && !st.canUseConfluence(sub.ID, now) {
		return false, "User is not allowed to use Confluence"
	}
	perms, ok := contentOperations[operation]
	if !ok || !st.holds(s.ID, sub, permRead, permRead) || !st.holds(s.ID, sub, perms[0], perms[1]) {
		return false, who + " does not have permission to the space"
	}
	return true, ""
}

// v1CheckContentPermission answers the check. Checking another subject than oneself needs the "Confluence
// Administrator" global permission (v1 document), else 403. UNCONFIRMED: that permission is modelled as
// membership of site-admins or org-admins (productAdmin), and an unknown account or group id is a 400
// ("If specified subject … is invalid").
func (e *Emulator) v1CheckContentPermission(w http.ResponseWriter, r *http.Request) {
	caller := e.confluenceCaller(r)
	var in struct {
		Subject *struct {
			Type       string `json:"type"`
			Identifier string `json:"identifier"`
		} `json:"subject"`
		Operation string `json:"operation"`
	}
	if err := decodeAccessBody(r, &in); err != nil {
		writeV1Error(w, http.StatusBadRequest, err.Error())
		return
	}
	switch {
	case in.Subject == nil || in.Operation == "":
		writeV1Error(w, http.StatusBadRequest, "subject and operation are required")
		return
	case in.Subject.Type != principalUser && in.Subject.Type != principalGroup:
		writeV1Error(w, http.StatusBadRequest, "subject.type must be user or group")
		return
	case strings.TrimSpace(in.Subject.Identifier) == "":
		writeV1Error(w, http.StatusBadRequest, "subject.identifier is required")
		return
	case contentOperations[in.Operation] == [2]string{}:
		writeV1Error(w, http.StatusBadRequest, "operation must be one of read, update, delete")
		return
	}
	sub := permissionSubject{Type: in.Subject.Type, ID: in.Subject.Identifier}
	if sub.Type == principalUser && sub.ID == anonymousIdentifier {
		sub = permissionSubject{Type: principalAnonymous}
	}
	rawID := r.PathValue("id")
	e.do(w, apiConfluenceV1, func(st *state, now time.Time) reply {
		id, err := strconv.ParseInt(rawID, 10, 64)
		var s *space
		if err == nil {
			s = st.spaceByHomepage(id)
		}
		if s == nil {
			return replyFail(http.StatusNotFound, "No content found with id: %s", rawID)
		}
		if self := sub.Type == principalUser && sub.ID == caller; !self && !st.productAdmin(caller) {
			return replyFail(http.StatusForbidden, "Checking the permissions of another user or of a group requires the Confluence Administrator global permission.")
		}
		switch {
		case sub.Type == principalUser && st.accounts[sub.ID] == nil:
			return replyFail(http.StatusBadRequest, "No user found with account id %s", sub.ID)
		case sub.Type == principalGroup && st.orgGroups[sub.ID] == nil:
			return replyFail(http.StatusBadRequest, "No group found with id %s", sub.ID)
		}
		ok, denial := st.contentAccess(s, sub, in.Operation, now)
		errs := []any{}
		if !ok {
			errs = append(errs, map[string]any{"translation": denial, "args": []any{}})
		}
		return replyOK(http.StatusOK, map[string]any{"hasPermission": ok, "errors": errs})
	})
}
