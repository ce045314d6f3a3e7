package emulator

import (
	"net/http"
	"time"
)

// Organizations API v1 orgs routes (reference §2.2; admin 2026 document getOrgs, getOrgById). An
// organization API key belongs to one organization, so the listing holds that one.

const adminV1Orgs = "/admin/v1/orgs"

// renderOrg is the OrgModel of the emulated organization.
func (st *state) renderOrg(base string) map[string]any {
	self := base + adminV1Orgs + "/" + st.org.ID
	return map[string]any{
		"id":         st.org.ID,
		"type":       "orgs",
		"attributes": map[string]any{"name": st.org.Name},
		"relationships": map[string]any{
			"domains": map[string]any{"links": map[string]any{"related": self + "/domains"}},
			"users":   map[string]any{"links": map[string]any{"related": self + "/users"}},
		},
		"links": map[string]any{"self": self},
	}
}

// GET /admin/v1/orgs (getOrgs): an OrgPage of the key's organization. There is never a next page, so any
// cursor is one this API did not issue: 400 ADMIN-400-1, the documented invalid-cursor answer.
func (e *Emulator) adminListOrgs(w http.ResponseWriter, r *http.Request) {
	base := e.base(r)
	if r.URL.Query().Get("cursor") != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidCursor, "The cursor is invalid.")
		return
	}
	e.do(w, apiAdmin, func(st *state, _ time.Time) reply {
		return replyOK(http.StatusOK, map[string]any{
			"data":  []any{st.renderOrg(base)},
			"links": map[string]any{"self": base + adminV1Orgs},
		})
	})
}

// GET /admin/v1/orgs/{orgId} (getOrgById): {"data": OrgModel}. Another org id is answered 404
// ADMIN-404-2 by the middleware, as for every Admin route.
func (e *Emulator) adminGetOrg(w http.ResponseWriter, r *http.Request) {
	base := e.base(r)
	e.do(w, apiAdmin, func(st *state, _ time.Time) reply {
		return replyOK(http.StatusOK, map[string]any{"data": st.renderOrg(base)})
	})
}
