package emulator

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// The state's indexes. A scale run holds thousands of grants over hundreds of spaces, and the provider asks
// about one space at a time (may the caller read it, list its grants, add one). Kept in flat site-wide
// lists, every such request would cost the whole site; so the space-scoped state is held per space, and a
// request about one space reads only that space's entries (TestRequestsAboutOneSpaceReadOnlyThatSpace
// proves it; BenchmarkListSpacePermissions measures it). The functions in this file are the only writers
// of the indexes; everything else reads through them or through the maps below.
//
//   - st.spaces (id → space), st.spaceKeys (key → space), st.spaceHomes (home page id → space), all
//     set when a space is added (spaces are never renamed or deleted);
//   - st.spaceAccess[id]: the space's classic grants, oldest first, and its role assignments, in the
//     order they were made: the order the listings answer in (their cursors are offsets into it);
//   - st.spacePerms: every classic grant of the site by its id (ids are unique site-wide), for the
//     lookup of a grant by id;
//   - st.roleAssignments: every role assignment of the site by its number (the order it was first made),
//     for the questions about the whole site (where a role is assigned, anonymous access moving with a
//     role update).
//
// Both site-wide maps hold the same pointers as the per-space lists. Map iteration order is random: site-
// wide questions must not depend on order (those that do walk st.spaceOrder and each space's lists).
//
// Below the space index are the group indexes a permission check meets: each org group's member set, the
// product role grants by group, and the org groups by case-folded name.

// spaceEntries is what the index holds for one space.
type spaceEntries struct {
	perms   []*spacePermission     // classic grants, oldest first
	assigns []*spaceRoleAssignment // role assignments, in the order they were made
}

// indexSpace adds a new space to the index.
func (st *state) indexSpace(s *space) {
	st.spaces[s.ID] = s
	st.spaceOrder = append(st.spaceOrder, s.ID)
	st.spaceKeys[s.Key] = s
	st.spaceHomes[s.HomepageID] = s
	st.spaceAccess[s.ID] = &spaceEntries{}
}

func (st *state) spaceByKey(key string) *space { return st.spaceKeys[key] }

// spaceByHomepage finds the space whose home page has the id.
func (st *state) spaceByHomepage(id int64) *space { return st.spaceHomes[id] }

// spacesNamed returns the spaces with one of keys and one of ids (a nil list matches every space), in id
// order: the candidates of a spaces listing, found through the index when the listing names keys or ids
// (the provider's key→id lookups) rather than by walking every space.
func (st *state) spacesNamed(keys []string, ids []int64) []*space {
	out := []*space{}
	if len(keys) == 0 && len(ids) == 0 {
		for _, id := range st.spaceOrder {
			out = append(out, st.spaces[id])
		}
		return out
	}
	add := func(s *space) {
		if s != nil && (len(keys) == 0 || slices.Contains(keys, s.Key)) && (len(ids) == 0 || slices.Contains(ids, s.ID)) &&
			!slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(keys) > 0 {
		for _, k := range keys {
			add(st.spaceKeys[k])
		}
	} else {
		for _, id := range ids {
			add(st.spaces[id])
		}
	}
	slices.SortFunc(out, func(a, b *space) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// entries returns the index of a space; an unknown space has an empty one.
func (st *state) entries(spaceID int64) *spaceEntries {
	if x := st.spaceAccess[spaceID]; x != nil {
		return x
	}
	return &spaceEntries{}
}

// permsOf returns the classic grants of a space, oldest first. Callers must not change the slice.
func (st *state) permsOf(spaceID int64) []*spacePermission { return st.entries(spaceID).perms }

// assignsOf returns the role assignments of a space, in the order they were made. Callers must not change
// the slice.
func (st *state) assignsOf(spaceID int64) []*spaceRoleAssignment { return st.entries(spaceID).assigns }

// addSpacePermission grants a classic permission; the grant gets the next id.
func (st *state) addSpacePermission(spaceID int64, principalType, principalID, key, target string) *spacePermission {
	p := &spacePermission{
		ID: st.nextPermID, SpaceID: spaceID, PrincipalType: principalType, PrincipalID: principalID,
		Key: key, Target: target,
	}
	st.nextPermID++
	x := st.spaceAccess[spaceID]
	x.perms = append(x.perms, p)
	st.spacePerms[p.ID] = p
	return p
}

// setSpacePerms replaces the classic grants of a space with perms, a subset of them in their order (what a
// removal leaves).
func (st *state) setSpacePerms(spaceID int64, perms []*spacePermission) {
	x := st.spaceAccess[spaceID]
	for _, p := range x.perms {
		delete(st.spacePerms, p.ID)
	}
	for _, p := range perms {
		st.spacePerms[p.ID] = p
	}
	x.perms = perms
}

// addRoleAssignment records a new role assignment, after the space's others.
func (st *state) addRoleAssignment(a *spaceRoleAssignment) {
	a.seq = st.nextAssignSeq
	st.nextAssignSeq++
	x := st.spaceAccess[a.SpaceID]
	x.assigns = append(x.assigns, a)
	st.roleAssignments[a.seq] = a
}

// setSpaceAssigns replaces the role assignments of a space with assigns, in their order. An entry that
// carries the number of one of the space's assignments for the same principal (an updated copy) keeps the
// number; the others are new and get the next.
func (st *state) setSpaceAssigns(spaceID int64, assigns []*spaceRoleAssignment) {
	x := st.spaceAccess[spaceID]
	before := make(map[int]*spaceRoleAssignment, len(x.assigns))
	for _, a := range x.assigns {
		before[a.seq] = a
		delete(st.roleAssignments, a.seq)
	}
	for _, a := range assigns {
		if old := before[a.seq]; old == nil || old.PrincipalType != a.PrincipalType || old.PrincipalID != a.PrincipalID {
			a.seq = st.nextAssignSeq
			st.nextAssignSeq++
		}
		st.roleAssignments[a.seq] = a
	}
	x.assigns = assigns
}

// dropGroupAccess removes every classic grant and role assignment of a group (it is being deleted). It walks
// each space once, keeping the order of what stays.
func (st *state) dropGroupAccess(groupID string) {
	for _, id := range st.spaceOrder {
		x := st.spaceAccess[id]
		x.perms = slices.DeleteFunc(x.perms, func(p *spacePermission) bool {
			gone := p.PrincipalType == principalGroup && p.PrincipalID == groupID
			if gone {
				delete(st.spacePerms, p.ID)
			}
			return gone
		})
		x.assigns = slices.DeleteFunc(x.assigns, func(a *spaceRoleAssignment) bool {
			gone := a.PrincipalType == rolePrincipalGroup && a.PrincipalID == groupID
			if gone {
				delete(st.roleAssignments, a.seq)
			}
			return gone
		})
	}
}

// Group members. orgGroup.Members keeps the order members joined (what the member listings answer);
// memberSet answers "is the account a member" in one lookup, which every group grant a permission check
// meets would otherwise pay with a walk of the group. These methods are the only writers of both.

// hasMember reports whether the account is a member of the group.
func (g *orgGroup) hasMember(accountID string) bool { return g.memberSet[accountID] }

// addMember adds the account after the others; false when it is a member already.
func (g *orgGroup) addMember(accountID string) bool {
	if g.memberSet[accountID] {
		return false
	}
	if g.memberSet == nil {
		g.memberSet = map[string]bool{}
	}
	g.memberSet[accountID] = true
	g.Members = append(g.Members, accountID)
	return true
}

// removeMember removes the account; false when it was not a member.
func (g *orgGroup) removeMember(accountID string) bool {
	if !g.memberSet[accountID] {
		return false
	}
	delete(g.memberSet, accountID)
	g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return m == accountID })
	return true
}

// setMembers makes the accounts the group's members, in their order, each once.
func (g *orgGroup) setMembers(accountIDs []string) {
	g.Members, g.memberSet = g.Members[:0], map[string]bool{}
	for _, id := range accountIDs {
		g.addMember(id)
	}
}

// addRoleGrant records a group's product role, after the group's others. Role grants are held by group
// (st.roleGrants): every question about them (a group's roles, whether it grants admin, whether an account
// may use the site) is about one group.
func (st *state) addRoleGrant(g *roleGrant) {
	st.roleGrants[g.GroupID] = append(st.roleGrants[g.GroupID], g)
}

// Org groups by name. Names are unique but for case (every create checks), and looked up case-insensitively
// on group writes, grants to a group named by name and every product admin check; st.orgGroupNames keeps
// the ids of each folded name in group order, so orgGroupByName answers the first, as a walk would.

// foldName maps a name to a key that is equal for exactly the names strings.EqualFold calls equal: each
// rune becomes the smallest rune of its simple case-folding orbit.
func foldName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

func (st *state) indexGroupName(g *orgGroup) {
	k := foldName(g.Name)
	st.orgGroupNames[k] = append(st.orgGroupNames[k], g.ID)
}

func (st *state) unindexGroupName(g *orgGroup) {
	if g == nil {
		return
	}
	k := foldName(g.Name)
	if ids := slices.DeleteFunc(st.orgGroupNames[k], func(id string) bool { return id == g.ID }); len(ids) > 0 {
		st.orgGroupNames[k] = ids
	} else {
		delete(st.orgGroupNames, k)
	}
}

// orgGroupByName returns the first org group whose name equals name but for case.
func (st *state) orgGroupByName(name string) *orgGroup {
	if ids := st.orgGroupNames[foldName(name)]; len(ids) > 0 {
		return st.orgGroups[ids[0]]
	}
	return nil
}
