package confluence_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func TestSpaceRoleModeReadOncePerRun(t *testing.T) {
	t.Parallel()
	for opt, want := range map[string]string{"": confluence.RoleModeTransition, "ROLES": confluence.RoleModeRoles, "PRE_ROLES": confluence.RoleModePreRoles} {
		f := newFixture(t, emulator.Options{RoleMode: opt}, transport.Config{})
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if got, err := f.c.SpaceRoleMode(context.Background()); err != nil || got != want {
					t.Errorf("mode %q: got %q, %v", want, got, err)
				}
			}()
		}
		wg.Wait()
		if n := f.requests("GET /wiki/api/v2/space-role-mode"); n != 1 {
			t.Errorf("mode %q: 8 reads took %d requests, want 1", want, n)
		}
	}
}

func TestSpacePermissionCatalogue(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{PageSize: 4}, transport.Config{})
	defs, err := f.c.SpacePermissionCatalogue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 16 || defs[0].ID != "read/space" || defs[0].DisplayName == "" {
		t.Fatalf("catalogue: %+v", defs)
	}
	i := slices.IndexFunc(defs, func(d confluence.PermissionDef) bool { return d.ID == "create/page" })
	if i < 0 || !slices.Equal(defs[i].RequiredPermissionIDs, []string{"read/space"}) {
		t.Errorf("create/page requirements: %+v", defs)
	}
	if _, err := f.c.SpacePermissionCatalogue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := f.requests("GET /wiki/api/v2/space-permissions"); n != 4 {
		t.Errorf("two reads of 16 entries in pages of 4 took %d requests, want 4", n)
	}
}

// The role catalogue: list with filters and pages, create, and the asynchronous (202) update and delete
// that the client waits out.
func TestSpaceRoleLifecycle(t *testing.T) {
	t.Parallel()
	const delay = 150 * time.Millisecond
	f := newFixture(t, emulator.Options{PageSize: 1, PropagationDelay: delay}, transport.Config{})
	ctx := t.Context()
	roles, err := f.c.ListSpaceRoles(ctx, confluence.SpaceRoleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) != 4 || roles[0].Name != "Admin" || roles[0].Type != "SYSTEM" || !slices.Contains(roles[0].Permissions, "administer/space") {
		t.Fatalf("system roles: %+v", roles)
	}
	if n := f.requests("GET /wiki/api/v2/space-roles"); n != 4 {
		t.Errorf("4 roles in pages of 1 took %d requests", n)
	}
	docs := f.space("DOCS")
	admin := f.emu.Credentials().AdminAccountID
	held, err := f.c.ListSpaceRoles(ctx, confluence.SpaceRoleFilter{SpaceID: docs.ID, Principal: &confluence.Principal{Type: "user", ID: admin}})
	if err != nil || len(held) != 1 || held[0].Name != "Admin" {
		t.Errorf("roles of the admin in DOCS: %+v %v", held, err)
	}

	in := confluence.SpaceRoleInput{Name: "Auditor", Description: "Reads", Permissions: []string{"read/space"}}
	created, err := f.c.CreateSpaceRole(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Type != "CUSTOM" || created.Name != "Auditor" {
		t.Errorf("created: %+v", created)
	}
	if _, err := f.c.CreateSpaceRole(ctx, in); !transport.IsBadRequest(err) {
		t.Errorf("duplicate name: %v", err)
	}
	custom, err := f.c.ListSpaceRoles(ctx, confluence.SpaceRoleFilter{RoleType: "CUSTOM"})
	if err != nil || len(custom) != 1 || custom[0].ID != created.ID {
		t.Errorf("CUSTOM roles: %+v %v", custom, err)
	}

	// Update: returns once the change reads back, which takes the propagation delay.
	f.emu.ResetStats()
	start := time.Now()
	in = confluence.SpaceRoleInput{Name: "Auditor", Description: "Reads and exports", Permissions: []string{"export/space", "read/space"}}
	updated, err := f.c.UpdateSpaceRole(ctx, created.ID, in, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < delay {
		t.Errorf("update returned after %s, before the change could apply (%s)", elapsed, delay)
	}
	if updated.Description != "Reads and exports" || len(updated.Permissions) != 2 {
		t.Errorf("updated: %+v", updated)
	}
	if n := f.requests(routeRole); n < 2 {
		t.Errorf("the wait polled %d times; the change cannot have been visible at once", n)
	} else {
		t.Logf("update became visible after %d polls", n)
	}

	// A wait shorter than the delay times out, typed.
	in.Description = "Too slow"
	_, err = f.c.UpdateSpaceRole(ctx, created.ID, in, delay/5)
	if !errors.Is(err, transport.ErrWaitTimeout) {
		t.Errorf("short wait: %v", err)
	}
	time.Sleep(delay) // let it apply before deleting

	// System roles cannot change.
	if _, err := f.c.UpdateSpaceRole(ctx, roles[3].ID, in, time.Second); !transport.IsBadRequest(err) {
		t.Errorf("updating a system role: %v", err)
	}

	// Delete: returns once the role is gone; deleting it again is success.
	start = time.Now()
	if err := f.c.DeleteSpaceRole(ctx, created.ID, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < delay {
		t.Error("delete returned before the role could be gone")
	}
	if _, err := f.c.GetSpaceRole(ctx, created.ID); !transport.IsNotFound(err) {
		t.Errorf("deleted role: %v", err)
	}
	if err := f.c.DeleteSpaceRole(ctx, created.ID, time.Second); err != nil {
		t.Errorf("deleting a deleted role: %v", err)
	}

	// PRE_ROLES sites refuse role writes.
	pre := newFixture(t, emulator.Options{RoleMode: "PRE_ROLES"}, transport.Config{})
	if _, err := pre.c.CreateSpaceRole(ctx, in); !transport.IsBadRequest(err) {
		t.Errorf("PRE_ROLES create: %v", err)
	}
}

// Role assignments: one listing per space per run, writes keep it current, omitted roles remove.
func TestRoleAssignments(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{PageSize: 1}, transport.Config{})
	ctx := t.Context()
	docs := f.space("DOCS")
	roles, err := f.c.ListSpaceRoles(ctx, confluence.SpaceRoleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	for _, r := range roles {
		byName[r.Name] = r.ID
	}
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			list, err := f.c.RoleAssignments(context.Background(), docs.ID)
			if err != nil || len(list) != 2 {
				t.Errorf("seeded DOCS assignments: %+v %v", list, err)
			}
		}()
	}
	wg.Wait()
	if n := f.requests(routeAssignments); n != 2 {
		t.Errorf("6 reads of 2 one-assignment pages took %d requests, want 2", n)
	}
	admin := f.emu.Credentials().AdminAccountID
	list, _ := f.c.RoleAssignments(ctx, docs.ID)
	if !slices.Contains(list, confluence.RoleAssignment{Principal: confluence.Principal{Type: "user", ID: admin}, RoleID: byName["Admin"]}) {
		t.Errorf("the admin's assignment: %+v", list)
	}
	group := ""
	for _, a := range list {
		if a.Principal.Type == confluence.PrincipalGroup {
			group = a.Principal.ID
		}
	}

	anon := confluence.Principal{Type: "access_class", ID: "anonymous-users"}
	if err := f.c.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{
		{Principal: anon, RoleID: byName["Viewer"]},
		{Principal: confluence.Principal{Type: "group", ID: group}, RoleID: byName["Collaborator"]},
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.c.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{{Principal: anon}}); err != nil {
		t.Fatal(err)
	}
	if n := f.requests(routeAssignments); n != 2 {
		t.Errorf("writes made the client list again: %d requests", n)
	}
	mem, _ := f.c.RoleAssignments(ctx, docs.ID)
	api, err := f.fresh().RoleAssignments(ctx, docs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !sameAssignments(mem, api) || len(api) != 2 || slices.ContainsFunc(api, func(a confluence.RoleAssignment) bool { return a.Principal == anon }) {
		t.Errorf("remembered %+v, API %+v", mem, api)
	}

	// The API's rules, typed, and the listing forgotten after a refused write.
	before := f.requests(routeAssignments)
	err = f.c.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{{Principal: confluence.Principal{Type: "user", ID: admin}}})
	if !transport.IsBadRequest(err) {
		t.Errorf("removing the last administrator: %v", err)
	}
	if _, err := f.c.RoleAssignments(ctx, docs.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.requests(routeAssignments); n != before+2 {
		t.Errorf("after a failed write: %d listing requests, want %d", n, before+2)
	}
	if err := f.c.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{{Principal: confluence.Principal{Type: "anonymous"}, RoleID: byName["Viewer"]}}); err == nil {
		t.Error("an anonymous principal was sent as a role principal")
	}
	if err := f.c.SetRoleAssignments(ctx, docs.ID, nil); err != nil {
		t.Errorf("an empty change: %v", err)
	}
	if n := f.requests(routeSetAssign); n != 3 {
		t.Errorf("%d set requests, want 3 (empty and invalid changes send nothing)", n)
	}
}

// An injected fault on one request of a bulk write arrives typed; the next attempt works.
func TestRoleAssignmentFault(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{Faults: []emulator.Fault{{Route: routeSetAssign, Nth: 2, Status: http.StatusNotFound}}}, transport.Config{})
	ctx := t.Context()
	docs := f.space("DOCS")
	roles, _ := f.c.ListSpaceRoles(ctx, confluence.SpaceRoleFilter{RoleType: "SYSTEM"})
	viewer := roles[3].ID
	set := func(id string) error {
		return f.c.SetRoleAssignments(ctx, docs.ID, []confluence.RoleAssignment{{Principal: confluence.Principal{Type: "access_class", ID: id}, RoleID: viewer}})
	}
	if err := set("authenticated-users"); err != nil {
		t.Fatal(err)
	}
	if err := set("all-licensed-users"); !transport.IsNotFound(err) {
		t.Errorf("injected 404: %v", err)
	}
	if err := set("all-licensed-users"); err != nil {
		t.Fatal(err)
	}
	list, err := f.c.RoleAssignments(ctx, docs.ID)
	if err != nil || len(list) != 4 {
		t.Errorf("assignments after the retry: %+v %v", list, err)
	}
}

func sameAssignments(a, b []confluence.RoleAssignment) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
