// Package access is the space-access engine: who holds what in one Confluence space, the rules for changing
// it safely, and who it reaches through groups and product access (effective.go, licence.go). It knows no Terraform and no HTTP. A Backend gives it one deployment's API (Confluence Cloud today,
// internal/access/cloud; Data Center next), and the provider turns its results and typed errors into plans and
// diagnostics.
//
// The rules it keeps, whichever backend is behind it:
//   - read/space is granted before any other permission of a principal and removed last (removing it removes
//     the rest);
//   - additions are made before removals, so a space never loses its administrators midway;
//   - a change that leaves a space without an administrator, or takes the calling account's own administration
//     away, is refused before anything is written;
//   - every write is attempted even when some fail, and what a principal holds afterwards is read back, so that
//     a partial failure leaves the truth.
package access

import (
	"context"
	"errors"
)

// Principal types. Classic permissions take user, group and anonymous; roles take user, group and access_class.
const (
	PrincipalUser        = "user"
	PrincipalGroup       = "group"
	PrincipalAnonymous   = "anonymous"
	PrincipalAccessClass = "access_class"
)

// The permissions the rules turn on, in key/target form.
const (
	ReadSpace       = "read/space"
	AdministerSpace = "administer/space"
)

// Principal is who holds access. ID is an account id (user), a group id (group), an access class id
// (access_class), or empty (anonymous).
type Principal struct {
	Type string
	ID   string
}

// String is "type/id", or "anonymous".
func (p Principal) String() string {
	if p.Type == PrincipalAnonymous {
		return PrincipalAnonymous
	}
	return p.Type + "/" + p.ID
}

// Space is one space as a backend names it: the key users write, and the backend's own id.
type Space struct {
	Key string
	ID  string
}

// Capabilities says which kinds of access a site's spaces take. A site moving to roles takes both.
type Capabilities struct {
	Classic bool // per-principal permissions such as read/space
	Roles   bool // one role per principal and space
}

// Grant is one classic permission held in a space.
type Grant struct {
	ID         string // the backend's id of the grant, for removing it
	Principal  Principal
	Permission string // key/target, such as create/page
}

// Assignment is a principal's role in a space; an empty RoleID in a change removes the role.
type Assignment struct {
	Principal Principal
	RoleID    string
}

// Role is a space role of the site's catalogue.
type Role struct {
	ID          string
	Name        string
	Permissions []string
}

// ErrSpaceNotFound is a space that does not exist, or that the calling account cannot see (backends cannot
// tell the two apart).
var ErrSpaceNotFound = errors.New("space not found")

// Backend is one Confluence deployment's space-access API. Listings are read once per run by the backend and
// kept current by its writes; ForgetGrants makes the next listing a fresh read.
type Backend interface {
	// Space resolves a key; a missing space is ErrSpaceNotFound.
	Space(ctx context.Context, key string) (Space, error)
	Capabilities(ctx context.Context) (Capabilities, error)

	Grants(ctx context.Context, s Space) ([]Grant, error)
	// GrantsOf is what one principal holds: Grants filtered, at a cost that need not grow with the space.
	GrantsOf(ctx context.Context, s Space, p Principal) ([]Grant, error)
	// AddGrant grants one permission; a grant that already exists is success.
	AddGrant(ctx context.Context, s Space, p Principal, permission string) (Grant, error)
	// RemoveGrant removes one grant; one already gone is success.
	RemoveGrant(ctx context.Context, s Space, g Grant) error
	ForgetGrants(s Space)

	Assignments(ctx context.Context, s Space) ([]Assignment, error)
	// SetAssignments applies role changes in one step, entirely or not at all.
	SetAssignments(ctx context.Context, s Space, changes []Assignment) error
	Roles(ctx context.Context) ([]Role, error)

	// CurrentAccount is the account id the backend acts as.
	CurrentAccount(ctx context.Context) (string, error)
}
