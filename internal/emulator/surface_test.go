package emulator_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
)

// keysOf returns the "key" of each result.
func keysOf(r response) []string {
	var out []string
	for _, s := range r.list("results") {
		out = append(out, dig(s, "key").(string))
	}
	return out
}

// TestSpaceLabels: GET /wiki/api/v2/spaces?labels= keeps the spaces carrying one of the labels
// (seeded spaces have a few, generated ones none), across pages.
func TestSpaceLabels(t *testing.T) {
	h := newHarness(t, emulator.Options{ExtraSpaces: 3, PageSize: 1})
	all := func(q string) []string {
		r := h.wikiGet("/wiki/api/v2/spaces?" + q)
		expectStatus(t, r, http.StatusOK)
		out := keysOf(r)
		for next := r.str("_links", "next"); next != ""; next = r.str("_links", "next") {
			r = h.wikiGet(next)
			expectStatus(t, r, http.StatusOK)
			out = append(out, keysOf(r)...)
		}
		slices.Sort(out)
		return out
	}
	for q, want := range map[string][]string{
		"labels=team":              {"ENG", "OPS"},
		"labels=people,restricted": {"HR", "SEC"},
		"labels=docs&labels=team":  {"DOCS", "ENG", "OPS"},
		"labels=team&keys=OPS,HR":  {"OPS"},
		"labels=nothing-has-this":  nil,
	} {
		if got := all(q); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	if got := all(""); len(got) != 8 {
		t.Errorf("without labels: %v, want the 5 seeded and 3 generated spaces", got)
	}
}

// TestUnmodelledQueryParameters: a query parameter a route does not model is refused with 400 in
// the API's own error shape, never ignored; the ones the route models (and the provider's clients
// send) pass.
func TestUnmodelledQueryParameters(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	acct := h.cred.AdminAccountID
	for _, p := range []string{"favorited-by=" + acct, "not-favorited-by=" + acct, "serialize-ids-as-strings=true", "keys=ENG&Keys=OPS"} {
		r := h.wikiGet("/wiki/api/v2/spaces?" + p)
		expectV2Error(t, r, http.StatusBadRequest, "does not model the query parameter")
		if r.str("errors", "0", "code") != "INVALID_REQUEST_PARAMETER" {
			t.Errorf("%s: %s", p, r.raw)
		}
	}
	expectV2Error(t, h.wikiGet("/wiki/api/v2/space-role-mode?x=1"), http.StatusBadRequest, "x")
	r := h.wikiGet("/wiki/rest/api/group?accessType=admin")
	expectStatus(t, r, http.StatusBadRequest)
	if r.num("statusCode") != http.StatusBadRequest || !strings.Contains(r.str("message"), "accessType") {
		t.Errorf("v1: %s", r.raw)
	}
	expectStatus(t, h.wiki(http.MethodDelete, "/wiki/rest/api/group/userByGroupId?groupId=g&accountId=a&username=u", nil), http.StatusBadRequest)
	expectSCIMError(t, h.scim(http.MethodGet, "/Users?sortBy=userName", nil), http.StatusBadRequest, "invalidValue")
	expectSCIMError(t, h.scim(http.MethodGet, "/Groups/x?excludedAttributes=members&foo=1", nil), http.StatusBadRequest, "invalidValue")
	expectAdminError(t, h.admin(http.MethodGet, "/directories?sortBy=name", nil), http.StatusBadRequest, "ADMIN-400-24")

	// Modelled parameters pass, including every one the provider's clients send.
	for _, p := range []string{
		"/wiki/api/v2/spaces?keys=ENG&limit=250&ids=1&type=global&status=current&labels=team&sort=key&description-format=plain&include-icon=true",
		"/wiki/api/v2/space-roles?space-id=" + h.spaceID("ENG") + "&role-type=SYSTEM&principal-id=" + acct + "&principal-type=USER&limit=250",
		"/wiki/api/v2/space-permissions?limit=250",
		"/wiki/rest/api/group?start=0&limit=5",
	} {
		expectStatus(t, h.wikiGet(p), http.StatusOK)
	}
	expectStatus(t, h.scim(http.MethodGet, "/Users?startIndex=1&count=1&filter="+strings.ReplaceAll(`userName eq "x"`, " ", "%20")+"&attributes=userName", nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodGet, "/directories?limit=100", nil), http.StatusOK)
	// Credentials are checked first: a bad one is 401 whatever the query.
	expectStatus(t, h.do(http.MethodGet, "/wiki/api/v2/spaces?favorited-by=x", "", nil), http.StatusUnauthorized)
}

// TestRemovedV1Routes: routes the service has removed answer 410 Gone in the v1 error shape, on
// the site and on the gateway form.
func TestRemovedV1Routes(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for _, p := range []string{
		"/wiki/rest/api/space/ENG", "/wiki/rest/api/space", "/wiki/rest/api/group/by-name?name=confluence-users",
		"/wiki/rest/api/group/confluence-users", "/ex/confluence/" + h.cred.CloudID + "/wiki/rest/api/space/ENG",
	} {
		r := h.wikiGet(p)
		expectStatus(t, r, http.StatusGone)
		if r.num("statusCode") != http.StatusGone || !strings.Contains(r.str("message"), "removed") {
			t.Errorf("%s: %s", p, r.raw)
		}
	}
	// A served neighbour is still served; a served path under another method is a 405.
	expectStatus(t, h.wikiGet("/wiki/rest/api/group/by-id?id="+h.confluenceUsersGroup()), http.StatusOK)
	r := h.wikiGet("/wiki/rest/api/group/userByGroupId?groupId=x")
	expectStatus(t, r, http.StatusMethodNotAllowed)
	if got := r.header.Get("Allow"); got != "POST, DELETE" {
		t.Errorf("Allow = %q, want POST, DELETE", got)
	}
}

// TestUnservedPathsAnswer404InTheAPIShape: a path no route serves answers 404 in its API's error
// shape, and 405 only when the same path is served under another method.
func TestUnservedPathsAnswer404InTheAPIShape(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	wiki := basic(h.cred.Email, h.cred.APIToken)
	isV1 := func(r response) bool { return r.num("statusCode") == r.status && r.get("data") != nil }
	isV2 := func(r response) bool { return r.num("errors", "0", "status") == r.status }
	isSCIM := func(r response) bool { return r.str("status") == "404" && len(r.list("schemas")) == 1 }
	isAdmin := func(r response) bool {
		return r.str("errors", "0", "status") == "404" && r.str("errors", "0", "code") != ""
	}
	gw := "/ex/confluence/" + h.cred.CloudID
	for _, c := range []struct {
		method, path, auth string
		status             int
		shape              func(response) bool
	}{
		// The neighbour DELETE .../permission/{id} does not make this 405.
		{http.MethodPost, "/wiki/rest/api/space/ENG/permission/custom-content", wiki, 404, isV1},
		{http.MethodPost, gw + "/wiki/rest/api/space/ENG/permission/custom-content", wiki, 404, isV1},
		{http.MethodGet, "/wiki/rest/api/space/ENG/permission/custom-content", wiki, 404, isV1},
		{http.MethodGet, "/wiki/rest/api/group/picker?query=x", wiki, 404, isV1},
		{http.MethodGet, "/wiki/rest/api/content", wiki, 404, isV1},
		{http.MethodGet, "/wiki/api/v2/pages", wiki, 404, isV2},
		{http.MethodGet, gw + "/wiki/api/v2/pages", wiki, 404, isV2},
		{http.MethodGet, "/ex/confluence/", wiki, 404, isV2},
		{http.MethodGet, h.scimPath("/Bulk"), "Bearer " + h.cred.SCIMAPIKey, 404, isSCIM},
		{http.MethodGet, "/admin/v1/orgs/" + h.cred.OrgID + "/domains", "Bearer " + h.cred.AdminAPIKey, 404, isAdmin},
		// The same path under another method: 405.
		{http.MethodPut, "/wiki/api/v2/spaces/1", wiki, 405, isV2},
		{http.MethodPatch, gw + "/wiki/api/v2/space-roles/1", wiki, 405, isV2},
		{http.MethodGet, "/wiki/rest/api/space/ENG/permission", wiki, 405, isV1},
	} {
		r := h.do(c.method, c.path, c.auth, nil)
		if r.status != c.status || !c.shape(r) {
			t.Errorf("%s %s = %d %s, want %d in the API's error shape", c.method, c.path, r.status, r.raw, c.status)
		}
	}
	r := h.do(http.MethodGet, "/nothing/here", "", nil)
	if r.status != 404 || r.str("message") != "Not Found" {
		t.Errorf("root fallback: %d %s", r.status, r.raw)
	}
}

// TestUnservedOperations walks every operation of Atlassian's documents that the emulator does not
// serve and sends it (with the emulator's credentials and ids): each answers 404 in its API's shape
// (or 410 for the routes the service removed), never 405 and never a served neighbour's answer. This
// keeps unservedRoutes complete as routes are added.
func TestUnservedOperations(t *testing.T) {
	v := contract.Load(t)
	ops, err := v.Operations()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, emulator.Options{})
	served := h.emu.Routes()
	param := regexp.MustCompile(`\{[^}]+\}`)
	// The SCIM discovery operations are literal paths in the document (/ResourceTypes/User, …) that
	// the emulator serves through one wildcard route each.
	throughWildcard := []string{"/scim/directory/{directoryId}/ResourceTypes/", "/scim/directory/{directoryId}/Schemas/"}
	ids := map[string]string{"{orgId}": h.cred.OrgID, "{directoryId}": h.cred.DirectoryID}
	checked := 0
	for _, op := range ops {
		if slices.Contains(served, op.Method+" "+op.Path) || op.Method == http.MethodHead || op.Method == http.MethodOptions ||
			op.Method == http.MethodGet && slices.ContainsFunc(throughWildcard, func(p string) bool { return strings.HasPrefix(op.Path, p) }) {
			continue
		}
		if strings.HasPrefix(op.Path, "/admin/") && strings.Contains(op.Path, "/directories/{directoryId}") {
			ids["{directoryId}"] = "-" // the Admin API's "all directories"
		} else {
			ids["{directoryId}"] = h.cred.DirectoryID
		}
		path := param.ReplaceAllStringFunc(op.Path, func(p string) string {
			if id, ok := ids[p]; ok {
				return id
			}
			return "p1"
		})
		auth := basic(h.cred.Email, h.cred.APIToken)
		switch op.Spec {
		case "scim":
			auth = "Bearer " + h.cred.SCIMAPIKey
		case "admin":
			auth = "Bearer " + h.cred.AdminAPIKey
		}
		r := h.do(op.Method, path, auth, nil)
		checked++
		if r.status == http.StatusGone && strings.HasPrefix(op.Path, "/wiki/rest/api/") {
			continue
		}
		if r.status != http.StatusNotFound {
			t.Errorf("%s %s (%s %s, not served) = %d, want 404: %s", op.Method, path, op.Spec, op.Path, r.status, r.raw)
		}
	}
	if checked < 100 {
		t.Errorf("only %d unserved operations checked", checked)
	}
}

// TestRemovedRoutesAreAbsentFromTheDocuments: the routes answered 410 are not operations of the v1
// document (what makes them removed), while the served ones are.
func TestRemovedRoutesAreAbsentFromTheDocuments(t *testing.T) {
	v := contract.Load(t)
	ops, err := v.Operations()
	if err != nil {
		t.Fatal(err)
	}
	has := func(method, path string) bool {
		return slices.ContainsFunc(ops, func(o contract.Operation) bool { return o.Method == method && o.Path == path })
	}
	for _, p := range []string{"/wiki/rest/api/space", "/wiki/rest/api/space/{spaceKey}", "/wiki/rest/api/group/by-name", "/wiki/rest/api/group/{groupName}"} {
		if has(http.MethodGet, p) {
			t.Errorf("GET %s is in the v1 document: it is not removed", p)
		}
	}
	// Every served route is an operation of the documents, or serves some through a wildcard (SCIM
	// discovery's /ResourceTypes/{name} serves /ResourceTypes/User, …).
	param := regexp.MustCompile(`\{[^}]+\}`)
	for _, route := range emulator.New(emulator.Options{}).Routes() {
		method, path, _ := strings.Cut(route, " ")
		re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(param.ReplaceAllString(path, "\x00")), "\x00", `[^/]+`) + "$")
		if !slices.ContainsFunc(ops, func(o contract.Operation) bool { return o.Method == method && re.MatchString(o.Path) }) {
			t.Errorf("served route %s is no operation of the documents", route)
		}
	}
}

// TestContractSurface validates, against the documents, the labels filter and the 400 answers to
// unmodelled query parameters on operations that document a 400 (the answer is the API's own error
// shape), and the 404 and 405 of unserved paths.
func TestContractSurface(t *testing.T) {
	v := contract.Load(t)
	h := newHarnessWith(t, emulator.Options{PageSize: 1}, func(next http.Handler) http.Handler { return v.Handler(t, next) })
	r := h.wikiGet("/wiki/api/v2/spaces?labels=team,people")
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, h.wikiGet(r.str("_links", "next")), http.StatusOK)
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces?favorited-by="+h.cred.AdminAccountID), http.StatusBadRequest)
	expectStatus(t, h.wikiGet("/wiki/api/v2/space-role-mode?x=1"), http.StatusBadRequest)
	expectStatus(t, h.scim(http.MethodGet, "/Users?sortBy=userName", nil), http.StatusBadRequest)
	expectStatus(t, h.admin(http.MethodGet, "/directories?sortBy=name", nil), http.StatusBadRequest)
	expectStatus(t, h.wiki(http.MethodDelete, "/wiki/rest/api/group/userByGroupId?groupId=g&accountId=a&username=u", nil), http.StatusBadRequest)
	covered := strings.Join(v.Covered(), "\n")
	for _, op := range []string{"confluence-v2 GET /spaces", "scim GET /scim/directory/{directoryId}/Users", "admin GET /v2/orgs/{orgId}/directories",
		"confluence-v1 DELETE /wiki/rest/api/group/userByGroupId"} {
		if !strings.Contains(covered, op) {
			t.Errorf("operation %s not checked", op)
		}
	}
}
