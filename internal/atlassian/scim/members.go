package scim

import (
	"context"
	"slices"
	"sync"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// memberCache keeps each group's member list for the run, so that any number of membership resources of one
// group cost one read of that group. Writes made through the same client keep it current.
type memberCache struct {
	mu     sync.Mutex
	groups map[string]*cachedMembers
}

type cachedMembers struct {
	mu      sync.Mutex // held while loading, so concurrent readers of one group share one request
	loaded  bool
	members map[string]struct{}
}

func (mc *memberCache) entry(groupID string) *cachedMembers {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.groups == nil {
		mc.groups = map[string]*cachedMembers{}
	}
	e, ok := mc.groups[groupID]
	if !ok {
		e = &cachedMembers{}
		mc.groups[groupID] = e
	}
	return e
}

func (mc *memberCache) forget(groupID string) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	delete(mc.groups, groupID)
}

// Members returns the SCIM user ids of the group's members, sorted. The group is read at most once per client
// unless a write through this client failed in a way that leaves its membership unknown.
func (c *Client) Members(ctx context.Context, groupID string) ([]string, error) {
	e := c.members.entry(groupID)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.loaded {
		g, err := c.GetGroup(ctx, groupID)
		if err != nil {
			return nil, err
		}
		e.set(g.Members)
	}
	out := make([]string, 0, len(e.members))
	for id := range e.members {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

func (e *cachedMembers) set(members []Member) {
	e.members = make(map[string]struct{}, len(members))
	for _, m := range members {
		e.members[m.Value] = struct{}{}
	}
	e.loaded = true
}

// AddMembers adds users to a group in one PATCH. Adding a user who is already a member is not an error.
func (c *Client) AddMembers(ctx context.Context, groupID string, userIDs ...string) error {
	if len(userIDs) == 0 {
		return nil
	}
	value := make([]Member, len(userIDs))
	for i, id := range userIDs {
		value[i] = Member{Value: id}
	}
	return c.patchMembers(ctx, groupID, PatchOperation{Op: "add", Path: "members", Value: value})
}

// RemoveMembers removes users from a group in one PATCH, one value-filtered remove per user (RFC 7644
// §3.5.2.2, the form Okta sends). Removing a user who is not a member is not an error.
func (c *Client) RemoveMembers(ctx context.Context, groupID string, userIDs ...string) error {
	if len(userIDs) == 0 {
		return nil
	}
	ops := make([]PatchOperation, len(userIDs))
	for i, id := range userIDs {
		ops[i] = PatchOperation{Op: "remove", Path: "members[value eq " + quoteValue(id) + "]"}
	}
	err := c.patchMembers(ctx, groupID, ops...)
	if transport.IsBadRequest(err) && transport.Code(err) == "noTarget" {
		return nil // RFC 7644: a filter matching nothing may be reported as noTarget
	}
	return err
}

func (c *Client) patchMembers(ctx context.Context, groupID string, ops ...PatchOperation) error {
	g, err := c.PatchGroup(ctx, groupID, ops...)
	if err != nil {
		c.members.forget(groupID) // the outcome may be unknown: read again next time
		return err
	}
	e := c.members.entry(groupID)
	e.mu.Lock()
	e.set(g.Members)
	e.mu.Unlock()
	return nil
}
