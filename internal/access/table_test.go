package access_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
)

// memory is a Backend holding one space in memory, enforcing the rule the engine must order writes for:
// read/space before any other permission of a principal; removing it removes the rest. It records writes.
type memory struct {
	mu      sync.Mutex
	grants  []access.Grant
	roles   []access.Role
	assign  []access.Assignment
	me      string
	next    int
	log     []string
	failAdd map[string]bool // permissions whose grant fails
}

var eng = access.Space{Key: "ENG", ID: "1"}

func (m *memory) Space(_ context.Context, key string) (access.Space, error) {
	if key != eng.Key {
		return access.Space{}, access.ErrSpaceNotFound
	}
	return eng, nil
}

func (m *memory) Capabilities(context.Context) (access.Capabilities, error) {
	return access.Capabilities{Classic: true, Roles: true}, nil
}

func (m *memory) Grants(context.Context, access.Space) ([]access.Grant, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.grants), nil
}

func (m *memory) GrantsOf(ctx context.Context, s access.Space, p access.Principal) ([]access.Grant, error) {
	all, err := m.Grants(ctx, s)
	return slices.DeleteFunc(all, func(g access.Grant) bool { return g.Principal != p }), err
}

func (m *memory) AddGrant(_ context.Context, _ access.Space, p access.Principal, perm string) (access.Grant, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.log = append(m.log, "+"+perm)
	if m.failAdd[perm] {
		return access.Grant{}, errors.New("refused")
	}
	if perm != access.ReadSpace && !slices.ContainsFunc(m.grants, func(g access.Grant) bool {
		return g.Principal == p && g.Permission == access.ReadSpace
	}) {
		return access.Grant{}, fmt.Errorf("%s needs read/space first", perm)
	}
	m.next++
	g := access.Grant{ID: fmt.Sprint(m.next), Principal: p, Permission: perm}
	m.grants = append(m.grants, g)
	return g, nil
}

func (m *memory) RemoveGrant(_ context.Context, _ access.Space, g access.Grant) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.log = append(m.log, "-"+g.Permission)
	m.grants = slices.DeleteFunc(m.grants, func(x access.Grant) bool {
		return x.ID == g.ID || g.Permission == access.ReadSpace && x.Principal == g.Principal
	})
	return nil
}

func (m *memory) ForgetGrants(access.Space) {}

func (m *memory) Assignments(context.Context, access.Space) ([]access.Assignment, error) {
	return slices.Clone(m.assign), nil
}

func (m *memory) SetAssignments(_ context.Context, _ access.Space, changes []access.Assignment) error {
	m.assign = append(m.assign, changes...)
	return nil
}

func (m *memory) Roles(context.Context) ([]access.Role, error)   { return m.roles, nil }
func (m *memory) CurrentAccount(context.Context) (string, error) { return m.me, nil }

var (
	team = access.Principal{Type: access.PrincipalGroup, ID: "team"}
	me   = access.Principal{Type: access.PrincipalUser, ID: "me"}
)

func open(t *testing.T, m *memory) *access.Table {
	t.Helper()
	tbl, err := access.Open(context.Background(), m, "ENG")
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

func TestOpenUnknownSpace(t *testing.T) {
	t.Parallel()
	if _, err := access.Open(context.Background(), &memory{}, "NOPE"); !errors.Is(err, access.ErrSpaceNotFound) {
		t.Fatalf("err = %v, want ErrSpaceNotFound", err)
	}
}

// read/space is granted first and removed last; what the principal holds is read back.
func TestSetPermissionsOrder(t *testing.T) {
	t.Parallel()
	m := &memory{}
	tbl := open(t, m)
	held, err := tbl.SetPermissions(context.Background(), team, []string{"create/page", "read/space", "create/comment"}, 4)
	if err != nil || !slices.Equal(held, []string{"create/comment", "create/page", "read/space"}) {
		t.Fatalf("held %v, %v", held, err)
	}
	if m.log[0] != "+read/space" {
		t.Fatalf("writes %v: read/space was not granted first", m.log)
	}
	m.log = nil
	held, err = tbl.SetPermissions(context.Background(), team, nil, 4)
	if err != nil || len(held) != 0 {
		t.Fatalf("held %v, %v after removing everything", held, err)
	}
	if !slices.Equal(m.log, []string{"-read/space"}) {
		t.Fatalf("writes %v: removing everything is removing read/space, once", m.log)
	}
}

// Every write is attempted; the result is what was applied, and the error names what was not.
func TestSetPermissionsPartialFailure(t *testing.T) {
	t.Parallel()
	m := &memory{failAdd: map[string]bool{"create/comment": true}}
	held, err := open(t, m).SetPermissions(context.Background(), team, []string{"read/space", "create/page", "create/comment", "export/space"}, 1)
	if err == nil || !strings.Contains(err.Error(), "granting create/comment to group/team") {
		t.Fatalf("err = %v", err)
	}
	if !slices.Equal(held, []string{"create/page", "export/space", "read/space"}) {
		t.Fatalf("held %v, want what was applied", held)
	}
}

func TestCheckAdmins(t *testing.T) {
	t.Parallel()
	adminRole := access.Role{ID: "r-admin", Permissions: []string{access.ReadSpace, access.AdministerSpace}}
	base := func() *memory {
		return &memory{me: "me", roles: []access.Role{adminRole}, grants: []access.Grant{
			{ID: "1", Principal: me, Permission: access.ReadSpace}, {ID: "2", Principal: me, Permission: access.AdministerSpace},
		}}
	}
	tests := map[string]struct {
		change access.Change
		allow  bool
		want   any // nil, *access.NoAdminError or *access.SelfLockoutError
	}{
		"another principal changes":       {change: access.Change{Classic: map[access.Principal][]string{team: {access.ReadSpace}}}},
		"a whole table without admins":    {change: access.Change{Exhaustive: true, Classic: map[access.Principal][]string{team: {access.ReadSpace}}}, want: &access.NoAdminError{}},
		"my administration taken away":    {change: access.Change{Classic: map[access.Principal][]string{me: {access.ReadSpace}, team: {access.AdministerSpace}}}, want: &access.SelfLockoutError{}},
		"taken away, allowed":             {change: access.Change{Classic: map[access.Principal][]string{me: {access.ReadSpace}, team: {access.AdministerSpace}}}, allow: true},
		"an admin role keeps a space run": {change: access.Change{Exhaustive: true, Roles: map[access.Principal]string{me: adminRole.ID}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := open(t, base()).CheckAdmins(context.Background(), tt.change, tt.allow)
			var noAdmin *access.NoAdminError
			var self *access.SelfLockoutError
			switch tt.want.(type) {
			case nil:
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
			case *access.NoAdminError:
				if !errors.As(err, &noAdmin) || noAdmin.Space != "ENG" {
					t.Fatalf("err = %v, want NoAdminError", err)
				}
			case *access.SelfLockoutError:
				if !errors.As(err, &self) || self.Account != "me" {
					t.Fatalf("err = %v, want SelfLockoutError", err)
				}
			}
		})
	}
}

// A whole table is applied additions first, for every principal, then removals; roles change in one step.
func TestApplyTable(t *testing.T) {
	t.Parallel()
	anon := access.Principal{Type: access.PrincipalAnonymous}
	m := &memory{me: "me", grants: []access.Grant{
		{ID: "1", Principal: me, Permission: access.ReadSpace}, {ID: "2", Principal: me, Permission: access.AdministerSpace},
		{ID: "3", Principal: team, Permission: access.ReadSpace}, {ID: "4", Principal: team, Permission: "create/page"},
	}, assign: []access.Assignment{{Principal: team, RoleID: "r-viewer"}}}
	m.next = 4
	change := access.Change{Exhaustive: true,
		Classic: map[access.Principal][]string{me: {access.ReadSpace, access.AdministerSpace}, anon: {access.ReadSpace, "export/space"}},
		Roles:   map[access.Principal]string{me: "r-admin"},
	}
	if err := open(t, m).ApplyTable(context.Background(), change, 2); err != nil {
		t.Fatal(err)
	}
	firstRemoval := slices.IndexFunc(m.log, func(w string) bool { return strings.HasPrefix(w, "-") })
	if firstRemoval < 0 || slices.ContainsFunc(m.log[firstRemoval:], func(w string) bool { return strings.HasPrefix(w, "+") }) {
		t.Fatalf("writes %v: an addition came after a removal", m.log)
	}
	var got []string
	for _, g := range m.grants {
		got = append(got, g.Principal.String()+" "+g.Permission)
	}
	slices.Sort(got)
	want := []string{"anonymous export/space", "anonymous read/space", "user/me administer/space", "user/me read/space"}
	if !slices.Equal(got, want) {
		t.Fatalf("table %v, want %v", got, want)
	}
	wantRoles := []access.Assignment{{Principal: team, RoleID: "r-viewer"}, {Principal: team}, {Principal: me, RoleID: "r-admin"}}
	if !slices.ContainsFunc(m.assign, func(a access.Assignment) bool { return a == wantRoles[1] }) ||
		!slices.ContainsFunc(m.assign, func(a access.Assignment) bool { return a == wantRoles[2] }) {
		t.Fatalf("role changes %v: want team's removed and mine set", m.assign)
	}
}

// counting is memory that counts the reads the administrator check may skip.
type counting struct {
	*memory
	assignments, roles, current int
}

func (c *counting) Assignments(ctx context.Context, s access.Space) ([]access.Assignment, error) {
	c.assignments++
	return c.memory.Assignments(ctx, s)
}

func (c *counting) Roles(ctx context.Context) ([]access.Role, error) {
	c.roles++
	return c.memory.Roles(ctx)
}

func (c *counting) CurrentAccount(ctx context.Context) (string, error) {
	c.current++
	return c.memory.CurrentAccount(ctx)
}

// A change that takes administer/space from nobody is checked from the principals' own grants alone: no role
// assignments, no role catalogue, no current account. One that may take it away reads what the verdict needs.
func TestCheckAdminsReadsOnlyWhatTheVerdictNeeds(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		change access.Change
		reads  bool
	}{
		"access added to a group":               {change: access.Change{Classic: map[access.Principal][]string{team: {access.ReadSpace, "create/page"}}}},
		"my administration kept":                {change: access.Change{Classic: map[access.Principal][]string{me: {access.ReadSpace, access.AdministerSpace}}}},
		"my administration taken away":          {change: access.Change{Classic: map[access.Principal][]string{me: {access.ReadSpace}}}, reads: true},
		"a whole table":                         {change: access.Change{Exhaustive: true, Classic: map[access.Principal][]string{me: {access.ReadSpace, access.AdministerSpace}}}, reads: true},
		"a role change, which may take it away": {change: access.Change{Roles: map[access.Principal]string{team: "r-admin"}}, reads: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := &counting{memory: &memory{me: "me", grants: []access.Grant{
				{ID: "1", Principal: me, Permission: access.ReadSpace}, {ID: "2", Principal: me, Permission: access.AdministerSpace},
			}}}
			tbl, err := access.Open(context.Background(), b, "ENG")
			if err != nil {
				t.Fatal(err)
			}
			_ = tbl.CheckAdmins(context.Background(), tc.change, false)
			if got := b.assignments + b.roles + b.current; (got > 0) != tc.reads {
				t.Errorf("%d assignment, %d catalogue and %d current-account reads; want reads: %t", b.assignments, b.roles, b.current, tc.reads)
			}
		})
	}
}
