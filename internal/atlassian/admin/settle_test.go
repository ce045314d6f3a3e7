package admin_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// A group create whose answer is lost while the directory still lags it: the settling read cannot see the
// group yet, so the create is sent again, refused as taken, and the group is then awaited and adopted. One
// group exists, and it is the one asked for.
func TestCreateGroupLostAnswerWhileTheDirectoryLags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{PropagationDelay: 300 * time.Millisecond, Faults: []emulator.Fault{
		{Route: createGroupRoute, Nth: 1, Status: http.StatusServiceUnavailable, AfterCommit: true},
	}})
	ctx, adopted := transport.WithAdoptions(context.Background())
	g, err := e.client.CreateGroup(ctx, e.creds.LocalDirectoryID, "lagging", "made once")
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "lagging" || g.Description != "made once" || len(adopted.List()) != 1 {
		t.Fatalf("group %+v, adopted %v", g, adopted.List())
	}
	if n := e.requests(createGroupRoute); n != 2 {
		t.Fatalf("%d creates, want 2 (the lost one, and the one refused as taken)", n)
	}
	found, err := e.client.GroupsByName(context.Background(), e.creds.LocalDirectoryID, "lagging")
	if err != nil || len(found) != 1 {
		t.Fatalf("groups named lagging: %v, %v", found, err)
	}
}

// A group whose answer is lost and which shows at once costs one read, which stands in for the wait that
// follows an answered create.
func TestCreateGroupLostAnswerIsAdopted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{Faults: []emulator.Fault{
		{Route: createGroupRoute, Nth: 1, Status: http.StatusServiceUnavailable, AfterCommit: true},
	}})
	ctx, adopted := transport.WithAdoptions(context.Background())
	if _, err := e.client.CreateGroup(ctx, e.creds.LocalDirectoryID, "prompt", ""); err != nil {
		t.Fatal(err)
	}
	if e.requests(createGroupRoute) != 1 || e.requests(searchGroupsRoute) != 1 || len(adopted.List()) != 1 {
		t.Fatalf("%d creates, %d searches, adopted %v: want 1, 1 and the group", e.requests(createGroupRoute), e.requests(searchGroupsRoute), adopted.List())
	}
}
