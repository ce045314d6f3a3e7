package confluence_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
)

// fixture is a client bound to a fresh emulator, with every exchange checked against Atlassian's OpenAPI
// documents when they are available (ATLASSIAN_SPECS_DIR).
type fixture struct {
	t   *testing.T
	c   *confluence.Client
	emu *emulator.Emulator
	url string
}

// fastRetries keeps retried 429/503 answers quick: the emulator's Retry-After of 1s is capped at MaxBackoff.
var fastRetries = transport.Config{MaxRetries: 8, MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond}

func newFixture(t *testing.T, opts emulator.Options, cfg transport.Config) *fixture {
	t.Helper()
	emu := emulator.New(opts)
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	var base http.RoundTripper
	if dir, _, err := contract.SpecsDir(); err == nil {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			base = contract.Load(t).Transport(t, nil)
		}
	}
	hc := &http.Client{Transport: transport.NewRoundTripper(cfg, base)}
	creds := emu.Credentials()
	c, err := confluence.New(hc, srv.URL, transport.Basic(creds.Email, creds.APIToken))
	if err != nil {
		t.Fatal(err)
	}
	c.SetPollInterval(10*time.Millisecond, 50*time.Millisecond)
	return &fixture{t: t, c: c, emu: emu, url: srv.URL}
}

// requests returns how many requests a route template received.
func (f *fixture) requests(route string) int { return f.emu.Stats()[route] }

// fresh returns a second client of the same emulator, with nothing remembered: the API's truth.
func (f *fixture) fresh() *confluence.Client {
	f.t.Helper()
	creds := f.emu.Credentials()
	c, err := confluence.New(transport.NewHTTPClient(transport.Config{MaxRetries: 30, MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}), f.url, transport.Basic(creds.Email, creds.APIToken))
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) space(key string) *confluence.Space {
	f.t.Helper()
	s, err := f.c.SpaceByKey(f.t.Context(), key)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

const (
	routeSpaces      = "GET /wiki/api/v2/spaces"
	routePerms       = "GET /wiki/api/v2/spaces/{id}/permissions"
	routeAddPerm     = "POST /wiki/rest/api/space/{spaceKey}/permission"
	routeRemovePerm  = "DELETE /wiki/rest/api/space/{spaceKey}/permission/{id}"
	routeAssignments = "GET /wiki/api/v2/spaces/{id}/role-assignments"
	routeSetAssign   = "POST /wiki/api/v2/spaces/{id}/role-assignments"
	routeRole        = "GET /wiki/api/v2/space-roles/{id}"
)
