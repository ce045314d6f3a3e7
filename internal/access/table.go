package access

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/parallel"
)

// Table is one space's access as the engine changes it.
type Table struct {
	b     Backend
	Space Space
	Caps  Capabilities
}

// Open resolves a space and the site's capabilities (each read once per run by the backend).
func Open(ctx context.Context, b Backend, key string) (*Table, error) {
	s, err := b.Space(ctx, key)
	if err != nil {
		return nil, err
	}
	caps, err := b.Capabilities(ctx)
	if err != nil {
		return nil, err
	}
	return &Table{b: b, Space: s, Caps: caps}, nil
}

// NewTable is the table of a space already resolved.
func NewTable(b Backend, s Space, caps Capabilities) *Table {
	return &Table{b: b, Space: s, Caps: caps}
}

// Backend is what the table reads and writes through.
func (t *Table) Backend() Backend { return t.b }

// Held returns principal's grants in the space.
func (t *Table) Held(ctx context.Context, p Principal) ([]Grant, error) {
	return t.b.GrantsOf(ctx, t.Space, p)
}

// Permissions lists grants in key/target form, sorted and without duplicates.
func Permissions(grants []Grant) []string {
	out := make([]string, 0, len(grants))
	for _, g := range grants {
		out = append(out, g.Permission)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// readBackTimeout bounds the read-back after an interrupted change (the caller's context has ended): long
// enough for one listing, short enough that stopping still feels immediate.
const readBackTimeout = 5 * time.Second

// SetPermissions makes principal hold exactly want in the space, in the order the rules need: read/space added
// first, the other additions and removals concurrently (up to parallelism), read/space removed last. Every write
// is attempted even when some fail; the result is what the principal holds afterwards, read back (on a context
// of its own when ctx has ended), and the error names every write that failed.
func (t *Table) SetPermissions(ctx context.Context, p Principal, want []string, parallelism int) ([]string, error) {
	current, err := t.Held(ctx, p)
	if err != nil {
		return nil, err
	}
	add := Difference(want, Permissions(current))
	var remove []Grant
	var removeRead *Grant
	for i, g := range current {
		switch {
		case slices.Contains(want, g.Permission):
		case g.Permission == ReadSpace:
			removeRead = &current[i]
		default:
			remove = append(remove, g)
		}
	}
	if removeRead != nil {
		remove = nil // removing read/space removes the rest with it
	}
	grant := func(ctx context.Context, perm string) error {
		if _, err := t.b.AddGrant(ctx, t.Space, p, perm); err != nil {
			return fmt.Errorf("granting %s to %s: %w", perm, p, err)
		}
		return nil
	}
	revoke := func(ctx context.Context, g Grant) error {
		if err := t.b.RemoveGrant(ctx, t.Space, g); err != nil {
			return fmt.Errorf("removing %s from %s: %w", g.Permission, p, err)
		}
		return nil
	}

	if slices.Contains(add, ReadSpace) {
		if err := grant(ctx, ReadSpace); err != nil {
			return t.readBack(ctx, p, err) // nothing else can be granted without read/space
		}
		add = slices.DeleteFunc(add, func(perm string) bool { return perm == ReadSpace })
	}
	errs := []error{
		parallel.ForEach(ctx, parallelism, add, grant),
		parallel.ForEach(ctx, parallelism, remove, revoke),
	}
	if removeRead != nil {
		errs = append(errs, revoke(ctx, *removeRead))
	}
	return t.readBack(ctx, p, errors.Join(errs...))
}

// readBack reads what principal holds after a change, joining any read error to err. After a failure the
// listing is read fresh: a failed write may still have happened.
func (t *Table) readBack(ctx context.Context, p Principal, err error) ([]string, error) {
	if err != nil {
		t.b.ForgetGrants(t.Space)
	}
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
		defer cancel()
	}
	now, rerr := t.Held(ctx, p)
	if rerr != nil {
		return nil, errors.Join(err, rerr)
	}
	return Permissions(now), err
}

// Change is what a change leaves principals holding: classic permissions and role ids for the principals it
// names. When Exhaustive (a whole table), every principal it does not name loses all access; otherwise they
// keep what they hold.
type Change struct {
	Classic    map[Principal][]string
	Roles      map[Principal]string
	Exhaustive bool
}

// Admins lists who holds administer/space once c is applied, directly or through a role.
func (t *Table) Admins(ctx context.Context, c Change) ([]Principal, error) {
	grants, err := t.b.Grants(ctx, t.Space)
	if err != nil {
		return nil, err
	}
	var assignments []Assignment
	if t.Caps.Roles {
		if assignments, err = t.b.Assignments(ctx, t.Space); err != nil {
			return nil, err
		}
	}
	adminRoles := map[string]bool{}
	if len(assignments)+len(c.Roles) > 0 { // the catalogue only matters for roles someone holds
		if adminRoles, err = t.AdminRoles(ctx); err != nil {
			return nil, err
		}
	}
	var out []Principal
	add := func(p Principal) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for p, perms := range c.Classic {
		if slices.Contains(perms, AdministerSpace) {
			add(p)
		}
	}
	for p, role := range c.Roles {
		if adminRoles[role] {
			add(p)
		}
	}
	if c.Exhaustive {
		return out, nil
	}
	for _, g := range grants {
		if _, planned := c.Classic[g.Principal]; !planned && g.Permission == AdministerSpace {
			add(g.Principal)
		}
	}
	for _, a := range assignments {
		if _, planned := c.Roles[a.Principal]; !planned && adminRoles[a.RoleID] {
			add(a.Principal)
		}
	}
	return out, nil
}

// AdminRoles names the site's roles that carry administer/space; none where spaces take no roles.
func (t *Table) AdminRoles(ctx context.Context) (map[string]bool, error) {
	if !t.Caps.Roles {
		return map[string]bool{}, nil
	}
	roles, err := t.b.Roles(ctx)
	if err != nil {
		return nil, err
	}
	return AdminRoleIDs(roles), nil
}

// AdminRoleIDs names the roles that carry administer/space.
func AdminRoleIDs(roles []Role) map[string]bool {
	out := make(map[string]bool, len(roles))
	for _, r := range roles {
		out[r.ID] = slices.Contains(r.Permissions, AdministerSpace)
	}
	return out
}

// NoAdminError is a change that would leave the space without an administrator, which Confluence refuses.
type NoAdminError struct{ Space string }

func (e *NoAdminError) Error() string {
	return fmt.Sprintf("after this change nobody would hold %s in space %s, directly or through a role", AdministerSpace, e.Space)
}

// SelfLockoutError is a change that takes the calling account's own administration of the space away.
type SelfLockoutError struct{ Space, Account string }

func (e *SelfLockoutError) Error() string {
	return fmt.Sprintf("the change takes %s in space %s away from the calling account %s", AdministerSpace, e.Space, e.Account)
}

// CheckAdmins refuses c before anything is written when it leaves the space without an administrator
// (*NoAdminError) or, unless allowSelfLockout, takes the calling account's own administration away
// (*SelfLockoutError). Any other error is a failed read.
func (t *Table) CheckAdmins(ctx context.Context, c Change, allowSelfLockout bool) error {
	if removes, err := t.removesAdministration(ctx, c); err != nil || !removes {
		return err
	}
	after, err := t.Admins(ctx, c)
	if err != nil {
		return err
	}
	if len(after) == 0 {
		return &NoAdminError{Space: t.Space.Key}
	}
	if allowSelfLockout {
		return nil
	}
	me, err := t.b.CurrentAccount(ctx)
	if err != nil {
		return err
	}
	self := Principal{Type: PrincipalUser, ID: me}
	if slices.Contains(after, self) {
		return nil
	}
	before, err := t.Admins(ctx, Change{})
	if err != nil {
		return err
	}
	if slices.Contains(before, self) {
		return &SelfLockoutError{Space: t.Space.Key, Account: me}
	}
	return nil
}

// removesAdministration tells whether c may take administer/space from anyone: a whole table or a role change
// may; a change of some principals' classic permissions only when one of them holds administer/space directly
// now and is not planned to keep it. A change that takes it from nobody leaves every administrator in place, so
// the check needs no more reads (no role assignments, no role catalogue, no current user): adding access to a
// space costs only the principal's own entries.
func (t *Table) removesAdministration(ctx context.Context, c Change) (bool, error) {
	if c.Exhaustive || len(c.Roles) > 0 {
		return true, nil
	}
	for p, perms := range c.Classic {
		if slices.Contains(perms, AdministerSpace) {
			continue
		}
		held, err := t.b.GrantsOf(ctx, t.Space, p)
		if err != nil {
			return false, err
		}
		if slices.Contains(Permissions(held), AdministerSpace) {
			return true, nil
		}
	}
	return false, nil
}

// Difference returns the items of a that are not in b, in a's order.
func Difference(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, v := range b {
		in[v] = true
	}
	var out []string
	for _, v := range a {
		if !in[v] {
			out = append(out, v)
		}
	}
	return out
}

// ApplyTable makes the space's whole access table equal to c (an exhaustive change): every classic addition,
// for every principal, before any removal, so the space never loses its administrators midway; then the role
// changes in one step. Every principal's writes are attempted even when some fail; the error names what failed.
func (t *Table) ApplyTable(ctx context.Context, c Change, parallelism int) error {
	var errs []error
	if t.Caps.Classic {
		errs = append(errs, t.applyClassic(ctx, c, parallelism))
	}
	if t.Caps.Roles {
		errs = append(errs, t.applyRoles(ctx, c))
	}
	return errors.Join(errs...)
}

func (t *Table) applyClassic(ctx context.Context, c Change, parallelism int) error {
	current, err := t.b.Grants(ctx, t.Space)
	if err != nil {
		return err
	}
	have := map[Principal][]string{}
	for _, g := range current {
		have[g.Principal] = append(have[g.Principal], g.Permission)
	}
	principals := make([]Principal, 0, len(have)+len(c.Classic))
	for p := range have {
		principals = append(principals, p)
	}
	for p := range c.Classic {
		if _, ok := have[p]; !ok {
			principals = append(principals, p)
		}
	}
	slices.SortFunc(principals, func(a, b Principal) int { return strings.Compare(a.String(), b.String()) })
	var errs []error
	for _, p := range principals {
		if add := Difference(c.Classic[p], have[p]); len(add) > 0 {
			if _, err := t.SetPermissions(ctx, p, append(slices.Clone(have[p]), add...), parallelism); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, p := range principals {
		if len(Difference(have[p], c.Classic[p])) > 0 {
			if _, err := t.SetPermissions(ctx, p, c.Classic[p], parallelism); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (t *Table) applyRoles(ctx context.Context, c Change) error {
	current, err := t.b.Assignments(ctx, t.Space)
	if err != nil {
		return err
	}
	var changes []Assignment
	for p, role := range c.Roles {
		if i := slices.IndexFunc(current, func(a Assignment) bool { return a.Principal == p }); i < 0 || current[i].RoleID != role {
			changes = append(changes, Assignment{Principal: p, RoleID: role})
		}
	}
	for _, a := range current {
		if _, ok := c.Roles[a.Principal]; !ok {
			changes = append(changes, Assignment{Principal: a.Principal})
		}
	}
	if len(changes) == 0 {
		return nil
	}
	slices.SortFunc(changes, func(a, b Assignment) int { return strings.Compare(a.Principal.String(), b.Principal.String()) })
	if err := t.b.SetAssignments(ctx, t.Space, changes); err != nil {
		return fmt.Errorf("setting %d role assignments: %w", len(changes), err)
	}
	return nil
}
