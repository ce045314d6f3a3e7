package confluence_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const spacesRoute = "GET /wiki/api/v2/spaces"

func newClient(t *testing.T, opts emulator.Options) (*confluence.Client, *emulator.Emulator) {
	t.Helper()
	emu := emulator.New(opts)
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	creds := emu.Credentials()
	c, err := confluence.New(transport.NewHTTPClient(transport.Config{}), srv.URL, transport.Basic(creds.Email, creds.APIToken))
	if err != nil {
		t.Fatal(err)
	}
	return c, emu
}

// Key lookups are batched and remembered for the run: one request per new set of keys, whatever the page size.
func TestSpacesByKeyBatchesAndCaches(t *testing.T) {
	t.Parallel()
	c, emu := newClient(t, emulator.Options{})
	ctx := context.Background()
	found, err := c.SpacesByKey(ctx, "ENG", "OPS", "HR", "NOPE")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 || found["ENG"].Name != "Engineering" || found["ENG"].ID == "" {
		t.Fatalf("unexpected lookup result %+v", found)
	}
	if _, ok := found["NOPE"]; ok {
		t.Error("a missing key was reported as found")
	}
	if n := emu.Stats()[spacesRoute]; n != 1 {
		t.Errorf("three keys took %d requests, want 1", n)
	}
	if _, err := c.SpaceByKey(ctx, "OPS"); err != nil {
		t.Fatal(err)
	}
	if n := emu.Stats()[spacesRoute]; n != 1 {
		t.Errorf("a remembered key was fetched again: %d requests", n)
	}
	if _, err := c.SpaceByKey(ctx, "NOPE"); !transport.IsNotFound(err) {
		t.Errorf("missing space: want not found, got %v", err)
	}
}

// With one space per page the lookup follows the cursor until the last page.
func TestSpacesByKeyFollowsCursor(t *testing.T) {
	t.Parallel()
	c, emu := newClient(t, emulator.Options{PageSize: 1})
	found, err := c.SpacesByKey(context.Background(), "ENG", "OPS", "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 {
		t.Fatalf("found %d spaces, want 3", len(found))
	}
	if n := emu.Stats()[spacesRoute]; n != 3 {
		t.Errorf("three single-space pages took %d requests, want 3", n)
	}
}

func TestWrongCredentialIsUnauthorized(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	c, err := confluence.New(transport.NewHTTPClient(transport.Config{}), srv.URL, transport.Basic(emu.Credentials().Email, "wrong"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SpaceByKey(context.Background(), "ENG"); !transport.IsUnauthorized(err) {
		t.Errorf("want 401, got %v", err)
	}
}
