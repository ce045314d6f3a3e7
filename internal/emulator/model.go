package emulator

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The state model is shared by all three APIs: a SCIM write is visible, with the real service's
// lags, through the Admin and Confluence APIs. Every field is guarded by Emulator.mu.

const (
	seedAdminEmail = "admin@example.com"
	seedAdminName  = "Site Admin"
	seedOrgName    = "Emulated Org"
	seedSiteName   = "emulated"

	managedByExternal = "external"
	managedByAdmins   = "admins"

	roleModePreRoles   = "PRE_ROLES"
	roleModeTransition = "ROLES_TRANSITION"
	roleModeRoles      = "ROLES"

	// Default groups every Confluence site has; they are org groups managed by admins that cannot
	// be deleted.
	groupConfluenceUsers = "confluence-users"
	groupSiteAdmins      = "site-admins"
	groupOrgAdmins       = "org-admins"

	// groupConfluenceGuests holds the atlassian/guest role on the Confluence site for the seeded guests;
	// it exists only when there are some (Options.Guests, Options.Population.Guests).
	groupConfluenceGuests = "confluence-guests"
)

// builtinGroupNames are Atlassian default/built-in group names. A SCIM group with one of these
// names is accepted but never synced to the org (a documented silent quirk).
var builtinGroupNames = []string{
	groupConfluenceUsers, groupSiteAdmins, groupOrgAdmins, "administrators", "jira-users",
	"jira-administrators", "jira-software-users", "confluence-administrators",
	"system-administrators", "trusted-users", "users",
}

func isBuiltinGroupName(name string) bool {
	return slices.ContainsFunc(builtinGroupNames, func(b string) bool { return strings.EqualFold(b, name) })
}

type org struct {
	ID, Name string
}

type directory struct {
	ID, Name string
}

// account is an Atlassian account (the accountId every API shares).
type account struct {
	ID           string
	Email        string
	Name         string
	Nickname     string
	JobTitle     string
	Department   string
	Organization string
	TimeZone     string
	Active       bool
	DirectoryID  string
	Source       string // "synced" (SCIM) or "invited"
	Guest        bool   // a guest of the Confluence site: v1 users answer isGuest (Options.Guests)
	// Suspended is an org admin's suspension of the account's access (Admin API users/{accountId}/suspend,
	// undone by …/restore): the account keeps its groups and roles but has no product access meanwhile.
	Suspended    bool
	AddedAt      time.Time
	DeactivateAt time.Time
	// LastActive is the account's last activity per product (site app key, "confluence"); absent = never
	// active. No API route records activity: Options.Population seeds it.
	LastActive map[string]time.Time
}

// status is the Admin API user status of the account, "a composite of accountStatus and membershipStatus"
// (org spec, Status): deactivated when the account is inactive, suspended when its membership is.
func (a *account) status() string {
	switch {
	case !a.Active:
		return "deactivated"
	case a.Suspended:
		return "suspended"
	}
	return "active"
}

// membershipStatus is the Admin API membershipStatus: suspended while an admin suspends the account's access.
func (a *account) membershipStatus() string {
	if a.Suspended {
		return "suspended"
	}
	return "active"
}

// hasProductAccess reports whether the account can use the products its roles name: neither deactivated
// nor suspended ("Suspend a user's access in a directory to remove their access to apps temporarily").
func (a *account) hasProductAccess() bool { return a.Active && !a.Suspended }

type scimName struct {
	Formatted, FamilyName, GivenName, MiddleName, HonorificPrefix, HonorificSuffix string
}

func (n scimName) empty() bool { return n == scimName{} }

// scimMulti is one value of a multi-valued SCIM attribute (emails, phoneNumbers).
type scimMulti struct {
	Value, Type, Display string
	Primary              bool
}

// scimUser is a SCIM user record of the identity-provider directory.
type scimUser struct {
	ID                string
	UserName          string
	ExternalID        string
	Emails            []scimMulti
	PhoneNumbers      []scimMulti
	Name              scimName
	DisplayName       string
	NickName          string
	Title             string
	Department        string
	Organization      string
	Timezone          string
	PreferredLanguage string
	Enterprise        enterpriseExt
	// Active false is a deactivated user (SCIM DELETE, or active=false through PUT/PATCH): the API
	// answers 404 for it from then on, until a POST with the same userName re-activates it.
	Active       bool
	AccountID    string
	Created      time.Time
	LastModified time.Time
}

type enterpriseExt struct {
	Organization, Department, Division, CostCenter, EmployeeNumber string
}

func (x enterpriseExt) empty() bool { return x == enterpriseExt{} }

func (u *scimUser) primaryEmail() string {
	for _, m := range u.Emails {
		if m.Primary {
			return m.Value
		}
	}
	if len(u.Emails) > 0 {
		return u.Emails[0].Value
	}
	return ""
}

// live reports whether the record is reachable through the SCIM API and holds its userName/email
// against others: only active users are (reference §1.6).
func (u *scimUser) live() bool { return u.Active }

type scimGroup struct {
	ID           string
	DisplayName  string
	ExternalID   string
	Members      []string // SCIM user ids, in insertion order
	OrgGroupID   string   // "" for built-in names, which never sync
	Created      time.Time
	LastModified time.Time
}

// orgGroup is a group of the organization's directory, as the Admin API and Confluence see it.
type orgGroup struct {
	ID             string
	Name           string
	Description    string
	DirectoryID    string
	ExternalSynced bool
	ManagedBy      string // managedByExternal | managedByAdmins
	Default        bool   // default groups cannot be deleted
	ScimGroupID    string
	Members        []string // account ids, in the order they joined; written through setMembers, addMember, removeMember (index.go)
	memberSet      map[string]bool
	Created        time.Time
	// VisibleAt is when the group shows in the Admin API; SCIM groups arrive after the
	// propagation delay.
	VisibleAt time.Time
}

func (g *orgGroup) visible(now time.Time) bool { return !now.Before(g.VisibleAt) }

type site struct {
	CloudID, Name, Host string
}

func (s *site) ari() string { return "ari:cloud:confluence::site/" + s.CloudID }

// roleGrant is one role of one group on one resource. Assignment and revocation become visible
// after the propagation delay, as Atlassian's role APIs are eventually consistent.
type roleGrant struct {
	GroupID, ResourceID, RoleID string
	VisibleAt                   time.Time
	Revoked                     bool
	RevokeVisibleAt             time.Time
}

func (g *roleGrant) visible(now time.Time) bool {
	if now.Before(g.VisibleAt) {
		return false
	}
	return !g.Revoked || now.Before(g.RevokeVisibleAt)
}

type space struct {
	ID          int64
	Key         string
	Name        string
	Type        string
	Status      string
	AuthorID    string
	OwnerID     string
	HomepageID  int64
	Description string
	Labels      []string // space labels (v2 GET /spaces?labels=); seeded spaces carry a few, generated ones none
	Created     time.Time
}

// spacePermission is a classic (v1) space permission.
type spacePermission struct {
	ID            int64
	SpaceID       int64
	PrincipalType string // user | group | anonymous
	PrincipalID   string // account id or group id; "" for anonymous
	Key, Target   string
}

type spacePermissionDef struct {
	ID, DisplayName, Description string
	Required                     []string
}

type spaceRole struct {
	ID, Type, Name, Description string
	Permissions                 []string
	Pending                     *spaceRoleTask // an accepted (202) update or deletion not yet applied
}

type spaceRoleAssignment struct {
	SpaceID       int64
	PrincipalType string // USER | GROUP | ACCESS_CLASS
	PrincipalID   string
	RoleID        string
	seq           int // its number in st.roleAssignments (index.go)
}

type state struct {
	propagation time.Duration

	org        org
	scimDir    directory
	defaultDir directory
	extraDirs  []directory // further local directories (Options.ExtraDirectories)
	site       *site
	roleMode   string // site-wide mode reported by /space-role-mode

	accounts     map[string]*account
	accountOrder []string

	scimUsers      map[string]*scimUser
	scimUserOrder  []string
	scimGroups     map[string]*scimGroup
	scimGroupOrder []string

	orgGroups     map[string]*orgGroup
	orgGroupOrder []string
	orgGroupNames map[string][]string     // foldName(name) → ids, in orgGroupOrder (index.go)
	roleGrants    map[string][]*roleGrant // by group id, each group's in the order they were made

	// The space index (index.go): spaces and their classic grants and role assignments.
	spaces          map[int64]*space
	spaceOrder      []int64 // ascending ids
	spaceKeys       map[string]*space
	spaceHomes      map[int64]*space // by home page id
	spaceAccess     map[int64]*spaceEntries
	spacePerms      map[int64]*spacePermission   // by id
	roleAssignments map[int]*spaceRoleAssignment // by number
	nextSpaceID     int64
	nextPageID      int64
	nextPermID      int64
	nextAssignSeq   int

	permissionCatalog []spacePermissionDef
	spaceRoles        map[string]*spaceRole
	spaceRoleOrder    []string
}

// Classic permissions granted to the seeded admin on every classic space, besides read/space.
var seedAdminPermissions = [][2]string{
	{"read", "space"}, {"administer", "space"}, {"create", "page"}, {"create", "blogpost"},
	{"create", "comment"}, {"create", "attachment"}, {"delete", "page"}, {"export", "space"},
	{"restrict_content", "space"},
}

func newState(c Credentials, opts Options, now time.Time) *state {
	st := &state{
		propagation: opts.PropagationDelay,
		org:         org{ID: c.OrgID, Name: seedOrgName},
		scimDir:     directory{ID: c.DirectoryID, Name: "Emulated identity provider"},
		defaultDir:  directory{ID: c.LocalDirectoryID, Name: "Atlassian accounts"},
		site:        &site{CloudID: c.CloudID, Name: seedSiteName, Host: seedSiteName + ".atlassian.net"},
		roleMode:    siteRoleMode(opts.RoleMode),
		accounts:    map[string]*account{},
		scimUsers:   map[string]*scimUser{},
		scimGroups:  map[string]*scimGroup{},
		orgGroups:   map[string]*orgGroup{},
		roleGrants:  map[string][]*roleGrant{},

		orgGroupNames: map[string][]string{},
		spaces:        map[int64]*space{},
		spaceRoles:    map[string]*spaceRole{},
		nextSpaceID:   98305,
		nextPageID:    163841,
		nextPermID:    1048577,

		spaceKeys:       map[string]*space{},
		spaceHomes:      map[int64]*space{},
		spaceAccess:     map[int64]*spaceEntries{},
		spacePerms:      map[int64]*spacePermission{},
		roleAssignments: map[int]*spaceRoleAssignment{},
	}
	for _, name := range opts.ExtraDirectories {
		st.extraDirs = append(st.extraDirs, directory{ID: newUUID(), Name: name})
	}
	st.seed(c, opts, now)
	return st
}

func (st *state) seed(c Credentials, opts Options, now time.Time) {
	// The seeded admin is the caller of every Confluence request: active in Confluence from the start.
	admin := &account{
		ID: c.AdminAccountID, Email: c.Email, Name: seedAdminName, Active: true,
		DirectoryID: st.defaultDir.ID, Source: "invited", AddedAt: now,
		LastActive: map[string]time.Time{"confluence": now},
	}
	st.addAccount(admin)

	for _, name := range []string{groupConfluenceUsers, groupSiteAdmins, groupOrgAdmins} {
		g := st.addOrgGroup(name, "", managedByAdmins, false, now, now)
		g.Default = true
		g.addMember(admin.ID)
	}
	// Product access of the default groups, visible from the start.
	st.addRoleGrant(&roleGrant{GroupID: st.orgGroupByName(groupConfluenceUsers).ID, ResourceID: st.site.ari(), RoleID: "atlassian/user", VisibleAt: now})
	st.addRoleGrant(&roleGrant{GroupID: st.orgGroupByName(groupSiteAdmins).ID, ResourceID: st.site.ari(), RoleID: "atlassian/admin", VisibleAt: now})
	st.seedPopulation(c, opts, now)

	st.permissionCatalog = defaultPermissionCatalog()
	for _, r := range defaultSystemRoles() {
		st.spaceRoles[r.ID] = r
		st.spaceRoleOrder = append(st.spaceRoleOrder, r.ID)
	}

	usersGroup := st.orgGroupByName(groupConfluenceUsers)
	for _, s := range [][2]string{{"ENG", "Engineering"}, {"OPS", "Operations"}, {"HR", "People"}, {"SEC", "Security"}} {
		st.addClassicSpace(s[0], s[1], admin.ID, usersGroup.ID, now)
	}
	for key, labels := range map[string][]string{"ENG": {"team", "engineering"}, "OPS": {"team", "operations"}, "HR": {"people"}, "SEC": {"restricted"}} {
		st.spaceByKey(key).Labels = labels
	}
	docs := st.addSpace("DOCS", "Documentation", admin.ID, now)
	docs.Labels = []string{"docs", "public"}
	st.addRoleAssignment(&spaceRoleAssignment{
		SpaceID: docs.ID, PrincipalType: "USER", PrincipalID: admin.ID, RoleID: st.spaceRoleByName("Admin").ID,
	})
	st.addRoleAssignment(&spaceRoleAssignment{
		SpaceID: docs.ID, PrincipalType: "GROUP", PrincipalID: usersGroup.ID, RoleID: st.spaceRoleByName("Viewer").ID,
	})
	for i := 1; i <= opts.ExtraSpaces; i++ {
		st.addClassicSpace(fmt.Sprintf("GEN%04d", i), fmt.Sprintf("Generated space %04d", i), admin.ID, usersGroup.ID, now)
	}
}

// seedPopulation adds the guests (Options.Guests, then Options.Population.Guests) and the generated
// accounts of Options.Population (see Population for what each state holds).
func (st *state) seedPopulation(c Credentials, opts Options, now time.Time) {
	p := opts.Population
	emails := slices.Clone(opts.Guests)
	for i := 1; i <= p.Guests; i++ {
		emails = append(emails, fmt.Sprintf("guest-%03d@partner.example", i))
	}
	if len(emails) > 0 {
		// UNCONFIRMED: how a site shows its guests' role in the Admin API. The emulator models product access
		// as group role assignments only, so guests hold atlassian/guest on the Confluence site through one
		// admin-managed group, which users/search finds by roleIds ["atlassian/guest"] and the site ARI.
		guests := st.addOrgGroup(groupConfluenceGuests, "Guests of the Confluence site", managedByAdmins, false, now, now)
		st.addRoleGrant(&roleGrant{GroupID: guests.ID, ResourceID: st.site.ari(), RoleID: "atlassian/guest", VisibleAt: now})
		for i, email := range emails {
			name, _, _ := strings.Cut(email, "@")
			a := &account{
				ID: c.GuestAccountIDs[i], Email: email, Name: name, Active: true, Guest: true,
				DirectoryID: st.defaultDir.ID, Source: "invited", AddedAt: now,
			}
			if i >= len(opts.Guests) {
				a.LastActive = map[string]time.Time{"confluence": now}
			}
			st.addAccount(a)
			guests.addMember(a.ID)
		}
	}

	users := st.orgGroupByName(groupConfluenceUsers)
	idleSince := now.AddDate(0, 0, -p.idleDays())
	for _, set := range []struct {
		prefix     string
		ids        []string
		lastActive bool
		suspended  bool
		active     bool
	}{
		{"idle", c.Population.Idle, true, false, true},
		{"never", c.Population.NeverActive, false, false, true},
		{"suspended", c.Population.Suspended, true, true, true},
		{"deactivated", c.Population.Deactivated, true, false, false},
	} {
		for i, id := range set.ids {
			name := fmt.Sprintf("%s-%03d", set.prefix, i+1)
			a := &account{
				ID: id, Email: name + "@example.com", Name: name, Active: set.active, Suspended: set.suspended,
				DirectoryID: st.defaultDir.ID, Source: "invited", AddedAt: idleSince.AddDate(0, 0, -30),
			}
			if set.lastActive {
				a.LastActive = map[string]time.Time{"confluence": idleSince}
			}
			if !set.active {
				a.DeactivateAt = now
			}
			st.addAccount(a)
			users.addMember(id)
		}
	}
}

func (st *state) addAccount(a *account) {
	st.accounts[a.ID] = a
	st.accountOrder = append(st.accountOrder, a.ID)
}

func (st *state) accountByEmail(email string) *account {
	for _, id := range st.accountOrder {
		if a := st.accounts[id]; strings.EqualFold(a.Email, email) {
			return a
		}
	}
	return nil
}

func (st *state) addOrgGroup(name, description, managedBy string, external bool, created, visibleAt time.Time) *orgGroup {
	g := &orgGroup{
		ID: newUUID(), Name: name, Description: description, DirectoryID: st.defaultDir.ID,
		ExternalSynced: external, ManagedBy: managedBy, Created: created, VisibleAt: visibleAt,
	}
	if external {
		g.DirectoryID = st.scimDir.ID
	}
	st.orgGroups[g.ID] = g
	st.orgGroupOrder = append(st.orgGroupOrder, g.ID)
	st.indexGroupName(g)
	return g
}

// visibleOrgGroups lists the org groups the Admin API shows at now.
func (st *state) visibleOrgGroups(now time.Time) []*orgGroup {
	var out []*orgGroup
	for _, id := range st.orgGroupOrder {
		if g := st.orgGroups[id]; g.visible(now) {
			out = append(out, g)
		}
	}
	return out
}

// removeOrgGroup deletes a group and everything granted through it.
func (st *state) removeOrgGroup(id string) {
	st.unindexGroupName(st.orgGroups[id])
	delete(st.orgGroups, id)
	st.orgGroupOrder = slices.DeleteFunc(st.orgGroupOrder, func(x string) bool { return x == id })
	delete(st.roleGrants, id)
	st.dropGroupAccess(id)
}

// assignGroupRole grants roleID on resourceID to a group; it becomes visible after the delay.
// Assigning a role the group already holds (or is about to hold) changes nothing.
func (st *state) assignGroupRole(groupID, resourceID, roleID string, now time.Time) {
	for _, g := range st.roleGrants[groupID] {
		if g.ResourceID == resourceID && g.RoleID == roleID && !g.Revoked {
			return
		}
	}
	st.addRoleGrant(&roleGrant{GroupID: groupID, ResourceID: resourceID, RoleID: roleID, VisibleAt: now.Add(st.propagation)})
}

// revokeGroupRole revokes a held role; the revocation becomes visible after the delay.
func (st *state) revokeGroupRole(groupID, resourceID, roleID string, now time.Time) bool {
	found := false
	for _, g := range st.roleGrants[groupID] {
		if g.ResourceID == resourceID && g.RoleID == roleID && !g.Revoked {
			g.Revoked, g.RevokeVisibleAt, found = true, now.Add(st.propagation), true
		}
	}
	return found
}

// visibleGroupRoles returns the roles per resource the Admin API reports for a group at now.
func (st *state) visibleGroupRoles(groupID string, now time.Time) map[string][]string {
	out := map[string][]string{}
	for _, g := range st.roleGrants[groupID] {
		if g.visible(now) && !slices.Contains(out[g.ResourceID], g.RoleID) {
			out[g.ResourceID] = append(out[g.ResourceID], g.RoleID)
		}
	}
	return out
}

func (st *state) addSpace(key, name, adminID string, now time.Time) *space {
	s := &space{
		ID: st.nextSpaceID, Key: key, Name: name, Type: "global", Status: "current",
		AuthorID: adminID, OwnerID: adminID, HomepageID: st.nextPageID, Created: now,
		Description: name + " space",
	}
	st.nextSpaceID++
	st.nextPageID += 7
	st.indexSpace(s)
	return s
}

func (st *state) addClassicSpace(key, name, adminID, usersGroupID string, now time.Time) {
	s := st.addSpace(key, name, adminID, now)
	for _, p := range seedAdminPermissions {
		st.addSpacePermission(s.ID, "user", adminID, p[0], p[1])
	}
	st.addSpacePermission(s.ID, "group", usersGroupID, "read", "space")
}

func (st *state) spaceRoleByName(name string) *spaceRole {
	for _, id := range st.spaceRoleOrder {
		if r := st.spaceRoles[id]; r.Name == name {
			return r
		}
	}
	return nil
}

// defaultPermissionCatalog is the set of space permission ids roles are built from.
func defaultPermissionCatalog() []spacePermissionDef {
	read := []string{"read/space"}
	return []spacePermissionDef{
		{"read/space", "View space", "View the space and its content", nil},
		{"create/page", "Create pages", "Add pages to the space", read},
		{"update/page", "Edit pages", "Edit pages in the space", read},
		{"delete/page", "Delete pages", "Delete pages in the space", read},
		{"archive/page", "Archive pages", "Archive pages in the space", read},
		{"create/blogpost", "Create blogs", "Add blog posts to the space", read},
		{"update/blogpost", "Edit blogs", "Edit blog posts in the space", read},
		{"delete/blogpost", "Delete blogs", "Delete blog posts in the space", read},
		{"create/comment", "Add comments", "Comment on content in the space", read},
		{"delete/comment", "Delete comments", "Delete comments in the space", read},
		{"create/attachment", "Add attachments", "Attach files to content in the space", read},
		{"delete/attachment", "Delete attachments", "Delete attachments in the space", read},
		{"delete/space", "Delete own content", "Delete content the user created", read},
		{"export/space", "Export space", "Export the space", read},
		{"restrict_content/space", "Restrict content", "Add or remove content restrictions", read},
		{"administer/space", "Administer space", "Manage the space's settings and access", read},
	}
}

// defaultSystemRoles returns the system space roles of a role-based site.
func defaultSystemRoles() []*spaceRole {
	viewer := []string{"read/space"}
	collaborator := append(slices.Clone(viewer),
		"create/page", "update/page", "create/blogpost", "update/blogpost",
		"create/comment", "create/attachment", "delete/space")
	manager := append(slices.Clone(collaborator),
		"delete/page", "archive/page", "delete/blogpost", "delete/comment", "delete/attachment",
		"export/space", "restrict_content/space")
	admin := append(slices.Clone(manager), "administer/space")
	return []*spaceRole{
		{ID: newUUID(), Type: "SYSTEM", Name: "Admin", Description: "Full control of the space, including its access", Permissions: admin},
		{ID: newUUID(), Type: "SYSTEM", Name: "Manager", Description: "Manage all content of the space", Permissions: manager},
		{ID: newUUID(), Type: "SYSTEM", Name: "Collaborator", Description: "Create and edit content", Permissions: collaborator},
		{ID: newUUID(), Type: "SYSTEM", Name: "Viewer", Description: "View content", Permissions: viewer},
	}
}
