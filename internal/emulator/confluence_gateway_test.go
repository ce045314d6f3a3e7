package emulator_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
)

// TestGatewaySiteForm serves the Confluence routes under the api.atlassian.com form of the site URL,
// /ex/confluence/{cloudId}: v1 and v2 answer as on the site form, links stay on the gateway form,
// requests count (and targeted faults match) under the site form's route key, and an unknown cloud
// id is a 404 in the v2 error shape.
func TestGatewaySiteForm(t *testing.T) {
	h := newHarness(t, emulator.Options{PageSize: 2, Faults: []emulator.Fault{
		{Route: "GET /wiki/api/v2/space-role-mode", Nth: 2, Status: http.StatusServiceUnavailable},
	}})
	gw := "/ex/confluence/" + h.cred.CloudID

	eng := h.wikiGet(gw + "/wiki/api/v2/spaces?keys=ENG")
	expectStatus(t, eng, http.StatusOK)
	id := eng.str("results", "0", "id")
	if id == "" || id != h.spaceID("ENG") {
		t.Fatalf("gateway and site forms disagree on ENG: %s", eng.raw)
	}
	expectStatus(t, h.wikiGet(gw+"/wiki/api/v2/spaces/"+id), http.StatusOK)

	// A v1 write on the gateway form, seen by a v2 read on the site form.
	acct := h.account("gw@example.com")
	r := h.wiki(http.MethodPost, gw+fmt.Sprintf(v1Perm, "ENG"), grantBody("user", acct, "read", "space"))
	expectStatus(t, r, http.StatusOK)
	if self, _ := dig(r.body, "_links", "self").(string); !strings.HasPrefix(self, h.base+gw+"/wiki/rest/api/space/ENG/permission/") {
		t.Errorf("v1 self link %q is not on the gateway form", self)
	}
	if got := permsOf(h.permissions(id), "user", acct); got["read/space"] == "" {
		t.Errorf("gateway grant not visible on the site form: %v", got)
	}
	expectStatus(t, h.wiki(http.MethodDelete, gw+fmt.Sprintf(v1Perm, "ENG")+"/"+fmt.Sprint(r.num("id")), nil), http.StatusNoContent)

	// Paginated v2 listing on the gateway form: next stays on it.
	r = h.wikiGet(gw + "/wiki/api/v2/space-permissions?limit=1")
	expectStatus(t, r, http.StatusOK)
	if next := r.str("_links", "next"); !strings.HasPrefix(next, gw+"/wiki/api/v2/space-permissions?cursor=") {
		t.Errorf("next link %q left the gateway form", next)
	} else {
		expectStatus(t, h.wikiGet(next), http.StatusOK)
	}

	// One route key for both forms: Stats and Options.Faults.
	h.emu.ResetStats()
	expectStatus(t, h.wikiGet(roleModeURL), http.StatusOK)
	expectV2Error(t, h.wikiGet(gw+roleModeURL), http.StatusServiceUnavailable, "Injected fault") // the 2nd request of the route
	expectStatus(t, h.wikiGet(gw+roleModeURL), http.StatusOK)
	stats := h.emu.Stats()
	if stats["GET /wiki/api/v2/space-role-mode"] != 3 || len(stats) != 1 {
		t.Errorf("stats = %v, want the 3 requests under the site route key", stats)
	}
	for _, route := range h.emu.Routes() {
		if strings.Contains(route, "/ex/") {
			t.Errorf("Routes() lists a gateway pattern: %s", route)
		}
	}

	// Unknown cloud id: 404 in the v2 shape, on v1 and v2 paths alike; unknown paths answer in
	// their API's shape on the gateway form too.
	expectV2Error(t, h.wikiGet("/ex/confluence/not-my-cloud/wiki/api/v2/spaces"), http.StatusNotFound, "not-my-cloud")
	expectV2Error(t, h.wikiGet("/ex/confluence/not-my-cloud/wiki/rest/api/user/current"), http.StatusNotFound, "not-my-cloud")
	expectV2Error(t, h.wikiGet(gw+"/wiki/api/v2/no-such-thing"), http.StatusNotFound, "")
	r = h.wikiGet(gw + "/wiki/rest/api/no-such-thing")
	expectStatus(t, r, http.StatusNotFound)
	if r.num("statusCode") != http.StatusNotFound {
		t.Errorf("gateway v1 catch-all: %s", r.raw)
	}
	// Credentials are checked on the gateway form as on the site.
	expectStatus(t, h.do(http.MethodGet, gw+"/wiki/api/v2/spaces", "", nil), http.StatusUnauthorized)
}

// TestContractGateway validates exchanges on the gateway form of the site URL against the documents
// (the validator checks them as the site form's paths), including a next link followed on it.
func TestContractGateway(t *testing.T) {
	v := contract.Load(t)
	h := newHarnessWith(t, emulator.Options{PageSize: 1}, func(next http.Handler) http.Handler { return v.Handler(t, next) })
	gw := "/ex/confluence/" + h.cred.CloudID
	r := h.wikiGet(gw + "/wiki/api/v2/spaces?limit=1")
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, h.wikiGet(r.str("_links", "next")), http.StatusOK)
	expectStatus(t, h.wikiGet(gw+"/wiki/rest/api/user/current"), http.StatusOK)
	expectStatus(t, h.wikiGet("/ex/confluence/not-my-cloud/wiki/api/v2/spaces"), http.StatusNotFound) // the gateway's answer (contract.gatewayAnswers)
	covered := v.Covered()
	for _, want := range []string{"confluence-v2 GET /spaces", "confluence-v1 GET /wiki/rest/api/user/current"} {
		found := false
		for _, c := range covered {
			found = found || c == want
		}
		if !found {
			t.Errorf("gateway exchange %q not checked; checked: %v", want, covered)
		}
	}
}
