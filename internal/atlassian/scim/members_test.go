package scim_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	routeGetGroup   = "GET /scim/directory/{directoryId}/Groups/{id}"
	routePatchGroup = "PATCH /scim/directory/{directoryId}/Groups/{id}"
)

// memberFixture creates a group and n users through c and returns their ids.
func memberFixture(t *testing.T, c *scim.Client, name string, n int) (string, []string) {
	t.Helper()
	ctx := context.Background()
	g, err := c.CreateGroup(ctx, scim.Group{DisplayName: name})
	if err != nil {
		t.Fatal(err)
	}
	users := make([]string, n)
	for i := range n {
		email := fmt.Sprintf("%s-user-%03d@example.com", name, i)
		u, err := c.CreateUser(ctx, scim.User{UserName: email, Emails: []scim.Email{{Value: email, Type: "work", Primary: true}}})
		if err != nil {
			t.Fatal(err)
		}
		users[i] = u.ID
	}
	return g.ID, users
}

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// Any number of concurrent readers of one group share one read of it.
func TestMembersConcurrentReadersShareOneRead(t *testing.T) {
	t.Parallel()
	emu, newClient := membersEmulator(t)
	c, setup := newClient(), newClient() // members are added through setup so that c's cache starts empty
	ctx := context.Background()
	groupID, users := memberFixture(t, c, "readers", 3)
	other, otherUsers := memberFixture(t, c, "others", 1)
	if err := setup.AddMembers(ctx, groupID, users...); err != nil {
		t.Fatal(err)
	}
	if err := setup.AddMembers(ctx, other, otherUsers...); err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()

	const readers = 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*readers)
	for i := range readers {
		wg.Go(func() {
			got, err := c.Members(ctx, groupID)
			if err == nil && !slices.Equal(got, sorted(users)) {
				err = fmt.Errorf("reader %d saw %v, want %v", i, got, sorted(users))
			}
			errs <- err
		})
		wg.Go(func() {
			ok, err := c.IsMember(ctx, other, otherUsers[0])
			if err == nil && !ok {
				err = fmt.Errorf("reader %d: %s is not a member of %s", i, otherUsers[0], other)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := emu.Stats()[routeGetGroup]; got != 2 {
		t.Errorf("%d concurrent readers of each of 2 groups made %d group reads, want 2", readers, got)
	}
}

// Writes through the client keep its cache current: no read is needed to see them, and adding an existing
// member or removing a missing one is not an error.
func TestMembersWritesKeepTheCacheCurrent(t *testing.T) {
	t.Parallel()
	c, emu := newClient(t, emulator.Options{}, transport.Config{})
	ctx := context.Background()
	groupID, users := memberFixture(t, c, "writers", 4)
	if got, err := c.Members(ctx, groupID); err != nil || len(got) != 0 {
		t.Fatalf("new group: members %v, err %v", got, err)
	}
	emu.ResetStats()

	steps := []struct {
		name string
		op   func() error
		want []string
	}{
		{"add two", func() error { return c.AddMembers(ctx, groupID, users[0], users[1]) }, users[:2]},
		{"add an existing member and a new one", func() error { return c.AddMembers(ctx, groupID, users[1], users[2]) }, users[:3]},
		{"remove one", func() error { return c.RemoveMembers(ctx, groupID, users[0]) }, users[1:3]},
		{"remove a non-member and a member", func() error { return c.RemoveMembers(ctx, groupID, users[3], users[1]) }, users[2:3]},
		{"nothing to do", func() error { return c.AddMembers(ctx, groupID) }, users[2:3]},
	}
	for _, s := range steps {
		if err := s.op(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, err := c.Members(ctx, groupID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, sorted(s.want)) {
			t.Errorf("%s: cache says %v, want %v", s.name, got, sorted(s.want))
		}
		server, err := c.GetGroup(ctx, groupID) // the server agrees with the cache
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range server.Members {
			ids = append(ids, m.Value)
		}
		if !slices.Equal(sorted(ids), sorted(s.want)) {
			t.Errorf("%s: server holds %v, want %v", s.name, sorted(ids), sorted(s.want))
		}
	}
	stats := emu.Stats()
	if stats[routePatchGroup] != 4 {
		t.Errorf("4 writes with members took %d PATCHes, want 4 (an empty add sends none)", stats[routePatchGroup])
	}
	if stats[routeGetGroup] != len(steps) { // only the test's own GetGroup calls
		t.Errorf("Members read the group after writes: %d reads, want %d", stats[routeGetGroup], len(steps))
	}
}

// A failed write leaves the membership unknown, so the group is read again; a change made meanwhile by someone
// else is then seen.
func TestMembersFailedWriteForgetsTheGroup(t *testing.T) {
	t.Parallel()
	emu, newClient := membersEmulator(t)
	c, other := newClient(), newClient()
	ctx := context.Background()
	groupID, users := memberFixture(t, c, "failures", 2)
	if err := c.AddMembers(ctx, groupID, users[0]); err != nil {
		t.Fatal(err)
	}
	if err := other.AddMembers(ctx, groupID, users[1]); err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()
	// Cached: the other client's add is not seen within the run.
	if got, _ := c.Members(ctx, groupID); !slices.Equal(got, []string{users[0]}) {
		t.Fatalf("cached members %v, want only %s", got, users[0])
	}
	if n := emu.Stats()[routeGetGroup]; n != 0 {
		t.Fatalf("cached read made %d requests", n)
	}

	err := c.AddMembers(ctx, groupID, "no-such-user")
	if !transport.IsNotFound(err) {
		t.Fatalf("adding a missing user: want not found, got %v", err)
	}
	got, err := c.Members(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, sorted(users)) {
		t.Errorf("after a failed write, members %v, want %v", got, sorted(users))
	}
	if n := emu.Stats()[routeGetGroup]; n != 1 {
		t.Errorf("after a failed write the group was read %d times, want 1", n)
	}

	// A missing group is a typed error, for reads and writes alike.
	if _, err := c.Members(ctx, "no-such-group"); !transport.IsNotFound(err) {
		t.Errorf("members of a missing group: want not found, got %v", err)
	}
	if err := c.RemoveMembers(ctx, "no-such-group", users[0]); !transport.IsNotFound(err) {
		t.Errorf("removing from a missing group: want not found, got %v", err)
	}
}

// Large sets are written in bounded chunks: 250 users take 3 PATCHes each way, and the cache follows.
func TestMembersLargeSetsAreChunked(t *testing.T) {
	t.Parallel()
	c, emu := newClient(t, emulator.Options{}, transport.Config{})
	ctx := context.Background()
	groupID, users := memberFixture(t, c, "large", 250)
	emu.ResetStats()
	if err := c.AddMembers(ctx, groupID, users...); err != nil {
		t.Fatal(err)
	}
	if n := emu.Stats()[routePatchGroup]; n != 3 {
		t.Errorf("adding 250 users took %d PATCHes, want 3", n)
	}
	if got, _ := c.Members(ctx, groupID); !slices.Equal(got, sorted(users)) {
		t.Errorf("cache holds %d members after adding 250", len(got))
	}
	emu.ResetStats()
	if err := c.RemoveMembers(ctx, groupID, users[:201]...); err != nil {
		t.Fatal(err)
	}
	if n := emu.Stats()[routePatchGroup]; n != 3 {
		t.Errorf("removing 201 users took %d PATCHes, want 3", n)
	}
	if got, _ := c.Members(ctx, groupID); !slices.Equal(got, sorted(users[201:])) {
		t.Errorf("cache holds %d members after removing 201 of 250, want 49", len(got))
	}
	if n := emu.Stats()[routeGetGroup]; n != 0 {
		t.Errorf("the cache was re-read %d times after successful writes", n)
	}
}

// membersEmulator starts an emulator and returns it with a function making independent clients of it, each
// with its own cache, as separate Terraform runs would have.
func membersEmulator(t *testing.T) (*emulator.Emulator, func() *scim.Client) {
	t.Helper()
	emu := emulator.New(emulator.Options{})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	creds := emu.Credentials()
	return emu, func() *scim.Client {
		c, err := scim.New(transport.NewHTTPClient(transport.Config{}), srv.URL+"/scim/directory/"+creds.DirectoryID, creds.SCIMAPIKey)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}
