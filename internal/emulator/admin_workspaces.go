package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Workspaces (reference §2.6): the site's apps, whose ids are the resource ARIs role assignments name.

type workspace struct {
	id, name, typ, hostURL, status string
}

// attr reads a workspace field by the name a query or sort uses; false for names the emulator does not know.
func (w workspace) attr(name string) (string, bool) {
	switch name {
	case "id":
		return w.id, true
	case "attributes.name":
		return w.name, true
	case "attributes.type", "attributes.typeKey":
		return w.typ, true
	case "attributes.hostUrl":
		return w.hostURL, true
	case "attributes.status":
		return w.status, true
	}
	return "", false
}

// workspaces are the site's apps, hosted at the emulator's base URL (the provider's site_url).
func (st *state) workspaces(base string) []workspace {
	out := make([]workspace, 0, len(siteApps))
	for _, app := range siteApps {
		out = append(out, workspace{id: appARI(app.key, st.site.CloudID), name: st.site.Name, typ: app.key, hostURL: base, status: "online"})
	}
	return out
}

// workspaceQuery is one QueryVariants node; a node with no operator matches everything.
type workspaceQuery struct {
	And   *[]workspaceQuery `json:"and,omitempty"`
	Nor   *[]workspaceQuery `json:"nor,omitempty"`
	Field *struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	} `json:"field,omitempty"`
	SearchWorkspaces *string  `json:"searchWorkspaces,omitempty"`
	Features         []string `json:"features,omitempty"`
	Policies         []string `json:"policies,omitempty"`
}

func (q *workspaceQuery) problem() string {
	if q.Field != nil {
		if _, ok := (workspace{}).attr(q.Field.Name); !ok {
			return fmt.Sprintf("Unknown workspace field %q.", q.Field.Name)
		}
	}
	for _, list := range []*[]workspaceQuery{q.And, q.Nor} {
		if list == nil {
			continue
		}
		for i := range *list {
			if p := (*list)[i].problem(); p != "" {
				return p
			}
		}
	}
	return ""
}

func (q *workspaceQuery) matches(w workspace) bool {
	if q.And != nil {
		for i := range *q.And {
			if !(*q.And)[i].matches(w) {
				return false
			}
		}
	}
	if q.Nor != nil {
		for i := range *q.Nor {
			if (*q.Nor)[i].matches(w) {
				return false
			}
		}
	}
	if q.Field != nil && len(q.Field.Values) > 0 {
		v, _ := w.attr(q.Field.Name)
		if !slices.ContainsFunc(q.Field.Values, func(x string) bool { return strings.EqualFold(x, v) }) {
			return false
		}
	}
	if q.SearchWorkspaces != nil {
		s := strings.ToLower(*q.SearchWorkspaces)
		if !strings.Contains(strings.ToLower(w.name), s) && !strings.Contains(strings.ToLower(w.hostURL), s) {
			return false
		}
	}
	// No emulated workspace has features or policies.
	return len(q.Features) == 0 && len(q.Policies) == 0
}

type workspaceSort struct {
	Field string `json:"field"`
	Order string `json:"order"`
}

type workspaceSearch struct {
	Query json.RawMessage `json:"query,omitempty"`
	Sort  []workspaceSort `json:"sort,omitempty"`
}

func (e *Emulator) adminWorkspaces(w http.ResponseWriter, r *http.Request) {
	var in struct {
		workspaceSearch
		Limit  *int    `json:"limit,omitempty"`
		Cursor *string `json:"cursor,omitempty"`
	}
	if p := readAdminBody(r, &in, false); p != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidResource, p)
		return
	}
	if in.Cursor != nil && *in.Cursor != "" && (in.Limit != nil || len(in.Query) > 0 || in.Sort != nil) {
		writeAdminError(w, http.StatusBadRequest, codeInvalidResource, "When a cursor is given, no other property may be present.")
		return
	}
	var query workspaceQuery
	c, size, ok := listingFromBody(e, w, in.Cursor, in.Limit, adminDefaultLimit, workspacesMaxLimit, func() (workspaceSearch, string) {
		return in.workspaceSearch, ""
	})
	if !ok {
		return
	}
	if raw := bytes.TrimSpace(c.Query.Query); len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		p := "query is not a valid workspace query."
		if json.Unmarshal(raw, &query) == nil {
			p = query.problem()
		}
		if p != "" {
			writeAdminError(w, http.StatusBadRequest, codeInvalidResource, p)
			return
		}
	}
	for _, s := range c.Query.Sort {
		if _, known := (workspace{}).attr(s.Field); !known || (s.Order != "" && s.Order != "asc" && s.Order != "desc") {
			writeAdminError(w, http.StatusBadRequest, codeInvalidResource, "sort entries are {\"field\": a workspace field, \"order\": \"asc\"|\"desc\"}.")
			return
		}
	}
	base := e.base(r)
	e.do(w, apiAdmin, func(st *state, _ time.Time) reply {
		var matched []workspace
		for _, ws := range st.workspaces(base) {
			if query.matches(ws) {
				matched = append(matched, ws)
			}
		}
		for i := len(c.Query.Sort) - 1; i >= 0; i-- { // the first sort field is the primary key
			s := c.Query.Sort[i]
			slices.SortStableFunc(matched, func(a, b workspace) int {
				x, _ := a.attr(s.Field)
				y, _ := b.attr(s.Field)
				if s.Order == "desc" {
					return strings.Compare(y, x)
				}
				return strings.Compare(x, y)
			})
		}
		from := min(c.Offset, len(matched))
		items, links := pageOf(matched, c, size)
		data := make([]any, 0, len(items))
		for _, ws := range items {
			data = append(data, map[string]any{
				"id":   ws.id,
				"type": "workspaces",
				"attributes": map[string]any{
					"name": ws.name, "type": ws.typ, "typeKey": ws.typ, "hostUrl": ws.hostURL, "status": ws.status,
				},
				"links": map[string]any{"self": ws.hostURL},
			})
		}
		return replyOK(http.StatusOK, map[string]any{
			"data":  data,
			"links": links,
			"meta":  map[string]any{"pageSize": size, "startIndex": from, "endIndex": from + len(items), "total": len(matched)},
		})
	})
}
