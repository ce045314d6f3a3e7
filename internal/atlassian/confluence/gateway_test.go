package confluence_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// On the api.atlassian.com/ex/confluence/<cloudId> form of the site URL the client reads, paginates
// and writes through the gateway path, and the emulator counts the requests under the site routes.
func TestGatewaySiteURL(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{PageSize: 1})
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	creds := emu.Credentials()
	c, err := confluence.New(transport.NewHTTPClient(transport.Config{}), srv.URL+"/ex/confluence/"+creds.CloudID, transport.Basic(creds.Email, creds.APIToken))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	found, err := c.SpacesByKey(ctx, "ENG", "OPS", "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 {
		t.Fatalf("found %d spaces on the gateway form, want 3", len(found))
	}
	if n := emu.Stats()[spacesRoute]; n != 3 {
		t.Errorf("three single-space pages took %d requests under %s, want 3", n, spacesRoute)
	}
	perms, err := c.SpacePermissions(ctx, found["ENG"].ID)
	if err != nil || len(perms) < 2 {
		t.Fatalf("permissions over single-item pages: %d, %v", len(perms), err)
	}
	if _, err := c.CurrentUser(ctx); err != nil {
		t.Errorf("v1 read on the gateway form: %v", err)
	}
}

// The service's next link is relative to the site root (/wiki/api/v2/...?cursor=…), which on a
// gateway base is not under the base path (reference §3.8): the client carries only the cursor over
// and stays on the gateway path.
func TestGatewayNextLinkRelativeToSiteRoot(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, "/ex/confluence/cloud-1/wiki/api/v2/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		page := map[string]any{"results": []any{map[string]any{"id": "1", "key": "ENG", "name": "Engineering", "type": "global", "status": "current"}}, "_links": map[string]any{}}
		if r.URL.Query().Get("cursor") == "" {
			page["results"] = []any{map[string]any{"id": "2", "key": "OPS", "name": "Operations", "type": "global", "status": "current"}}
			page["_links"] = map[string]any{"next": "/wiki/api/v2/spaces?cursor=abc&limit=250", "base": "https://example.atlassian.net/wiki"}
		}
		_ = json.NewEncoder(w).Encode(page)
	}))
	t.Cleanup(srv.Close)
	c, err := confluence.New(transport.NewHTTPClient(transport.Config{}), srv.URL+"/ex/confluence/cloud-1", transport.Basic("a@example.com", "t"))
	if err != nil {
		t.Fatal(err)
	}
	found, err := c.SpacesByKey(context.Background(), "ENG", "OPS")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Errorf("found %v, want ENG and OPS", found)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 2 || !strings.Contains(paths[1], "cursor=abc") || !strings.HasPrefix(paths[1], "/ex/confluence/cloud-1/wiki/api/v2/spaces?") {
		t.Errorf("requests %v, want the second on the gateway path with the cursor", paths)
	}
}
