package scim_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func newClient(t *testing.T, opts emulator.Options, cfg transport.Config) (*scim.Client, *emulator.Emulator) {
	t.Helper()
	emu := emulator.New(opts)
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	creds := emu.Credentials()
	c, err := scim.New(transport.NewHTTPClient(cfg), srv.URL+"/scim/directory/"+creds.DirectoryID, creds.SCIMAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	return c, emu
}

func TestParseDirectoryURL(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, base, id string }{
		{"https://api.atlassian.com/scim/directory/abc-123", "https://api.atlassian.com/scim/directory/abc-123", "abc-123"},
		{"https://api.atlassian.com/scim/directory/abc-123/", "https://api.atlassian.com/scim/directory/abc-123", "abc-123"},
		{"http://127.0.0.1:8080/prefix/scim/directory/d1", "http://127.0.0.1:8080/prefix/scim/directory/d1", "d1"},
	}
	for _, c := range cases {
		base, id, err := scim.ParseDirectoryURL(c.in)
		if err != nil || base != c.base || id != c.id {
			t.Errorf("ParseDirectoryURL(%q) = %q, %q, %v; want %q, %q", c.in, base, id, err, c.base, c.id)
		}
	}
	for _, bad := range []string{"https://api.atlassian.com/scim/", "https://api.atlassian.com/scim/directory/", "https://api.atlassian.com/scim/directory/a/Users", "::"} {
		if _, _, err := scim.ParseDirectoryURL(bad); err == nil {
			t.Errorf("ParseDirectoryURL(%q) accepted", bad)
		}
	}
}

// Names with quotes, backslashes and spaces survive the filter and come back as the one exact match.
func TestFindGroupsByNameQuoting(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, emulator.Options{}, transport.Config{})
	ctx := context.Background()
	names := []string{`team "alpha"`, `back\slash`, "two words", `mixed "q" and \ both`}
	for _, n := range names {
		if _, err := c.CreateGroup(ctx, scim.Group{DisplayName: n}); err != nil {
			t.Fatalf("create %q: %v", n, err)
		}
	}
	for _, n := range names {
		found, err := c.FindGroupsByName(ctx, n)
		if err != nil {
			t.Fatalf("find %q: %v", n, err)
		}
		if len(found) != 1 || found[0].DisplayName != n {
			t.Errorf("find %q returned %+v", n, found)
		}
	}
}

// The server picks the page size; listing follows totalResults whatever it is.
func TestListGroupsPagination(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2, 0} {
		t.Run(fmt.Sprintf("page size %d", size), func(t *testing.T) {
			t.Parallel()
			c, emu := newClient(t, emulator.Options{PageSize: size}, transport.Config{})
			ctx := context.Background()
			for i := range 5 {
				if _, err := c.CreateGroup(ctx, scim.Group{DisplayName: fmt.Sprintf("group-%d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			emu.ResetStats()
			all, err := c.ListGroups(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 5 {
				t.Fatalf("listed %d groups, want 5", len(all))
			}
			wantPages := 1
			if size > 0 {
				wantPages = (5 + size - 1) / size
			}
			if got := emu.Stats()["GET /scim/directory/{directoryId}/Groups"]; got != wantPages {
				t.Errorf("listing took %d requests, want %d", got, wantPages)
			}
		})
	}
}

func TestGroupErrorsAreTyped(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, emulator.Options{}, transport.Config{})
	ctx := context.Background()
	if _, err := c.CreateGroup(ctx, scim.Group{DisplayName: "dup"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(ctx, scim.Group{DisplayName: "DUP"}); !transport.IsConflict(err) {
		t.Errorf("duplicate create: want a conflict, got %v", err)
	}
	if _, err := c.GetGroup(ctx, "no-such-group"); !transport.IsNotFound(err) {
		t.Errorf("missing group: want not found, got %v", err)
	}
	if err := c.DeleteGroup(ctx, "no-such-group"); err != nil {
		t.Errorf("deleting a missing group is done, got %v", err)
	}
}

// Under the emulator's rate limit, requests slow down and finish instead of failing.
func TestRateLimitedWritesFinish(t *testing.T) {
	t.Parallel()
	c, emu := newClient(t, emulator.Options{RateLimit: 5}, transport.Config{MaxRetries: 10, MinBackoff: 50 * time.Millisecond, MaxBackoff: 2 * time.Second})
	ctx := context.Background()
	start := time.Now()
	for i := range 12 {
		if _, err := c.CreateGroup(ctx, scim.Group{DisplayName: fmt.Sprintf("burst-%d", i)}); err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	all, err := c.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 12 {
		t.Errorf("listed %d groups, want 12", len(all))
	}
	// 13 requests at 5 per second cannot finish in under a second unless the limit was not applied.
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("13 requests finished in %s under a 5/s limit: the limit was not exercised", elapsed)
	}
	if emu.Stats()["POST /scim/directory/{directoryId}/Groups"] < 12 {
		t.Errorf("stats do not show the creates: %v", emu.Stats())
	}
}
