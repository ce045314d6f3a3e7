package emulator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func TestConfluenceV2Spaces(t *testing.T) {
	h := newHarness(t, emulator.Options{ExtraSpaces: 7})
	r := h.wikiGet("/wiki/api/v2/spaces?limit=250")
	expectStatus(t, r, http.StatusOK)
	var keys []string
	var prev int64
	for _, s := range r.list("results") {
		keys = append(keys, dig(s, "key").(string))
		id, err := strconv.ParseInt(dig(s, "id").(string), 10, 64) // ids are strings
		if err != nil || id <= prev {
			t.Fatalf("ids not ascending numeric strings: %s", r.raw)
		}
		prev = id
	}
	want := []string{"ENG", "OPS", "HR", "SEC", "DOCS", "GEN0001", "GEN0002", "GEN0003", "GEN0004", "GEN0005", "GEN0006", "GEN0007"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys = %v, want %v", keys, want)
	}
	if r.get("_links", "next") != nil || r.header.Get("Link") != "" {
		t.Errorf("single page has a next link: %s", r.raw)
	}
	if r.str("_links", "base") != h.base+"/wiki" {
		t.Errorf("_links.base = %q", r.str("_links", "base"))
	}
	eng := r.list("results")[0]
	for _, k := range []string{"name", "type", "status", "authorId", "createdAt", "homepageId", "spaceOwnerId"} {
		if dig(eng, k) == nil {
			t.Errorf("space lacks %s: %v", k, eng)
		}
	}
	if dig(eng, "_links", "webui") != "/spaces/ENG" || dig(eng, "type") != "global" || dig(eng, "status") != "current" {
		t.Errorf("ENG: %v", eng)
	}

	// keys (comma-separated, any order) and ids filters.
	r = h.wikiGet("/wiki/api/v2/spaces?keys=SEC,ENG")
	if got := len(r.list("results")); got != 2 || r.str("results", "0", "key") != "ENG" {
		t.Errorf("keys filter: %s", r.raw)
	}
	id := r.str("results", "1", "id")
	r = h.wikiGet("/wiki/api/v2/spaces?ids=" + id)
	if len(r.list("results")) != 1 || r.str("results", "0", "key") != "SEC" {
		t.Errorf("ids filter: %s", r.raw)
	}
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces?ids=abc"), http.StatusBadRequest)
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces?limit=0"), http.StatusBadRequest)
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces?cursor=bm90LWpzb24"), http.StatusBadRequest)

	// Cursor pagination through _links.next (relative) and the Link header.
	collect := func(h *harness, first string, perPage int) []string {
		t.Helper()
		var got []string
		next := first
		for pages := 0; next != ""; pages++ {
			if pages > 20 {
				t.Fatal("pagination does not end")
			}
			r := h.wikiGet(next)
			expectStatus(t, r, http.StatusOK)
			if n := len(r.list("results")); n > perPage || n == 0 {
				t.Fatalf("page of %d results, want 1..%d", n, perPage)
			}
			for _, s := range r.list("results") {
				got = append(got, dig(s, "key").(string))
			}
			next = r.str("_links", "next")
			link := r.header.Get("Link")
			if next != "" {
				if !strings.HasPrefix(next, "/wiki/api/v2/spaces?cursor=") || !strings.Contains(link, "<"+next+`>; rel="next"`) {
					t.Fatalf("next = %q, Link = %q", next, link)
				}
				u, _ := url.Parse(next)
				if u.Query().Get("limit") == "" {
					t.Errorf("next link lacks limit: %s", next)
				}
			} else if link != "" {
				t.Errorf("last page has Link %q", link)
			}
		}
		return got
	}
	if got := collect(h, "/wiki/api/v2/spaces?limit=5", 5); !slices.Equal(got, want) {
		t.Errorf("paged keys = %v", got)
	}
	// The cursor carries the filter.
	if got := collect(h, "/wiki/api/v2/spaces?limit=1&keys=GEN0002,GEN0001,HR", 1); !slices.Equal(got, []string{"HR", "GEN0001", "GEN0002"}) {
		t.Errorf("filtered pages = %v", got)
	}
	// PageSize caps the server's pages whatever the client asks for.
	small := newHarness(t, emulator.Options{PageSize: 2})
	if got := collect(small, "/wiki/api/v2/spaces?limit=250", 2); !slices.Equal(got, want[:5]) {
		t.Errorf("PageSize pages = %v", got)
	}

	// Single space, its 404 and bad ids.
	r = h.wikiGet("/wiki/api/v2/spaces/" + id + "?description-format=plain&include-icon=true")
	expectStatus(t, r, http.StatusOK)
	if r.str("key") != "SEC" || r.str("_links", "base") != h.base+"/wiki" || r.str("description", "plain", "value") == "" || r.str("icon", "path") == "" {
		t.Errorf("GET space: %s", r.raw)
	}
	r = h.wikiGet("/wiki/api/v2/spaces/999999999")
	expectStatus(t, r, http.StatusNotFound)
	if r.num("errors", "0", "status") != 404 || r.str("errors", "0", "code") != "NOT_FOUND" {
		t.Errorf("404 body: %s", r.raw)
	}
	expectStatus(t, h.wikiGet("/wiki/api/v2/spaces/ENG"), http.StatusBadRequest)

	r = h.wikiGet("/wiki/api/v2/space-role-mode")
	if r.str("mode") != "ROLES_TRANSITION" {
		t.Errorf("role mode: %s", r.raw)
	}
}

func TestAuthFailuresPerAPI(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	scimURL := h.scimPath("/Users")

	for _, auth := range []string{"", "Bearer wrong", "Basic " + h.cred.SCIMAPIKey, "Bearer " + h.cred.AdminAPIKey} {
		r := h.do(http.MethodGet, scimURL, auth, nil)
		expectStatus(t, r, http.StatusUnauthorized)
		if r.str("error") == "" || r.str("traceId") == "" {
			t.Errorf("SCIM 401 (%q) body: %s", auth, r.raw)
		}
	}
	// The right key on another directory is a SCIM 404.
	r := h.do(http.MethodGet, "/scim/directory/00000000-0000-4000-8000-000000000000/Users", "Bearer "+h.cred.SCIMAPIKey, nil)
	expectSCIMError(t, r, http.StatusNotFound, "")

	r = h.do(http.MethodGet, "/wiki/api/v2/spaces", "", nil)
	expectStatus(t, r, http.StatusUnauthorized)
	if r.num("errors", "0", "status") != 401 || r.str("errors", "0", "code") != "UNAUTHORIZED" || r.str("errors", "0", "title") != "Unauthorized" {
		t.Errorf("v2 401: %s", r.raw)
	}
	if d, present := r.get("errors", "0").(map[string]any)["detail"]; !present || d != nil {
		t.Errorf("v2 401 detail should be null: %s", r.raw)
	}
	expectStatus(t, h.do(http.MethodGet, "/wiki/api/v2/spaces", basic(h.cred.Email, "wrong-token"), nil), http.StatusUnauthorized)
	// Emails are case-insensitive.
	expectStatus(t, h.do(http.MethodGet, "/wiki/api/v2/spaces", basic(strings.ToUpper(h.cred.Email), h.cred.APIToken), nil), http.StatusOK)
	expectStatus(t, h.do(http.MethodGet, "/wiki/api/v2/spaces", "Bearer "+h.cred.APIToken, nil), http.StatusOK)

	r = h.do(http.MethodGet, "/wiki/rest/api/space/ENG/permission", "", nil)
	expectStatus(t, r, http.StatusUnauthorized)
	if r.num("statusCode") != 401 || r.str("message") == "" {
		t.Errorf("v1 401: %s", r.raw)
	}
	r = h.do(http.MethodGet, "/admin/v1/orgs", "Bearer "+h.cred.SCIMAPIKey, nil)
	expectStatus(t, r, http.StatusUnauthorized)
	if r.num("code") != 401 || r.str("message") != "Unauthorized" {
		t.Errorf("admin 401: %s", r.raw)
	}

	// Authenticated calls to routes that do not exist answer in the API's shape.
	expectSCIMError(t, h.scim(http.MethodGet, "/Bulk", nil), http.StatusNotFound, "")
	r = h.scim(http.MethodDelete, "/ServiceProviderConfig", nil)
	expectSCIMError(t, r, http.StatusMethodNotAllowed, "")
	if r.header.Get("Allow") != "GET" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	r = h.wikiGet("/wiki/api/v2/nothing-here")
	if r.status != http.StatusNotFound || r.num("errors", "0", "status") != 404 {
		t.Errorf("v2 unknown route: %d %s", r.status, r.raw)
	}
}

func TestFaultRateLimit(t *testing.T) {
	h := newHarness(t, emulator.Options{RateLimit: 2})
	limited := 0
	for range 10 {
		r := h.scim(http.MethodGet, "/Users", nil)
		if r.status == http.StatusTooManyRequests {
			limited++
			ra, err := strconv.Atoi(r.header.Get("Retry-After"))
			if err != nil || ra < 1 {
				t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
			}
			expectSCIMError(t, r, http.StatusTooManyRequests, "")
			continue
		}
		expectStatus(t, r, http.StatusOK)
	}
	if limited < 5 {
		t.Errorf("%d of 10 burst requests were limited at 2 req/s, want most", limited)
	}
	// The limit spans all APIs, each answering in its own shape.
	r := h.wikiGet("/wiki/api/v2/spaces")
	expectStatus(t, r, http.StatusTooManyRequests)
	if r.num("errors", "0", "status") != 429 || r.header.Get("Retry-After") == "" {
		t.Errorf("v2 429: %s", r.raw)
	}
	// Control routes are exempt.
	for range 5 {
		expectStatus(t, h.do(http.MethodGet, "/_emulator/stats", "", nil), http.StatusOK)
	}
	// Tokens come back with time.
	time.Sleep(1100 * time.Millisecond)
	expectStatus(t, h.scim(http.MethodGet, "/Users", nil), http.StatusOK)

	// Retry-After says how long until the next token: 4s at one request per 4s.
	slow := newHarness(t, emulator.Options{RateLimit: 0.25})
	expectStatus(t, slow.scim(http.MethodGet, "/Users", nil), http.StatusOK)
	r = slow.scim(http.MethodGet, "/Users", nil)
	expectStatus(t, r, http.StatusTooManyRequests)
	if got := r.header.Get("Retry-After"); got != "4" {
		t.Errorf("Retry-After = %q at 0.25 req/s, want 4", got)
	}
}

func TestFaultErrorRate(t *testing.T) {
	h := newHarness(t, emulator.Options{ErrorRate: 1})
	r := h.scim(http.MethodPost, "/Users", userBody(userSpec{userName: "a@example.com", email: "a@example.com"}))
	expectSCIMError(t, r, http.StatusServiceUnavailable, "")
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	r = h.wikiGet("/wiki/api/v2/spaces")
	expectStatus(t, r, http.StatusServiceUnavailable)
	if r.num("errors", "0", "status") != 503 {
		t.Errorf("v2 503: %s", r.raw)
	}
	// Even unauthenticated requests meet the fault first, as behind a real gateway.
	expectStatus(t, h.do(http.MethodGet, "/admin/v1/orgs", "", nil), http.StatusServiceUnavailable)

	// A fractional rate is deterministic for a seed.
	sequence := func(seed int64) string {
		h := newHarness(t, emulator.Options{ErrorRate: 0.5, Seed: seed})
		var b strings.Builder
		for range 40 {
			fmt.Fprintf(&b, "%d ", h.scim(http.MethodGet, "/Users", nil).status)
		}
		return b.String()
	}
	a, b := sequence(7), sequence(7)
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if n := strings.Count(a, "503"); n < 8 || n > 32 {
		t.Errorf("%d of 40 requests failed at rate 0.5", n)
	}
}

func TestFaultLatency(t *testing.T) {
	h := newHarness(t, emulator.Options{Latency: 80 * time.Millisecond})
	start := time.Now()
	expectStatus(t, h.scim(http.MethodGet, "/Users", nil), http.StatusOK)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("request took %v with 80ms latency", d)
	}
	start = time.Now()
	expectStatus(t, h.do(http.MethodGet, "/_emulator/stats", "", nil), http.StatusOK)
	if d := time.Since(start); d >= 80*time.Millisecond {
		t.Errorf("control route delayed (%v)", d)
	}
}

func TestStatsCountsPerTemplate(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	a := h.createUser(userSpec{userName: "a@example.com", email: "a@example.com"})
	b := h.createUser(userSpec{userName: "b@example.com", email: "b@example.com"})
	h.scim(http.MethodGet, "/Users/"+a.str("id"), nil)
	h.scim(http.MethodGet, "/Users/"+b.str("id"), nil)
	h.scim(http.MethodGet, "/Users/missing", nil)
	h.do(http.MethodGet, h.scimPath("/Users"), "", nil) // 401s are counted too
	h.wikiGet("/wiki/rest/api/space/ENG/permission")

	want := map[string]int{
		"POST /scim/directory/{directoryId}/Users":         2,
		"GET /scim/directory/{directoryId}/Users/{userId}": 3,
		"GET /scim/directory/{directoryId}/Users":          1,
		"GET /wiki/rest/api/":                              1,
	}
	got := h.emu.Stats()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("Stats()[%q] = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Stats() = %v, want exactly %v", got, want)
	}

	r := h.do(http.MethodGet, "/_emulator/stats", "", nil)
	expectStatus(t, r, http.StatusOK)
	if r.num("total") != 7 || r.num("requests", "GET /scim/directory/{directoryId}/Users/{userId}") != 3 {
		t.Errorf("/_emulator/stats: %s", r.raw)
	}
	expectStatus(t, h.do(http.MethodPost, "/_emulator/stats/reset", "", nil), http.StatusNoContent)
	if got := h.emu.Stats(); len(got) != 0 {
		t.Errorf("after reset: %v", got)
	}
	h.scim(http.MethodGet, "/Users", nil)
	h.emu.ResetStats()
	r = h.do(http.MethodGet, "/_emulator/stats", "", nil)
	if r.num("total") != 0 {
		t.Errorf("after ResetStats: %s", r.raw)
	}
	// /_emulator has no other routes and none that change state.
	expectStatus(t, h.do(http.MethodPost, "/_emulator/users", "", map[string]any{}), http.StatusNotFound)
	if r := h.do(http.MethodGet, "/_emulator/stats/reset", "", nil); r.status < 400 {
		t.Errorf("GET /_emulator/stats/reset = %d", r.status)
	}

	if routes := h.emu.Routes(); !slices.Contains(routes, "GET /wiki/api/v2/spaces/{id}") || len(routes) < 20 {
		t.Errorf("Routes() = %v", routes)
	}
}

func TestServeEnvAndClose(t *testing.T) {
	emu := emulator.New(emulator.Options{})
	base, err := emu.Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("base = %q", base)
	}
	c := emu.Credentials()
	env := map[string]string{}
	for _, l := range emu.Env("") {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("bad env line %q", l)
		}
		env[k] = v
	}
	want := map[string]string{
		"CONFLUENCE_SITE_URL":          base,
		"CONFLUENCE_EMAIL":             c.Email,
		"CONFLUENCE_API_TOKEN":         c.APIToken,
		"ATLASSIAN_ORGANIZATION_ID":    c.OrgID,
		"ATLASSIAN_ADMIN_API_KEY":      c.AdminAPIKey,
		"ATLASSIAN_ADMIN_API_URL":      base,
		"ATLASSIAN_SCIM_DIRECTORY_URL": base + "/scim/directory/" + c.DirectoryID,
		"ATLASSIAN_SCIM_API_KEY":       c.SCIMAPIKey,
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if len(env) != len(want) {
		t.Errorf("env = %v", env)
	}
	if !strings.HasPrefix(c.SCIMAPIKey, "emu-") || !strings.HasPrefix(c.AdminAPIKey, "emu-") || c.SCIMAPIKey == c.AdminAPIKey {
		t.Errorf("credentials: %+v", c)
	}
	if other := emulator.New(emulator.Options{}).Credentials(); other.SCIMAPIKey == c.SCIMAPIKey || other.OrgID == c.OrgID {
		t.Error("two instances share credentials")
	}

	// Responses carry absolute URLs under the served base.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, env["ATLASSIAN_SCIM_DIRECTORY_URL"]+"/ServiceProviderConfig", nil)
	req.Header.Set("Authorization", "Bearer "+c.SCIMAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if _, err := emu.Serve("127.0.0.1:0"); err == nil {
		t.Error("second Serve succeeded")
	}
	if err := emu.Close(); err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/_emulator/stats", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Error("server still answers after Close")
	}
	if err := emu.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
