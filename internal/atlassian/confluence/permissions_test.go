package confluence_test

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// summary is a comparable summary of a permission set, ids left out.
func summary(perms []confluence.Permission) []string {
	out := make([]string, 0, len(perms))
	for _, p := range perms {
		out = append(out, p.Principal.String()+" "+p.Operation.String())
	}
	sort.Strings(out)
	return out
}

// withIDs is the same with ids, to compare a remembered listing with the API's.
func withIDs(perms []confluence.Permission) []string {
	out := make([]string, 0, len(perms))
	for _, p := range perms {
		out = append(out, p.ID+" "+p.Principal.String()+" "+p.Operation.String())
	}
	sort.Strings(out)
	return out
}

// mustMatchAPI checks that what the client remembers is what a client with no memory reads.
func (f *fixture) mustMatchAPI(spaceID string) {
	f.t.Helper()
	ctx := f.t.Context()
	mem, err := f.c.SpacePermissions(ctx, spaceID)
	if err != nil {
		f.t.Fatal(err)
	}
	api, err := f.fresh().SpacePermissions(ctx, spaceID)
	if err != nil {
		f.t.Fatal(err)
	}
	if !slices.Equal(withIDs(mem), withIDs(api)) {
		f.t.Errorf("remembered listing differs from the API:\n remembered %v\n API        %v", withIDs(mem), withIDs(api))
	}
}

func grant(typ, id, op string) confluence.Permission {
	o, err := confluence.ParseOperation(op)
	if err != nil {
		panic(err)
	}
	return confluence.Permission{Principal: confluence.Principal{Type: typ, ID: id}, Operation: o}
}

// Any number of readers of one space's permissions, concurrent or not, cost one listing (plus its pages).
func TestSpacePermissionsListedOncePerSpace(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{PageSize: 1}, transport.Config{})
	eng := f.space("ENG")
	var wg sync.WaitGroup
	lens := make([]int, 10)
	for i := range lens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			perms, err := f.c.SpacePermissions(context.Background(), eng.ID)
			if err != nil {
				t.Error(err)
			}
			lens[i] = len(perms)
		}()
	}
	wg.Wait()
	for range 5 {
		if _, err := f.c.SpacePermissions(context.Background(), eng.ID); err != nil {
			t.Fatal(err)
		}
	}
	// The seed: 9 grants of the admin + read/space of confluence-users, one per page.
	if slices.Min(lens) != 10 || slices.Max(lens) != 10 {
		t.Errorf("listing lengths %v, want 10", lens)
	}
	if n := f.requests(routePerms); n != 10 {
		t.Errorf("15 reads took %d requests, want 10 (one listing of 10 one-permission pages)", n)
	}
	perms, _ := f.c.SpacePermissions(context.Background(), eng.ID)
	admin := f.emu.Credentials().AdminAccountID
	if !slices.ContainsFunc(perms, func(p confluence.Permission) bool {
		return p.Principal == confluence.Principal{Type: "user", ID: admin} && p.Operation.String() == "administer/space" && p.ID != ""
	}) {
		t.Errorf("no administer/space of the admin in %v", summary(perms))
	}
	// Callers get copies: changing one changes nothing remembered.
	perms[0].ID = "tampered"
	if again, _ := f.c.SpacePermissions(context.Background(), eng.ID); again[0].ID == "tampered" {
		t.Error("the remembered listing was modified through a returned slice")
	}
}

// Writes through the client keep its listing current without listing again; removing read/space
// removes the principal's other permissions from the listing too, as it does on the API.
func TestPermissionWritesKeepTheListingCurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{}, transport.Config{})
	ctx := t.Context()
	eng := f.space("ENG")
	if _, err := f.c.SpacePermissions(ctx, eng.ID); err != nil {
		t.Fatal(err)
	}
	users := ""
	perms, _ := f.c.SpacePermissions(ctx, eng.ID)
	for _, p := range perms {
		if p.Principal.Type == confluence.PrincipalGroup {
			users = p.Principal.ID
		}
	}

	var added []confluence.Permission
	for _, g := range []confluence.Permission{
		grant("anonymous", "", "read/space"), grant("anonymous", "", "create/comment"),
		grant("group", users, "create/page"), grant("group", users, "update/page"),
	} {
		got, err := f.c.AddPermission(ctx, "ENG", eng.ID, g)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == "" || got.Principal != g.Principal || got.Operation != g.Operation {
			t.Errorf("AddPermission(%v) = %+v", g, got)
		}
		added = append(added, got)
	}
	if n := f.requests(routePerms); n != 1 {
		t.Errorf("writes made the client list again: %d listings", n)
	}
	f.mustMatchAPI(eng.ID) // one more listing, by a client without memory
	listings := f.requests(routePerms)

	// Remove create/page of the group, then the anonymous read/space (cascade).
	if err := f.c.RemovePermission(ctx, "ENG", eng.ID, added[2].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.c.RemovePermission(ctx, "ENG", eng.ID, added[0].ID); err != nil {
		t.Fatal(err)
	}
	perms, _ = f.c.SpacePermissions(ctx, eng.ID)
	for _, p := range perms {
		if p.Principal.Type == confluence.PrincipalAnonymous || p.ID == added[2].ID {
			t.Errorf("still listed after removal: %+v", p)
		}
	}
	// A permission already gone is success (the cascade took create/comment).
	if err := f.c.RemovePermission(ctx, "ENG", eng.ID, added[1].ID); err != nil {
		t.Errorf("removing a permission already gone: %v", err)
	}
	if n := f.requests(routePerms); n != listings {
		t.Errorf("removals made the client list again: %d listings, want %d", n, listings)
	}
	f.mustMatchAPI(eng.ID)
	if err := f.c.RemovePermission(ctx, "ENG", eng.ID, "not-a-number"); err == nil {
		t.Error("a non-numeric id was sent")
	}
}

// "Permission already exists" is success: the client reads the listing again and returns the grant's id.
func TestAddPermissionThatExists(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{}, transport.Config{})
	ctx := t.Context()
	eng := f.space("ENG")
	first, err := f.fresh().AddPermission(ctx, "ENG", eng.ID, grant("anonymous", "", "read/space")) // made elsewhere
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.SpacePermissions(ctx, eng.ID); err != nil { // remembered before the write below
		t.Fatal(err)
	}
	got, err := f.c.AddPermission(ctx, "ENG", eng.ID, grant("anonymous", "", "read/space"))
	if err != nil {
		t.Fatalf("an existing grant: %v", err)
	}
	if got.ID != first.ID {
		t.Errorf("id %s, want the existing grant's %s", got.ID, first.ID)
	}
	if n := f.requests(routePerms); n != 2 {
		t.Errorf("%d listings, want 2 (the first read and the re-read)", n)
	}
}

// API errors arrive typed; a write that failed makes the client forget the space's listing.
func TestPermissionWriteErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{Faults: []emulator.Fault{
		{Route: routeAddPerm, Nth: 1, Status: http.StatusForbidden},
		{Route: routeAddPerm, Nth: 2, Status: http.StatusServiceUnavailable}, // not applied: one read settles it, then sent again
		{Route: routeRemovePerm, Nth: 1, Status: http.StatusForbidden},
	}}, fastRetries)
	ctx := t.Context()
	eng := f.space("ENG")
	if _, err := f.c.SpacePermissions(ctx, eng.ID); err != nil {
		t.Fatal(err)
	}
	_, err := f.c.AddPermission(ctx, "ENG", eng.ID, grant("anonymous", "", "read/space"))
	if !transport.IsForbidden(err) {
		t.Fatalf("injected 403: got %v", err)
	}
	if _, err := f.c.SpacePermissions(ctx, eng.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.requests(routePerms); n != 2 {
		t.Errorf("after a failed write the listing was not read again: %d listings", n)
	}
	got, err := f.c.AddPermission(ctx, "ENG", eng.ID, grant("anonymous", "", "read/space"))
	if err != nil {
		t.Fatalf("a 503 is settled and sent again: %v", err)
	}
	if n := f.requests(routeAddPerm); n != 3 {
		t.Errorf("%d add requests, want 3 (403, 503, success)", n)
	}
	if n := f.requests(routePerms); n != 3 {
		t.Errorf("%d listings, want 3: the 503 costs one settling read", n)
	}
	if err := f.c.RemovePermission(ctx, "ENG", eng.ID, got.ID); !transport.IsForbidden(err) {
		t.Errorf("injected 403 on remove: %v", err)
	}
	f.mustMatchAPI(eng.ID)

	// The API's own rules, typed: read/space first; unknown space; unknown group.
	_, err = f.c.AddPermission(ctx, "OPS", f.space("OPS").ID, grant("anonymous", "", "export/space"))
	if !transport.IsBadRequest(err) {
		t.Errorf("missing read/space: %v", err)
	}
	if _, err := f.c.AddPermission(ctx, "NOPE", "1", grant("anonymous", "", "read/space")); !transport.IsNotFound(err) {
		t.Errorf("unknown space: %v", err)
	}
	if _, err := f.c.AddPermission(ctx, "ENG", eng.ID, grant("group", "00000000-0000-4000-8000-000000000000", "read/space")); !transport.IsBadRequest(err) {
		t.Errorf("unknown group: %v", err)
	}
	if _, err := f.c.AddPermission(ctx, "ENG", eng.ID, grant("access_class", "anonymous-users", "read/space")); err == nil {
		t.Error("an access class was sent as a classic subject")
	}
	// The last administrator stays.
	perms, _ := f.c.SpacePermissions(ctx, eng.ID)
	admin := f.emu.Credentials().AdminAccountID
	for _, p := range perms {
		if p.Principal.ID == admin && p.Operation.String() == "administer/space" {
			if err := f.c.RemovePermission(ctx, "ENG", eng.ID, p.ID); !transport.IsBadRequest(err) {
				t.Errorf("removing the last admin: %v", err)
			}
		}
	}
	// ROLES sites refuse classic writes.
	roles := newFixture(t, emulator.Options{RoleMode: "ROLES"}, transport.Config{})
	if _, err := roles.c.AddPermission(ctx, "ENG", roles.space("ENG").ID, grant("anonymous", "", "read/space")); !transport.IsBadRequest(err) {
		t.Errorf("classic write on a ROLES site: %v", err)
	}
}

// Under a rate limit, concurrent writes slow down and all succeed; without retries the 429 arrives typed.
func TestPermissionWritesUnderRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{RateLimit: 5}, transport.Config{MaxRetries: 30, MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	ctx := t.Context()
	eng := f.space("ENG")
	ops := []string{"create/page", "update/page", "delete/page", "archive/page", "create/blogpost", "update/blogpost",
		"delete/blogpost", "create/comment", "delete/comment", "create/attachment", "delete/attachment", "delete/space"}
	if _, err := f.c.AddPermission(ctx, "ENG", eng.ID, grant("anonymous", "", "read/space")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ops))
	for i, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.c.AddPermission(ctx, "ENG", eng.ID, grant("anonymous", "", op))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("%s: %v", ops[i], err)
		}
	}
	perms, err := f.fresh().SpacePermissions(ctx, eng.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range perms {
		if p.Principal.Type == confluence.PrincipalAnonymous {
			n++
		}
	}
	if n != len(ops)+1 {
		t.Errorf("anonymous holds %d permissions, want %d", n, len(ops)+1)
	}
	if sent := f.requests(routeAddPerm); sent <= len(ops)+1 {
		t.Errorf("%d add requests for %d grants: the rate limit was never hit, so nothing was proven", sent, len(ops)+1)
	} else {
		t.Logf("%d grants took %d add requests under 5 requests/s", len(ops)+1, sent)
	}

	strict := newFixture(t, emulator.Options{RateLimit: 1}, transport.Config{})
	var last error
	for range 3 {
		if _, last = strict.c.GroupByID(ctx, "nope"); transport.IsRateLimited(last) {
			break
		}
	}
	if !transport.IsRateLimited(last) {
		t.Errorf("no typed 429 without retries: %v", last)
	}
}
