package access

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Effective access: who can reach a space, with what, and through which grant. No API answers it; it is built
// from the space's table (Backend) and the directory's accounts, groups and product roles (Directory).

// Product roles of an account on the Confluence site, strongest first.
const (
	ProductAdmin = "admin"
	ProductUser  = "user"
	ProductGuest = "guest"
	ProductNone  = "none"
)

// Account statuses that count: only an active account with product access reaches the site.
const AccountActive = "active"

// Access classes whose members the directory knows: the site's licensed users and its product admins.
const (
	ClassAllLicensedUsers = "all-licensed-users"
	ClassAllProductAdmins = "all-product-admins"
)

// Account is an account as the directory knows it.
type Account struct {
	ID          string
	Email       string
	Name        string
	Status      string    // active, suspended, deactivated, …
	Type        string    // atlassian, app, customer
	ProductRole string    // ProductAdmin, ProductUser, ProductGuest or ProductNone
	LastActive  time.Time // last activity on the Confluence site; zero when never (or not read)
	AddedToOrg  time.Time // zero when unknown
}

// Directory is the organisation's view of accounts: Cloud's Organizations API today, a Data Center user
// directory next.
type Directory interface {
	// Groups names the groups of ids that exist; a missing id is a group that no longer exists.
	Groups(ctx context.Context, ids []string) (map[string]string, error)
	// Members lists the accounts of each group of ids, and names the groups it finds members of.
	Members(ctx context.Context, ids []string) (members map[string][]Account, names map[string]string, err error)
	// Accounts looks accounts up by id; a missing id is an account that no longer exists.
	Accounts(ctx context.Context, ids []string) ([]Account, error)
	// Licensed lists the accounts that hold a role on the Confluence site, with that role.
	Licensed(ctx context.Context) ([]Account, error)
	// Person looks one account up with its product role and groups; found is false when it does not exist.
	Person(ctx context.Context, id string) (p Person, found bool, err error)
}

// Person is one account with the groups it belongs to (id → name).
type Person struct {
	Account
	Groups map[string]string
}

// Source is one grant that access comes from: the account itself, a group, or an access class.
type Source struct {
	Principal Principal
	Name      string // the group's name; empty otherwise
}

// Entry is one account's access to a space.
type Entry struct {
	Space       Space
	Account     Account
	Permissions []string // classic permissions and those of its roles, key/target, sorted
	Roles       []string // role names, sorted
	Sources     []Source
}

// ClassGrant is an access class's role in a space, reported as a class where its members cannot be listed.
type ClassGrant struct {
	Class    string
	Role     string // role name
	Expanded bool   // its members are among the entries
}

// UnresolvedGrant is a grant to a group or account that no longer exists.
type UnresolvedGrant struct {
	Principal   Principal
	Permissions []string
	Role        string
}

// Effective is who can reach one space.
type Effective struct {
	Entries    []Entry // active accounts with product access, by account id
	Dormant    []Entry // accounts that hold a grant but cannot use it now (not active, or no product access)
	Anonymous  []string
	Classes    []ClassGrant
	Unresolved []UnresolvedGrant
}

// holding is what one principal holds in the space.
type holding struct {
	perms []string
	role  string // role id
}

// catalogue is the site's space roles by id.
type catalogue map[string]Role

// name is the role's name, or its id when the catalogue does not know it.
func (c catalogue) name(id string) string {
	if r, ok := c[id]; ok && r.Name != "" {
		return r.Name
	}
	return id
}

// holdings reads what each principal holds in the space (classic permissions and role), and the role catalogue
// where someone holds a role.
func (t *Table) holdings(ctx context.Context) (map[Principal]*holding, catalogue, error) {
	held := map[Principal]*holding{}
	hold := func(p Principal) *holding {
		if held[p] == nil {
			held[p] = &holding{}
		}
		return held[p]
	}
	grants, err := t.b.Grants(ctx, t.Space)
	if err != nil {
		return nil, nil, err
	}
	for _, g := range grants {
		h := hold(g.Principal)
		h.perms = append(h.perms, g.Permission)
	}
	roles := catalogue{}
	if !t.Caps.Roles {
		return held, roles, nil
	}
	assignments, err := t.b.Assignments(ctx, t.Space)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range assignments {
		hold(a.Principal).role = a.RoleID
	}
	if len(assignments) == 0 { // the catalogue only names the roles held
		return held, roles, nil
	}
	list, err := t.b.Roles(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range list {
		roles[r.ID] = r
	}
	return held, roles, nil
}

// Effective builds who can reach the space from its table and the directory.
func (t *Table) Effective(ctx context.Context, dir Directory) (*Effective, error) {
	held, roles, err := t.holdings(ctx)
	if err != nil {
		return nil, err
	}

	var groups, users []string
	out := &Effective{}
	for p, h := range held {
		switch p.Type {
		case PrincipalGroup:
			groups = append(groups, p.ID)
		case PrincipalUser:
			users = append(users, p.ID)
		case PrincipalAnonymous:
			out.Anonymous = sortedUnique(h.perms)
		}
	}
	slices.Sort(groups)
	slices.Sort(users)

	licensed, err := dir.Licensed(ctx)
	if err != nil {
		return nil, err
	}
	licensedByID := make(map[string]Account, len(licensed))
	for _, a := range licensed {
		licensedByID[a.ID] = a
	}
	// A group with members exists; only the others are looked up.
	members, names, err := dir.Members(ctx, groups)
	if err != nil {
		return nil, err
	}
	var unseen []string
	for _, g := range groups {
		if _, ok := names[g]; !ok {
			unseen = append(unseen, g)
		}
	}
	empty, err := dir.Groups(ctx, unseen)
	if err != nil {
		return nil, err
	}
	var existing []string
	for _, g := range groups {
		if n, ok := empty[g]; ok {
			names[g] = n
		}
		if _, ok := names[g]; ok {
			existing = append(existing, g)
		}
	}
	// An account granted directly is looked up only when the licensed listing does not hold it already.
	var direct []Account
	var unlisted []string
	for _, id := range users {
		if a, ok := licensedByID[id]; ok {
			direct = append(direct, a)
		} else {
			unlisted = append(unlisted, id)
		}
	}
	looked, err := dir.Accounts(ctx, unlisted)
	if err != nil {
		return nil, err
	}
	direct = append(direct, looked...)

	type building struct {
		entry   Entry
		perms   []string
		roleIDs []string
	}
	byAccount := map[string]*building{}
	reach := func(a Account, src Source, h *holding) {
		b := byAccount[a.ID]
		if b == nil {
			if l, ok := licensedByID[a.ID]; ok {
				a.ProductRole = l.ProductRole
			} else if a.ProductRole == "" {
				a.ProductRole = ProductNone
			}
			b = &building{entry: Entry{Space: t.Space, Account: a}}
			byAccount[a.ID] = b
		}
		b.entry.Sources = append(b.entry.Sources, src)
		b.perms = append(b.perms, h.perms...)
		if h.role != "" {
			b.roleIDs = append(b.roleIDs, h.role)
		}
	}
	found := map[string]bool{}
	for _, a := range direct {
		found[a.ID] = true
		p := Principal{Type: PrincipalUser, ID: a.ID}
		reach(a, Source{Principal: p}, held[p])
	}
	for _, g := range existing {
		p := Principal{Type: PrincipalGroup, ID: g}
		for _, a := range members[g] {
			reach(a, Source{Principal: p, Name: names[g]}, held[p])
		}
	}
	for p, h := range held {
		if p.Type != PrincipalAccessClass {
			continue
		}
		c := ClassGrant{Class: p.ID, Role: roles.name(h.role)}
		for _, a := range licensed {
			if p.ID == ClassAllLicensedUsers || (p.ID == ClassAllProductAdmins && a.ProductRole == ProductAdmin) {
				reach(a, Source{Principal: p}, h)
				c.Expanded = true
			}
		}
		if p.ID == ClassAllLicensedUsers {
			c.Expanded = true // every licensed account is listed, even when there is none
		}
		out.Classes = append(out.Classes, c)
	}
	for p, h := range held {
		if (p.Type == PrincipalGroup && !slices.Contains(existing, p.ID)) || (p.Type == PrincipalUser && !found[p.ID]) {
			out.Unresolved = append(out.Unresolved, UnresolvedGrant{Principal: p, Permissions: sortedUnique(h.perms), Role: roles.name(h.role)})
		}
	}

	for _, b := range byAccount {
		e := b.entry
		perms := slices.Clone(b.perms)
		for _, id := range b.roleIDs {
			perms = append(perms, roles[id].Permissions...)
			e.Roles = append(e.Roles, roles.name(id))
		}
		e.Permissions = sortedUnique(perms)
		e.Roles = sortedUnique(e.Roles)
		slices.SortFunc(e.Sources, func(x, y Source) int { return strings.Compare(x.Principal.String(), y.Principal.String()) })
		if e.Account.Counts() {
			out.Entries = append(out.Entries, e)
		} else {
			out.Dormant = append(out.Dormant, e)
		}
	}
	byID := func(x, y Entry) int { return strings.Compare(x.Account.ID, y.Account.ID) }
	slices.SortFunc(out.Entries, byID)
	slices.SortFunc(out.Dormant, byID)
	slices.SortFunc(out.Classes, func(x, y ClassGrant) int { return strings.Compare(x.Class, y.Class) })
	slices.SortFunc(out.Unresolved, func(x, y UnresolvedGrant) int { return strings.Compare(x.Principal.String(), y.Principal.String()) })
	return out, nil
}

// Counts reports whether an account reaches the site now: active, with product access.
func (a Account) Counts() bool { return a.Status == AccountActive && a.ProductRole != ProductNone }

// Reach is what one account holds in the space, directly, through its groups and through the access classes
// it is in; nil when it holds nothing. Anonymous access is not counted: it is the same for everyone.
func (t *Table) Reach(ctx context.Context, p Person) (*Entry, error) {
	held, roles, err := t.holdings(ctx)
	if err != nil {
		return nil, err
	}
	source := func(pr Principal) (Source, bool) {
		switch pr.Type {
		case PrincipalUser:
			return Source{Principal: pr}, pr.ID == p.ID
		case PrincipalGroup:
			name, in := p.Groups[pr.ID]
			return Source{Principal: pr, Name: name}, in
		case PrincipalAccessClass:
			switch pr.ID {
			case ClassAllLicensedUsers:
				return Source{Principal: pr}, p.ProductRole != ProductNone
			case ClassAllProductAdmins:
				return Source{Principal: pr}, p.ProductRole == ProductAdmin
			case "authenticated-users":
				return Source{Principal: pr}, true // any account that can sign in
			}
		}
		return Source{}, false
	}
	e := &Entry{Space: t.Space, Account: p.Account}
	var perms []string
	for pr, h := range held {
		src, ok := source(pr)
		if !ok {
			continue
		}
		e.Sources = append(e.Sources, src)
		perms = append(perms, h.perms...)
		if h.role != "" {
			perms = append(perms, roles[h.role].Permissions...)
			e.Roles = append(e.Roles, roles.name(h.role))
		}
	}
	if len(e.Sources) == 0 {
		return nil, nil
	}
	e.Permissions = sortedUnique(perms)
	e.Roles = sortedUnique(e.Roles)
	slices.SortFunc(e.Sources, func(x, y Source) int { return strings.Compare(x.Principal.String(), y.Principal.String()) })
	return e, nil
}

// sortedUnique is a sorted copy of s without duplicates.
func sortedUnique(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
