// Package cloud is the space-access engine's backend for Confluence Cloud, over the Confluence client: classic
// permissions through REST v1 writes and v2 reads, roles through v2, capabilities from the site's space role
// mode.
package cloud

import (
	"context"
	"fmt"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// Backend implements access.Backend for one Confluence Cloud site.
type Backend struct {
	c *confluence.Client
}

var _ access.Backend = Backend{}

// New returns the backend over c, sharing c's run cache.
func New(c *confluence.Client) Backend { return Backend{c: c} }

// Space resolves a key through the client's batched lookup.
func (b Backend) Space(ctx context.Context, key string) (access.Space, error) {
	s, err := b.c.SpaceByKey(ctx, key)
	if transport.IsNotFound(err) {
		return access.Space{}, fmt.Errorf("%w: %w", access.ErrSpaceNotFound, err)
	}
	if err != nil {
		return access.Space{}, err
	}
	return access.Space{Key: s.Key, ID: s.ID}, nil
}

// Capabilities follows the site's space role mode.
func (b Backend) Capabilities(ctx context.Context) (access.Capabilities, error) {
	mode, err := b.c.SpaceRoleMode(ctx)
	if err != nil {
		return access.Capabilities{}, err
	}
	return CapabilitiesOf(mode), nil
}

// CapabilitiesOf maps a space role mode onto capabilities: PRE_ROLES has classic permissions only, ROLES roles
// only, and ROLES_TRANSITION (or a mode this code does not know) both.
func CapabilitiesOf(mode string) access.Capabilities {
	switch mode {
	case confluence.RoleModePreRoles:
		return access.Capabilities{Classic: true}
	case confluence.RoleModeRoles:
		return access.Capabilities{Roles: true}
	}
	return access.Capabilities{Classic: true, Roles: true}
}

func (b Backend) Grants(ctx context.Context, s access.Space) ([]access.Grant, error) {
	perms, err := b.c.SpacePermissions(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	return grantsOf(perms), nil
}

func (b Backend) GrantsOf(ctx context.Context, s access.Space, p access.Principal) ([]access.Grant, error) {
	perms, err := b.c.PrincipalPermissions(ctx, s.ID, p)
	return grantsOf(perms), err
}

func grantsOf(perms []confluence.Permission) []access.Grant {
	out := make([]access.Grant, len(perms))
	for i, p := range perms {
		out[i] = access.Grant{ID: p.ID, Principal: p.Principal, Permission: p.Operation.String()}
	}
	return out
}

func (b Backend) AddGrant(ctx context.Context, s access.Space, p access.Principal, permission string) (access.Grant, error) {
	op, err := confluence.ParseOperation(permission)
	if err != nil {
		return access.Grant{}, err
	}
	got, err := b.c.AddPermission(ctx, s.Key, s.ID, confluence.Permission{Principal: p, Operation: op})
	if err != nil {
		return access.Grant{}, err
	}
	return access.Grant{ID: got.ID, Principal: got.Principal, Permission: got.Operation.String()}, nil
}

func (b Backend) RemoveGrant(ctx context.Context, s access.Space, g access.Grant) error {
	return b.c.RemovePermission(ctx, s.Key, s.ID, g.ID)
}

func (b Backend) ForgetGrants(s access.Space) { b.c.ForgetSpacePermissions(s.ID) }

func (b Backend) Assignments(ctx context.Context, s access.Space) ([]access.Assignment, error) {
	list, err := b.c.RoleAssignments(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	out := make([]access.Assignment, len(list))
	for i, a := range list {
		out[i] = access.Assignment{Principal: a.Principal, RoleID: a.RoleID}
	}
	return out, nil
}

func (b Backend) SetAssignments(ctx context.Context, s access.Space, changes []access.Assignment) error {
	list := make([]confluence.RoleAssignment, len(changes))
	for i, a := range changes {
		list[i] = confluence.RoleAssignment{Principal: a.Principal, RoleID: a.RoleID}
	}
	return b.c.SetRoleAssignments(ctx, s.ID, list)
}

func (b Backend) Roles(ctx context.Context) ([]access.Role, error) {
	roles, err := b.c.SpaceRoles(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]access.Role, len(roles))
	for i, r := range roles {
		out[i] = access.Role{ID: r.ID, Name: r.Name, Permissions: r.Permissions}
	}
	return out, nil
}

func (b Backend) CurrentAccount(ctx context.Context) (string, error) {
	me, err := b.c.CurrentUser(ctx)
	if err != nil {
		return "", err
	}
	return me.AccountID, nil
}
