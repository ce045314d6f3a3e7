package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// What every Organizations (Admin) API v2 handler shares (reference §2): path prefixes, limits, error codes,
// body decoding, list filters, and the cursor listings. The routes live in admin_directories.go,
// admin_groups.go, admin_roles.go, admin_users.go and admin_workspaces.go. List cursors are opaque and
// carry the whole query, because "if present, all other parameters are discarded".

const (
	adminPrefix    = "/admin/v2/orgs/{orgId}"
	adminDirPrefix = adminPrefix + "/directories/{directoryId}"

	// allDirectories in the {directoryId} path segment widens a call to every directory of the org.
	allDirectories = "-"

	adminDefaultLimit      = 20
	adminMaxLimit          = 100
	userSearchDefaultLimit = 50 // MultiDirectoryUserSearchRequest.limit: "Defaults to 50"
	workspacesMaxLimit     = 1000
	maxExactValues         = 100 // groupNames, emails
	maxIDValues            = 10  // groupIds, accountIds, directoryIds, roleIds, resourceOwners, emailDomains
	maxResourceIDValues    = 20
	maxAdminBody           = 1 << 20
)

// Application error codes (ApplicationError.code in the org spec, reference §2.10); the role APIs use
// ADMIN-UAM-* codes.
const (
	codeInvalidCursor      = "ADMIN-400-1"
	codeInvalidResource    = "ADMIN-400-4" // the one code the spec lists for a bad workspaces query
	codeInvalidBody        = "ADMIN-400-24"
	codeGroupNotManageable = "ADMIN-403-5"
	codeDefaultRoleGroup   = "ADMIN-403-6"
	codeAdminGroup         = "ADMIN-403-7"
	codeUnknownResource    = "ADMIN-404-1"
	codeUserNotFound       = "ADMIN-404-8"
	codeGroupNotFound      = "ADMIN-404-10"
	codeConflict           = "ADMIN-409-28"
	codeUAMBadRequest      = "ADMIN-UAM-400-1"
	codeUAMInvalidRole     = "ADMIN-UAM-400-3"
	codeUAMUnknownResource = "ADMIN-UAM-404-1"
	codeUAMGroupNotFound   = "ADMIN-UAM-404-3"
)

func adminTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// readAdminBody decodes a JSON request body into v and returns what is wrong with it, or "". An empty body
// is accepted unless required.
func readAdminBody(r *http.Request, v any, required bool) string {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody))
	if err != nil {
		return "The request body could not be read."
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		if required {
			return "The request body is required."
		}
		return ""
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fmt.Sprintf("Invalid request body: %s must be %s.", te.Field, jsonKind(te.Type))
		}
		return "Invalid request body: expected a JSON object of the documented shape."
	}
	return ""
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Slice:
		return "an array"
	default:
		return "an object"
	}
}

// checkList enforces a list filter's documented size: absent, or 1 to maxItems values.
func checkList(name string, v []string, maxItems int) string {
	switch {
	case v == nil:
		return ""
	case len(v) == 0:
		return name + " must not be empty when present."
	case len(v) > maxItems:
		return fmt.Sprintf("%s accepts at most %d values.", name, maxItems)
	}
	return ""
}

// checkEnum reports the first value of a list that is not allowed.
func checkEnum(name string, v []string, allowed ...string) string {
	for _, x := range v {
		if !slices.Contains(allowed, x) {
			return fmt.Sprintf("%s value %q is not one of %s.", name, x, strings.Join(allowed, ", "))
		}
	}
	return ""
}

func firstProblem(problems ...string) string {
	for _, p := range problems {
		if p != "" {
			return p
		}
	}
	return ""
}

// sortField is one sortBy entry of the search bodies.
type sortField struct {
	Field     string `json:"field"`
	Direction string `json:"direction"`
}

func checkSort(v []sortField, field string) string {
	if len(v) > 1 {
		return "sortBy accepts one sort field."
	}
	for _, s := range v {
		if s.Field != field || (s.Direction != "asc" && s.Direction != "desc") {
			return fmt.Sprintf("sortBy must be {\"field\":%q,\"direction\":\"asc\"|\"desc\"}.", field)
		}
	}
	return ""
}

func descending(v []sortField) bool { return len(v) == 1 && v[0].Direction == "desc" }

// adminCursor is the state of a listing carried in its opaque cursor: the query, the limit and the offset.
type adminCursor[Q any] struct {
	Query  Q   `json:"q"`
	Limit  int `json:"l"`
	Offset int `json:"n"`
}

// pageLimit applies a request's limit (default def, 1 to maxLimit) and Options.PageSize. It returns the
// limit cursors carry and the number of items to serve.
func (e *Emulator) pageLimit(limit *int, def, maxLimit int) (keep, size int, problem string) {
	keep = def
	if limit != nil {
		if *limit < 1 || *limit > maxLimit {
			return 0, 0, fmt.Sprintf("limit must be between 1 and %d.", maxLimit)
		}
		keep = *limit
	}
	size = keep
	if e.opts.PageSize > 0 {
		size = min(size, e.opts.PageSize)
	}
	return keep, size, ""
}

// resumeListing decodes a cursor a listing handed out; it writes the 400 and returns false when it is not one.
func resumeListing[Q any](e *Emulator, w http.ResponseWriter, s string, maxLimit int) (c adminCursor[Q], size int, ok bool) {
	if !decodeCursor(s, &c) || c.Offset < 0 || c.Limit < 1 || c.Limit > maxLimit {
		writeAdminError(w, http.StatusBadRequest, codeInvalidCursor, "Invalid page cursor.")
		return c, 0, false
	}
	_, size, _ = e.pageLimit(&c.Limit, c.Limit, maxLimit)
	return c, size, true
}

// listingFromQuery starts (or, with ?cursor=, resumes) a listing whose parameters are in the query string.
func listingFromQuery[Q any](e *Emulator, w http.ResponseWriter, r *http.Request, fresh func(url.Values) (Q, string)) (c adminCursor[Q], size int, ok bool) {
	qv := r.URL.Query()
	if s := qv.Get("cursor"); s != "" {
		return resumeListing[Q](e, w, s, adminMaxLimit)
	}
	var limit *int
	if s := qv.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			writeAdminError(w, http.StatusBadRequest, codeInvalidBody, "limit must be an integer.")
			return c, 0, false
		}
		limit = &n
	}
	keep, size, problem := e.pageLimit(limit, adminDefaultLimit, adminMaxLimit)
	if problem == "" {
		c.Query, problem = fresh(qv)
	}
	if problem != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, problem)
		return c, 0, false
	}
	c.Limit = keep
	return c, size, true
}

// listingFromBody starts (or, with a cursor, resumes) a listing whose parameters are in the request body.
func listingFromBody[Q any](e *Emulator, w http.ResponseWriter, cursor *string, limit *int, def, maxLimit int, fresh func() (Q, string)) (c adminCursor[Q], size int, ok bool) {
	if cursor != nil && *cursor != "" {
		return resumeListing[Q](e, w, *cursor, maxLimit)
	}
	keep, size, problem := e.pageLimit(limit, def, maxLimit)
	if problem == "" {
		c.Query, problem = fresh()
	}
	if problem != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, problem)
		return c, 0, false
	}
	c.Limit = keep
	return c, size, true
}

// pageOf cuts one page out of items and returns it (never nil) with the page's links.
func pageOf[T, Q any](items []T, c adminCursor[Q], size int) ([]T, map[string]any) {
	from := min(c.Offset, len(items))
	to := min(from+size, len(items))
	out := make([]T, 0, to-from)
	out = append(out, items[from:to]...)
	links := map[string]any{"self": encodeCursor(c)}
	if to < len(items) {
		next := c
		next.Offset = to
		links["next"] = encodeCursor(next)
	}
	return out, links
}

// searchControls are the sort and page fields of every search body.
type searchControls struct {
	SortBy []sortField `json:"sortBy,omitempty"`
	Limit  *int        `json:"limit,omitempty"`
	Cursor *string     `json:"cursor,omitempty"`
}

func (c *searchControls) sortFields() []sortField { return c.SortBy }

// takePaging removes the page controls, so the query a cursor stores holds the filters and the sort alone.
func (c *searchControls) takePaging() (cursor *string, limit *int) {
	cursor, limit = c.Cursor, c.Limit
	c.Cursor, c.Limit = nil, nil
	return cursor, limit
}

// searchQuery is the body of a POST …/search route (groups, users): filters, an optional one-field sort,
// and the page controls the listing strips before it stores the query in its cursor.
type searchQuery interface {
	problem() string
	sortFields() []sortField
	takePaging() (cursor *string, limit *int)
}

// adminSearch is the skeleton both Admin search routes share: decode the body, start or resume the listing,
// check the directory scope, keep the items that match, sort them by the named field, render one page.
func adminSearch[Q any, PQ interface {
	*Q
	searchQuery
}, T any](e *Emulator, w http.ResponseWriter, r *http.Request, defLimit int,
	candidates func(st *state, now time.Time) []T,
	match func(st *state, item T, dir string, q *Q, now time.Time) bool,
	sortKey func(T) string,
	render func(st *state, item T, dir string, q *Q, now time.Time) any,
) {
	var q Q
	if p := readAdminBody(r, &q, false); p != "" {
		writeAdminError(w, http.StatusBadRequest, codeInvalidBody, p)
		return
	}
	cursor, limit := PQ(&q).takePaging()
	c, size, ok := listingFromBody(e, w, cursor, limit, defLimit, adminMaxLimit, func() (Q, string) {
		return q, PQ(&q).problem()
	})
	if !ok {
		return
	}
	dir := r.PathValue("directoryId")
	e.do(w, apiAdmin, func(st *state, now time.Time) reply {
		if scope := st.readScope(dir); scope.failed() {
			return scope
		}
		var matched []T
		for _, item := range candidates(st, now) {
			if match(st, item, dir, &c.Query, now) {
				matched = append(matched, item)
			}
		}
		if sortBy := PQ(&c.Query).sortFields(); len(sortBy) == 1 {
			desc := descending(sortBy)
			slices.SortStableFunc(matched, func(a, b T) int {
				n := strings.Compare(strings.ToLower(sortKey(a)), strings.ToLower(sortKey(b)))
				if desc {
					return -n
				}
				return n
			})
		}
		items, links := pageOf(matched, c, size)
		data := make([]any, 0, len(items))
		for _, item := range items {
			data = append(data, render(st, item, dir, &c.Query, now))
		}
		return replyOK(http.StatusOK, map[string]any{"data": data, "links": links})
	})
}
