package emulator

import (
	"net/http"
	"strings"
)

// SCIM discovery endpoints (RFC 7643 §5-§7). Their bodies are not specified by Atlassian; they are
// built here from the RFC and from what the service actually supports.

const (
	schemaServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	schemaResourceType          = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	schemaSchema                = "urn:ietf:params:scim:schemas:core:2.0:Schema"
)

func (e *Emulator) scimServiceProviderConfig(w http.ResponseWriter, r *http.Request) {
	writeSCIM(w, http.StatusOK, map[string]any{
		"schemas":          []string{schemaServiceProviderConfig},
		"documentationUri": "https://developer.atlassian.com/cloud/admin/user-provisioning/rest/intro/",
		"patch":            map[string]any{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": scimMaxCount},
		"changePassword":   map[string]any{"supported": false},
		"sort":             map[string]any{"supported": false},
		"etag":             map[string]any{"supported": false},
		"authenticationSchemes": []any{map[string]any{
			"type":        "oauthbearertoken",
			"name":        "OAuth Bearer Token",
			"description": "Authentication with the directory's API key as a bearer token",
			"specUri":     "https://www.rfc-editor.org/info/rfc6750",
			"primary":     true,
		}},
		"meta": map[string]any{
			"resourceType": "ServiceProviderConfig",
			"location":     e.scimBase(e.base(r)) + "/ServiceProviderConfig",
		},
	})
}

func (e *Emulator) resourceTypes(base string) []map[string]any {
	return []map[string]any{
		{
			"schemas": []string{schemaResourceType}, "id": "User", "name": "User", "endpoint": "/Users",
			"description": "User account", "schema": schemaUser,
			"schemaExtensions": []any{
				map[string]any{"schema": schemaEnterprise, "required": false},
				map[string]any{"schema": schemaAtlassian, "required": false},
			},
			"meta": map[string]any{"resourceType": "ResourceType", "location": e.scimBase(base) + "/ResourceTypes/User"},
		},
		{
			"schemas": []string{schemaResourceType}, "id": "Group", "name": "Group", "endpoint": "/Groups",
			"description": "Group", "schema": schemaGroup,
			"meta": map[string]any{"resourceType": "ResourceType", "location": e.scimBase(base) + "/ResourceTypes/Group"},
		},
	}
}

func discoveryList(items []map[string]any) map[string]any {
	res := make([]any, 0, len(items))
	for _, it := range items {
		res = append(res, it)
	}
	return listResponse(len(items), page{start: 1}, res)
}

func (e *Emulator) scimResourceTypes(w http.ResponseWriter, r *http.Request) {
	writeSCIM(w, http.StatusOK, discoveryList(e.resourceTypes(e.base(r))))
}

func (e *Emulator) scimResourceType(w http.ResponseWriter, r *http.Request) {
	for _, rt := range e.resourceTypes(e.base(r)) {
		if rt["id"] == r.PathValue("name") {
			writeSCIM(w, http.StatusOK, rt)
			return
		}
	}
	writeSCIMError(w, scimErr(http.StatusNotFound, "", "Resource type %s does not exist.", r.PathValue("name")))
}

// schemaAttr describes one attribute in RFC 7643 §7 form.
func schemaAttr(name, typ string, multi bool, mutability, uniqueness string, caseExact bool, sub ...map[string]any) map[string]any {
	a := map[string]any{
		"name": name, "type": typ, "multiValued": multi, "required": name == "userName" || name == "displayName",
		"caseExact": caseExact, "mutability": mutability, "returned": "default", "uniqueness": uniqueness,
		"description": name,
	}
	if len(sub) > 0 {
		list := make([]any, 0, len(sub))
		for _, s := range sub {
			list = append(list, s)
		}
		a["subAttributes"] = list
	}
	return a
}

func stringSubs(names ...string) []map[string]any {
	out := make([]map[string]any, 0, len(names))
	for _, n := range names {
		if n == "primary" {
			out = append(out, schemaAttr(n, "boolean", false, "readWrite", "none", false))
			continue
		}
		out = append(out, schemaAttr(n, "string", false, "readWrite", "none", false))
	}
	return out
}

func (e *Emulator) schemas(base string) []map[string]any {
	str := func(name string) map[string]any { return schemaAttr(name, "string", false, "readWrite", "none", false) }
	userAttrList := []any{
		schemaAttr("id", "string", false, "readOnly", "server", true),
		schemaAttr("userName", "string", false, "readWrite", "server", false),
		schemaAttr("externalId", "string", false, "readWrite", "none", true),
		schemaAttr("name", "complex", false, "readWrite", "none", false, stringSubs(nameSubAttrs...)...),
		str("displayName"), str("nickName"), str("title"), str("preferredLanguage"), str("department"),
		str("organization"), str("timezone"),
		schemaAttr("active", "boolean", false, "readWrite", "none", false),
		schemaAttr("emails", "complex", true, "readWrite", "none", false, stringSubs(multiSubAttrs...)...),
		schemaAttr("phoneNumbers", "complex", true, "readWrite", "none", false, stringSubs(multiSubAttrs...)...),
		schemaAttr("groups", "complex", true, "readOnly", "none", false, stringSubs("value", "display", "type", "$ref")...),
	}
	groupAttrList := []any{
		schemaAttr("id", "string", false, "readOnly", "server", true),
		schemaAttr("displayName", "string", false, "immutable", "server", false),
		schemaAttr("externalId", "string", false, "readWrite", "none", true),
		schemaAttr("members", "complex", true, "readWrite", "none", false, stringSubs("value", "display", "type", "$ref")...),
	}
	entAttrList := []any{}
	for _, n := range enterpriseSub {
		entAttrList = append(entAttrList, str(n))
	}
	mk := func(id, name, desc string, attrs []any) map[string]any {
		return map[string]any{
			"schemas": []string{schemaSchema}, "id": id, "name": name, "description": desc, "attributes": attrs,
			"meta": map[string]any{"resourceType": "Schema", "location": e.scimBase(base) + "/Schemas/" + id},
		}
	}
	return []map[string]any{
		mk(schemaUser, "User", "User account", userAttrList),
		mk(schemaGroup, "Group", "Group", groupAttrList),
		mk(schemaEnterprise, "EnterpriseUser", "Enterprise user extension", entAttrList),
	}
}

func (e *Emulator) scimSchemas(w http.ResponseWriter, r *http.Request) {
	writeSCIM(w, http.StatusOK, discoveryList(e.schemas(e.base(r))))
}

func (e *Emulator) scimSchema(w http.ResponseWriter, r *http.Request) {
	for _, s := range e.schemas(e.base(r)) {
		if id, _ := s["id"].(string); strings.EqualFold(id, r.PathValue("id")) {
			writeSCIM(w, http.StatusOK, s)
			return
		}
	}
	writeSCIMError(w, scimErr(http.StatusNotFound, "", "Schema %s does not exist.", r.PathValue("id")))
}
