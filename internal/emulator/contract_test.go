package emulator_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
)

// TestContract drives every route the emulator serves, on happy paths and on the main error cases,
// through the OpenAPI validator: a request or a response that does not fit Atlassian's documents
// (as patched by contract.knownSpecDefects) fails the test. It also fails when a served route was
// not exercised, so new routes must join it.
func TestContract(t *testing.T) {
	v := contract.Load(t)
	h := newHarnessWith(t, emulator.Options{ExtraSpaces: 3}, func(next http.Handler) http.Handler { return v.Handler(t, next) })

	// SCIM users.
	u1 := h.createUser(userSpec{userName: "ada@example.com", email: "ada@example.com", externalID: "okta-ada", displayName: "Ada"})
	u2 := h.createUser(userSpec{userName: "bob@example.com", email: "bob@example.com"})
	full := userBody(userSpec{userName: "cy@example.com", email: "cy@example.com", externalID: "okta-cy"})
	full["name"] = map[string]any{"givenName": "Cy", "familyName": "Young", "formatted": "Cy Young"}
	full["nickName"], full["title"], full["timezone"], full["preferredLanguage"] = "cy", "Pitcher", "Europe/Paris", "fr"
	full["department"], full["organization"] = "Sports", "Example"
	full["phoneNumbers"] = []any{map[string]any{"value": "+33 1 23 45 67 89", "type": "work", "primary": true}}
	full["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = map[string]any{"department": "Sports", "organization": "Example"}
	r := h.scim(http.MethodPost, "/Users", full)
	expectStatus(t, r, http.StatusCreated)
	u3 := r.str("id")

	expectStatus(t, h.scim(http.MethodGet, "/Users", nil), http.StatusOK)
	expectStatus(t, h.scim(http.MethodGet, "/Users?startIndex=2&count=1", nil), http.StatusOK)
	expectStatus(t, h.scim(http.MethodGet, "/Users?"+filterQuery(`userName eq "ADA@example.com"`), nil), http.StatusOK)
	expectStatus(t, h.scim(http.MethodGet, "/Users?"+filterQuery(`externalId eq "okta-cy"`)+"&attributes=userName", nil), http.StatusOK)
	expectSCIMError(t, h.scim(http.MethodGet, "/Users?"+filterQuery(`userName sw "a"`), nil), http.StatusBadRequest, "invalidFilter")
	expectStatus(t, h.scim(http.MethodGet, "/Users/"+u1.str("id"), nil), http.StatusOK)
	expectStatus(t, h.scim(http.MethodGet, "/Users/"+u1.str("id")+"?excludedAttributes=groups", nil), http.StatusOK)
	expectSCIMError(t, h.scim(http.MethodGet, "/Users/not-a-user", nil), http.StatusNotFound, "")
	expectSCIMError(t, h.scim(http.MethodPost, "/Users", userBody(userSpec{userName: "ADA@example.com", email: "other@example.com"})), http.StatusConflict, "uniqueness")
	expectSCIMError(t, h.scim(http.MethodPost, "/Users", map[string]any{"userName": "nomail@example.com"}), http.StatusBadRequest, "invalidValue")

	expectStatus(t, h.scim(http.MethodPut, "/Users/"+u3, full), http.StatusOK)
	expectSCIMError(t, h.scim(http.MethodPut, "/Users/"+u3, userBody(userSpec{userName: "cy@example.com", email: "ada@example.com"})), http.StatusConflict, "uniqueness")
	expectSCIMError(t, h.scim(http.MethodPut, "/Users/not-a-user", full), http.StatusNotFound, "")
	expectSCIMError(t, h.scim(http.MethodPatch, "/Users/"+u3, patchOp(map[string]any{"op": "replace", "path": "favouriteColour", "value": "red"})), http.StatusBadRequest, "invalidPath")
	expectStatus(t, h.scim(http.MethodPatch, "/Users/"+u3, patchOp(
		map[string]any{"op": "replace", "path": "active", "value": false},
		map[string]any{"op": "add", "path": `emails[type eq "work"].value`, "value": "cy.young@example.com"},
		map[string]any{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Baseball"},
		map[string]any{"op": "replace", "value": map[string]any{"displayName": "Cy Young", "name.givenName": "Denton"}},
		map[string]any{"op": "remove", "path": "nickName"},
	)), http.StatusOK)
	// Deactivated: 404 from then on (reference §1.6), on reads and lists alike.
	expectSCIMError(t, h.scim(http.MethodGet, "/Users/"+u3, nil), http.StatusNotFound, "")
	expectSCIMError(t, h.scim(http.MethodPatch, "/Users/"+u3, patchOp(map[string]any{"op": "replace", "path": "title", "value": "x"})), http.StatusNotFound, "")
	expectStatus(t, h.scim(http.MethodGet, "/Users?"+filterQuery(`externalId eq "okta-cy"`), nil), http.StatusOK)
	expectSCIMError(t, h.scim(http.MethodPatch, "/Users/not-a-user", patchOp(map[string]any{"op": "replace", "path": "title", "value": "x"})), http.StatusNotFound, "")

	// SCIM groups.
	g := h.createGroup("Contract Team", u1.str("id"))
	gid := g.str("id")
	expectStatus(t, h.scim(http.MethodGet, "/Groups", nil), http.StatusOK)
	expectStatus(t, h.scim(http.MethodGet, "/Groups?"+filterQuery(`displayName eq "contract team"`)+"&count=5", nil), http.StatusOK)
	expectSCIMError(t, h.scim(http.MethodGet, "/Groups?"+filterQuery(`members eq "x"`), nil), http.StatusBadRequest, "invalidFilter")
	expectStatus(t, h.scim(http.MethodGet, "/Groups/"+gid, nil), http.StatusOK)
	expectSCIMError(t, h.scim(http.MethodGet, "/Groups/not-a-group", nil), http.StatusNotFound, "")
	expectSCIMError(t, h.scim(http.MethodPost, "/Groups", map[string]any{"displayName": "CONTRACT TEAM"}), http.StatusConflict, "uniqueness")
	expectStatus(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "add", "path": "members", "value": []any{map[string]any{"value": u2.str("id"), "display": "bob@example.com"}},
	})), http.StatusOK)
	expectStatus(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "remove", "path": fmt.Sprintf(`members[value eq "%s"]`, u1.str("id")),
	})), http.StatusOK)
	expectStatus(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "remove", "path": "members", "value": []any{map[string]any{"value": u2.str("id")}},
	})), http.StatusOK)
	expectSCIMError(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "add", "path": "members", "value": []any{map[string]any{"value": "not-a-user"}},
	})), http.StatusNotFound, "")
	expectSCIMError(t, h.scim(http.MethodPatch, "/Groups/"+gid, patchOp(map[string]any{
		"op": "replace", "path": "displayName", "value": "Renamed",
	})), http.StatusBadRequest, "mutability")
	expectStatus(t, h.scim(http.MethodPut, "/Groups/"+gid, map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "Contract Team", "externalId": "grp-1",
		"members": []any{map[string]any{"value": u1.str("id")}},
	}), http.StatusOK)
	expectStatus(t, h.scim(http.MethodPut, "/Groups/"+gid, map[string]any{
		"displayName": "Contract Team", "members": []any{map[string]any{"value": "not-a-user"}},
	}), http.StatusBadRequest)
	expectSCIMError(t, h.scim(http.MethodPut, "/Groups/not-a-group", map[string]any{"displayName": "x"}), http.StatusNotFound, "")
	expectStatus(t, h.scim(http.MethodGet, "/Users/"+u1.str("id"), nil), http.StatusOK) // with groups[]
	expectStatus(t, h.scim(http.MethodDelete, "/Groups/"+gid, nil), http.StatusNoContent)
	expectSCIMError(t, h.scim(http.MethodDelete, "/Groups/"+gid, nil), http.StatusNotFound, "")
	expectStatus(t, h.scim(http.MethodDelete, "/Users/"+u2.str("id"), nil), http.StatusNoContent)
	expectSCIMError(t, h.scim(http.MethodDelete, "/Users/"+u2.str("id"), nil), http.StatusNotFound, "")

	// SCIM discovery.
	for _, p := range []string{
		"/ServiceProviderConfig", "/ResourceTypes", "/ResourceTypes/User", "/ResourceTypes/Group", "/Schemas",
		"/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group",
		"/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
	} {
		expectStatus(t, h.scim(http.MethodGet, p, nil), http.StatusOK)
	}

	// SCIM credentials and directory.
	expectStatus(t, h.do(http.MethodGet, h.scimPath("/Users"), "", nil), http.StatusUnauthorized)
	expectStatus(t, h.do(http.MethodPost, h.scimPath("/Groups"), "Bearer nope", map[string]any{"displayName": "x"}), http.StatusUnauthorized)
	expectSCIMError(t, h.do(http.MethodGet, "/scim/directory/not-my-directory/Groups", "Bearer "+h.cred.SCIMAPIKey, nil), http.StatusNotFound, "")

	// Confluence v2.
	r = h.wikiGet("/wiki/api/v2/spaces?limit=3&sort=-key&description-format=plain&include-icon=true")
	expectStatus(t, r, http.StatusOK)
	next := r.str("_links", "next")
	if next == "" {
		t.Fatal("no next link on a partial page")
	}
	expectStatus(t, h.wikiGet(next), http.StatusOK)
	r = h.wikiGet("/wiki/api/v2/spaces?keys=ENG,OPS&type=global&status=current")
	expectStatus(t, r, http.StatusOK)
	ids := []string{r.str("results", "0", "id"), r.str("results", "1", "id")}
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces?ids="+strings.Join(ids, ",")), http.StatusOK)
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces/"+ids[0]), http.StatusOK)
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces/"+ids[0]+"?description-format=view"), http.StatusOK)
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces/123456789"), http.StatusNotFound)
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces/ENG"), http.StatusBadRequest)
	expectStatus(t, h.wikiGet("/wiki/api/v2/space-role-mode"), http.StatusOK)
	expectStatus(t, h.do(http.MethodGet, "/wiki/api/v2/spaces", "", nil), http.StatusUnauthorized)
	expectStatus(t, h.do(http.MethodGet, "/wiki/api/v2/space-role-mode", "Bearer wrong", nil), http.StatusUnauthorized)

	// Every served route was exercised (Admin routes have their own contract test, TestAdminContract, space
	// access routes theirs, TestConfluenceAccessContract, and v1 group routes TestConfluenceGroupsContract).
	stats := h.emu.Stats()
	for _, route := range h.emu.Routes() {
		if stats[route] == 0 && !strings.Contains(route, " /admin/") && !slices.Contains(accessRoutes, route) && !slices.Contains(groupRoutes, route) {
			t.Errorf("route %s is not exercised by the contract test", route)
		}
	}
	covered := v.Covered()
	t.Logf("spec operations checked: %d", len(covered))
	for _, want := range []string{
		"scim PATCH /scim/directory/{directoryId}/Groups/{id}",
		"confluence-v2 GET /spaces/{id}",
		"scim GET /scim/directory/{directoryId}/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
	} {
		if !slices.Contains(covered, want) {
			t.Errorf("operation %q not checked; checked: %v", want, covered)
		}
	}
}

// TestContractFaults validates the fault answers (429, 503) of each API against the documents.
func TestContractFaults(t *testing.T) {
	v := contract.Load(t)
	wrap := func(next http.Handler) http.Handler { return v.Handler(t, next) }

	h := newHarnessWith(t, emulator.Options{ErrorRate: 1}, wrap)
	expectStatus(t, h.scim(http.MethodGet, "/Users", nil), http.StatusServiceUnavailable)
	expectStatus(t, h.scim(http.MethodPost, "/Groups", map[string]any{"displayName": "x"}), http.StatusServiceUnavailable)
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces"), http.StatusServiceUnavailable)

	h = newHarnessWith(t, emulator.Options{RateLimit: 1}, wrap)
	expectStatus(t, h.scim(http.MethodGet, "/Groups", nil), http.StatusOK)
	r := h.scim(http.MethodGet, "/Groups", nil)
	expectStatus(t, r, http.StatusTooManyRequests)
	expectStatus(t, h.wikiGet("/wiki/api/v2/space-role-mode"), http.StatusTooManyRequests)
}

// TestContractValidatorCatchesViolations proves the validator is not a rubber stamp: answers that
// break the documents are reported.
func TestContractValidatorCatchesViolations(t *testing.T) {
	v := contract.Load(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://x/wiki/api/v2/spaces/123", nil)
	cases := []struct {
		name   string
		status int
		body   string
	}{
		{"id as a number", 200, `{"id":123,"key":"ENG"}`},
		{"unknown type", 200, `{"id":"123","type":"castle"}`},
		{"undocumented status", 418, `{}`},
		{"error body without errors", 404, `{"message":"nope"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := v.Check(contract.Exchange{
				Request: req, Status: c.status, ResponseBody: []byte(c.body),
				Header: http.Header{"Content-Type": []string{"application/json"}},
			})
			if err == nil {
				t.Fatal("violation not reported")
			}
		})
	}
	scim, _ := http.NewRequestWithContext(t.Context(), http.MethodPatch, "http://x/scim/directory/d/Users/u", nil)
	scim.Header.Set("Content-Type", "application/scim+json")
	if err := v.Check(contract.Exchange{
		Request: scim, RequestBody: []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"title","value":"x"}]}`),
		Status: 200, Header: http.Header{"Content-Type": []string{"application/scim+json"}},
		ResponseBody: []byte(`{"id":"u","userName":"x","meta":{"resourceType":"Person"}}`),
	}); err == nil || !strings.Contains(err.Error(), "resourceType") {
		t.Errorf("bad resourceType not reported: %v", err)
	}
	if err := v.Check(contract.Exchange{
		Request: scim, RequestBody: []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"operations":[]}`),
		Status: 200, Header: http.Header{"Content-Type": []string{"application/scim+json"}}, ResponseBody: []byte(`{}`),
	}); err == nil || !strings.Contains(err.Error(), "Operations") {
		t.Errorf("PatchOp without Operations not reported: %v", err)
	}
	other, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://x/_emulator/stats", nil)
	if err := v.Check(contract.Exchange{Request: other, Status: 200}); !errors.Is(err, contract.ErrNotAPI) {
		t.Errorf("control route: %v", err)
	}
	missing, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://x/wiki/api/v2/no-such-thing", nil)
	if err := v.Check(contract.Exchange{Request: missing, Status: 404}); err == nil {
		t.Error("a path outside the document was accepted")
	}
}
