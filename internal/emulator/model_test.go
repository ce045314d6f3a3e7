package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// These tests look inside the state model where no API route shows it yet (the Admin API routes
// come later and will read the same model).

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func scimCall(t *testing.T, srv *httptest.Server, e *Emulator, method, path string, body any) map[string]any {
	t.Helper()
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL+"/scim/directory/"+e.creds.DirectoryID+path, bytes.NewReader(buf))
	req.Header.Set("Authorization", "Bearer "+e.creds.SCIMAPIKey)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, out)
	}
	return out
}

func (e *Emulator) orgGroupSnapshot(name string) (visible bool, g orgGroup, found bool) {
	now := e.lock()
	defer e.unlock()
	og := e.st.orgGroupByName(name)
	if og == nil {
		return false, orgGroup{}, false
	}
	c := *og
	c.Members = slices.Clone(og.Members)
	return slices.Contains(e.st.visibleOrgGroups(now), og), c, true
}

func TestSCIMGroupPropagatesToOrgDirectory(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	e := New(Options{PropagationDelay: time.Hour})
	e.now = clock.Now
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()

	user := func(name string) (id, account string) {
		u := scimCall(t, srv, e, http.MethodPost, "/Users", map[string]any{
			"userName": name, "emails": []any{map[string]any{"value": name, "primary": true}},
		})
		return u["id"].(string), u[schemaAtlassian].(map[string]any)["atlassianAccountId"].(string)
	}
	u1, a1 := user("one@example.com")
	u2, a2 := user("two@example.com")
	g := scimCall(t, srv, e, http.MethodPost, "/Groups", map[string]any{
		"displayName": "Platform", "members": []any{map[string]any{"value": u1}},
	})
	gid := g["id"].(string)

	visible, og, found := e.orgGroupSnapshot("Platform")
	if !found || visible {
		t.Fatalf("org group right after SCIM create: found=%v visible=%v, want found and not yet visible", found, visible)
	}
	clock.Advance(59 * time.Minute)
	if visible, _, _ := e.orgGroupSnapshot("Platform"); visible {
		t.Fatal("org group visible before the propagation delay")
	}
	clock.Advance(time.Minute)
	visible, og, _ = e.orgGroupSnapshot("Platform")
	if !visible || !og.ExternalSynced || og.ManagedBy != managedByExternal || og.ID == gid || og.DirectoryID != e.creds.DirectoryID {
		t.Fatalf("org group after the delay: visible=%v %+v", visible, og)
	}
	if !slices.Equal(og.Members, []string{a1}) {
		t.Errorf("org members = %v, want [%s]", og.Members, a1)
	}

	// Membership mirrors the SCIM group's members' accounts.
	scimCall(t, srv, e, http.MethodPatch, "/Groups/"+gid, map[string]any{
		"schemas":    []string{schemaPatchOp},
		"Operations": []any{map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": u2}}}},
	})
	if _, og, _ = e.orgGroupSnapshot("Platform"); !slices.Equal(og.Members, []string{a1, a2}) {
		t.Errorf("org members after add = %v", og.Members)
	}
	scimCall(t, srv, e, http.MethodDelete, "/Users/"+u1, nil)
	if _, og, _ = e.orgGroupSnapshot("Platform"); !slices.Equal(og.Members, []string{a2}) {
		t.Errorf("org members after deactivating a member = %v", og.Members)
	}
	e.mu.Lock()
	if a := e.st.accounts[a1]; a.Active || a.status() != "deactivated" {
		t.Errorf("account of a deleted SCIM user: %+v", a)
	}
	e.mu.Unlock()

	// Grants through the group go with it.
	e.mu.Lock()
	e.st.assignGroupRole(og.ID, e.st.site.ari(), "atlassian/user", clock.Now())
	eng := e.st.spaceByKey("ENG")
	e.st.addSpacePermission(eng.ID, "group", og.ID, "read", "space")
	e.mu.Unlock()
	scimCall(t, srv, e, http.MethodDelete, "/Groups/"+gid, nil)
	if _, _, found := e.orgGroupSnapshot("Platform"); found {
		t.Error("org group survives the SCIM group's deletion")
	}
	e.mu.Lock()
	for _, p := range e.st.spacePerms {
		if p.PrincipalID == og.ID {
			t.Error("space permission of a deleted group survives")
		}
	}
	if len(e.st.visibleGroupRoles(og.ID, clock.Now().Add(2*time.Hour))) != 0 {
		t.Error("role grant of a deleted group survives")
	}
	e.mu.Unlock()

	// Built-in names are accepted but never synced; names of local org groups conflict.
	scimCall(t, srv, e, http.MethodPost, "/Groups", map[string]any{"displayName": "confluence-users"})
	if _, og, _ := e.orgGroupSnapshot("confluence-users"); og.ExternalSynced || og.ManagedBy != managedByAdmins {
		t.Errorf("built-in group was synced: %+v", og)
	}
	e.mu.Lock()
	e.st.addOrgGroup("local-team", "", managedByAdmins, false, clock.Now(), clock.Now())
	e.mu.Unlock()
	buf, _ := json.Marshal(map[string]any{"displayName": "Local-Team"})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/scim/directory/"+e.creds.DirectoryID+"/Groups", bytes.NewReader(buf))
	req.Header.Set("Authorization", "Bearer "+e.creds.SCIMAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("SCIM group named like a local org group: %d, want 409", resp.StatusCode)
	}
}

func TestRoleGrantPropagation(t *testing.T) {
	e := New(Options{PropagationDelay: 30 * time.Second})
	st := e.st
	now := time.Now()
	users := st.orgGroupByName(groupConfluenceUsers)
	ari := st.site.ari()
	if got := st.visibleGroupRoles(users.ID, now)[ari]; !slices.Equal(got, []string{"atlassian/user"}) {
		t.Fatalf("seeded confluence-users roles = %v", got)
	}
	st.assignGroupRole(users.ID, ari, "atlassian/admin", now)
	st.assignGroupRole(users.ID, ari, "atlassian/admin", now.Add(10*time.Second)) // no-op
	if got := st.visibleGroupRoles(users.ID, now.Add(29*time.Second))[ari]; slices.Contains(got, "atlassian/admin") {
		t.Error("assignment visible before the delay")
	}
	if got := st.visibleGroupRoles(users.ID, now.Add(30*time.Second))[ari]; !slices.Contains(got, "atlassian/admin") {
		t.Error("assignment not visible after the delay")
	}
	if !st.revokeGroupRole(users.ID, ari, "atlassian/admin", now.Add(40*time.Second)) {
		t.Fatal("revoke of a held role reported nothing to revoke")
	}
	if got := st.visibleGroupRoles(users.ID, now.Add(69*time.Second))[ari]; !slices.Contains(got, "atlassian/admin") {
		t.Error("revocation visible before the delay")
	}
	if got := st.visibleGroupRoles(users.ID, now.Add(70*time.Second))[ari]; slices.Contains(got, "atlassian/admin") || !slices.Contains(got, "atlassian/user") {
		t.Errorf("roles after revocation = %v", got)
	}
	if st.revokeGroupRole(users.ID, ari, "atlassian/guest", now) {
		t.Error("revoking a role never held reported success")
	}
}

func TestSeed(t *testing.T) {
	e := New(Options{ExtraSpaces: 3})
	st := e.st
	admin := e.creds.AdminAccountID
	if st.org.Name != "Emulated Org" || st.accounts[admin].Email != "admin@example.com" || st.accounts[admin].Name != "Site Admin" {
		t.Errorf("org/admin: %+v %+v", st.org, st.accounts[admin])
	}
	for _, name := range []string{"confluence-users", "site-admins", "org-admins"} {
		g := st.orgGroupByName(name)
		if g == nil || !g.Default || g.ManagedBy != managedByAdmins || g.ExternalSynced || !slices.Contains(g.Members, admin) {
			t.Errorf("default group %s: %+v", name, g)
		}
	}
	users := st.orgGroupByName("confluence-users")
	has := func(s *space, typ, id, key, target string) bool {
		for _, p := range st.spacePerms {
			if p.SpaceID == s.ID && p.PrincipalType == typ && p.PrincipalID == id && p.Key == key && p.Target == target {
				return true
			}
		}
		return false
	}
	for _, key := range []string{"ENG", "OPS", "HR", "SEC", "GEN0001", "GEN0003"} {
		s := st.spaceByKey(key)
		if s == nil {
			t.Fatalf("space %s missing", key)
		}
		if !has(s, "user", admin, "read", "space") || !has(s, "user", admin, "administer", "space") || !has(s, "group", users.ID, "read", "space") {
			t.Errorf("space %s lacks the seeded grants", key)
		}
	}
	if st.spaceByKey("GEN0004") != nil {
		t.Error("more generated spaces than asked for")
	}
	docs := st.spaceByKey("DOCS")
	if docs == nil {
		t.Fatal("DOCS missing")
	}
	for _, p := range st.spacePerms {
		if p.SpaceID == docs.ID {
			t.Errorf("DOCS has a classic grant %+v; it is the space seeded with role assignments", p)
		}
	}
	var names []string
	for _, id := range st.spaceRoleOrder {
		r := st.spaceRoles[id]
		names = append(names, r.Name)
		if r.Type != "SYSTEM" || !slices.Contains(r.Permissions, "read/space") {
			t.Errorf("role %+v", r)
		}
		for _, p := range r.Permissions {
			if !slices.ContainsFunc(st.permissionCatalog, func(d spacePermissionDef) bool { return d.ID == p }) {
				t.Errorf("role %s uses %s, which is not in the catalogue", r.Name, p)
			}
		}
	}
	if !slices.Equal(names, []string{"Admin", "Manager", "Collaborator", "Viewer"}) {
		t.Errorf("roles = %v", names)
	}
	if !slices.Contains(st.spaceRoleByName("Admin").Permissions, "administer/space") || slices.Contains(st.spaceRoleByName("Manager").Permissions, "administer/space") {
		t.Error("only Admin should administer")
	}
	if len(st.roleAssignments) != 2 || st.roleAssignments[0].SpaceID != docs.ID || st.roleAssignments[0].PrincipalID != admin ||
		st.roleAssignments[0].RoleID != st.spaceRoleByName("Admin").ID ||
		st.roleAssignments[1].SpaceID != docs.ID || st.roleAssignments[1].PrincipalType != "GROUP" || st.roleAssignments[1].PrincipalID != users.ID ||
		st.roleAssignments[1].RoleID != st.spaceRoleByName("Viewer").ID {
		t.Errorf("DOCS assignments: %+v", st.roleAssignments)
	}
	if st.roleMode != roleModeTransition || st.site.ari() != "ari:cloud:confluence::site/"+e.creds.CloudID {
		t.Errorf("site: %s %s", st.roleMode, st.site.ari())
	}
}

func TestInjectedErrorChangesNothing(t *testing.T) {
	e := New(Options{ErrorRate: 1})
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	buf, _ := json.Marshal(map[string]any{"userName": "x@example.com", "emails": []any{map[string]any{"value": "x@example.com"}}})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/scim/directory/"+e.creds.DirectoryID+"/Users", bytes.NewReader(buf))
	req.Header.Set("Authorization", "Bearer "+e.creds.SCIMAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d", resp.StatusCode)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.st.scimUsers) != 0 || len(e.st.accounts) != 1 {
		t.Errorf("a 503 changed state: %d users, %d accounts", len(e.st.scimUsers), len(e.st.accounts))
	}
}
