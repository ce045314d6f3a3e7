package emulator_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Helpers of the space access tests (classic permissions, groups, roles).

const (
	v1Perm      = "/wiki/rest/api/space/%s/permission"
	v2Perms     = "/wiki/api/v2/spaces/%s/permissions"
	v2Assign    = "/wiki/api/v2/spaces/%s/role-assignments"
	v2Roles     = "/wiki/api/v2/space-roles"
	scimAtlExt  = "urn:scim:schemas:extension:atlassian-external:1.0"
	roleModeURL = "/wiki/api/v2/space-role-mode"
)

// wiki calls the Confluence API with the admin's Basic credentials.
func (h *harness) wiki(method, path string, body any) response {
	h.t.Helper()
	return h.do(method, path, basic(h.cred.Email, h.cred.APIToken), body)
}

// spaceID resolves a space key through the v2 spaces route.
func (h *harness) spaceID(key string) string {
	h.t.Helper()
	r := h.wikiGet("/wiki/api/v2/spaces?keys=" + key)
	expectStatus(h.t, r, http.StatusOK)
	id := r.str("results", "0", "id")
	if id == "" {
		h.t.Fatalf("no space %s: %s", key, r.raw)
	}
	return id
}

// account creates a SCIM user and returns its Atlassian account id.
func (h *harness) account(email string) string {
	h.t.Helper()
	r := h.createUser(userSpec{userName: email, email: email})
	id := r.str(scimAtlExt, "atlassianAccountId")
	if id == "" {
		h.t.Fatalf("SCIM user without an account id: %s", r.raw)
	}
	return id
}

func grantBody(typ, id, key, target string) map[string]any {
	return map[string]any{"subject": map[string]any{"type": typ, "identifier": id}, "operation": map[string]any{"key": key, "target": target}}
}

// grant adds a classic permission and returns the response (status not checked).
func (h *harness) grant(space, typ, id, key, target string) response {
	h.t.Helper()
	return h.wiki(http.MethodPost, fmt.Sprintf(v1Perm, space), grantBody(typ, id, key, target))
}

// revoke removes a classic permission by id.
func (h *harness) revoke(space string, id any) response {
	h.t.Helper()
	return h.wiki(http.MethodDelete, fmt.Sprintf(v1Perm, space)+fmt.Sprintf("/%v", id), nil)
}

// perm is one row of the v2 permission listing.
type perm struct{ id, typ, principal, op string }

// permissions reads every page of a space's classic permissions.
func (h *harness) permissions(spaceID string) []perm {
	h.t.Helper()
	var out []perm
	next := fmt.Sprintf(v2Perms, spaceID) + "?limit=250"
	for pages := 0; next != ""; pages++ {
		if pages > 500 {
			h.t.Fatal("permission pagination does not end")
		}
		r := h.wikiGet(next)
		expectStatus(h.t, r, http.StatusOK)
		for _, x := range r.list("results") {
			out = append(out, perm{
				id: dig(x, "id").(string), typ: dig(x, "principal", "type").(string), principal: dig(x, "principal", "id").(string),
				op: dig(x, "operation", "key").(string) + "/" + dig(x, "operation", "targetType").(string),
			})
		}
		next = r.str("_links", "next")
	}
	return out
}

// permsOf filters a listing to one principal's operations.
func permsOf(all []perm, typ, principal string) map[string]string {
	out := map[string]string{}
	for _, p := range all {
		if p.typ == typ && p.principal == principal {
			out[p.op] = p.id
		}
	}
	return out
}

// confluenceUsersGroup returns the id of the seeded confluence-users group, which holds read/space in ENG.
func (h *harness) confluenceUsersGroup() string {
	h.t.Helper()
	for _, p := range h.permissions(h.spaceID("ENG")) {
		if p.typ == "group" {
			return p.principal
		}
	}
	h.t.Fatal("no group grant in ENG")
	return ""
}

func assignment(typ, id string, role any) map[string]any {
	a := map[string]any{"principal": map[string]any{"principalType": typ, "principalId": id}}
	if role != nil {
		a["roleId"] = role
	}
	return a
}

// roleIDs maps role names to ids.
func (h *harness) roleIDs() map[string]string {
	h.t.Helper()
	out := map[string]string{}
	next := v2Roles + "?limit=250"
	for pages := 0; next != ""; pages++ {
		if pages > 100 {
			h.t.Fatal("role pagination does not end")
		}
		r := h.wikiGet(next)
		expectStatus(h.t, r, http.StatusOK)
		for _, x := range r.list("results") {
			out[dig(x, "name").(string)] = dig(x, "id").(string)
		}
		next = r.str("_links", "next")
	}
	return out
}

// assignments reads every page of a space's role assignments as "TYPE:id" → role id.
func (h *harness) assignments(spaceID string) map[string]string {
	h.t.Helper()
	out := map[string]string{}
	next := fmt.Sprintf(v2Assign, spaceID)
	for pages := 0; next != ""; pages++ {
		if pages > 500 {
			h.t.Fatal("role assignment pagination does not end")
		}
		r := h.wikiGet(next)
		expectStatus(h.t, r, http.StatusOK)
		for _, x := range r.list("results") {
			out[dig(x, "principal", "principalType").(string)+":"+dig(x, "principal", "principalId").(string)] = dig(x, "roleId").(string)
		}
		next = r.str("_links", "next")
	}
	return out
}

// expectV1Error checks the v1 error shape and message.
func expectV1Error(t *testing.T, r response, status int, message string) {
	t.Helper()
	expectStatus(t, r, status)
	if r.num("statusCode") != status || r.str("message") != message {
		t.Errorf("v1 error = %s, want statusCode %d and message %q", r.raw, status, message)
	}
}

// expectV2Error checks the v2 error shape (numeric status) and, when given, that detail contains want.
func expectV2Error(t *testing.T, r response, status int, want string) {
	t.Helper()
	expectStatus(t, r, status)
	if r.num("errors", "0", "status") != status || r.str("errors", "0", "code") == "" {
		t.Errorf("v2 error shape: %s", r.raw)
	}
	if !strings.Contains(r.str("errors", "0", "detail"), want) {
		t.Errorf("v2 error detail %q does not mention %q", r.str("errors", "0", "detail"), want)
	}
}

// homepageID is the v2 homepageId of a space (its id given).
func (h *harness) homepageID(spaceID string) string {
	h.t.Helper()
	r := h.wikiGet("/wiki/api/v2/spaces/" + spaceID)
	expectStatus(h.t, r, http.StatusOK)
	if r.str("homepageId") == "" {
		h.t.Fatalf("space %s without homepageId: %s", spaceID, r.raw)
	}
	return r.str("homepageId")
}

func permissionCheck(typ, id, operation string) map[string]any {
	return map[string]any{"subject": map[string]any{"type": typ, "identifier": id}, "operation": operation}
}

// checkPermission runs the v1 content permission check as the seeded admin.
func (h *harness) checkPermission(contentID, typ, id, operation string) response {
	h.t.Helper()
	return h.wiki(http.MethodPost, "/wiki/rest/api/content/"+contentID+"/permission/check", permissionCheck(typ, id, operation))
}
