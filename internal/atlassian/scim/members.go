package scim

import (
	"context"
	"slices"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// MembersPerPatch bounds how many users one membership PATCH carries. Atlassian publishes no limit on the size
// of a PATCH, and groups hold up to 35,000 users: bounded requests stay clear of unpublished payload limits and
// gateway timeouts, and a failure leaves the outcome of at most one chunk unknown.
const MembersPerPatch = 100

// memberSet is a group's members: SCIM user id to the display the group lists for it (a user name or email).
type memberSet map[string]string

func newMemberSet(members []Member) memberSet {
	set := make(memberSet, len(members))
	for _, m := range members {
		set[m.Value] = m.Display
	}
	return set
}

// MemberDisplays returns, for each of ids that is a member of the group, the display the group lists for it
// (RFC 7643 members.display: a user name or email), from the same one read per run as Members.
func (c *Client) MemberDisplays(ctx context.Context, groupID string, ids []string) (map[string]string, error) {
	set, err := c.memberSetOf(ctx, groupID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		if d := set[id]; d != "" {
			out[id] = d
		}
	}
	return out, nil
}

// memberSetOf reads a group's members through the client's run cache: any number of membership resources of
// one group cost one read of that group, and writes through the client keep it current.
func (c *Client) memberSetOf(ctx context.Context, groupID string) (memberSet, error) {
	return c.members.Get(ctx, groupID, func(ctx context.Context) (memberSet, error) {
		g, err := c.GetGroup(ctx, groupID)
		if err != nil {
			return nil, err
		}
		return newMemberSet(g.Members), nil
	})
}

// Members returns the SCIM user ids of the group's members, sorted. The group is read at most once per client
// unless a write through this client failed in a way that leaves its membership unknown.
func (c *Client) Members(ctx context.Context, groupID string) ([]string, error) {
	set, err := c.memberSetOf(ctx, groupID)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// IsMember reports whether the user is a member of the group, from the same cached read as Members.
func (c *Client) IsMember(ctx context.Context, groupID, userID string) (bool, error) {
	set, err := c.memberSetOf(ctx, groupID)
	_, ok := set[userID]
	return ok, err
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
		c.members.Forget(groupID) // the outcome may be unknown: read again next time
		return err
	}
	set := newMemberSet(g.Members)
	for _, id := range added {
		if _, ok := set[id]; !ok {
			c.members.Forget(groupID)
			return nil
		}
	}
	c.members.Set(groupID, set)
	return nil
}
