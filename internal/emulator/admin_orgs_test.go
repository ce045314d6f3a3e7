package emulator_test

import (
	"net/http"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
)

// orgRoutes are the Organizations API v1 orgs routes; TestAdminOrgsContract exercises each.
var orgRoutes = []string{"GET /admin/v1/orgs", "GET /admin/v1/orgs/{orgId}"}

func adminOrgsFlow(t *testing.T, h *harness) {
	t.Helper()
	bearer := "Bearer " + h.cred.AdminAPIKey
	r := h.do(http.MethodGet, "/admin/v1/orgs", bearer, nil)
	expectStatus(t, r, http.StatusOK)
	if len(r.list("data")) != 1 || r.str("data", "0", "id") != h.cred.OrgID || r.str("data", "0", "type") != "orgs" || r.str("data", "0", "attributes", "name") == "" {
		t.Errorf("orgs: %s", r.raw)
	}
	self := r.str("data", "0", "links", "self")
	if self != h.base+"/admin/v1/orgs/"+h.cred.OrgID {
		t.Errorf("org self link %q", self)
	}
	r = h.do(http.MethodGet, "/admin/v1/orgs/"+h.cred.OrgID, bearer, nil)
	expectStatus(t, r, http.StatusOK)
	if r.str("data", "id") != h.cred.OrgID || r.str("data", "relationships", "users", "links", "related") == "" {
		t.Errorf("org: %s", r.raw)
	}
	expectAdminError(t, h.do(http.MethodGet, "/admin/v1/orgs/not-my-org", bearer, nil), http.StatusNotFound, "ADMIN-404-2")
	expectAdminError(t, h.do(http.MethodGet, "/admin/v1/orgs?cursor=x", bearer, nil), http.StatusBadRequest, "ADMIN-400-1")
	expectStatus(t, h.do(http.MethodGet, "/admin/v1/orgs", "", nil), http.StatusUnauthorized)
	expectStatus(t, h.do(http.MethodGet, "/admin/v1/orgs/"+h.cred.OrgID, "Bearer wrong", nil), http.StatusUnauthorized)
}

func TestAdminOrgs(t *testing.T) {
	adminOrgsFlow(t, newHarness(t, emulator.Options{}))
}

func TestAdminOrgsContract(t *testing.T) {
	v := contract.Load(t)
	h := newHarnessWith(t, emulator.Options{}, func(next http.Handler) http.Handler { return v.Handler(t, next) })
	adminOrgsFlow(t, h)
	for _, route := range orgRoutes {
		if h.emu.Stats()[route] == 0 {
			t.Errorf("route %s not exercised", route)
		}
	}
}
