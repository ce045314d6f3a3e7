package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator/contract"
)

const (
	searchGroupsRoute = "POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/search"
	createGroupRoute  = "POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups"
	searchUsersRoute  = "POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search"
	workspacesRoute   = "POST /admin/v2/orgs/{orgId}/workspaces"
	rolesRoute        = "GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments"
	directoriesRoute  = "GET /admin/v2/orgs/{orgId}/directories"
)

// env is an emulator behind a real server and a client on it. Every exchange is checked against the org
// spec when the specs are available, so the client's requests must fit the document too.
type env struct {
	t      *testing.T
	emu    *emulator.Emulator
	url    string
	creds  emulator.Credentials
	client *admin.Client
}

func newEnv(t *testing.T, opts emulator.Options) *env {
	t.Helper()
	emu := emulator.New(opts)
	h := emu.Handler()
	if dir, _, err := contract.SpecsDir(); err == nil {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			h = contract.Load(t).Handler(t, h)
		}
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	creds := emu.Credentials()
	hc := transport.NewHTTPClient(transport.Config{MaxRetries: 3, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	c, err := admin.New(hc, srv.URL, creds.OrgID, creds.AdminAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, emu: emu, url: srv.URL, creds: creds, client: c}
}

func (e *env) requests(route string) int { return e.emu.Stats()[route] }

// scim makes a SCIM write the way an identity provider would, and returns the decoded answer.
func (e *env) scim(path string, body any) map[string]any {
	e.t.Helper()
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.url+"/scim/directory/"+e.creds.DirectoryID+path, bytes.NewReader(buf))
	req.Header.Set("Authorization", "Bearer "+e.creds.SCIMAPIKey)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("SCIM POST %s: %d %v", path, resp.StatusCode, out)
	}
	return out
}

// scimUser creates a directory user and returns its SCIM id and Atlassian account id.
func (e *env) scimUser(email string) (id, account string) {
	e.t.Helper()
	u := e.scim("/Users", map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": email, "emails": []any{map[string]any{"value": email, "primary": true}}, "active": true,
	})
	ext, _ := u["urn:scim:schemas:extension:atlassian-external:1.0"].(map[string]any)
	id, _ = u["id"].(string)
	account, _ = ext["atlassianAccountId"].(string)
	if id == "" || account == "" {
		e.t.Fatalf("SCIM user without ids: %v", u)
	}
	return id, account
}

func (e *env) scimGroup(name string, memberIDs ...string) {
	e.t.Helper()
	members := []any{}
	for _, id := range memberIDs {
		members = append(members, map[string]any{"value": id})
	}
	e.scim("/Groups", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": name, "members": members,
	})
}

func (e *env) siteARI() string { return "ari:cloud:confluence::site/" + e.creds.CloudID }

// Create answers 201 without a body and the directory lags: the client finds the group by name once it shows.
func TestCreateGroupFindsTheGroupByName(t *testing.T) {
	t.Parallel()
	const delay = 300 * time.Millisecond
	e := newEnv(t, emulator.Options{PropagationDelay: delay})
	start := time.Now()
	g, err := e.client.CreateGroup(t.Context(), localDirectory(t, e), "Platform Team", "Runs the platform")
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if g.ID == "" || g.Name != "Platform Team" || g.Description != "Runs the platform" || g.ExternalSynced || !g.ManagementAccess.Deletable {
		t.Errorf("created group = %+v", g)
	}
	if elapsed < delay {
		t.Errorf("returned after %v, before the group could be visible (%v)", elapsed, delay)
	}
	creates, searches := e.requests(createGroupRoute), e.requests(searchGroupsRoute)
	t.Logf("create: %d POST, %d name searches, %v", creates, searches, elapsed.Round(time.Millisecond))
	if creates != 1 || searches < 2 || searches > 6 {
		t.Errorf("create took %d POSTs and %d searches; want 1 and a few polls", creates, searches)
	}
	got, err := e.client.GetGroup(t.Context(), g.DirectoryID, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != g.Name || got.Counts == nil || got.Counts.Users != 0 {
		t.Errorf("GetGroup = %+v", got)
	}

	// The name is taken (case-insensitively): a typed 409, and no search follows it.
	e.emu.ResetStats()
	_, err = e.client.CreateGroup(t.Context(), localDirectory(t, e), "PLATFORM TEAM", "")
	if !transport.IsConflict(err) || transport.Code(err) != "ADMIN-409-28" || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate create: %v", err)
	}
	if n := e.requests(searchGroupsRoute); n != 0 {
		t.Errorf("a refused create was followed by %d searches", n)
	}
}

// The wait after a create is bounded by the context.
func TestCreateGroupWaitEndsWithTheContext(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{PropagationDelay: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.client.CreateGroup(ctx, localDirectory(t, e), "Never Visible", "")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Never Visible") {
		t.Errorf("err = %v, want the context's deadline, naming the group", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("gave up after %v, long past the context's deadline", d)
	}
}

// With one item per page every listing follows the cursor: one request per item.
func TestPaginationPageSizeOne(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{PageSize: 1})
	ctx := t.Context()
	for _, n := range []string{"team-a", "team-b", "team-c"} {
		if _, err := e.client.CreateGroup(ctx, localDirectory(t, e), n, ""); err != nil {
			t.Fatal(err)
		}
	}
	e.scimUser("one@example.com")
	e.scimUser("two@example.com")
	// A fresh client, so the directories are listed (page by page) in the counted part.
	c, err := admin.New(&http.Client{}, e.url, e.creds.OrgID, e.creds.AdminAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.AssignGroupRole(ctx, mustGroup(t, e, "confluence-users").ID,
		"ari:cloud:jira-software::site/"+e.creds.CloudID, admin.RoleUser); err != nil {
		t.Fatal(err)
	}
	e.emu.ResetStats()

	groups, err := e.client.SearchGroups(ctx, admin.AllDirectories, admin.GroupSearch{SearchTerm: "team-"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	if !slices.Equal(names, []string{"team-a", "team-b", "team-c"}) {
		t.Errorf("groups = %v", names)
	}
	users, err := e.client.SearchUsers(ctx, admin.AllDirectories, admin.UserSearch{})
	if err != nil || len(users) != 3 {
		t.Fatalf("users = %d, %v", len(users), err)
	}
	dirs, err := c.Directories(ctx)
	if err != nil || len(dirs) != 2 {
		t.Fatalf("directories = %v, %v", dirs, err)
	}
	ws, err := e.client.Workspaces(ctx, "")
	if err != nil || len(ws) != 2 {
		t.Fatalf("workspaces = %v, %v", ws, err)
	}
	roles, err := e.client.GroupRoleAssignments(ctx, admin.AllDirectories, mustGroup(t, e, "confluence-users").ID)
	if err != nil || len(roles) != 2 {
		t.Fatalf("role assignments = %v, %v", roles, err)
	}
	for route, want := range map[string]int{
		searchGroupsRoute: 3 + 1, // + the name lookup of mustGroup
		searchUsersRoute:  3, directoriesRoute: 2, workspacesRoute: 2, rolesRoute: 2,
	} {
		if got := e.requests(route); got != want {
			t.Errorf("%s: %d requests, want %d", route, got, want)
		}
	}
}

func mustGroup(t *testing.T, e *env, name string) *admin.Group {
	t.Helper()
	g, err := e.client.GroupByName(t.Context(), admin.AllDirectories, name)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// localDirectory is the organization's own directory: the one that is not the identity provider's.
func localDirectory(t *testing.T, e *env) string {
	t.Helper()
	dirs, err := e.client.Directories(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if d.ID != e.creds.DirectoryID {
			return d.ID
		}
	}
	t.Fatalf("no local directory in %v", dirs)
	return ""
}

// Every write names the group's own directory, found from an earlier read of the group or one GET with "-";
// creating takes a real directory, and the directory listing is read once per client.
func TestWritesNameTheGroupsDirectory(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	ctx := t.Context()
	if _, err := e.client.CreateGroup(ctx, admin.AllDirectories, "Anywhere", ""); err == nil {
		t.Fatal("CreateGroup accepted the all-directories id")
	}
	local := localDirectory(t, e)
	localDirectory(t, e)
	if n := e.emu.Stats()["GET /admin/v2/orgs/{orgId}/directories"]; n != 1 {
		t.Errorf("directory listings = %d, want 1 for the client's life", n)
	}
	g, err := e.client.CreateGroup(ctx, local, "Writers", "")
	if err != nil {
		t.Fatal(err)
	}
	if g.DirectoryID != local {
		t.Fatalf("group created in %q, want %q", g.DirectoryID, local)
	}
	e.emu.ResetStats()
	if err := e.client.AssignGroupRole(ctx, g.ID, "ari:cloud:confluence::site/"+e.creds.CloudID, admin.RoleUser); err != nil {
		t.Fatal(err)
	}
	stats := e.emu.Stats()
	if stats["POST /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/assign"] != 1 ||
		stats["GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}"] != 0 {
		t.Errorf("a write to a group the client has read cost %v, want the write alone", stats)
	}

	// A fresh client knows nothing: one read of the group, then its writes.
	fresh, err := admin.New(&http.Client{}, e.url, e.creds.OrgID, e.creds.AdminAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	e.emu.ResetStats()
	synced := mustGroup(t, e, "confluence-users").ID
	e.emu.ResetStats()
	for range 2 {
		if err := fresh.RevokeGroupRole(ctx, synced, "ari:cloud:confluence::site/"+e.creds.CloudID, admin.RoleGuest); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.emu.Stats()["GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}"]; n != 1 {
		t.Errorf("group reads before two writes = %d, want 1", n)
	}
	if err := fresh.DeleteGroup(ctx, "no-such-group"); err != nil {
		t.Errorf("deleting a group that does not exist: %v", err)
	}
}

func TestGroupByName(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	g := mustGroup(t, e, "CONFLUENCE-USERS")
	if g.Name != "confluence-users" || g.ManagementAccess.Deletable {
		t.Errorf("default group = %+v", g)
	}
	_, err := e.client.GroupByName(t.Context(), admin.AllDirectories, "confluence")
	if !transport.IsNotFound(err) || !strings.Contains(err.Error(), `"confluence"`) {
		t.Errorf("a partial name: %v", err)
	}
	found, err := e.client.GroupsByName(t.Context(), admin.AllDirectories, "site-admins", "org-admins", "SITE-ADMINS", "nope")
	if err != nil || len(found) != 2 {
		t.Errorf("GroupsByName = %v, %v", found, err)
	}
	if _, err := e.client.GetGroup(t.Context(), admin.AllDirectories, "not-a-group"); !transport.IsNotFound(err) || transport.Code(err) != "ADMIN-404-10" {
		t.Errorf("GetGroup of a missing id: %v", err)
	}
}

// Local groups take members; synced groups refuse with the documented message; removal and deletion of what
// is gone are done, not errors.
func TestMembershipAndDeleteRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	ctx := t.Context()
	scimID, account := e.scimUser("ana@example.com")
	e.scimGroup("IdP Team", scimID)
	synced := mustGroup(t, e, "IdP Team")
	if !synced.ExternalSynced || synced.ManagedBy != "external" || synced.ManagementAccess.Modifiable {
		t.Errorf("synced group = %+v", synced)
	}
	local, err := e.client.CreateGroup(ctx, localDirectory(t, e), "Mirror", "")
	if err != nil {
		t.Fatal(err)
	}

	if err := e.client.AddMember(ctx, local.ID, account); err != nil {
		t.Fatal(err)
	}
	err = e.client.AddMember(ctx, local.ID, account)
	if !admin.IsAlreadyMember(err) || !transport.IsConflict(err) {
		t.Errorf("second add: %v (already member: %v)", err, admin.IsAlreadyMember(err))
	}
	if admin.IsAlreadyMember(&transport.Error{API: transport.Admin, StatusCode: http.StatusConflict, Message: "You've exceeded your user limit for the app."}) {
		t.Error("a user-limit 409 is taken for an existing membership")
	}
	err = e.client.AddMember(ctx, synced.ID, account)
	if !transport.IsForbidden(err) || transport.Code(err) != "ADMIN-403-5" || !strings.Contains(err.Error(), "synced from an identity provider") {
		t.Errorf("add to a synced group: %v", err)
	}
	if err := e.client.AddMember(ctx, local.ID, "no-such-account"); !transport.IsNotFound(err) {
		t.Errorf("unknown account: %v", err)
	}
	for name, id := range map[string]string{"local": local.ID, "synced": synced.ID} {
		members, err := e.client.GroupMemberIDs(ctx, admin.AllDirectories, id)
		if err != nil || !slices.Equal(members, []string{account}) {
			t.Errorf("%s members = %v, %v", name, members, err)
		}
	}
	for range 2 {
		if err := e.client.RemoveMember(ctx, local.ID, account); err != nil {
			t.Errorf("remove: %v", err)
		}
	}
	if members, _ := e.client.GroupMemberIDs(ctx, admin.AllDirectories, local.ID); len(members) != 0 {
		t.Errorf("members after removal = %v", members)
	}

	if err := e.client.DeleteGroup(ctx, synced.ID); !transport.IsForbidden(err) || transport.Code(err) != "ADMIN-403-5" {
		t.Errorf("delete synced: %v", err)
	}
	if err := e.client.DeleteGroup(ctx, mustGroup(t, e, "confluence-users").ID); transport.Code(err) != "ADMIN-403-6" {
		t.Errorf("delete default: %v", err)
	}
	ari, err := e.client.SiteARI(ctx, e.url)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.AssignGroupRole(ctx, local.ID, ari, admin.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := e.client.DeleteGroup(ctx, local.ID); transport.Code(err) != "ADMIN-403-7" {
		t.Errorf("delete admin-granting: %v", err)
	}
	if err := e.client.RevokeGroupRole(ctx, local.ID, ari, admin.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := e.client.DeleteGroup(ctx, local.ID); err != nil {
			t.Errorf("delete: %v", err)
		}
	}
	if _, err := e.client.GetGroup(ctx, admin.AllDirectories, local.ID); !transport.IsNotFound(err) {
		t.Errorf("deleted group still readable: %v", err)
	}
}

// Role changes show after the propagation delay; WaitFor bridges it.
func TestRoleAssignmentsPropagate(t *testing.T) {
	t.Parallel()
	const delay = 300 * time.Millisecond
	e := newEnv(t, emulator.Options{PropagationDelay: delay})
	ctx := t.Context()
	scimID, _ := e.scimUser("bo@example.com")
	e.scimGroup("Readers", scimID)
	var g *admin.Group
	if err := transport.WaitFor(ctx, 5*time.Second, transport.DefaultPolling, func(ctx context.Context) (bool, error) {
		found, err := e.client.GroupByName(ctx, admin.AllDirectories, "Readers")
		if transport.IsNotFound(err) {
			return false, nil
		}
		g = found
		return err == nil, err
	}); err != nil {
		t.Fatalf("synced group never appeared: %v", err)
	}
	ari, err := e.client.SiteARI(ctx, e.url)
	if err != nil {
		t.Fatal(err)
	}
	rolesNow := func() []string {
		t.Helper()
		roles, err := e.client.GroupRoles(ctx, admin.AllDirectories, g.ID, ari)
		if err != nil {
			t.Fatal(err)
		}
		return roles
	}
	waitRoles := func(want []string) {
		t.Helper()
		if err := transport.WaitFor(ctx, 5*time.Second, transport.DefaultPolling, func(ctx context.Context) (bool, error) {
			roles, err := e.client.GroupRoles(ctx, admin.AllDirectories, g.ID, ari)
			return slices.Equal(roles, want), err
		}); err != nil {
			t.Fatalf("roles never became %v: %v", want, err)
		}
	}

	start := time.Now()
	for _, role := range []string{admin.RoleUser, admin.RoleGuest, admin.RoleUser} { // the repeat is a no-op
		if err := e.client.AssignGroupRole(ctx, g.ID, ari, role); err != nil {
			t.Fatal(err)
		}
	}
	if got := rolesNow(); len(got) != 0 && time.Since(start) < delay {
		t.Fatalf("roles %v visible before the delay", got)
	}
	waitRoles([]string{admin.RoleGuest, admin.RoleUser})
	if d := time.Since(start); d < delay {
		t.Errorf("assignment visible after %v, before the %v delay", d, delay)
	}
	if err := e.client.RevokeGroupRole(ctx, g.ID, ari, admin.RoleGuest); err != nil {
		t.Fatal(err)
	}
	waitRoles([]string{admin.RoleUser})

	err = e.client.AssignGroupRole(ctx, g.ID, ari, "atlassian/customer")
	if !transport.IsBadRequest(err) || transport.Code(err) != "ADMIN-UAM-400-3" {
		t.Errorf("a role Confluence does not have: %v", err)
	}
	err = e.client.AssignGroupRole(ctx, g.ID, e.creds.CloudID, admin.RoleUser)
	if !transport.IsNotFound(err) || transport.Code(err) != "ADMIN-UAM-404-1" {
		t.Errorf("a bare cloud id as resource: %v", err)
	}
	if err := e.client.RevokeGroupRole(ctx, "gone-group", ari, admin.RoleUser); err != nil {
		t.Errorf("revoke on a missing group: %v", err)
	}
	if roles := admin.ConfluenceRoles(); !slices.Contains(roles, admin.RoleGuest) || len(roles) != 4 {
		t.Errorf("ConfluenceRoles = %v", roles)
	}
}

// The Confluence site's ARI comes from the workspace whose host is the site URL's, once per client; Jira on the
// same host is not mistaken for it.
func TestSiteARI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	ctx := t.Context()
	want := e.siteARI()
	for _, u := range []string{e.url, strings.ToUpper(e.url) + "/", e.url + "/wiki"} {
		got, err := e.client.SiteARI(ctx, u)
		if err != nil || got != want {
			t.Errorf("SiteARI(%q) = %q, %v; want %q", u, got, err, want)
		}
	}
	if n := e.requests(workspacesRoute); n != 1 {
		t.Errorf("three lookups of one site took %d workspace requests, want 1", n)
	}
	got, err := e.client.SiteARI(ctx, "https://api.atlassian.com/ex/confluence/"+e.creds.CloudID)
	if err != nil || got != want {
		t.Errorf("by cloud id: %q, %v", got, err)
	}
	_, err = e.client.SiteARI(ctx, "https://elsewhere.atlassian.net")
	if !transport.IsNotFound(err) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "elsewhere.atlassian.net") {
		t.Errorf("unknown site: %v", err)
	}
	if _, err := e.client.SiteARI(ctx, "://"); err == nil {
		t.Error("an unparsable site URL was accepted")
	}
	ws, err := e.client.Workspaces(ctx, admin.ConfluenceApp)
	if err != nil || len(ws) != 1 || ws[0].Attributes.HostURL != e.url {
		t.Errorf("confluence workspaces = %+v, %v", ws, err)
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	ctx := t.Context()
	_, account := e.scimUser("Cy@Example.com")
	found, err := e.client.UsersByEmail(ctx, admin.AllDirectories, "cy@example.com", "CY@example.com", e.creds.Email)
	if err != nil || len(found) != 2 {
		t.Fatalf("UsersByEmail = %+v, %v", found, err)
	}
	u, err := e.client.GetUser(ctx, admin.AllDirectories, account)
	if err != nil {
		t.Fatal(err)
	}
	if u.AccountID != account || u.Status != "active" || u.ManagementSource != "synced" || u.Email != "Cy@Example.com" {
		t.Errorf("user = %+v", u)
	}
	admins, err := e.client.SearchUsers(ctx, admin.AllDirectories, admin.UserSearch{
		GroupIDs: []string{mustGroup(t, e, "org-admins").ID}, Expand: []string{admin.ExpandUserGroups, admin.ExpandUserPlatformRoles},
	})
	if err != nil || len(admins) != 1 || admins[0].AccountID != e.creds.AdminAccountID ||
		!slices.Contains(admins[0].PlatformRoles, "atlassian/org-admin") || len(admins[0].Groups) != 3 {
		t.Errorf("org admins = %+v, %v", admins, err)
	}
	if _, err := e.client.GetUser(ctx, admin.AllDirectories, "nobody"); !transport.IsNotFound(err) || transport.Code(err) != "ADMIN-404-8" {
		t.Errorf("missing user: %v", err)
	}
	_, err = e.client.SearchUsers(ctx, admin.AllDirectories, admin.UserSearch{Emails: []string{"a@example.com"}, SearchTerm: "a"})
	if !transport.IsBadRequest(err) {
		t.Errorf("emails with searchTerm: %v", err)
	}
}

func TestCredentialsAndSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	hc := transport.NewHTTPClient(transport.Config{})
	wrong, err := admin.New(hc, e.url, e.creds.OrgID, "wrong-key")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.Directories(t.Context()); !transport.IsUnauthorized(err) {
		t.Errorf("wrong key: %v", err)
	}
	other, err := admin.New(hc, e.url+"/", "another-org", e.creds.AdminAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.SearchGroups(t.Context(), admin.AllDirectories, admin.GroupSearch{}); !transport.IsNotFound(err) || transport.Code(err) != "ADMIN-404-2" {
		t.Errorf("another org: %v", err)
	}
	if other.OrgID() != "another-org" {
		t.Errorf("OrgID = %q", other.OrgID())
	}
	for _, c := range []struct{ url, org, key string }{
		{"https://api.atlassian.com", "", "k"},
		{"https://api.atlassian.com", "o", " "},
		{"api.atlassian.com", "o", "k"},
	} {
		if _, err := admin.New(hc, c.url, c.org, c.key); err == nil {
			t.Errorf("New(%q, %q, %q) accepted", c.url, c.org, c.key)
		}
	}
	if _, err := admin.New(hc, "https://api.atlassian.com/", "o", "k"); err != nil {
		t.Errorf("the default API URL: %v", err)
	}
}
