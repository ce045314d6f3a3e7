package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// SCIM resources travel as JSON documents whose attribute names are case-insensitive (RFC 7643
// §2.1). Bodies are first canonicalised against the attribute catalogue below, then parsed into
// the typed records of the model. PATCH works on the same canonical document, so POST, PUT and
// PATCH share one validation path.

const (
	schemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaGroup        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	schemaEnterprise   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	schemaAtlassian    = "urn:scim:schemas:extension:atlassian-external:1.0"
	schemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	schemaError        = "urn:ietf:params:scim:api:messages:2.0:Error"
	schemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

type attrKind int

const (
	kindString attrKind = iota
	kindBool
	kindComplex // single-valued object
	kindMulti   // multi-valued list of objects
)

type attrDef struct {
	name     string
	kind     attrKind
	sub      []string
	readOnly bool
}

var (
	nameSubAttrs  = []string{"formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"}
	multiSubAttrs = []string{"value", "type", "primary", "display"}
	enterpriseSub = []string{"organization", "department", "division", "costCenter", "employeeNumber"}
	memberSub     = []string{"value", "display", "type", "$ref"}

	userAttrs = []attrDef{
		{name: "userName"}, {name: "externalId"}, {name: "displayName"}, {name: "nickName"},
		{name: "title"}, {name: "preferredLanguage"}, {name: "department"}, {name: "organization"},
		{name: "timezone"},
		{name: "active", kind: kindBool},
		{name: "name", kind: kindComplex, sub: nameSubAttrs},
		{name: "emails", kind: kindMulti, sub: multiSubAttrs},
		{name: "phoneNumbers", kind: kindMulti, sub: multiSubAttrs},
		{name: schemaEnterprise, kind: kindComplex, sub: enterpriseSub},
		{name: "id", readOnly: true}, {name: "meta", readOnly: true}, {name: "groups", readOnly: true},
		{name: "schemas", readOnly: true}, {name: schemaAtlassian, readOnly: true},
	}
	groupAttrs = []attrDef{
		{name: "displayName"}, {name: "externalId"},
		{name: "members", kind: kindMulti, sub: memberSub},
		{name: "id", readOnly: true}, {name: "meta", readOnly: true}, {name: "schemas", readOnly: true},
	}
)

// scimError is an error answered in the SCIM API's shape.
type scimError struct {
	status   int
	scimType string
	detail   string
	// exception selects the serialized-exception body the spec documents for PUT /Groups 400.
	exception bool
}

func (e *scimError) Error() string { return e.detail }

func scimErr(status int, scimType, format string, args ...any) *scimError {
	return &scimError{status: status, scimType: scimType, detail: fmt.Sprintf(format, args...)}
}

func lookupAttr(defs []attrDef, name string) (attrDef, bool) {
	for _, d := range defs {
		if strings.EqualFold(d.name, name) {
			return d, true
		}
	}
	return attrDef{}, false
}

func canonicalSub(d attrDef, name string) (string, bool) {
	for _, s := range d.sub {
		if strings.EqualFold(s, name) {
			return s, true
		}
	}
	return "", false
}

// splitExtensionAttr splits "urn:…:enterprise:2.0:User:department" into the extension URN and
// "department".
func splitExtensionAttr(name string) (ext, attr string, ok bool) {
	if len(name) > len(schemaEnterprise)+1 && strings.EqualFold(name[:len(schemaEnterprise)], schemaEnterprise) && name[len(schemaEnterprise)] == ':' {
		return schemaEnterprise, name[len(schemaEnterprise)+1:], true
	}
	return "", "", false
}

// canonicalDoc copies the writable, known attributes of a request body with canonical names.
// Unknown attributes are dropped (servers ignore what they do not support); read-only ones are
// ignored as RFC 7644 §3.3 asks.
func canonicalDoc(defs []attrDef, body map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		if ext, attr, ok := splitExtensionAttr(k); ok {
			d, _ := lookupAttr(defs, ext)
			if sub, ok := canonicalSub(d, attr); ok && d.name != "" {
				m, _ := out[ext].(map[string]any)
				if m == nil {
					m = map[string]any{}
					out[ext] = m
				}
				m[sub] = v
			}
			continue
		}
		d, ok := lookupAttr(defs, k)
		if !ok || d.readOnly {
			continue
		}
		cv := canonicalValue(d, v)
		// The extension may arrive both as an object and as "urn:…:attr" keys; keep both.
		if prev, ok := out[d.name].(map[string]any); ok {
			if m, ok := cv.(map[string]any); ok {
				for pk, pv := range prev {
					if _, set := m[pk]; !set {
						m[pk] = pv
					}
				}
			}
		}
		out[d.name] = cv
	}
	return out
}

func canonicalValue(d attrDef, v any) any {
	switch d.kind {
	case kindComplex:
		if m, ok := v.(map[string]any); ok {
			cm := mergeComplex(d, nil, m)
			return cm
		}
	case kindMulti:
		if list, ok := v.([]any); ok {
			out := make([]any, 0, len(list))
			for _, item := range list {
				if m, ok := item.(map[string]any); ok {
					cm := mergeComplex(d, nil, m)
					out = append(out, cm)
				} else {
					out = append(out, item)
				}
			}
			return out
		}
	}
	return v
}

// mergeComplex copies the known sub-attributes of src over dst (nil = new object); unknown ones
// are dropped.
func mergeComplex(d attrDef, dst, src map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		if sub, ok := canonicalSub(d, k); ok {
			out[sub] = v
		}
	}
	return out
}

func docString(doc map[string]any, key string) (string, *scimError) {
	switch v := doc[key].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return "", scimErr(http.StatusBadRequest, "invalidValue", "Attribute '%s' must be a string.", key)
	}
}

// docBool reads a boolean, also in the string form some identity providers send ("False").
func docBool(doc map[string]any, key string, dflt bool) (bool, *scimError) {
	switch v := doc[key].(type) {
	case nil:
		return dflt, nil
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(v) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, scimErr(http.StatusBadRequest, "invalidValue", "Attribute '%s' must be a boolean.", key)
}

func docObject(doc map[string]any, key string) (map[string]any, *scimError) {
	switch v := doc[key].(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return v, nil
	default:
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "Attribute '%s' must be an object.", key)
	}
}

func docMulti(doc map[string]any, key string) ([]scimMulti, *scimError) {
	raw, ok := doc[key]
	if !ok || raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "Attribute '%s' must be an array.", key)
	}
	var out []scimMulti
	primaries := 0
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, scimErr(http.StatusBadRequest, "invalidValue", "Values of '%s' must be objects.", key)
		}
		var v scimMulti
		var err *scimError
		if v.Value, err = docString(m, "value"); err != nil {
			return nil, err
		}
		if v.Type, err = docString(m, "type"); err != nil {
			return nil, err
		}
		if v.Display, err = docString(m, "display"); err != nil {
			return nil, err
		}
		if v.Primary, err = docBool(m, "primary", false); err != nil {
			return nil, err
		}
		if v.Value == "" {
			return nil, scimErr(http.StatusBadRequest, "invalidValue", "Values of '%s' need a 'value'.", key)
		}
		if v.Primary {
			primaries++
		}
		out = append(out, v)
	}
	if primaries > 1 {
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "Only one of '%s' may be primary.", key)
	}
	return out, nil
}

// userFromDoc parses a canonical user document. activeDefault applies when "active" is absent.
func userFromDoc(doc map[string]any, activeDefault bool) (*scimUser, *scimError) {
	u := &scimUser{}
	var err *scimError
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"userName", &u.UserName}, {"externalId", &u.ExternalID}, {"displayName", &u.DisplayName},
		{"nickName", &u.NickName}, {"title", &u.Title}, {"preferredLanguage", &u.PreferredLanguage},
		{"department", &u.Department}, {"organization", &u.Organization}, {"timezone", &u.Timezone},
	} {
		if *f.dst, err = docString(doc, f.key); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(u.UserName) == "" {
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "Attribute 'userName' is required.")
	}
	if u.Active, err = docBool(doc, "active", activeDefault); err != nil {
		return nil, err
	}
	name, err := docObject(doc, "name")
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"formatted", &u.Name.Formatted}, {"familyName", &u.Name.FamilyName}, {"givenName", &u.Name.GivenName},
		{"middleName", &u.Name.MiddleName}, {"honorificPrefix", &u.Name.HonorificPrefix}, {"honorificSuffix", &u.Name.HonorificSuffix},
	} {
		if *f.dst, err = docString(name, f.key); err != nil {
			return nil, err
		}
	}
	ent, err := docObject(doc, schemaEnterprise)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"organization", &u.Enterprise.Organization}, {"department", &u.Enterprise.Department},
		{"division", &u.Enterprise.Division}, {"costCenter", &u.Enterprise.CostCenter},
		{"employeeNumber", &u.Enterprise.EmployeeNumber},
	} {
		if *f.dst, err = docString(ent, f.key); err != nil {
			return nil, err
		}
	}
	if u.Emails, err = docMulti(doc, "emails"); err != nil {
		return nil, err
	}
	if len(u.Emails) == 0 {
		// Atlassian creates accounts from the email address, so a user without one is rejected.
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "Attribute 'emails' is required.")
	}
	for _, m := range u.Emails {
		if !strings.Contains(m.Value, "@") {
			return nil, scimErr(http.StatusBadRequest, "invalidValue", "Email address '%s' is not valid.", m.Value)
		}
	}
	if u.PhoneNumbers, err = docMulti(doc, "phoneNumbers"); err != nil {
		return nil, err
	}
	return u, nil
}

func putString(doc map[string]any, key, v string) {
	if v != "" {
		doc[key] = v
	}
}

func multiDoc(list []scimMulti) []any {
	out := make([]any, 0, len(list))
	for _, m := range list {
		item := map[string]any{"value": m.Value, "primary": m.Primary}
		putString(item, "type", m.Type)
		putString(item, "display", m.Display)
		out = append(out, item)
	}
	return out
}

// userDoc is the canonical document of the writable attributes of a user (the base of PATCH).
func userDoc(u *scimUser) map[string]any {
	doc := map[string]any{"active": u.Active}
	putString(doc, "userName", u.UserName)
	putString(doc, "externalId", u.ExternalID)
	putString(doc, "displayName", u.DisplayName)
	putString(doc, "nickName", u.NickName)
	putString(doc, "title", u.Title)
	putString(doc, "preferredLanguage", u.PreferredLanguage)
	putString(doc, "department", u.Department)
	putString(doc, "organization", u.Organization)
	putString(doc, "timezone", u.Timezone)
	if !u.Name.empty() {
		n := map[string]any{}
		putString(n, "formatted", u.Name.Formatted)
		putString(n, "familyName", u.Name.FamilyName)
		putString(n, "givenName", u.Name.GivenName)
		putString(n, "middleName", u.Name.MiddleName)
		putString(n, "honorificPrefix", u.Name.HonorificPrefix)
		putString(n, "honorificSuffix", u.Name.HonorificSuffix)
		doc["name"] = n
	}
	if len(u.Emails) > 0 {
		doc["emails"] = multiDoc(u.Emails)
	}
	if len(u.PhoneNumbers) > 0 {
		doc["phoneNumbers"] = multiDoc(u.PhoneNumbers)
	}
	if !u.Enterprise.empty() {
		x := map[string]any{}
		putString(x, "organization", u.Enterprise.Organization)
		putString(x, "department", u.Enterprise.Department)
		putString(x, "division", u.Enterprise.Division)
		putString(x, "costCenter", u.Enterprise.CostCenter)
		putString(x, "employeeNumber", u.Enterprise.EmployeeNumber)
		doc[schemaEnterprise] = x
	}
	return doc
}

// groupInput is a parsed group document.
type groupInput struct {
	DisplayName, ExternalID string
	Members                 []string
}

func groupFromDoc(doc map[string]any) (*groupInput, *scimError) {
	g := &groupInput{}
	var err *scimError
	if g.DisplayName, err = docString(doc, "displayName"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(g.DisplayName) == "" {
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "Attribute 'displayName' is required.")
	}
	if g.ExternalID, err = docString(doc, "externalId"); err != nil {
		return nil, err
	}
	raw, ok := doc["members"]
	if !ok || raw == nil {
		return g, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "Attribute 'members' must be an array.")
	}
	seen := map[string]bool{}
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, scimErr(http.StatusBadRequest, "invalidValue", "Members must be objects.")
		}
		id, err := docString(m, "value")
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, scimErr(http.StatusBadRequest, "invalidValue", "Members need a 'value'.")
		}
		if !seen[id] {
			seen[id] = true
			g.Members = append(g.Members, id)
		}
	}
	return g, nil
}

// groupDoc is the client-writable view of a group with the given (visible) members.
func groupDoc(g *scimGroup, memberIDs []string) map[string]any {
	doc := map[string]any{"displayName": g.DisplayName}
	putString(doc, "externalId", g.ExternalID)
	members := make([]any, 0, len(memberIDs))
	for _, id := range memberIDs {
		members = append(members, map[string]any{"value": id})
	}
	doc["members"] = members
	return doc
}

// scimTime formats timestamps the way the SCIM service does (UTC, microseconds).
func scimTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00") }

func (e *Emulator) scimBase(base string) string {
	return base + "/scim/directory/" + e.creds.DirectoryID
}

// renderUser is the response representation of a user.
func (e *Emulator) renderUser(st *state, u *scimUser, base string) map[string]any {
	doc := userDoc(u)
	doc["schemas"] = []string{schemaUser, schemaEnterprise, schemaAtlassian}
	doc["id"] = u.ID
	doc[schemaAtlassian] = map[string]any{"atlassianAccountId": u.AccountID}
	loc := e.scimBase(base) + "/Users/" + u.ID
	doc["meta"] = map[string]any{
		"resourceType": "User", "location": loc,
		"created": scimTime(u.Created), "lastModified": scimTime(u.LastModified),
	}
	groups := []any{}
	for _, gid := range st.scimGroupOrder {
		g := st.scimGroups[gid]
		for _, m := range g.Members {
			if m == u.ID {
				groups = append(groups, map[string]any{
					"type": "direct", "value": g.ID, "display": g.DisplayName,
					"$ref": e.scimBase(base) + "/Groups/" + g.ID,
				})
				break
			}
		}
	}
	doc["groups"] = groups
	return doc
}

// renderGroup is the response representation of a group.
func (e *Emulator) renderGroup(st *state, g *scimGroup, base string) map[string]any {
	doc := map[string]any{
		"schemas":     []string{schemaGroup},
		"id":          g.ID,
		"displayName": g.DisplayName,
		"meta": map[string]any{
			"resourceType": "Group", "location": e.scimBase(base) + "/Groups/" + g.ID,
			"created": scimTime(g.Created), "lastModified": scimTime(g.LastModified),
		},
	}
	putString(doc, "externalId", g.ExternalID)
	members := []any{}
	for _, id := range st.visibleMembers(g) { // deactivated members are hidden (scim_state.go)
		m := map[string]any{"type": "User", "value": id, "$ref": e.scimBase(base) + "/Users/" + id}
		if u := st.scimUsers[id]; u != nil {
			m["display"] = u.UserName
		}
		members = append(members, m)
	}
	doc["members"] = members
	return doc
}
