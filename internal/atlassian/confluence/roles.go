package confluence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// Role modes of a site (GET /wiki/api/v2/space-role-mode). PRE_ROLES sites use classic permissions only,
// ROLES sites roles only, ROLES_TRANSITION sites both.
const (
	RoleModePreRoles   = "PRE_ROLES"
	RoleModeTransition = "ROLES_TRANSITION"
	RoleModeRoles      = "ROLES"
)

// SpaceRoleMode returns the site's space role mode, read once per run.
func (c *Client) SpaceRoleMode(ctx context.Context) (string, error) {
	return c.roleMode.Get(ctx, "", func(ctx context.Context) (string, error) {
		var out struct {
			Mode string `json:"mode"`
		}
		if err := c.api.Do(ctx, http.MethodGet, v2+"/space-role-mode", nil, nil, &out); err != nil {
			return "", err
		}
		if out.Mode == "" {
			return "", fmt.Errorf("confluence: GET %s/space-role-mode answered without a mode", v2)
		}
		return out.Mode, nil
	})
}

// PermissionDef is one entry of the space permission catalogue, the ids roles are built from.
type PermissionDef struct {
	ID                    string   `json:"id"`
	DisplayName           string   `json:"displayName"`
	Description           string   `json:"description"`
	RequiredPermissionIDs []string `json:"requiredPermissionIds"`
}

// SpacePermissionCatalogue returns the site's space permissions (GET /space-permissions), read once per run.
func (c *Client) SpacePermissionCatalogue(ctx context.Context) ([]PermissionDef, error) {
	defs, err := c.catalogue.Get(ctx, "", func(ctx context.Context) ([]PermissionDef, error) {
		return listAll[PermissionDef](ctx, c, v2+"/space-permissions", url.Values{})
	})
	return slices.Clone(defs), err
}

// SpaceRole is a role of the site's catalogue. Type is SYSTEM or CUSTOM.
type SpaceRole struct {
	ID          string   `json:"id"`
	Type        string   `json:"type"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Permissions []string `json:"spacePermissions"`
}

// SpaceRoleInput defines a custom role: every field is required by the API (Description may be empty).
type SpaceRoleInput struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Permissions []string `json:"spacePermissions"`
}

// matches reports whether a role reads as the input defines it (permissions in any order).
func (in SpaceRoleInput) matches(r *SpaceRole) bool {
	return r.Name == in.Name && r.Description == in.Description && sameSet(r.Permissions, in.Permissions)
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// SpaceRoleFilter narrows ListSpaceRoles. Empty fields do not filter; Principal (Type user, group or
// access_class) lists the roles it holds (in SpaceID when set).
type SpaceRoleFilter struct {
	SpaceID   string
	RoleType  string // SYSTEM or CUSTOM
	Principal *Principal
}

// ListSpaceRoles returns the roles of the catalogue that match f, all pages.
func (c *Client) ListSpaceRoles(ctx context.Context, f SpaceRoleFilter) ([]SpaceRole, error) {
	q := url.Values{}
	if f.SpaceID != "" {
		q.Set("space-id", f.SpaceID)
	}
	if f.RoleType != "" {
		q.Set("role-type", f.RoleType)
	}
	if f.Principal != nil {
		t, err := rolePrincipalType(f.Principal.Type)
		if err != nil {
			return nil, err
		}
		q.Set("principal-type", t)
		q.Set("principal-id", f.Principal.ID)
	}
	return listAll[SpaceRole](ctx, c, v2+"/space-roles", q)
}

// SpaceRoles returns every role of the catalogue, read once per run (role writes through this client read it
// again next time).
func (c *Client) SpaceRoles(ctx context.Context) ([]SpaceRole, error) {
	roles, err := c.roles.Get(ctx, "", func(ctx context.Context) ([]SpaceRole, error) {
		return c.ListSpaceRoles(ctx, SpaceRoleFilter{})
	})
	return slices.Clone(roles), err
}

// SpaceRoleByID returns one role from the run's catalogue (SpaceRoles), reading a role the catalogue does not
// know (created by someone since) on its own. An unknown id is a not-found error.
func (c *Client) SpaceRoleByID(ctx context.Context, id string) (*SpaceRole, error) {
	roles, err := c.SpaceRoles(ctx)
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(roles, func(r SpaceRole) bool { return r.ID == id }); i >= 0 {
		return &roles[i], nil
	}
	return c.GetSpaceRole(ctx, id)
}

// GetSpaceRole reads one role; an unknown id is a not-found error.
func (c *Client) GetSpaceRole(ctx context.Context, id string) (*SpaceRole, error) {
	var out SpaceRole
	if err := c.api.Do(ctx, http.MethodGet, v2+"/space-roles/"+url.PathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateSpaceRole creates a custom role (201, synchronous). When the answer is lost, the catalogue is read
// again (transport.Settle): a role of that name with the asked description and permissions is the one created.
// A name already taken is a 400 (UNCONFIRMED wording, see alreadyTaken).
func (c *Client) CreateSpaceRole(ctx context.Context, in SpaceRoleInput) (*SpaceRole, error) {
	defer c.roles.Forget("")
	return transport.Settle(ctx, transport.Write[*SpaceRole]{
		What: fmt.Sprintf("space role %q", in.Name),
		Send: func(ctx context.Context) (*SpaceRole, error) {
			var out SpaceRole
			if err := c.api.Do(ctx, http.MethodPost, v2+"/space-roles", nil, in.body(), &out); err != nil {
				return nil, err
			}
			return &out, nil
		},
		Find: func(ctx context.Context) (*SpaceRole, bool, error) {
			c.roles.Forget("")
			roles, err := c.SpaceRoles(ctx)
			i := slices.IndexFunc(roles, func(r SpaceRole) bool { return strings.EqualFold(r.Name, in.Name) })
			if i < 0 {
				return nil, false, err
			}
			return &roles[i], true, err
		},
		Differs: func(found *SpaceRole) string {
			if in.matches(found) {
				return ""
			}
			return fmt.Sprintf("it is named %q with description %q and permissions %s", found.Name, found.Description, strings.Join(found.Permissions, ", "))
		},
		ID:    func(found *SpaceRole) string { return found.ID },
		Taken: alreadyTaken,
	})
}

// alreadyTaken recognises the refusal of a role name in use: a 400 whose message says so (the API documents no
// 409 for it; the wording is UNCONFIRMED).
func alreadyTaken(err error) bool {
	var e *transport.Error
	return errors.As(err, &e) && e.StatusCode == http.StatusBadRequest && strings.Contains(strings.ToLower(e.Message), "already exists")
}

func (in SpaceRoleInput) body() SpaceRoleInput {
	if in.Permissions == nil {
		in.Permissions = []string{} // the API requires the member
	}
	return in
}

// UpdateSpaceRole changes a custom role. Atlassian accepts the change (202) and applies it later; this
// waits, polling with backoff, until the role reads as asked, for at most timeout (<= 0: until ctx ends).
// A wait that runs out wraps ErrWaitTimeout.
func (c *Client) UpdateSpaceRole(ctx context.Context, id string, in SpaceRoleInput, timeout time.Duration) (*SpaceRole, error) {
	var accepted struct {
		TaskID string `json:"taskId"`
	}
	defer c.roles.Forget("")
	if err := c.api.Do(ctx, http.MethodPut, v2+"/space-roles/"+url.PathEscape(id), nil, in.body(), &accepted); err != nil {
		return nil, err
	}
	var got *SpaceRole
	err := c.waitFor(ctx, timeout, func(ctx context.Context) (bool, error) {
		r, err := c.GetSpaceRole(ctx, id)
		if err != nil {
			return false, err
		}
		got = r
		return in.matches(r), nil
	})
	if err != nil {
		return nil, fmt.Errorf("confluence: update of space role %s (task %s) not visible: %w", id, accepted.TaskID, err)
	}
	return got, nil
}

// DeleteSpaceRole deletes a custom role and waits, like UpdateSpaceRole, until it is gone. A role already
// gone is success.
func (c *Client) DeleteSpaceRole(ctx context.Context, id string, timeout time.Duration) error {
	var accepted struct {
		TaskID string `json:"taskId"`
	}
	defer c.roles.Forget("")
	err := c.api.Do(ctx, http.MethodDelete, v2+"/space-roles/"+url.PathEscape(id), nil, nil, &accepted)
	if transport.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	err = c.waitFor(ctx, timeout, func(ctx context.Context) (bool, error) {
		_, err := c.GetSpaceRole(ctx, id)
		if transport.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
	if err != nil {
		return fmt.Errorf("confluence: deletion of space role %s (task %s) not visible: %w", id, accepted.TaskID, err)
	}
	return nil
}

// RoleAssignment is one principal's role in a space. In SetRoleAssignments, an empty RoleID removes the
// principal's assignment.
type RoleAssignment struct {
	Principal Principal
	RoleID    string
}

type wireRolePrincipal struct {
	PrincipalType string `json:"principalType"`
	PrincipalID   string `json:"principalId"`
}

type wireRoleAssignment struct {
	Principal wireRolePrincipal `json:"principal"`
	RoleID    string            `json:"roleId,omitempty"`
}

// rolePrincipalType maps user, group and access_class to the API's upper-case principal types.
func rolePrincipalType(t string) (string, error) {
	switch t {
	case PrincipalUser, PrincipalGroup, PrincipalAccessClass:
		return strings.ToUpper(t), nil
	}
	return "", fmt.Errorf("confluence: principal type %q cannot hold a space role (want user, group or access_class)", t)
}

// RoleAssignments returns every role assignment of a space (v2 id), all pages, read once per space per
// run like SpacePermissions.
func (c *Client) RoleAssignments(ctx context.Context, spaceID string) ([]RoleAssignment, error) {
	list, err := c.assignments.Get(ctx, spaceID, func(ctx context.Context) ([]RoleAssignment, error) {
		rows, err := listAll[wireRoleAssignment](ctx, c, v2+"/spaces/"+url.PathEscape(spaceID)+"/role-assignments", url.Values{})
		if err != nil {
			return nil, err
		}
		out := make([]RoleAssignment, 0, len(rows))
		for _, r := range rows {
			out = append(out, RoleAssignment{
				Principal: Principal{Type: strings.ToLower(r.Principal.PrincipalType), ID: r.Principal.PrincipalID},
				RoleID:    r.RoleID,
			})
		}
		return out, nil
	})
	return slices.Clone(list), err
}

// SetRoleAssignments sets the role of each listed principal in a space, or removes it (empty RoleID), in
// one request that the API applies entirely or not at all. A principal holds one role per space.
func (c *Client) SetRoleAssignments(ctx context.Context, spaceID string, changes []RoleAssignment) error {
	if len(changes) == 0 {
		return nil
	}
	body := make([]wireRoleAssignment, 0, len(changes))
	for _, a := range changes {
		t, err := rolePrincipalType(a.Principal.Type)
		if err != nil {
			return err
		}
		body = append(body, wireRoleAssignment{Principal: wireRolePrincipal{PrincipalType: t, PrincipalID: a.Principal.ID}, RoleID: a.RoleID})
	}
	// The request sets each principal's role, so sending it twice leaves the space as once.
	err := c.api.Do(transport.Repeatable(ctx), http.MethodPost, v2+"/spaces/"+url.PathEscape(spaceID)+"/role-assignments", nil, body, nil)
	if err != nil {
		c.assignments.Forget(spaceID)
		return err
	}
	c.assignments.Update(spaceID, func(have []RoleAssignment) []RoleAssignment {
		out := slices.Clone(have)
		for _, ch := range changes {
			i := slices.IndexFunc(out, func(a RoleAssignment) bool { return a.Principal == ch.Principal })
			switch {
			case i >= 0 && ch.RoleID == "":
				out = slices.Delete(out, i, i+1)
			case i >= 0:
				out[i].RoleID = ch.RoleID
			case ch.RoleID != "":
				out = append(out, ch)
			}
		}
		return out
	})
	return nil
}
