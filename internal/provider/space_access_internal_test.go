package provider

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// A state's space id saves the key lookup; an id that no longer answers (the space made again under its key)
// falls back to the key, and a key that names no space is reported as gone.
func TestReadStateSpace(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	creds := emu.Credentials()
	client, err := confluence.New(transport.NewHTTPClient(transport.Config{}), srv.URL, transport.Basic(creds.Email, creds.APIToken))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	eng, err := client.SpaceByKey(ctx, "ENG")
	if err != nil {
		t.Fatal(err)
	}
	listing := func(sp *confluence.Space) error {
		_, err := client.SpacePermissions(ctx, sp.ID)
		return err
	}
	const lookups, listings = "GET /wiki/api/v2/spaces", "GET /wiki/api/v2/spaces/{id}/permissions"
	for name, c := range map[string]struct {
		key, id           string
		found             bool
		lookups, listings int
	}{
		"by the state's id": {key: "ENG", id: eng.ID, found: true, listings: 1},
		// ENG is known to the client from the start: its lookup is remembered for the run
		"a stale id":         {key: "ENG", id: "999999", found: true, listings: 2},
		"no id in the state": {key: "ENG", found: true, listings: 1},
		"a key that is gone": {key: "GONE", id: "999998", lookups: 1, listings: 1},
	} {
		t.Run(name, func(t *testing.T) {
			client.ForgetSpacePermissions(eng.ID)
			emu.ResetStats()
			space, found, err := readStateSpace(ctx, client, c.key, c.id, listing)
			if found != c.found || (found && (err != nil || space.ID != eng.ID)) {
				t.Fatalf("space %+v, found %v, err %v", space, found, err)
			}
			stats := emu.Stats()
			if stats[lookups] != c.lookups || stats[listings] != c.listings {
				t.Errorf("%d key lookups and %d listings, want %d and %d", stats[lookups], stats[listings], c.lookups, c.listings)
			}
		})
	}
}
