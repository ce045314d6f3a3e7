package cloud

import (
	"context"
	"slices"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
)

// Directory is access.Directory over Cloud's Organizations API, for one Confluence site (its ARI).
type Directory struct {
	c       *admin.Client
	siteARI string
}

// NewDirectory is the organisation's directory as seen from the Confluence site siteARI.
func NewDirectory(c *admin.Client, siteARI string) Directory {
	return Directory{c: c, siteARI: siteARI}
}

var _ access.Directory = Directory{}

func account(u admin.User) access.Account {
	a := access.Account{ID: u.AccountID, Email: u.Email, Name: u.Name, Status: u.Status, Type: u.AccountType}
	a.AddedToOrg, _ = time.Parse(time.RFC3339, u.AddedToOrg) // zero when absent or malformed: unknown
	return a
}

// lastActive is the account's last activity on the site siteARI, zero when none is reported.
func lastActive(u admin.User, siteARI string) time.Time {
	for _, p := range u.ProductAccess {
		if p.ID == siteARI {
			t, _ := time.Parse(time.RFC3339, p.LastActiveTimestamp)
			return t
		}
	}
	return time.Time{}
}

func (d Directory) Groups(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for batch := range slices.Chunk(ids, admin.MaxSearchIDs) {
		found, err := d.c.SearchGroups(ctx, admin.AllDirectories, admin.GroupSearch{GroupIDs: batch})
		if err != nil {
			return nil, err
		}
		for _, g := range found {
			out[g.ID] = g.Name
		}
	}
	return out, nil
}

// Members reads ten groups a search, expanding each account's groups to tell which of the ten it is in (and
// their names).
func (d Directory) Members(ctx context.Context, ids []string) (map[string][]access.Account, map[string]string, error) {
	members, names := map[string][]access.Account{}, map[string]string{}
	for batch := range slices.Chunk(ids, admin.MaxSearchIDs) {
		found, err := d.c.SearchUsers(ctx, admin.AllDirectories, admin.UserSearch{GroupIDs: batch, Expand: []string{admin.ExpandUserGroups}})
		if err != nil {
			return nil, nil, err
		}
		for _, u := range found {
			for _, g := range u.Groups {
				if slices.Contains(batch, g.ID) {
					members[g.ID] = append(members[g.ID], account(u))
					names[g.ID] = g.Name
				}
			}
		}
	}
	return members, names, nil
}

func (d Directory) Accounts(ctx context.Context, ids []string) ([]access.Account, error) {
	var out []access.Account
	for batch := range slices.Chunk(ids, admin.MaxSearchIDs) {
		found, err := d.c.SearchUsers(ctx, admin.AllDirectories, admin.UserSearch{AccountIDs: batch})
		if err != nil {
			return nil, err
		}
		for _, u := range found {
			out = append(out, account(u))
		}
	}
	return out, nil
}

// productRoles are the site roles that give product access, weakest first: an account holding several takes
// the strongest.
var productRoles = []struct{ role, product string }{
	{admin.RoleGuest, access.ProductGuest},
	{admin.RoleUser, access.ProductUser},
	{admin.RoleAdmin, access.ProductAdmin},
}

// Licensed lists the accounts with a role on the site, one search per role, with their last activity there. UNCONFIRMED: that a search with
// roleIds and resourceIds matches accounts holding that role on that resource through any of their groups.
func (d Directory) Licensed(ctx context.Context) ([]access.Account, error) {
	by := map[string]access.Account{}
	var order []string
	for _, r := range productRoles {
		found, err := d.c.SearchUsers(ctx, admin.AllDirectories, admin.UserSearch{ResourceIDs: []string{d.siteARI}, RoleIDs: []string{r.role},
			Expand: []string{admin.ExpandUserProductAccess}})
		if err != nil {
			return nil, err
		}
		for _, u := range found {
			if _, seen := by[u.AccountID]; !seen {
				order = append(order, u.AccountID)
			}
			a := account(u)
			a.ProductRole = r.product
			a.LastActive = lastActive(u, d.siteARI)
			by[u.AccountID] = a
		}
	}
	out := make([]access.Account, 0, len(order))
	for _, id := range order {
		out = append(out, by[id])
	}
	return out, nil
}

// Person is the account, its groups and its product role on the site. The search results carry no role, so each
// role is a search filtered on it, strongest first and expanding the groups, and the first that finds the account
// ends the lookup: an administrator costs one search, a user two, a guest three, and an account without product
// access four (the last, unfiltered, tells whether it exists).
func (d Directory) Person(ctx context.Context, id string) (access.Person, bool, error) {
	search := admin.UserSearch{AccountIDs: []string{id}, Expand: []string{admin.ExpandUserGroups}}
	role := access.ProductNone
	var found []admin.User
	for _, r := range slices.Backward(productRoles) {
		held := search
		held.ResourceIDs, held.RoleIDs = []string{d.siteARI}, []string{r.role}
		var err error
		if found, err = d.c.SearchUsers(ctx, admin.AllDirectories, held); err != nil {
			return access.Person{}, false, err
		}
		if len(found) > 0 {
			role = r.product
			break
		}
	}
	if len(found) == 0 {
		var err error
		if found, err = d.c.SearchUsers(ctx, admin.AllDirectories, search); err != nil || len(found) == 0 {
			return access.Person{}, false, err
		}
	}
	p := access.Person{Account: account(found[0]), Groups: map[string]string{}}
	p.ProductRole = role
	for _, g := range found[0].Groups {
		p.Groups[g.ID] = g.Name
	}
	return p, true, nil
}
