package emulator

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// apiKind selects the credential, fault shape and error shape of a route.
type apiKind int

const (
	apiSCIM apiKind = iota + 1
	apiAdmin
	apiConfluenceV1
	apiConfluenceV2
)

const (
	scimPrefix = "/scim/directory/{directoryId}"
	v2Prefix   = "/wiki/api/v2"

	// gatewayPrefix is the api.atlassian.com form of a Confluence site URL,
	// https://api.atlassian.com/ex/confluence/{cloudId} (reference §3.1): every Confluence route is
	// also served under it, for the emulator's cloud id.
	gatewayPrefix = "/ex/confluence/{cloudId}"
)

// route is one API endpoint. Adding an endpoint is one line in routes().
type route struct {
	api     apiKind
	pattern string // Go ServeMux pattern; also the key of its request count
	handle  http.HandlerFunc
	query   string // the query parameters the handler models, space-separated; any other answers 400
}

// Query parameter lists shared by several routes.
const (
	scimProjection = "attributes excludedAttributes"
	scimListing    = "filter startIndex count " + scimProjection
	v2Paging       = "cursor limit"
	v1Paging       = "start limit"
)

func (e *Emulator) routes() []route {
	return []route{
		// SCIM user provisioning (reference §1).
		{apiSCIM, "GET " + scimPrefix + "/Users", e.scimListUsers, scimListing},
		{apiSCIM, "POST " + scimPrefix + "/Users", e.scimCreateUser, scimProjection},
		{apiSCIM, "GET " + scimPrefix + "/Users/{userId}", e.scimGetUser, scimProjection},
		{apiSCIM, "PUT " + scimPrefix + "/Users/{userId}", e.scimReplaceUser, scimProjection},
		{apiSCIM, "PATCH " + scimPrefix + "/Users/{userId}", e.scimPatchUser, scimProjection},
		{apiSCIM, "DELETE " + scimPrefix + "/Users/{userId}", e.scimDeleteUser, ""},
		{apiSCIM, "GET " + scimPrefix + "/Groups", e.scimListGroups, scimListing},
		{apiSCIM, "POST " + scimPrefix + "/Groups", e.scimCreateGroup, ""},
		{apiSCIM, "GET " + scimPrefix + "/Groups/{id}", e.scimGetGroup, scimProjection},
		{apiSCIM, "PUT " + scimPrefix + "/Groups/{id}", e.scimReplaceGroup, ""},
		{apiSCIM, "PATCH " + scimPrefix + "/Groups/{id}", e.scimPatchGroup, ""},
		{apiSCIM, "DELETE " + scimPrefix + "/Groups/{id}", e.scimDeleteGroup, ""},
		{apiSCIM, "GET " + scimPrefix + "/ServiceProviderConfig", e.scimServiceProviderConfig, ""},
		{apiSCIM, "GET " + scimPrefix + "/ResourceTypes", e.scimResourceTypes, ""},
		{apiSCIM, "GET " + scimPrefix + "/ResourceTypes/{name}", e.scimResourceType, ""},
		{apiSCIM, "GET " + scimPrefix + "/Schemas", e.scimSchemas, ""},
		{apiSCIM, "GET " + scimPrefix + "/Schemas/{id}", e.scimSchema, ""},

		// Organizations (Admin) API (reference §2).
		{apiAdmin, "GET " + adminV1Orgs, e.adminListOrgs, "cursor"},
		{apiAdmin, "GET " + adminV1Orgs + "/{orgId}", e.adminGetOrg, ""},
		{apiAdmin, "GET " + adminPrefix + "/directories", e.adminListDirectories, "cursor limit accountId directoryIds searchTerm"},
		{apiAdmin, "POST " + adminDirPrefix + "/groups", e.adminCreateGroup, ""},
		{apiAdmin, "POST " + adminDirPrefix + "/groups/search", e.adminSearchGroups, ""},
		{apiAdmin, "GET " + adminDirPrefix + "/groups/{groupId}", e.adminGetGroup, ""},
		{apiAdmin, "DELETE " + adminDirPrefix + "/groups/{groupId}", e.adminDeleteGroup, ""},
		{apiAdmin, "POST " + adminDirPrefix + "/groups/{groupId}/memberships", e.adminAddMember, ""},
		{apiAdmin, "DELETE " + adminDirPrefix + "/groups/{groupId}/memberships/{accountId}", e.adminRemoveMember, ""},
		{apiAdmin, "GET " + adminDirPrefix + "/groups/{groupId}/role-assignments", e.adminGroupRoles, "cursor limit directoryIds resourceOwners resourceIds roleIds"},
		{apiAdmin, "POST " + adminDirPrefix + "/groups/{groupId}/role-assignments/assign", e.adminAssignRole, ""},
		{apiAdmin, "POST " + adminDirPrefix + "/groups/{groupId}/role-assignments/revoke", e.adminRevokeRole, ""},
		{apiAdmin, "POST " + adminDirPrefix + "/users/search", e.adminSearchUsers, ""},
		{apiAdmin, "GET " + adminDirPrefix + "/users/{accountId}", e.adminGetUser, ""},
		{apiAdmin, "POST " + adminDirPrefix + "/users/{accountId}/suspend", e.adminSuspendUser, ""},
		{apiAdmin, "POST " + adminDirPrefix + "/users/{accountId}/restore", e.adminRestoreUser, ""},
		{apiAdmin, "GET " + adminV1Orgs + "/{orgId}/directory/users/{accountId}/last-active-dates", e.adminLastActiveDates, "cursor"},
		{apiAdmin, "POST " + adminPrefix + "/workspaces", e.adminWorkspaces, ""},

		// Confluence REST v2 (reference §3).
		{apiConfluenceV2, "GET " + v2Prefix + "/spaces", e.v2ListSpaces, "ids keys type status labels sort description-format include-icon " + v2Paging},
		{apiConfluenceV2, "GET " + v2Prefix + "/spaces/{id}", e.v2GetSpace, "description-format include-icon"},
		{apiConfluenceV2, "GET " + v2Prefix + "/space-role-mode", e.v2SpaceRoleMode, ""},

		// Confluence space access (reference §3.3-§3.7): classic permissions, groups, roles.
		{apiConfluenceV2, "GET " + v2Prefix + "/spaces/{id}/permissions", e.v2ListSpacePermissions, v2Paging},
		{apiConfluenceV2, "GET " + v2Prefix + "/space-permissions", e.v2SpacePermissionCatalogue, v2Paging},
		{apiConfluenceV1, "POST " + v1Prefix + "/space/{spaceKey}/permission", e.v1AddSpacePermission, ""},
		{apiConfluenceV1, "DELETE " + v1Prefix + "/space/{spaceKey}/permission/{id}", e.v1RemoveSpacePermission, ""},
		{apiConfluenceV1, "GET " + v1Prefix + "/user/current", e.v1CurrentUser, ""},
		{apiConfluenceV1, "GET " + v1Prefix + "/user/bulk", e.v1BulkUsers, "accountId expand"},
		{apiConfluenceV1, "POST " + v1Prefix + "/content/{id}/permission/check", e.v1CheckContentPermission, ""},
		{apiConfluenceV2, "GET " + v2Prefix + "/space-roles", e.v2ListSpaceRoles, "space-id role-type principal-id principal-type " + v2Paging},
		{apiConfluenceV2, "POST " + v2Prefix + "/space-roles", e.v2CreateSpaceRole, ""},
		{apiConfluenceV2, "GET " + v2Prefix + "/space-roles/{id}", e.v2GetSpaceRole, ""},
		{apiConfluenceV2, "PUT " + v2Prefix + "/space-roles/{id}", e.v2UpdateSpaceRole, ""},
		{apiConfluenceV2, "DELETE " + v2Prefix + "/space-roles/{id}", e.v2DeleteSpaceRole, ""},
		{apiConfluenceV2, "GET " + v2Prefix + "/spaces/{id}/role-assignments", e.v2ListRoleAssignments, "role-id role-type principal-id principal-type " + v2Paging},
		{apiConfluenceV2, "POST " + v2Prefix + "/spaces/{id}/role-assignments", e.v2SetRoleAssignments, ""},

		// Confluence v1 groups (reference §3.6), on the org groups model.
		{apiConfluenceV1, "GET " + v1Prefix + "/group", e.v1ListGroups, v1Paging},
		{apiConfluenceV1, "POST " + v1Prefix + "/group", e.v1CreateGroup, ""},
		{apiConfluenceV1, "GET " + v1Prefix + "/group/by-id", e.v1GroupByID, "id"},
		{apiConfluenceV1, "DELETE " + v1Prefix + "/group/by-id", e.v1DeleteGroupByID, "id"},
		{apiConfluenceV1, "GET " + v1Prefix + "/group/{groupId}/membersByGroupId", e.v1GroupMembers, v1Paging + " shouldReturnTotalSize"},
		{apiConfluenceV1, "POST " + v1Prefix + "/group/userByGroupId", e.v1AddGroupMember, "groupId"},
		{apiConfluenceV1, "DELETE " + v1Prefix + "/group/userByGroupId", e.v1RemoveGroupMember, "groupId accountId"},
		{apiConfluenceV1, "GET " + v1Prefix + "/user/memberof", e.v1UserMemberOf, "accountId " + v1Paging},
	}
}

// goneRoutes are v1 routes the service has removed: it answers 410 Gone (reference §3.2, §3.6: absent
// from the 2026 v1 document). UNCONFIRMED: which removed routes answer 410 rather than 404, and the
// body (the v1 error shape here).
var goneRoutes = []string{
	"GET " + v1Prefix + "/space",             // getSpaces: v2 GET /spaces replaces it
	"GET " + v1Prefix + "/space/{spaceKey}",  // getSpace: only PUT and DELETE remain in v1
	"GET " + v1Prefix + "/group/by-name",     // getGroupByName, deprecated in 2023
	"GET " + v1Prefix + "/group/{groupName}", // getGroup, deprecated in 2023
}

// unservedRoutes are operations of the documents that the emulator does not serve although a served
// (or gone) route's wildcard would take their literal path segment (the v1 document's
// POST /space/{spaceKey}/permission/custom-content against DELETE /space/{spaceKey}/permission/{id},
// say), or their path is served under another method (the v2 document's POST /spaces). They answer
// 404 ("not emulated"), never 405 nor the neighbour's answer: the real service serves them.
// TestUnservedOperations walks the documents and fails when this list misses one.
var unservedRoutes = []struct {
	api     apiKind
	pattern string
}{
	{apiConfluenceV1, "POST " + v1Prefix + "/space/{spaceKey}/permission/custom-content"},
	{apiConfluenceV1, "GET " + v1Prefix + "/group/picker"},
	{apiConfluenceV2, "POST " + v2Prefix + "/spaces"},
	{apiAdmin, "GET " + adminDirPrefix + "/groups"},
	{apiAdmin, "DELETE " + adminDirPrefix + "/users/{accountId}"},
}

// catchAll answers unknown paths under each API's prefix in that API's shape.
var catchAll = []struct {
	api    apiKind
	prefix string
}{
	{apiSCIM, "/scim/"},
	{apiAdmin, "/admin/"},
	{apiConfluenceV1, "/wiki/rest/api/"},
	{apiConfluenceV2, v2Prefix + "/"},
}

// Routes lists the API route patterns the emulator serves ("METHOD /path/{param}"), the keys
// Stats uses. Coverage checks compare it with what a test exercised.
func (e *Emulator) Routes() []string {
	var out []string
	for _, r := range e.routes() {
		out = append(out, r.pattern)
	}
	slices.Sort(out)
	return out
}

// isConfluence reports whether api is served on the site and on the gateway form of the site URL.
func isConfluence(api apiKind) bool { return api == apiConfluenceV1 || api == apiConfluenceV2 }

// onGateway returns the api.atlassian.com/ex/confluence/{cloudId} form of a site route pattern
// ("GET /wiki/..." or "/wiki/...").
func onGateway(pattern string) string {
	if method, path, ok := strings.Cut(pattern, " "); ok {
		return method + " " + gatewayPrefix + path
	}
	return gatewayPrefix + pattern
}

func (e *Emulator) buildMux() *http.ServeMux {
	mux := http.NewServeMux()
	e.served = map[string]bool{}
	// A Confluence route is registered twice, on the site form and on the gateway form, with the
	// site form's pattern as the request-count key of both: Stats and Options.Faults name a route the
	// same way whichever form of the site URL a client uses.
	handle := func(api apiKind, pattern string, h http.HandlerFunc, served bool) {
		mux.HandleFunc(pattern, e.apiMiddleware(api, pattern, h))
		e.served[pattern] = served
		if isConfluence(api) {
			mux.HandleFunc(onGateway(pattern), e.apiMiddleware(api, pattern, h))
			e.served[onGateway(pattern)] = served
		}
	}
	for _, r := range e.routes() {
		handle(r.api, r.pattern, knownQuery(r.api, r.query, r.handle), true)
	}
	for _, p := range goneRoutes {
		handle(apiConfluenceV1, p, e.goneRoute, false)
	}
	for _, u := range unservedRoutes {
		handle(u.api, u.pattern, e.notServed(u.api), false)
	}
	for _, c := range catchAll {
		handle(c.api, c.prefix, e.unknownRoute(c.api), false)
	}
	mux.HandleFunc("GET /_emulator/stats", e.controlStats)
	mux.HandleFunc("POST /_emulator/stats/reset", e.controlStatsReset)
	// Paths under no API prefix (the catch-alls above take each API's own). The gateway's own paths
	// answer in the v2 shape (as an unknown cloud id does); any other path in a plain
	// {"message": ...} (UNCONFIRMED: the hosts' answer outside every API).
	mux.HandleFunc("/ex/", func(w http.ResponseWriter, r *http.Request) {
		writeV2Error(w, http.StatusNotFound, "No resource at "+r.URL.Path+".")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, "application/json", map[string]any{"message": "Not Found"})
	})
	return mux
}

// knownQuery answers 400, in the API's error shape, a request carrying a query parameter the route
// does not model (query, space-separated), before the handler runs: an emulator that ignored a filter
// it does not know (GET /wiki/api/v2/spaces?favorited-by=…) would answer as if the filter matched
// everything, and hide the client's bug. UNCONFIRMED: what the services do with parameters they do not
// document (likely ignore them); documented ones the emulator does not model are refused on purpose.
func knownQuery(api apiKind, query string, next http.HandlerFunc) http.HandlerFunc {
	known := strings.Fields(query)
	return func(w http.ResponseWriter, r *http.Request) {
		var unknown []string
		for name := range r.URL.Query() {
			if !slices.Contains(known, name) {
				unknown = append(unknown, name)
			}
		}
		if len(unknown) == 0 {
			next(w, r)
			return
		}
		slices.Sort(unknown)
		detail := "The emulator does not model the query parameter(s) " + strings.Join(unknown, ", ") + " of this operation"
		if len(known) > 0 {
			detail += "; it models " + strings.Join(known, ", ")
		}
		detail += "."
		switch api {
		case apiSCIM:
			writeSCIMError(w, &scimError{status: http.StatusBadRequest, scimType: "invalidValue", detail: detail})
		case apiAdmin:
			writeAdminError(w, http.StatusBadRequest, codeInvalidBody, detail) // UNCONFIRMED code: the invalid-request one
		case apiConfluenceV1:
			writeV1Error(w, http.StatusBadRequest, detail)
		default:
			writeV2Error(w, http.StatusBadRequest, detail)
		}
	}
}

// goneRoute answers a removed v1 route (goneRoutes): 410 Gone in the v1 error shape, unless the path is
// a served one under another method (GET /group/userByGroupId against the gone GET /group/{groupName}).
func (e *Emulator) goneRoute(w http.ResponseWriter, r *http.Request) {
	if allowed := e.allowedMethods(r); len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeV1Error(w, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed here.")
		return
	}
	writeV1Error(w, http.StatusGone, "This API has been removed: "+r.Method+" "+r.URL.Path+" is gone. Use the REST v2 API (/wiki/api/v2) instead.")
}

// apiMiddleware counts the request, then applies latency, targeted faults (Options.Faults), rate
// limit, injected errors and authentication, in that order, before the handler runs. Faults are decided before any state
// changes.
//
// key is the route's request-count key: its site-form pattern, prefixed with the request's method
// for method-less (catch-all) patterns.
func (e *Emulator) apiMiddleware(api apiKind, pattern string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := pattern
		if !strings.Contains(key, " ") {
			key = r.Method + " " + key
		}
		e.stats.add(key)
		if !e.faults.delay(r.Context()) {
			return // the client gave up
		}
		fault, faulted := e.targeted.due(key)
		if faulted && !fault.AfterCommit {
			if fault.Hold {
				<-r.Context().Done()
			} else {
				e.writeFault(w, api, fault.Status, "emulator Options.Faults")
			}
			return
		}
		if retry, ok := e.faults.allow(); !ok {
			w.Header().Set("Retry-After", retry)
			e.writeAPIError(w, api, http.StatusTooManyRequests, "Rate limit exceeded; retry later.")
			return
		}
		if e.faults.fail() {
			w.Header().Set("Retry-After", "1")
			e.writeAPIError(w, api, http.StatusServiceUnavailable, "Service unavailable; retry later.")
			return
		}
		if !e.authenticated(api, r) {
			e.writeAPIError(w, api, http.StatusUnauthorized, unauthorizedMessage(api))
			return
		}
		if cloud := r.PathValue("cloudId"); cloud != "" && cloud != e.creds.CloudID {
			// UNCONFIRMED: what the gateway answers for a cloud id it does not know; modelled as a
			// 404 in the v2 error shape (the gateway's own), whichever API version the path names.
			writeV2Error(w, http.StatusNotFound, "No Confluence site with cloud id "+cloud+".")
			return
		}
		switch api {
		case apiSCIM:
			if dir := r.PathValue("directoryId"); dir != "" && dir != e.creds.DirectoryID {
				e.writeAPIError(w, api, http.StatusNotFound, "Directory "+dir+" does not exist.")
				return
			}
		case apiAdmin:
			if org := r.PathValue("orgId"); org != "" && org != e.creds.OrgID {
				writeAdminError(w, http.StatusNotFound, "ADMIN-404-2", "Organization not found")
				return
			}
		}
		switch {
		case faulted && fault.Hold: // AfterCommit
			e.holdAnswer(w, r, next)
		case faulted: // AfterCommit
			e.loseAnswer(w, r, api, fault.Status, "emulator Options.Faults, after the request was applied", next)
		case isWrite(key) && e.faults.lose():
			e.loseAnswer(w, r, api, http.StatusServiceUnavailable, "emulator Options.LostAnswerRate: the request was applied", next)
		default:
			next(w, r)
		}
	}
}

// literalSegments counts the path segments of a mux pattern that are not wildcards.
func literalSegments(pattern string) int {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	n := 0
	for _, seg := range strings.Split(strings.Trim(pattern, "/"), "/") {
		if seg != "" && !strings.HasPrefix(seg, "{") {
			n++
		}
	}
	return n
}

func unauthorizedMessage(api apiKind) string {
	switch api {
	case apiSCIM:
		return "Missing or invalid bearer token."
	case apiConfluenceV1:
		return "Client must be authenticated to access this resource."
	default:
		return "Unauthorized"
	}
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

func secretEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func (e *Emulator) authenticated(api apiKind, r *http.Request) bool {
	switch api {
	case apiSCIM:
		t, ok := bearerToken(r)
		return ok && secretEqual(t, e.creds.SCIMAPIKey)
	case apiAdmin:
		t, ok := bearerToken(r)
		return ok && secretEqual(t, e.creds.AdminAPIKey)
	default:
		return e.confluenceCaller(r) != ""
	}
}

// confluenceCaller returns the account id of the authenticated Confluence caller, or "". The
// caller must be an active account: a deactivated user's tokens stop working, and so do a suspended
// one's while the suspension lasts (UNCONFIRMED: the answer, 401 here, to a suspended account's token).
func (e *Emulator) confluenceCaller(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	ok := false
	switch strings.ToLower(scheme) {
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return ""
		}
		email, token, found := strings.Cut(string(raw), ":")
		ok = found && strings.EqualFold(email, e.creds.Email) && secretEqual(token, e.creds.APIToken)
	case "bearer":
		ok = secretEqual(cred, e.creds.APIToken)
	}
	if !ok {
		return ""
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if a := e.st.accounts[e.creds.AdminAccountID]; a == nil || !a.hasProductAccess() {
		return ""
	}
	return e.creds.AdminAccountID
}

// unknownRoute answers paths no route serves: 405 when the same path is served under another
// method (allowedMethods), else 404 in the API's error shape.
func (e *Emulator) unknownRoute(api apiKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if allowed := e.allowedMethods(r); len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			e.writeAPIError(w, api, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed here.")
			return
		}
		e.notServed(api)(w, r)
	}
}

// notServed answers 404 in the API's error shape.
func (e *Emulator) notServed(api apiKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.writeAPIError(w, api, http.StatusNotFound, "No resource at "+r.URL.Path+".")
	}
}

// allowedMethods lists the other methods under which the request's path is served. "The same path"
// is the most literal pattern any method matches: a served neighbour whose wildcard merely swallows
// a literal segment (DELETE .../permission/{id} against .../permission/custom-content) does not
// count when a more literal pattern (unservedRoutes, goneRoutes) takes the path.
func (e *Emulator) allowedMethods(r *http.Request) []string {
	type match struct {
		method, pattern string
	}
	var matches []match
	best := literalSegments(r.Pattern)
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, p := e.mux.Handler(probe); p != "" {
			matches = append(matches, match{m, p})
			best = max(best, literalSegments(p))
		}
	}
	var allowed []string
	for _, x := range matches {
		if e.served[x.pattern] && literalSegments(x.pattern) == best {
			allowed = append(allowed, x.method)
		}
	}
	return allowed
}

const (
	contentTypeSCIM = "application/scim+json; charset=utf-8"
	contentTypeJSON = "application/json;charset=UTF-8"
)

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // keep "&" readable in relative links
	_ = enc.Encode(v)
}

// writeAPIError answers an error in the body shape of the given API.
func (e *Emulator) writeAPIError(w http.ResponseWriter, api apiKind, status int, detail string) {
	switch api {
	case apiSCIM:
		if status == http.StatusUnauthorized || status == http.StatusForbidden {
			writeJSON(w, status, contentTypeSCIM, map[string]any{"error": detail, "traceId": newTraceID()})
			return
		}
		writeSCIMError(w, &scimError{status: status, detail: detail})
	case apiAdmin:
		writeAdminError(w, status, "", detail)
	case apiConfluenceV1:
		writeV1Error(w, status, detail)
	default:
		if status == http.StatusUnauthorized {
			detail = "" // the v2 gateway sends "detail": null here
		}
		writeV2Error(w, status, detail)
	}
}

func writeSCIMError(w http.ResponseWriter, se *scimError) {
	if se.exception {
		// The shape the spec documents for PUT /Groups 400: a serialized Java exception.
		writeJSON(w, se.status, contentTypeSCIM, map[string]any{
			"message": se.detail, "localizedMessage": se.detail,
			"responseStatus": strings.ToUpper(strings.ReplaceAll(http.StatusText(se.status), " ", "_")),
			"scimErrorType":  se.scimType, "stackTrace": []any{}, "suppressed": []any{},
		})
		return
	}
	body := map[string]any{
		"schemas": []string{schemaError},
		"status":  itoa(se.status), // a string in SCIM errors
		"detail":  se.detail,
	}
	if se.scimType != "" {
		body["scimType"] = se.scimType
	}
	writeJSON(w, se.status, contentTypeSCIM, body)
}

// writeAdminError answers in the Organizations API shape: gateway errors (401, 405, 429, 503) are
// proxy errors with a numeric code; application errors carry an ADMIN-nnn-n code.
func writeAdminError(w http.ResponseWriter, status int, code, detail string) {
	switch status {
	case http.StatusUnauthorized, http.StatusMethodNotAllowed, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		msg := http.StatusText(status)
		if status != http.StatusUnauthorized {
			msg = detail
		}
		writeJSON(w, status, "application/json", map[string]any{"code": status, "message": msg})
		return
	}
	if code == "" {
		code = "ADMIN-" + itoa(status) + "-1"
	}
	writeJSON(w, status, "application/json", map[string]any{"errors": []any{map[string]any{
		"id": newTraceID(), "status": itoa(status), "code": code, "title": http.StatusText(status), "detail": detail,
	}}})
}

func writeV1Error(w http.ResponseWriter, status int, detail string) {
	body := map[string]any{"statusCode": status, "message": detail}
	if status != http.StatusUnauthorized {
		body["data"] = map[string]any{
			"authorized": status != http.StatusForbidden, "valid": false, "successful": false,
			"errors": []any{map[string]any{"message": map[string]any{"translation": detail, "args": []any{}}}},
		}
	}
	writeJSON(w, status, contentTypeJSON, body)
}

// writeV2Error answers in the v2 shape; detail "" is sent as null, as the service does.
func writeV2Error(w http.ResponseWriter, status int, detail string) {
	var d any
	if detail != "" {
		d = detail
	}
	code := strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	switch status {
	case http.StatusBadRequest:
		code = "INVALID_REQUEST_PARAMETER"
	case http.StatusUnauthorized:
		code = "UNAUTHORIZED"
	}
	writeJSON(w, status, contentTypeJSON, map[string]any{"errors": []any{map[string]any{
		"status": status, "code": code, "title": http.StatusText(status), "detail": d,
	}}})
}

func itoa(n int) string { return strconv.Itoa(n) }

func (e *Emulator) controlStats(w http.ResponseWriter, _ *http.Request) {
	counts := e.stats.snapshot()
	total := 0
	for _, n := range counts {
		total += n
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"requests": counts, "total": total})
}

func (e *Emulator) controlStatsReset(w http.ResponseWriter, _ *http.Request) {
	e.stats.reset()
	w.WriteHeader(http.StatusNoContent)
}
