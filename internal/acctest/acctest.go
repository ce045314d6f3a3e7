// Package acctest holds what the provider's acceptance tests share: a fresh in-process emulator per test, the
// provider factories, configuration builders, API clients for making drift the way a person would, and
// request counters for performance budgets.
package acctest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
	"github.com/accessplane/terraform-provider-confluence/internal/provider"
)

// ProviderFactories serve the provider in process, so tests need no built binary and no registry.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"confluence": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// providerEnv are the variables the provider reads; tests clear them so a developer's own credentials never
// leak into a test run (every test states its settings in the provider block).
var providerEnv = []string{
	"CONFLUENCE_SITE_URL", "CONFLUENCE_EMAIL", "CONFLUENCE_API_TOKEN", "CONFLUENCE_BEARER_TOKEN",
	"ATLASSIAN_ORGANIZATION_ID", "ATLASSIAN_ADMIN_API_KEY", "ATLASSIAN_ADMIN_API_URL",
	"ATLASSIAN_SCIM_DIRECTORY_URL", "ATLASSIAN_SCIM_API_KEY", "ATLASSIAN_SCIM_API_KEY_EXPIRES_AT",
}

var setupOnce sync.Once

// setupTerraform makes the Terraform CLI quiet and offline: no call-home, no missing CLI config warnings.
func setupTerraform() {
	setupOnce.Do(func() {
		_ = os.Setenv("CHECKPOINT_DISABLE", "1")
		if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
			if _, err := os.Stat(f); err != nil { //nolint:gosec // the path is the developer's own CLI config
				_ = os.Setenv("TF_CLI_CONFIG_FILE", os.DevNull)
			}
		}
		for _, v := range providerEnv {
			_ = os.Unsetenv(v)
		}
	})
}

// Env is one emulator started for one test.
type Env struct {
	Emulator *emulator.Emulator
	URL      string
	Creds    emulator.Credentials

	agents *userAgents
}

// userAgents remembers the distinct User-Agent headers the emulator was sent.
type userAgents struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (u *userAgents) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.seen[r.UserAgent()] = true
		u.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// UserAgents lists the distinct User-Agent headers of the requests the emulator served, sorted.
func (e *Env) UserAgents() []string {
	e.agents.mu.Lock()
	defer e.agents.mu.Unlock()
	out := make([]string, 0, len(e.agents.seen))
	for ua := range e.agents.seen {
		out = append(out, ua)
	}
	sort.Strings(out)
	return out
}

// New starts an emulator with opts for the duration of the test.
func New(t testing.TB, opts emulator.Options) *Env {
	t.Helper()
	setupTerraform()
	emu := emulator.New(opts)
	agents := &userAgents{seen: map[string]bool{}}
	srv := httptest.NewServer(agents.wrap(checkedHandler(t, emu)))
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	return &Env{Emulator: emu, URL: srv.URL, Creds: emu.Credentials(), agents: agents}
}

// checkedHandler wraps the emulator so that every exchange of the test, the provider's requests and the
// emulator's answers alike, is checked against Atlassian's OpenAPI documents when they are available, and no
// Organizations API write names the all-directories id.
func checkedHandler(t testing.TB, emu *emulator.Emulator) http.Handler {
	h := noAllDirectoryWrites(t, emu.Handler())
	dir, _, err := contract.SpecsDir()
	if err != nil {
		return h
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return h
	}
	return contract.Load(t).Handler(t, h)
}

// noAllDirectoryWrites fails the test when an Organizations API write names the directory "-": Atlassian
// documents it for reads and searches only (reference §2.3), so such a write fails on a real organization.
func noAllDirectoryWrites(t testing.TB, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if r.Method != http.MethodGet && strings.HasPrefix(p, "/admin/") && strings.Contains(p, "/directories/"+admin.AllDirectories+"/") &&
			!strings.HasSuffix(p, "/search") {
			t.Errorf("%s %s: an Organizations API write names the all-directories id %q; writes take the group's own directory",
				r.Method, p, admin.AllDirectories)
		}
		next.ServeHTTP(w, r)
	})
}

// Settings are the provider attributes pointing at the emulator, by name.
func (e *Env) Settings() map[string]string {
	return map[string]string{
		"site_url":           e.URL,
		"email":              e.Creds.Email,
		"api_token":          e.Creds.APIToken,
		"organization_id":    e.Creds.OrgID,
		"admin_api_key":      e.Creds.AdminAPIKey,
		"admin_api_url":      e.URL,
		"scim_directory_url": e.URL + "/scim/directory/" + e.Creds.DirectoryID,
		"scim_api_key":       e.Creds.SCIMAPIKey,
	}
}

// ProviderBlock renders a provider block for the emulator with the given settings left out, so that tests of
// missing credentials can drop what they need to; extra lines (such as "max_retries = 2") are appended.
func (e *Env) ProviderBlock(omit []string, extra ...string) string {
	settings := e.Settings()
	for _, k := range omit {
		delete(settings, k)
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("provider \"confluence\" {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %q\n", k, settings[k])
	}
	for _, l := range extra {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// Config is a whole configuration: the emulator's provider block followed by body.
func (e *Env) Config(body string) string {
	return e.ProviderBlock(nil) + "\n" + body
}

// SCIM is a client of the emulator's SCIM API, for changing directory state as an identity provider or an
// admin would in drift steps.
func (e *Env) SCIM(t testing.TB) *scim.Client {
	t.Helper()
	c, err := scim.New(transport.NewHTTPClient(checkClientConfig), e.Settings()["scim_directory_url"], e.Creds.SCIMAPIKey)
	if err != nil {
		t.Fatalf("SCIM client: %v", err)
	}
	return c
}

// Admin is a client of the emulator's Organizations API, for changing groups, memberships and product access
// as an organization admin would in drift steps.
func (e *Env) Admin(t testing.TB) *admin.Client {
	t.Helper()
	c, err := admin.New(transport.NewHTTPClient(checkClientConfig), e.URL, e.Creds.OrgID, e.Creds.AdminAPIKey)
	if err != nil {
		t.Fatalf("Admin client: %v", err)
	}
	return c
}

// checkClientConfig is the transport of the tests' own clients. It retries like the provider does, so that a
// check against a rate-limited or faulty emulator waits instead of failing on the first 429.
var checkClientConfig = transport.Config{UserAgent: "acctest", MaxRetries: 10, MinBackoff: 20 * time.Millisecond, MaxBackoff: time.Second}

// Confluence is a client of the emulator's Confluence REST API, authenticated as the site admin.
func (e *Env) Confluence(t testing.TB) *confluence.Client {
	t.Helper()
	c, err := confluence.New(transport.NewHTTPClient(checkClientConfig), e.URL, transport.Basic(e.Creds.Email, e.Creds.APIToken))
	if err != nil {
		t.Fatalf("Confluence client: %v", err)
	}
	return c
}

// Requests is how many requests the emulator served for one route template, such as
// "GET /scim/directory/{directoryId}/Groups/{id}".
func (e *Env) Requests(route string) int { return e.Emulator.Stats()[route] }

// ResetRequests zeroes the request counters.
func (e *Env) ResetRequests() { e.Emulator.ResetStats() }

// OrgCheckRoutes are the two reads of the provider's organization check, made once per provider run (one
// walk of Terraform: a plan, an apply) when the organization credential is configured beside another API's;
// TestAccOrganization_checkCost holds them to that.
var OrgCheckRoutes = []string{"GET /admin/v2/orgs/{orgId}/directories", "POST /admin/v2/orgs/{orgId}/workspaces"}

// APIStats is the emulator's request counts less the organization check's, for the budgets of what a resource
// itself reads and writes.
func (e *Env) APIStats() map[string]int {
	stats := e.Emulator.Stats()
	for _, r := range OrgCheckRoutes {
		delete(stats, r)
	}
	return stats
}
