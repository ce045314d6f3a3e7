package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Directories (reference §2.3) are read-only. An organization with an identity provider has its local
// directory, where groups made through the API live, and the identity provider's, whose id is the SCIM
// directory id and where SCIM users and groups appear. Options.ExtraDirectories adds further local ones.

// directories lists the organization's directories: the local one, the identity provider's, then extras.
func (st *state) directories() []directory {
	return append([]directory{st.defaultDir, st.scimDir}, st.extraDirs...)
}

func (st *state) hasDirectory(id string) bool {
	return slices.ContainsFunc(st.directories(), func(d directory) bool { return d.ID == id })
}

func directoryNotFound(id string) reply {
	return adminFail(http.StatusNotFound, codeUnknownResource, "Directory %s was not found in this organization.", id)
}

// readScope checks the {directoryId} of a read or search: one of the org's directories, or "-" for all of
// them (documented on reads and searches only). It returns a zero reply when the scope is valid.
func (st *state) readScope(dir string) reply {
	if dir != allDirectories && !st.hasDirectory(dir) {
		return directoryNotFound(dir)
	}
	return reply{}
}

// writeScope checks the {directoryId} of a write: every write takes a real directory id ("A directory has a
// unique ID. Use the Get directories endpoint to find the directory ID"). The answer to "-" on a write is
// UNCONFIRMED (reference §2.3); 400 with the invalid-request-body code is the documented 400 of these routes.
func (st *state) writeScope(dir string) reply {
	if dir == allDirectories {
		return adminFail(http.StatusBadRequest, codeInvalidBody,
			"The directory id %q is only accepted when reading. Writes take a real directory id: use the Get directories endpoint to find it.", dir)
	}
	return st.readScope(dir)
}

type directoryQuery struct {
	AccountID    string   `json:"a,omitempty"`
	DirectoryIDs []string `json:"d,omitempty"`
	SearchTerm   string   `json:"s,omitempty"`
}

func (e *Emulator) adminListDirectories(w http.ResponseWriter, r *http.Request) {
	c, size, ok := listingFromQuery(e, w, r, func(q url.Values) (directoryQuery, string) {
		dq := directoryQuery{AccountID: q.Get("accountId"), DirectoryIDs: csvParam(q, "directoryIds"), SearchTerm: q.Get("searchTerm")}
		return dq, checkList("directoryIds", dq.DirectoryIDs, maxIDValues)
	})
	if !ok {
		return
	}
	e.do(w, apiAdmin, func(st *state, _ time.Time) reply {
		var matched []directory
		for _, d := range st.directories() {
			q := c.Query
			if (q.DirectoryIDs != nil && !slices.Contains(q.DirectoryIDs, d.ID)) ||
				(q.SearchTerm != "" && !strings.Contains(strings.ToLower(d.Name), strings.ToLower(q.SearchTerm))) {
				continue
			}
			if q.AccountID != "" {
				if a := st.accounts[q.AccountID]; a == nil || a.DirectoryID != d.ID {
					continue
				}
			}
			matched = append(matched, d)
		}
		items, links := pageOf(matched, c, size)
		data := make([]any, 0, len(items))
		for _, d := range items {
			data = append(data, map[string]any{"directoryId": d.ID, "name": d.Name})
		}
		return replyOK(http.StatusOK, map[string]any{"data": data, "links": links})
	})
}
