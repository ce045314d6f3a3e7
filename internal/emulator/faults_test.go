package emulator_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// A fault AfterCommit applies the write and loses its answer: the client sees a 503 in the API's shape, and
// the object exists. Reads and failed writes are not touched.
func TestLostAnswerTargeted(t *testing.T) {
	h := newHarness(t, emulator.Options{Faults: []emulator.Fault{
		{Route: "POST /scim/directory/{directoryId}/Users", Nth: 1, Status: http.StatusServiceUnavailable, AfterCommit: true},
	}})
	r := h.scim(http.MethodPost, "/Users", userBody(userSpec{userName: "lost@example.com", email: "lost@example.com"}))
	expectStatus(t, r, http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") == "" || r.str("status") != "503" {
		t.Errorf("lost answer is not a SCIM 503 with Retry-After: %v %s", r.header, r.raw)
	}
	list := h.scim(http.MethodGet, "/Users?filter="+url.QueryEscape(`userName eq "lost@example.com"`), nil)
	expectStatus(t, list, http.StatusOK)
	if n := list.num("totalResults"); n != 1 {
		t.Fatalf("after the lost answer the directory holds %v users named lost@example.com, want 1 (the write was applied)", n)
	}
	// The client's retry meets the object it made: 409, answered as is.
	expectStatus(t, h.scim(http.MethodPost, "/Users", userBody(userSpec{userName: "lost@example.com", email: "lost@example.com"})), http.StatusConflict)
}

// LostAnswerRate 1 loses the answer of every successful write, and of no read; a write that fails keeps its
// own answer, since nothing was applied.
func TestLostAnswerRate(t *testing.T) {
	h := newHarness(t, emulator.Options{LostAnswerRate: 1})
	dir := h.cred.LocalDirectoryID
	expectStatus(t, h.admin(http.MethodPost, "/directories/"+dir+"/groups", map[string]any{"name": "Lost Team"}), http.StatusServiceUnavailable)
	if h.adminGroupID("Lost Team") == "" {
		t.Fatal("the group of a lost answer was not created")
	}
	expectAdminError(t, h.admin(http.MethodPost, "/directories/"+dir+"/groups", map[string]any{"name": "Lost Team"}), http.StatusConflict, "ADMIN-409-28")
	expectStatus(t, h.admin(http.MethodGet, "/directories", nil), http.StatusOK)
	expectStatus(t, h.admin(http.MethodPost, "/workspaces", nil), http.StatusOK)
	if n := h.emu.Stats()["POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups"]; n != 2 {
		t.Errorf("creates counted = %d, want 2", n)
	}
}
