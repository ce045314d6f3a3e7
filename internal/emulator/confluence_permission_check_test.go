package emulator_test

import (
	"net/http"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// expectCheck runs a permission check and compares hasPermission and the denial message.
func expectCheck(t *testing.T, h *harness, page, typ, id, op string, want bool, denial string) {
	t.Helper()
	r := h.checkPermission(page, typ, id, op)
	expectStatus(t, r, http.StatusOK)
	if r.get("hasPermission") != want {
		t.Errorf("%s %s may %s: %v, want %v (%s)", typ, id, op, r.get("hasPermission"), want, r.raw)
	}
	if got := r.str("errors", "0", "translation"); got != denial {
		t.Errorf("%s %s %s: denial %q, want %q", typ, id, op, got, denial)
	}
}

// The check answers from the space permissions the emulator holds: a user's grants through a group, its
// own, anonymous access, space roles, and the site access suspension and guests' roles decide.
func TestContentPermissionCheck(t *testing.T) {
	h := newHarness(t, emulator.Options{
		Guests:     []string{"gus@partner.example"},
		Population: emulator.Population{Idle: 2, Suspended: 1},
	})
	p := h.cred.Population
	reader, other, suspended, guest := p.Idle[0], p.Idle[1], p.Suspended[0], h.cred.GuestAccountIDs[0]
	ops, eng, docs := h.spaceID("OPS"), h.spaceID("ENG"), h.spaceID("DOCS")
	opsHome, engHome, docsHome := h.homepageID(ops), h.homepageID(eng), h.homepageID(docs)
	users := h.confluenceUsersGroup()
	const noSpace, noSite = "User does not have permission to the space", "User is not allowed to use Confluence"

	// Through a group: OPS is readable only through Readers once confluence-users' grant is gone.
	expectStatus(t, h.revoke("OPS", permsOf(h.permissions(ops), "group", users)["read/space"]), http.StatusNoContent)
	readers := h.createAdminGroup(h.defaultDirectory(), "Readers")
	expectStatus(t, h.admin(http.MethodPost, h.groupPath(readers, "/memberships"), map[string]any{"accountId": reader}), http.StatusNoContent)
	expectStatus(t, h.grant("OPS", "group", readers, "read", "space"), http.StatusOK)
	expectCheck(t, h, opsHome, "user", reader, "read", true, "")
	expectCheck(t, h, opsHome, "group", readers, "read", true, "")
	expectCheck(t, h, opsHome, "user", other, "read", false, noSpace)
	expectCheck(t, h, opsHome, "group", users, "read", false, "Group does not have permission to the space")
	expectCheck(t, h, opsHome, "user", reader, "update", false, noSpace)

	// A direct grant, then anonymous access, which signed-in users get too.
	r := h.grant("OPS", "user", other, "read", "space")
	expectStatus(t, r, http.StatusOK)
	expectCheck(t, h, opsHome, "user", other, "read", true, "")
	expectStatus(t, h.revoke("OPS", r.num("id")), http.StatusNoContent)
	expectCheck(t, h, opsHome, "user", "anonymous", "read", false, "Anonymous user does not have permission to the space")
	expectStatus(t, h.grant("OPS", "user", "anonymous", "read", "space"), http.StatusOK)
	expectCheck(t, h, opsHome, "user", "anonymous", "read", true, "")
	expectCheck(t, h, opsHome, "user", other, "read", true, "")

	// Classic "Add pages" edits; deleting needs its own permission.
	expectCheck(t, h, engHome, "user", h.cred.AdminAccountID, "update", true, "")
	expectCheck(t, h, engHome, "user", h.cred.AdminAccountID, "delete", true, "")
	expectCheck(t, h, engHome, "user", reader, "update", false, noSpace)

	// Site access: a suspended member of a granting group has none; a guest uses the site but needs grants.
	expectCheck(t, h, engHome, "user", suspended, "read", false, noSite)
	expectCheck(t, h, engHome, "user", guest, "read", false, noSpace)
	expectStatus(t, h.grant("ENG", "user", guest, "read", "space"), http.StatusOK)
	expectCheck(t, h, engHome, "user", guest, "read", true, "")

	// Space roles: DOCS gives confluence-users the Viewer role; a Collaborator assignment adds editing.
	roles := h.roleIDs()
	expectCheck(t, h, docsHome, "user", reader, "read", true, "")
	expectCheck(t, h, docsHome, "user", reader, "update", false, noSpace)
	expectStatus(t, h.wiki(http.MethodPost, "/wiki/api/v2/spaces/"+docs+"/role-assignments", []any{assignment("USER", reader, roles["Collaborator"])}), http.StatusOK)
	expectCheck(t, h, docsHome, "user", reader, "update", true, "")
	expectCheck(t, h, docsHome, "user", reader, "delete", false, noSpace)

	// Refusals: unknown content, a malformed or unknown subject, an operation outside the document's.
	expectV1Error(t, h.checkPermission("1", "user", reader, "read"), http.StatusNotFound, "No content found with id: 1")
	expectV1Error(t, h.checkPermission(engHome, "user", reader, "export"), http.StatusBadRequest, "operation must be one of read, update, delete")
	expectV1Error(t, h.checkPermission(engHome, "role", reader, "read"), http.StatusBadRequest, "subject.type must be user or group")
	expectV1Error(t, h.checkPermission(engHome, "user", "nobody", "read"), http.StatusBadRequest, "No user found with account id nobody")
	expectV1Error(t, h.wiki(http.MethodPost, "/wiki/rest/api/content/"+engHome+"/permission/check", map[string]any{"operation": "read"}), http.StatusBadRequest, "subject and operation are required")
}

// Checking another subject needs a Confluence administrator; anyone may check themselves.
func TestContentPermissionCheckNeedsAnAdministrator(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	engHome := h.homepageID(h.spaceID("ENG"))
	users := h.confluenceUsersGroup()
	expectCheck(t, h, engHome, "group", users, "read", true, "")
	for _, admins := range []string{"site-admins", "org-admins"} {
		expectStatus(t, h.admin(http.MethodDelete, h.groupPath(h.adminGroupID(admins), "/memberships/")+h.cred.AdminAccountID, nil), http.StatusNoContent)
	}
	expectV1Error(t, h.checkPermission(engHome, "group", users, "read"), http.StatusForbidden,
		"Checking the permissions of another user or of a group requires the Confluence Administrator global permission.")
	expectCheck(t, h, engHome, "user", h.cred.AdminAccountID, "read", true, "")
}
