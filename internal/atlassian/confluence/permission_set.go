package confluence

import (
	"slices"
	"sync"
)

// permissionSet is one space's classic permissions as the client knows them for the run. It is the one value
// the run cache keeps per space that writes edit in place rather than replace: a write changes one principal's
// entries, in time proportional to them and not to the space's whole table, which matters for a space with
// thousands of grants written one request at a time. Its lock guards every access, so readers never see a
// write half done; what it hands out are copies.
type permissionSet struct {
	mu          sync.Mutex
	byPrincipal map[Principal][]entry
	principalOf map[string]Principal // permission id → principal
	next        int                  // the order of the next permission added
	listing     []Permission         // the whole listing in order, nil after a change until asked for
}

// entry is a permission with its place in the listing: the API's order, then the order of later additions.
type entry struct {
	Permission
	order int
}

func newPermissionSet(perms []Permission) *permissionSet {
	s := &permissionSet{byPrincipal: map[Principal][]entry{}, principalOf: map[string]Principal{}}
	for _, p := range perms {
		s.add(p)
	}
	return s
}

// all is the whole listing, in order.
func (s *permissionSet) all() []Permission {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listing == nil {
		var es []entry
		for _, held := range s.byPrincipal {
			es = append(es, held...)
		}
		slices.SortFunc(es, func(a, b entry) int { return a.order - b.order })
		s.listing = make([]Permission, len(es))
		for i, e := range es {
			s.listing[i] = e.Permission
		}
	}
	return slices.Clone(s.listing)
}

// of is what one principal holds, in order.
func (s *permissionSet) of(p Principal) []Permission {
	s.mu.Lock()
	defer s.mu.Unlock()
	held := s.byPrincipal[p]
	out := make([]Permission, len(held))
	for i, e := range held {
		out[i] = e.Permission
	}
	return out
}

// find is the principal's permission op, if held.
func (s *permissionSet) find(p Principal, op Operation) (Permission, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.byPrincipal[p] {
		if e.Operation == op {
			return e.Permission, true
		}
	}
	return Permission{}, false
}

// put adds a permission written through the client, unless its id is known (a settling read holds it).
func (s *permissionSet) put(p Permission) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, known := s.principalOf[p.ID]; !known {
		s.add(p)
	}
}

// add adds p; the caller holds the lock (or owns s).
func (s *permissionSet) add(p Permission) {
	s.byPrincipal[p.Principal] = append(s.byPrincipal[p.Principal], entry{Permission: p, order: s.next})
	s.principalOf[p.ID] = p.Principal
	s.next++
	s.listing = nil
}

// remove drops the permission id, and with read/space every permission of its principal (the API removes them
// together). It reports whether the id was known.
func (s *permissionSet) remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, known := s.principalOf[id]
	if !known {
		return false
	}
	held := s.byPrincipal[p]
	i := slices.IndexFunc(held, func(e entry) bool { return e.ID == id })
	if held[i].Operation == ReadSpace {
		for _, e := range held {
			delete(s.principalOf, e.ID)
		}
		delete(s.byPrincipal, p)
	} else {
		delete(s.principalOf, id)
		s.byPrincipal[p] = slices.Delete(held, i, i+1)
	}
	s.listing = nil
	return true
}
