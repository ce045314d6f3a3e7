package admin

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// Group is a group of the organization (MultiDirectoryGroup).
type Group struct {
	ID               string           `json:"id"`
	Name             string           `json:"name"`
	Description      string           `json:"description,omitempty"`
	DirectoryID      string           `json:"directoryId"`
	ExternalSynced   bool             `json:"externalSynced"` // synced from an identity provider: read-only here
	ManagedBy        string           `json:"managedBy"`      // "external" for synced groups, "admins", …
	ManagementAccess ManagementAccess `json:"managementAccess"`
	Counts           *GroupCounts     `json:"counts,omitempty"` // on GetGroup, and on searches that expand it
}

// ManagementAccess says what the caller may do with a group.
type ManagementAccess struct {
	Readable   bool `json:"readable"`
	Modifiable bool `json:"modifiable"`
	Deletable  bool `json:"deletable"`
}

// GroupCounts are a group's member and resource counts.
type GroupCounts struct {
	Users     int `json:"users"`
	Resources int `json:"resources"`
}

// Expand values of a group search.
const (
	ExpandGroupUsers     = "counts.users"
	ExpandGroupResources = "counts.resources"
)

// GroupSearch filters a group search; empty fields do not filter. GroupNames (at most 100) match whole names
// case-insensitively and exclude SearchTerm and GroupIDs; the other lists take at most 10 values
// (ResourceIDs 20).
type GroupSearch struct {
	SearchTerm     string   `json:"searchTerm,omitempty"`
	GroupNames     []string `json:"groupNames,omitempty"`
	GroupIDs       []string `json:"groupIds,omitempty"`
	AccountIDs     []string `json:"accountIds,omitempty"`
	DirectoryIDs   []string `json:"directoryIds,omitempty"`
	ResourceIDs    []string `json:"resourceIds,omitempty"`
	ResourceOwners []string `json:"resourceOwners,omitempty"`
	RoleIDs        []string `json:"roleIds,omitempty"`
	Expand         []string `json:"expand,omitempty"`
}

type groupSearchBody struct {
	GroupSearch
	Limit int `json:"limit"`
}

// SearchGroups returns every group of directoryID (or AllDirectories) matching q, following the cursor.
func (c *Client) SearchGroups(ctx context.Context, directoryID string, q GroupSearch) ([]Group, error) {
	found, err := postPages[Group](ctx, c, "groups", c.dirPath(directoryID, "/groups/search"), groupSearchBody{q, pageLimit})
	for i := range found {
		c.noteGroup(&found[i])
	}
	return found, err
}

// Groups yields the groups of directoryID (or AllDirectories) matching q, a page a request.
func (c *Client) Groups(ctx context.Context, directoryID string, q GroupSearch) iter.Seq2[Group, error] {
	return func(yield func(Group, error) bool) {
		for g, err := range postEach[Group](ctx, c, "groups", c.dirPath(directoryID, "/groups/search"), groupSearchBody{q, pageLimit}) {
			if err == nil {
				c.noteGroup(&g)
			}
			if !yield(g, err) {
				return
			}
		}
	}
}

// noteGroup remembers the directory of a group that was read, for the writes that follow.
func (c *Client) noteGroup(g *Group) {
	if g.ID != "" && g.DirectoryID != "" && g.DirectoryID != AllDirectories {
		c.groupDirs.Set(g.ID, g.DirectoryID)
	}
}

// GroupDirectory returns the id of the directory that holds a group, which every write to the group must
// name. It is known from any earlier read of the group in the run, else read once (GET with AllDirectories).
func (c *Client) GroupDirectory(ctx context.Context, groupID string) (string, error) {
	return c.groupDirs.Get(ctx, groupID, func(ctx context.Context) (string, error) {
		var out struct {
			Data Group `json:"data"`
		}
		if err := c.api.Do(ctx, http.MethodGet, c.dirPath(AllDirectories, "/groups/"+url.PathEscape(groupID)), nil, nil, &out); err != nil {
			return "", err
		}
		if out.Data.DirectoryID == "" {
			return "", fmt.Errorf("admin: group %s was read without its directoryId, which every write to it needs", groupID)
		}
		return out.Data.DirectoryID, nil
	})
}

// groupWritePath is the path of a write to a group (plus rest), in the group's own directory.
func (c *Client) groupWritePath(ctx context.Context, groupID, rest string) (string, error) {
	dir, err := c.GroupDirectory(ctx, groupID)
	if err != nil {
		return "", err
	}
	return c.dirPath(dir, "/groups/"+url.PathEscape(groupID)+rest), nil
}

// GroupsByName returns the groups whose names equal any of names, case-insensitively, in batches of 100 names.
func (c *Client) GroupsByName(ctx context.Context, directoryID string, names ...string) ([]Group, error) {
	var unique []string
	for _, n := range names {
		if !slices.ContainsFunc(unique, func(u string) bool { return strings.EqualFold(u, n) }) {
			unique = append(unique, n)
		}
	}
	var out []Group
	for batch := range slices.Chunk(unique, maxNames) {
		found, err := c.SearchGroups(ctx, directoryID, GroupSearch{GroupNames: batch})
		if err != nil {
			return nil, err
		}
		for _, g := range found {
			// The service matches whole names; checking again keeps a looser server from widening the result.
			if slices.ContainsFunc(batch, func(n string) bool { return strings.EqualFold(n, g.Name) }) {
				out = append(out, g)
			}
		}
	}
	return out, nil
}

// GroupByName returns the one group named name (case-insensitively). None is a not-found error; several (names
// are unique in an org, so only on a misbehaving server) an error listing them.
func (c *Client) GroupByName(ctx context.Context, directoryID, name string) (*Group, error) {
	found, err := c.GroupsByName(ctx, directoryID, name)
	if err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, notFound(http.MethodPost, c.dirPath(directoryID, "/groups/search"), "no group named %q exists in the organization", name)
	case 1:
		return &found[0], nil
	}
	ids := make([]string, 0, len(found))
	for _, g := range found {
		ids = append(ids, g.Name+" ("+g.ID+")")
	}
	return nil, fmt.Errorf("admin: %d groups are named %q: %s", len(found), name, strings.Join(ids, ", "))
}

// GetGroup reads a group by id, with its counts.
func (c *Client) GetGroup(ctx context.Context, directoryID, groupID string) (*Group, error) {
	var out struct {
		Data Group `json:"data"`
	}
	if err := c.api.Do(ctx, http.MethodGet, c.dirPath(directoryID, "/groups/"+url.PathEscape(groupID)), nil, nil, &out); err != nil {
		return nil, err
	}
	c.noteGroup(&out.Data)
	return &out.Data, nil
}

// CreateGroup creates a local group in directoryID (a real directory id, never AllDirectories) and returns it.
// The API answers 201 without a body and the directory lags a create (reference §2.4), so the group is then
// looked up by its exact name until it shows, within ctx's deadline or DefaultConsistencyTimeout. A 409 (the
// name is taken) is returned as is. When the answer is lost the name is looked up once (transport.Settle): a
// group with the asked description is the one created.
func (c *Client) CreateGroup(ctx context.Context, directoryID, name, description string) (*Group, error) {
	if directoryID == "" || directoryID == AllDirectories {
		return nil, fmt.Errorf("admin: a group is created in a real directory, not %q: pick one from Directories", directoryID)
	}
	body := map[string]string{"name": name}
	if description != "" {
		body["description"] = description
	}
	byName := func(ctx context.Context) (*Group, bool, error) {
		g, err := c.GroupByName(ctx, directoryID, name)
		if transport.IsNotFound(err) {
			return nil, false, nil
		}
		return g, err == nil, err
	}
	return transport.Settle(ctx, transport.Write[*Group]{
		What: fmt.Sprintf("group %q", name),
		Send: func(ctx context.Context) (*Group, error) {
			if err := c.api.Do(ctx, http.MethodPost, c.dirPath(directoryID, "/groups"), nil, body, nil); err != nil {
				return nil, err
			}
			g, err := c.awaitGroup(ctx, directoryID, name)
			if err != nil && errors.Is(ctx.Err(), context.Canceled) {
				// Made, and interrupted while waiting for it to show: one last look, to save what was made.
				rctx, cancel := transport.Detached(ctx)
				defer cancel()
				if g, ok, _ := byName(rctx); ok {
					return g, &transport.InterruptedError{What: fmt.Sprintf("group %q", name), Saved: true, Err: ctx.Err()}
				}
			}
			return g, err
		},
		Find: byName,
		Await: func(ctx context.Context) (*Group, bool, error) {
			g, err := c.awaitGroup(ctx, directoryID, name)
			return g, err == nil, err
		},
		Differs: func(found *Group) string { return describedOtherwise(found, description) },
		ID:      func(found *Group) string { return found.ID },
	})
}

// awaitGroup waits for a group just created to show in its directory, looking it up by name.
func (c *Client) awaitGroup(ctx context.Context, directoryID, name string) (*Group, error) {
	var g *Group
	err := transport.WaitFor(ctx, DefaultConsistencyTimeout, transport.DefaultPolling, func(ctx context.Context) (bool, error) {
		found, err := c.GroupByName(ctx, directoryID, name)
		if transport.IsNotFound(err) {
			return false, nil
		}
		g = found
		return err == nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("admin: group %q was created but could not be found by name: %w", name, err)
	}
	return g, nil
}

// describedOtherwise says how a group's description differs from want, or "".
func describedOtherwise(g *Group, want string) string {
	if g.Description != want {
		return fmt.Sprintf("its description is %q, not %q", g.Description, want)
	}
	return ""
}

// DeleteGroup deletes a group, in its own directory. A group that is already gone is not an error. Synced,
// default and admin-granting groups are refused with 403 (ADMIN-403-5/6/7).
func (c *Client) DeleteGroup(ctx context.Context, groupID string) error {
	err := c.writeGroup(ctx, http.MethodDelete, groupID, "", nil)
	if err == nil {
		c.groupDirs.Forget(groupID)
	}
	if transport.IsNotFound(err) {
		return nil
	}
	return err
}

// writeGroup sends one write to a group in the group's own directory.
func (c *Client) writeGroup(ctx context.Context, method, groupID, rest string, body any) error {
	p, err := c.groupWritePath(ctx, groupID, rest)
	if err != nil {
		return err
	}
	return c.api.Do(ctx, method, p, nil, body, nil)
}

// AddMember adds an account to a local group. Synced groups refuse it (403); a member already in the group is
// a 409 that IsAlreadyMember recognises, which also makes the request safe to repeat.
func (c *Client) AddMember(ctx context.Context, groupID, accountID string) error {
	return c.writeGroup(transport.Repeatable(ctx), http.MethodPost, groupID, "/memberships", map[string]string{"accountId": accountID})
}

// RemoveMember removes an account from a local group. A membership (or group) that is already gone is not an
// error.
func (c *Client) RemoveMember(ctx context.Context, groupID, accountID string) error {
	err := c.writeGroup(ctx, http.MethodDelete, groupID, "/memberships/"+url.PathEscape(accountID), nil)
	if transport.IsNotFound(err) {
		return nil
	}
	return err
}

// RoleAssignment is a group's roles on one resource.
type RoleAssignment struct {
	ResourceID    string   `json:"resourceId"`    // an ARI, e.g. ari:cloud:confluence::site/<cloudId>
	ResourceOwner string   `json:"resourceOwner"` // the app, e.g. confluence
	Roles         []string `json:"roles"`
	DefaultRole   *string  `json:"defaultRole"`
}

// GroupRoleAssignments lists a group's role assignments, restricted to resourceIDs when given. Role changes
// are eventually consistent (up to 30 s, reference §2.6): use transport.WaitFor after a write.
func (c *Client) GroupRoleAssignments(ctx context.Context, directoryID, groupID string, resourceIDs ...string) ([]RoleAssignment, error) {
	q := url.Values{"limit": {fmt.Sprint(pageLimit)}}
	if len(resourceIDs) > 0 && len(resourceIDs) <= maxResources {
		q["resourceIds"] = resourceIDs
	}
	all, err := getPages[RoleAssignment](ctx, c, "role assignments",
		c.dirPath(directoryID, "/groups/"+url.PathEscape(groupID)+"/role-assignments"), q)
	if err != nil || len(resourceIDs) == 0 {
		return all, err
	}
	return slices.DeleteFunc(all, func(a RoleAssignment) bool { return !slices.Contains(resourceIDs, a.ResourceID) }), nil
}

// GroupRoles returns the roles a group holds on one resource, sorted.
func (c *Client) GroupRoles(ctx context.Context, directoryID, groupID, resourceID string) ([]string, error) {
	assignments, err := c.GroupRoleAssignments(ctx, directoryID, groupID, resourceID)
	if err != nil {
		return nil, err
	}
	var roles []string
	for _, a := range assignments {
		for _, r := range a.Roles {
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
	}
	slices.Sort(roles)
	return roles, nil
}

type roleChange struct {
	ResourceID string `json:"resourceId"`
	RoleID     string `json:"roleId"`
}

// AssignGroupRole gives a group a role on a resource (product access). An unknown role is a 400
// (ADMIN-UAM-400-3), an unknown resource a 404 (ADMIN-UAM-404-1).
//
// A role already held is not an error (UNCONFIRMED, reference §8.7), so the request is safe to repeat.
func (c *Client) AssignGroupRole(ctx context.Context, groupID, resourceID, roleID string) error {
	return c.writeGroup(transport.Repeatable(ctx), http.MethodPost, groupID, "/role-assignments/assign", roleChange{resourceID, roleID})
}

// RevokeGroupRole takes a role on a resource away from a group. A 404 (the group or resource is gone) leaves
// nothing granted, which is what a revoke is for, so it is not an error.
func (c *Client) RevokeGroupRole(ctx context.Context, groupID, resourceID, roleID string) error {
	// Revoking what is not held changes nothing (UNCONFIRMED, reference §8.7): safe to repeat.
	err := c.writeGroup(transport.Repeatable(ctx), http.MethodPost, groupID, "/role-assignments/revoke", roleChange{resourceID, roleID})
	if transport.IsNotFound(err) {
		return nil
	}
	return err
}
