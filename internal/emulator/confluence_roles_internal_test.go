package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Propagation of the asynchronous (202) space role changes, stepped with a fake clock.

type accessClient struct {
	t   *testing.T
	srv *httptest.Server
	e   *Emulator
}

func newAccessClient(t *testing.T, opts Options) (*accessClient, *fakeClock) {
	clock := &fakeClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	e := New(opts)
	e.now = clock.Now
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(srv.Close)
	return &accessClient{t: t, srv: srv, e: e}, clock
}

func (c *accessClient) call(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		buf, _ := json.Marshal(body)
		rd = bytes.NewReader(buf)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequestWithContext(c.t.Context(), method, c.srv.URL+path, rd)
	req.SetBasicAuth(c.e.creds.Email, c.e.creds.APIToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (c *accessClient) roleID(name string) string {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	return c.e.st.spaceRoleByName(name).ID
}

func (c *accessClient) docs() string {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	return strconv.FormatInt(c.e.st.spaceByKey("DOCS").ID, 10)
}

func TestSpaceRoleChangesApplyAfterTheDelay(t *testing.T) {
	c, clock := newAccessClient(t, Options{PropagationDelay: time.Minute})
	const roles = "/wiki/api/v2/space-roles"
	status, role := c.call(http.MethodPost, roles, map[string]any{"name": "Reader", "description": "v1", "spacePermissions": []string{"read/space"}})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, role)
	}
	id := role["id"].(string)
	if status, got := c.call(http.MethodGet, roles+"/"+id, nil); status != http.StatusOK || got["name"] != "Reader" {
		t.Fatalf("a created role is visible at once: %d %v", status, got)
	}

	// PUT: 202, the old definition until the delay has passed.
	status, body := c.call(http.MethodPut, roles+"/"+id, map[string]any{"name": "Reader v2", "description": "v2", "spacePermissions": []string{"read/space", "export/space"}})
	if status != http.StatusAccepted || body["name"] != "Reader v2" || body["taskId"] == "" {
		t.Fatalf("update: %d %v", status, body)
	}
	clock.Advance(59 * time.Second)
	if _, got := c.call(http.MethodGet, roles+"/"+id, nil); got["name"] != "Reader" || got["description"] != "v1" || len(got["spacePermissions"].([]any)) != 1 {
		t.Errorf("update visible before the delay: %v", got)
	}
	// The pending name is already taken.
	if status, _ := c.call(http.MethodPost, roles, map[string]any{"name": "reader V2", "description": "", "spacePermissions": []string{"read/space"}}); status != http.StatusBadRequest {
		t.Errorf("a name about to be taken was accepted: %d", status)
	}
	// A later update supersedes a pending one.
	status, _ = c.call(http.MethodPut, roles+"/"+id, map[string]any{"name": "Reader v3", "description": "v3", "spacePermissions": []string{"read/space", "create/comment"}})
	if status != http.StatusAccepted {
		t.Fatalf("second update: %d", status)
	}
	clock.Advance(59 * time.Second) // 60s after the first update, 59s after the second
	if _, got := c.call(http.MethodGet, roles+"/"+id, nil); got["name"] != "Reader" {
		t.Errorf("superseded update applied: %v", got)
	}
	clock.Advance(time.Second)
	_, got := c.call(http.MethodGet, roles+"/"+id, nil)
	if got["name"] != "Reader v3" || got["description"] != "v3" || !slices.Equal(got["spacePermissions"].([]any), []any{"read/space", "create/comment"}) {
		t.Errorf("after the delay: %v", got)
	}

	// DELETE: 202, gone after the delay; no assignment to a role on its way out.
	status, body = c.call(http.MethodDelete, roles+"/"+id, nil)
	if status != http.StatusAccepted || body["taskId"] == "" {
		t.Fatalf("delete: %d %v", status, body)
	}
	task := body["taskId"]
	if status, body := c.call(http.MethodDelete, roles+"/"+id, nil); status != http.StatusAccepted || body["taskId"] != task {
		t.Errorf("a repeated delete: %d %v, want 202 with the same task", status, body)
	}
	if status, _ := c.call(http.MethodGet, roles+"/"+id, nil); status != http.StatusOK {
		t.Errorf("role gone before the delay: %d", status)
	}
	assign := "/wiki/api/v2/spaces/" + c.docs() + "/role-assignments"
	if status, body := c.call(http.MethodPost, assign, []any{map[string]any{
		"principal": map[string]any{"principalType": "ACCESS_CLASS", "principalId": "authenticated-users"}, "roleId": id,
	}}); status != http.StatusBadRequest {
		t.Errorf("assignment to a role being deleted: %d %v", status, body)
	}
	if status, _ := c.call(http.MethodPut, roles+"/"+id, map[string]any{"name": "R", "description": "", "spacePermissions": []string{"read/space"}}); status != http.StatusNotFound {
		t.Errorf("update of a role being deleted: %d, want 404", status)
	}
	clock.Advance(time.Minute)
	if status, _ := c.call(http.MethodGet, roles+"/"+id, nil); status != http.StatusNotFound {
		t.Errorf("role still there after the delay: %d", status)
	}
	_, list := c.call(http.MethodGet, roles, nil)
	if n := len(list["results"].([]any)); n != 4 {
		t.Errorf("%d roles listed after the deletion, want the 4 system roles", n)
	}
}

func TestSpaceRoleAnonymousReassignment(t *testing.T) {
	c, clock := newAccessClient(t, Options{PropagationDelay: time.Second})
	const roles = "/wiki/api/v2/space-roles"
	_, role := c.call(http.MethodPost, roles, map[string]any{"name": "Public", "description": "", "spacePermissions": []string{"read/space"}})
	id := role["id"].(string)
	assign := "/wiki/api/v2/spaces/" + c.docs() + "/role-assignments"
	anon := map[string]any{"principalType": "ACCESS_CLASS", "principalId": "anonymous-users"}
	if status, body := c.call(http.MethodPost, assign, []any{map[string]any{"principal": anon, "roleId": id}}); status != http.StatusOK {
		t.Fatalf("assign: %d %v", status, body)
	}
	viewer := c.roleID("Viewer")
	status, _ := c.call(http.MethodPut, roles+"/"+id, map[string]any{
		"name": "Public", "description": "", "spacePermissions": []string{"read/space"}, "anonymousReassignmentRoleId": viewer,
	})
	if status != http.StatusAccepted {
		t.Fatalf("update: %d", status)
	}
	read := func() string {
		_, body := c.call(http.MethodGet, assign+"?principal-type=ACCESS_CLASS&principal-id=anonymous-users", nil)
		results := body["results"].([]any)
		if len(results) != 1 {
			t.Fatalf("anonymous assignments: %v", body)
		}
		return results[0].(map[string]any)["roleId"].(string)
	}
	if got := read(); got != id {
		t.Errorf("reassigned before the delay: %s", got)
	}
	clock.Advance(time.Second)
	if got := read(); got != viewer {
		t.Errorf("anonymous access not moved to Viewer: %s", got)
	}
}

func TestRoleModeOption(t *testing.T) {
	for in, want := range map[string]string{"": "ROLES_TRANSITION", "roles": "ROLES", " PRE_ROLES ": "PRE_ROLES", "ROLES_TRANSITION": "ROLES_TRANSITION"} {
		if got := New(Options{RoleMode: in}).st.roleMode; got != want {
			t.Errorf("RoleMode %q → %q, want %q", in, got, want)
		}
	}
}
