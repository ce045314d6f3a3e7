package scim

import (
	"context"
	"slices"
	"sync"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// MembersPerPatch bounds how many users one membership PATCH carries. Atlassian publishes no limit on the size
// of a PATCH, and groups hold up to 35,000 users: bounded requests stay clear of unpublished payload limits and
// gateway timeouts, and a failure leaves the outcome of at most one chunk unknown.
const MembersPerPatch = 100

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

func (mc *memberCache) forgetAll() {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	mc.groups = nil
}

func (mc *memberCache) forget(groupID string) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	delete(mc.groups, groupID)
}

// load returns the group's cache entry, locked and loaded; the caller unlocks it.
func (c *Client) load(ctx context.Context, groupID string) (*cachedMembers, error) {
	e := c.members.entry(groupID)
	e.mu.Lock()
	if !e.loaded {
		g, err := c.GetGroup(ctx, groupID)
		if err != nil {
			e.mu.Unlock()
			return nil, err
		}
		e.set(g.Members)
	}
	return e, nil
}

// Members returns the SCIM user ids of the group's members, sorted. The group is read at most once per client
// unless a write through this client failed in a way that leaves its membership unknown.
func (c *Client) Members(ctx context.Context, groupID string) ([]string, error) {
	e, err := c.load(ctx, groupID)
	if err != nil {
		return nil, err
	}
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.members))
	for id := range e.members {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// IsMember reports whether the user is a member of the group, from the same cached read as Members.
func (c *Client) IsMember(ctx context.Context, groupID, userID string) (bool, error) {
	e, err := c.load(ctx, groupID)
	if err != nil {
		return false, err
	}
	defer e.mu.Unlock()
	_, ok := e.members[userID]
	return ok, nil
}

func (e *cachedMembers) set(members []Member) {
	e.members = make(map[string]struct{}, len(members))
	for _, m := range members {
		e.members[m.Value] = struct{}{}
	}
	e.loaded = true
}

// AddMembers adds users to a group, MembersPerPatch users per PATCH. Adding a user who is already a member is
// not an error. A user who does not exist or is deactivated makes the server answer 404, like a missing group.
func (c *Client) AddMembers(ctx context.Context, groupID string, userIDs ...string) error {
	for chunk := range slices.Chunk(userIDs, MembersPerPatch) {
		value := make([]Member, len(chunk))
		for i, id := range chunk {
			value[i] = Member{Value: id}
		}
		if err := c.patchMembers(ctx, groupID, chunk, PatchOperation{Op: "add", Path: "members", Value: value}); err != nil {
			return err
		}
	}
	return nil
}

// RemoveMembers removes users from a group, MembersPerPatch users per PATCH, one value-filtered remove per user
// (RFC 7644 §3.5.2.2, the form Okta sends). Removing a user who is not a member is not an error.
func (c *Client) RemoveMembers(ctx context.Context, groupID string, userIDs ...string) error {
	for chunk := range slices.Chunk(userIDs, MembersPerPatch) {
		ops := make([]PatchOperation, len(chunk))
		for i, id := range chunk {
			ops[i] = PatchOperation{Op: "remove", Path: "members[value eq " + quoteValue(id) + "]"}
		}
		err := c.patchMembers(ctx, groupID, nil, ops...)
		if transport.IsBadRequest(err) && transport.Code(err) == "noTarget" {
			// RFC 7644 lets a server report a filter matching nothing as noTarget; the group was left unchanged
			// or only partly changed, so it is read again when next needed.
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// patchMembers sends one membership PATCH and keeps the cache current from the group the server answers with.
// added are the users the PATCH adds: if the answer lacks one of them, the server did not return the full
// member list, and the group is read again when next needed instead of trusting it.
func (c *Client) patchMembers(ctx context.Context, groupID string, added []string, ops ...PatchOperation) error {
	g, err := c.PatchGroup(ctx, groupID, ops...)
	if err != nil {
		c.members.forget(groupID) // the outcome may be unknown: read again next time
		return err
	}
	e := c.members.entry(groupID)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.set(g.Members)
	for _, id := range added {
		if _, ok := e.members[id]; !ok {
			e.loaded = false
			break
		}
	}
	return nil
}
