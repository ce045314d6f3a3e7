package confluence_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func TestCurrentUserReadOncePerRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{}, transport.Config{})
	creds := f.emu.Credentials()
	var wg sync.WaitGroup
	users := make([]confluence.User, 8)
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u, err := f.c.CurrentUser(context.Background())
			if err != nil {
				t.Error(err)
			}
			users[i] = u
		}()
	}
	wg.Wait()
	for _, u := range users {
		if u.AccountID != creds.AdminAccountID || u.Email != creds.Email || u.DisplayName == "" || u.Type != "known" {
			t.Errorf("current user: %+v", u)
		}
	}
	if n := f.requests("GET /wiki/rest/api/user/current"); n != 1 {
		t.Errorf("8 reads took %d requests, want 1", n)
	}
}

func TestGroupByID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{}, transport.Config{})
	ctx := t.Context()
	perms, err := f.c.SpacePermissions(ctx, f.space("ENG").ID)
	if err != nil {
		t.Fatal(err)
	}
	id := ""
	for _, p := range perms {
		if p.Principal.Type == confluence.PrincipalGroup {
			id = p.Principal.ID
		}
	}
	g, err := f.c.GroupByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if g.ID != id || g.Name != "confluence-users" || g.Type != "group" || g.ManagedBy != "ADMINS" || g.UsageType != "USERBASE_GROUP" {
		t.Errorf("group: %+v", g)
	}
	if _, err := f.c.GroupByID(ctx, "00000000-0000-4000-8000-000000000000"); !transport.IsNotFound(err) {
		t.Errorf("unknown group: %v", err)
	}
	// A group read once is known for the run; an unknown one is asked again (it may be created meanwhile).
	const route = "GET /wiki/rest/api/group/by-id"
	before := f.emu.Stats()[route]
	for range 3 {
		if _, err := f.c.GroupByID(ctx, id); err != nil {
			t.Fatal(err)
		}
		_, _ = f.c.GroupByID(ctx, "00000000-0000-4000-8000-000000000000")
	}
	if n := f.emu.Stats()[route] - before; n != 3 {
		t.Errorf("%d group reads for 3 of a known and 3 of an unknown group, want 3", n)
	}
}

// Users asked for by concurrent callers within the lookup window share one GET /user/bulk; ids read before
// cost nothing, and the guest flag comes through.
func TestUsersByIDBatched(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{Guests: []string{"gus@partner.example", "gia@partner.example"}}, transport.Config{})
	creds := f.emu.Credentials()
	f.c.SetLookupWindow(200 * time.Millisecond)
	ids := append([]string{creds.AdminAccountID}, creds.GuestAccountIDs...)
	var wg sync.WaitGroup
	got := make([]map[string]confluence.User, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u, err := f.c.UsersByID(t.Context(), id, "unknown-account")
			if err != nil {
				t.Error(err)
			}
			got[i] = u
		}()
	}
	wg.Wait()
	for i, id := range ids {
		u, ok := got[i][id]
		if !ok || len(got[i]) != 1 || u.Guest() != (i > 0) {
			t.Errorf("lookup of %s: %+v", id, got[i])
		}
	}
	if n := f.requests("GET /wiki/rest/api/user/bulk"); n != 1 {
		t.Errorf("%d concurrent lookups took %d requests, want 1", len(ids), n)
	}
	if _, err := f.c.UsersByID(t.Context(), ids...); err != nil {
		t.Fatal(err)
	}
	if n := f.requests("GET /wiki/rest/api/user/bulk"); n != 1 {
		t.Errorf("ids read before cost %d more requests", n-1)
	}
}
