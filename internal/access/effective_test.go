package access_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
)

// people is a Directory in memory.
type people struct {
	groups   map[string]string           // id → name
	members  map[string][]access.Account // group id → members
	accounts []access.Account
	licensed []access.Account
}

func (p people) Groups(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		if n, ok := p.groups[id]; ok {
			out[id] = n
		}
	}
	return out, nil
}

func (p people) Members(_ context.Context, ids []string) (map[string][]access.Account, map[string]string, error) {
	members, names := map[string][]access.Account{}, map[string]string{}
	for _, id := range ids {
		if len(p.members[id]) > 0 {
			members[id], names[id] = p.members[id], p.groups[id]
		}
	}
	return members, names, nil
}

func (p people) Accounts(_ context.Context, ids []string) ([]access.Account, error) {
	var out []access.Account
	for _, a := range p.accounts {
		if slices.Contains(ids, a.ID) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (p people) Licensed(context.Context) ([]access.Account, error) { return p.licensed, nil }

func (p people) Person(_ context.Context, id string) (access.Person, bool, error) {
	for _, a := range p.accounts {
		if a.ID == id {
			out := access.Person{Account: a, Groups: map[string]string{}}
			for g, members := range p.members {
				if slices.ContainsFunc(members, func(m access.Account) bool { return m.ID == id }) {
					out.Groups[g] = p.groups[g]
				}
			}
			return out, true, nil
		}
	}
	return access.Person{}, false, nil
}

// describe is an entry as "id role [perms] [roles] <- sources".
func describe(entries []access.Entry) []string {
	var out []string
	for _, e := range entries {
		var src []string
		for _, s := range e.Sources {
			src = append(src, s.Principal.String())
		}
		out = append(out, fmt.Sprintf("%s %s [%s] [%s] <- %s", e.Account.ID, e.Account.ProductRole,
			strings.Join(e.Permissions, ","), strings.Join(e.Roles, ","), strings.Join(src, ",")))
	}
	return out
}

func TestEffective(t *testing.T) {
	ann := access.Account{ID: "ann", Status: "active"}
	ben := access.Account{ID: "ben", Status: "suspended"}
	cat := access.Account{ID: "cat", Status: "active"} // no product access
	group := func(id string) access.Principal { return access.Principal{Type: access.PrincipalGroup, ID: id} }
	user := func(id string) access.Principal { return access.Principal{Type: access.PrincipalUser, ID: id} }
	m := &memory{
		grants: []access.Grant{
			{Principal: group("writers"), Permission: "read/space"}, {Principal: group("writers"), Permission: "create/page"},
			{Principal: group("empty"), Permission: "read/space"},
			{Principal: group("gone"), Permission: "read/space"},
			{Principal: user("cat"), Permission: "read/space"},
			{Principal: user("nobody"), Permission: "read/space"},
			{Principal: access.Principal{Type: access.PrincipalAnonymous}, Permission: "read/space"},
		},
		roles: []access.Role{{ID: "r-admin", Name: "Admin", Permissions: []string{"read/space", "administer/space"}}},
		assign: []access.Assignment{
			{Principal: user("ann"), RoleID: "r-admin"},
			{Principal: access.Principal{Type: access.PrincipalAccessClass, ID: access.ClassAllProductAdmins}, RoleID: "r-admin"},
			{Principal: access.Principal{Type: access.PrincipalAccessClass, ID: "authenticated-users"}, RoleID: "r-admin"},
		},
	}
	dir := people{
		groups:   map[string]string{"writers": "Writers", "empty": "Empty"},
		members:  map[string][]access.Account{"writers": {ann, ben}},
		accounts: []access.Account{ann, cat},
		licensed: []access.Account{{ID: "ann", Status: "active", ProductRole: access.ProductUser}, {ID: "ben", Status: "suspended", ProductRole: access.ProductUser},
			{ID: "dan", Status: "active", ProductRole: access.ProductAdmin}},
	}
	table := access.NewTable(m, eng, access.Capabilities{Classic: true, Roles: true})
	got, err := table.Effective(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2][]string{
		"entries": {describe(got.Entries), {
			"ann user [administer/space,create/page,read/space] [Admin] <- group/writers,user/ann",
			"dan admin [administer/space,read/space] [Admin] <- access_class/all-product-admins",
		}},
		"dormant": {describe(got.Dormant), {
			"ben user [create/page,read/space] [] <- group/writers",
			"cat none [read/space] [] <- user/cat",
		}},
		"anonymous": {got.Anonymous, {"read/space"}},
	}
	for name, c := range checks {
		if !slices.Equal(c[0], c[1]) {
			t.Errorf("%s:\n  got  %q\n  want %q", name, c[0], c[1])
		}
	}
	var unresolved []string
	for _, u := range got.Unresolved {
		unresolved = append(unresolved, u.Principal.String())
	}
	if want := []string{"group/gone", "user/nobody"}; !slices.Equal(unresolved, want) {
		t.Errorf("unresolved %q, want %q (an existing group without members is resolved)", unresolved, want)
	}
	var classes []string
	for _, c := range got.Classes {
		classes = append(classes, fmt.Sprintf("%s:%s:%v", c.Class, c.Role, c.Expanded))
	}
	if want := []string{"all-product-admins:Admin:true", "authenticated-users:Admin:false"}; !slices.Equal(classes, want) {
		t.Errorf("classes %q, want %q", classes, want)
	}
}
