package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// SCIM HTTP handlers (reference §1, RFC 7644). The directory id and the credential are checked by
// the middleware.

const (
	scimMaxCount = 100
	maxBodyBytes = 5 << 20
)

func writeSCIM(w http.ResponseWriter, status int, v any) { writeJSON(w, status, contentTypeSCIM, v) }

// readObject decodes a JSON object body.
func readObject(w http.ResponseWriter, r *http.Request) (map[string]any, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	dec := json.NewDecoder(r.Body)
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the request body is empty")
		}
		return nil, errors.New("the request body is not a JSON object")
	}
	if body == nil {
		return nil, errors.New("the request body is not a JSON object")
	}
	return body, nil
}

func readSCIMObject(w http.ResponseWriter, r *http.Request) (map[string]any, *scimError) {
	body, err := readObject(w, r)
	if err != nil {
		return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "Invalid payload: %v.", err)
	}
	return body, nil
}

// page is a SCIM 1-based page request.
type page struct{ start, count int }

// scimPage reads startIndex and count: startIndex below 1 means 1 and a negative count means 0
// (RFC 7644 §3.4.2.4); count is capped at 100 and at Options.PageSize.
func (e *Emulator) scimPage(r *http.Request) (page, *scimError) {
	p := page{start: 1, count: scimMaxCount}
	q := r.URL.Query()
	if s := q.Get("startIndex"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return p, scimErr(http.StatusBadRequest, "invalidValue", "startIndex must be an integer.")
		}
		p.start = max(n, 1)
	}
	if s := q.Get("count"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return p, scimErr(http.StatusBadRequest, "invalidValue", "count must be an integer.")
		}
		p.count = min(max(n, 0), scimMaxCount)
	}
	if e.opts.PageSize > 0 {
		p.count = min(p.count, e.opts.PageSize)
	}
	return p, nil
}

func listResponse(total int, p page, resources []any) map[string]any {
	return map[string]any{
		"schemas":      []string{schemaListResponse},
		"totalResults": total,
		"startIndex":   p.start,
		"itemsPerPage": len(resources),
		"Resources":    resources,
	}
}

func pageBounds(total int, p page) (int, int) {
	from := min(p.start-1, total)
	to := min(from+p.count, total)
	return from, to
}

// projection reads attributes / excludedAttributes (mutually exclusive).
func projection(r *http.Request) (attrs, excluded []string, se *scimError) {
	q := r.URL.Query()
	split := func(s string) []string {
		var out []string
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		return out
	}
	attrs, excluded = split(q.Get("attributes")), split(q.Get("excludedAttributes"))
	if len(attrs) > 0 && len(excluded) > 0 {
		return nil, nil, scimErr(http.StatusBadRequest, "invalidSyntax", "attributes and excludedAttributes are mutually exclusive.")
	}
	return attrs, excluded, nil
}

// project applies an attributes/excludedAttributes selection to a rendered resource. "id" and
// "schemas" are always returned.
func project(doc map[string]any, attrs, excluded []string) map[string]any {
	if len(attrs) == 0 && len(excluded) == 0 {
		return doc
	}
	find := func(m map[string]any, name string) (string, bool) {
		for k := range m {
			if strings.EqualFold(k, name) {
				return k, true
			}
		}
		return "", false
	}
	split := func(a string) (string, string) {
		if ext, sub, ok := splitExtensionAttr(a); ok {
			return ext, sub
		}
		a = stripCoreURN(a)
		top, sub, _ := strings.Cut(a, ".")
		return top, sub
	}
	if len(attrs) > 0 {
		out := map[string]any{"id": doc["id"], "schemas": doc["schemas"]}
		for _, a := range attrs {
			top, sub := split(a)
			k, ok := find(doc, top)
			if !ok {
				continue
			}
			if sub == "" {
				out[k] = doc[k]
				continue
			}
			switch v := doc[k].(type) {
			case map[string]any:
				dst, _ := out[k].(map[string]any)
				if dst == nil {
					dst = map[string]any{}
				}
				if sk, ok := find(v, sub); ok {
					dst[sk] = v[sk]
				}
				out[k] = dst
			case []any:
				var list []any
				for _, item := range v {
					if m, ok := item.(map[string]any); ok {
						if sk, ok := find(m, sub); ok {
							list = append(list, map[string]any{sk: m[sk]})
						}
					}
				}
				out[k] = list
			}
		}
		return out
	}
	out := map[string]any{}
	for k, v := range doc {
		out[k] = v
	}
	for _, a := range excluded {
		top, sub := split(a)
		k, ok := find(out, top)
		if !ok || k == "id" || k == "schemas" {
			continue
		}
		if sub == "" {
			delete(out, k)
			continue
		}
		if m, ok := out[k].(map[string]any); ok {
			c := map[string]any{}
			for mk, mv := range m {
				if !strings.EqualFold(mk, sub) {
					c[mk] = mv
				}
			}
			out[k] = c
		}
	}
	return out
}

// scimList is the skeleton both SCIM list routes share: the single eq filter on the attributes the route
// supports (reference §1.5), 1-based paging and attribute projection, then one page of the matching items.
func scimList[T any](e *Emulator, w http.ResponseWriter, r *http.Request, filterAttrs []string,
	items func(st *state) []T, match func(item T, f *listFilter) bool, render func(st *state, item T, base string) map[string]any,
) {
	var f *listFilter
	if s := r.URL.Query().Get("filter"); s != "" {
		var err error
		if f, err = parseListFilter(s, filterAttrs...); err != nil {
			writeSCIMError(w, scimErr(http.StatusBadRequest, "invalidFilter", "Invalid filter: %v.", err))
			return
		}
	}
	p, se := e.scimPage(r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	attrs, excluded, se := projection(r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	base := e.base(r)
	e.lock()
	var matched []T
	for _, item := range items(e.st) {
		if f == nil || match(item, f) {
			matched = append(matched, item)
		}
	}
	from, to := pageBounds(len(matched), p)
	resources := make([]any, 0, to-from)
	for _, item := range matched[from:to] {
		resources = append(resources, project(render(e.st, item, base), attrs, excluded))
	}
	e.unlock()
	writeSCIM(w, http.StatusOK, listResponse(len(matched), p, resources))
}

func (e *Emulator) scimListUsers(w http.ResponseWriter, r *http.Request) {
	scimList(e, w, r, []string{"userName", "externalId"}, (*state).liveUsers,
		func(u *scimUser, f *listFilter) bool {
			if f.attr == "userName" {
				return strings.EqualFold(u.UserName, f.value)
			}
			return u.ExternalID == f.value // externalId is case-exact
		}, e.renderUser)
}

func (e *Emulator) scimCreateUser(w http.ResponseWriter, r *http.Request) {
	attrs, excluded, se := projection(r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	body, se := readSCIMObject(w, r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	in, se := userFromDoc(canonicalDoc(userAttrs, body), true)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	base := e.base(r)
	now := e.lock()
	u, se := e.st.createUser(in, now)
	var doc map[string]any
	if se == nil {
		doc = project(e.renderUser(e.st, u, base), attrs, excluded)
	}
	e.unlock()
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	w.Header().Set("Location", e.scimBase(base)+"/Users/"+u.ID)
	writeSCIM(w, http.StatusCreated, doc)
}

func userNotFound(id string) *scimError {
	return scimErr(http.StatusNotFound, "", "Resource [USER] with id [%s] not found.", id)
}

func groupNotFound(id string) *scimError {
	return scimErr(http.StatusNotFound, "", "Resource [GROUP] with id [%s] not found.", id)
}

func (e *Emulator) scimGetUser(w http.ResponseWriter, r *http.Request) {
	attrs, excluded, se := projection(r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	base := e.base(r)
	e.lock()
	u := e.st.liveUser(r.PathValue("userId"))
	var doc map[string]any
	if u != nil {
		doc = project(e.renderUser(e.st, u, base), attrs, excluded)
	}
	e.unlock()
	if u == nil {
		writeSCIMError(w, userNotFound(r.PathValue("userId")))
		return
	}
	writeSCIM(w, http.StatusOK, doc)
}

func (e *Emulator) scimReplaceUser(w http.ResponseWriter, r *http.Request) {
	body, se := readSCIMObject(w, r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	e.updateUser(w, r, func(u *scimUser) (*scimUser, *scimError) {
		// PUT replaces every attribute; an absent "active" keeps the current state.
		return userFromDoc(canonicalDoc(userAttrs, body), u.Active)
	})
}

func (e *Emulator) scimPatchUser(w http.ResponseWriter, r *http.Request) {
	body, se := readSCIMObject(w, r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	ops, se := parsePatchBody(body)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	e.updateUser(w, r, func(u *scimUser) (*scimUser, *scimError) {
		doc := userDoc(u)
		if se := applyPatch(userAttrs, doc, ops); se != nil {
			return nil, se
		}
		return userFromDoc(doc, u.Active)
	})
}

// updateUser runs a PUT/PATCH: build computes the new attributes from the stored user.
func (e *Emulator) updateUser(w http.ResponseWriter, r *http.Request, build func(*scimUser) (*scimUser, *scimError)) {
	attrs, excluded, se := projection(r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	base := e.base(r)
	id := r.PathValue("userId")
	now := e.lock()
	var doc map[string]any
	u := e.st.liveUser(id)
	if u == nil {
		se = userNotFound(id)
	} else {
		var in *scimUser
		if in, se = build(u); se == nil {
			se = e.st.replaceUser(u, in, now)
		}
		if se == nil {
			doc = project(e.renderUser(e.st, u, base), attrs, excluded)
		}
	}
	e.unlock()
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	writeSCIM(w, http.StatusOK, doc)
}

func (e *Emulator) scimDeleteUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("userId")
	now := e.lock()
	u := e.st.liveUser(id)
	if u != nil {
		e.st.deactivateUser(u, now)
	}
	e.unlock()
	if u == nil {
		writeSCIMError(w, userNotFound(id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) scimListGroups(w http.ResponseWriter, r *http.Request) {
	scimList(e, w, r, []string{"displayName"}, (*state).groupsInOrder,
		func(g *scimGroup, f *listFilter) bool { return strings.EqualFold(g.DisplayName, f.value) }, e.renderGroup)
}

func (e *Emulator) scimCreateGroup(w http.ResponseWriter, r *http.Request) {
	body, se := readSCIMObject(w, r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	in, se := groupFromDoc(canonicalDoc(groupAttrs, body))
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	base := e.base(r)
	now := e.lock()
	g, se := e.st.createGroup(in, now)
	var doc map[string]any
	if se == nil {
		doc = e.renderGroup(e.st, g, base)
	}
	e.unlock()
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	w.Header().Set("Location", e.scimBase(base)+"/Groups/"+g.ID)
	writeSCIM(w, http.StatusCreated, doc)
}

func (e *Emulator) scimGetGroup(w http.ResponseWriter, r *http.Request) {
	attrs, excluded, se := projection(r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	base := e.base(r)
	e.lock()
	g := e.st.scimGroups[r.PathValue("id")]
	var doc map[string]any
	if g != nil {
		doc = project(e.renderGroup(e.st, g, base), attrs, excluded)
	}
	e.unlock()
	if g == nil {
		writeSCIMError(w, groupNotFound(r.PathValue("id")))
		return
	}
	writeSCIM(w, http.StatusOK, doc)
}

func (e *Emulator) scimReplaceGroup(w http.ResponseWriter, r *http.Request) {
	body, se := readSCIMObject(w, r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	e.updateGroup(w, r, true, func(*scimGroup) (*groupInput, *scimError) {
		return groupFromDoc(canonicalDoc(groupAttrs, body))
	})
}

func (e *Emulator) scimPatchGroup(w http.ResponseWriter, r *http.Request) {
	body, se := readSCIMObject(w, r)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	ops, se := parsePatchBody(body)
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	e.updateGroup(w, r, false, func(g *scimGroup) (*groupInput, *scimError) {
		doc := groupDoc(g, e.st.visibleMembers(g))
		if se := applyPatch(groupAttrs, doc, ops); se != nil {
			return nil, se
		}
		return groupFromDoc(doc)
	})
}

// updateGroup runs a PUT (put=true) or PATCH of a group. displayName is immutable. New members
// must be active users: PATCH answers 404 otherwise, PUT the 400 the spec documents for it. Both work
// on the visible members; deactivated members stay hidden and kept (scim_state.go).
func (e *Emulator) updateGroup(w http.ResponseWriter, r *http.Request, put bool, build func(*scimGroup) (*groupInput, *scimError)) {
	base := e.base(r)
	id := r.PathValue("id")
	now := e.lock()
	var doc map[string]any
	var se *scimError
	g := e.st.scimGroups[id]
	if g == nil {
		se = groupNotFound(id)
	} else {
		var in *groupInput
		if in, se = build(g); se == nil {
			switch {
			case in.DisplayName != g.DisplayName:
				se = scimErr(http.StatusBadRequest, "mutability", "Attribute 'displayName' is immutable.")
			default:
				if se = e.st.checkMembers(addedMembers(e.st.visibleMembers(g), in.Members)); se != nil && put {
					se = &scimError{status: http.StatusBadRequest, scimType: "invalidValue", detail: se.detail, exception: true}
				}
			}
		}
		if se == nil {
			e.st.setGroup(g, in.ExternalID, in.Members, now)
			doc = e.renderGroup(e.st, g, base)
		}
	}
	e.unlock()
	if se != nil {
		writeSCIMError(w, se)
		return
	}
	writeSCIM(w, http.StatusOK, doc)
}

func (e *Emulator) scimDeleteGroup(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	e.lock()
	g := e.st.scimGroups[id]
	if g != nil {
		e.st.deleteGroup(g)
	}
	e.unlock()
	if g == nil {
		writeSCIMError(w, groupNotFound(id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
